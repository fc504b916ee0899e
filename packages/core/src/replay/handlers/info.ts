/**
 * The `info` effect's handler: what workflow code may know deterministically (workflow time, seeded random
 * numbers and uuids, the workflow's info) and `log`, which emits only when not replaying.
 */
import type { InfoDescriptor } from "../../effects/effect.js";
import type { WorkflowInfo } from "../../effects/info.js";
import type { LogLevel } from "../../effects/log.js";
import type { Engine, LogEntry } from "../engine.js";
import type { Op } from "../ops.js";

export function info(e: Engine, effect: InfoDescriptor): Op {
  return e.immediate("info", "ok", infoValue(e, effect));
}

function infoValue(e: Engine, { what, args }: InfoDescriptor): unknown {
  switch (what) {
    case "now":
      return new Date(e.time);
    case "random":
      return e.rng.next();
    case "uuid":
      return e.rng.uuid();
    case "workflowInfo": {
      const s = e.history().started;
      const info: WorkflowInfo = {
        workflowId: e.ctx.workflowId,
        runId: e.ctx.runId,
        workflowType: { name: e.workflow.name, version: e.workflow.version },
        taskList: s?.taskList ?? "",
        historyLength: e.historyLength,
        isReplaying: e.replaying,
        continuedExecutionRunId: s?.continuedExecutionRunId,
        parent: s?.parent,
      };
      return info;
    }
    case "log": {
      if (!e.replaying) {
        const [level, message, data] = args as [LogLevel, string, unknown];
        (e.logs as LogEntry[]).push({ level, message, data, time: e.time });
      }
      return undefined;
    }
  }
}
