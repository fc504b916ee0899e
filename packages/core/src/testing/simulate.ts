/**
 * A small, synchronous test driver: runs a workflow against scripted outcomes, appending SWF events the way SWF
 * would (with {@link HistoryBuilder}) and deciding every decision task with the real interpreter. It is what the
 * property tests drive; the local runner is the full driver (real activity functions, clocks, timeouts).
 */
import { encodeRemoteError } from "../errors.js";
import type { Decision, HistoryEvent } from "../history/events.js";
import { defaultSerializer, type Serializer } from "../payload/serializer.js";
import type { WorkflowStatus } from "../replay/engine.js";
import { type DecideOptions, decide, Replayer } from "../replay/replayer.js";
import type { WorkflowDefinition } from "../workflow.js";
import { HistoryBuilder, type RecordOptions } from "./history-builder.js";

/** One thing that happens between decision tasks. */
export type Happening =
  | { kind: "activityCompleted"; activityId: string; result?: unknown }
  | { kind: "activityFailed"; activityId: string; error?: unknown }
  | {
      kind: "activityTimedOut";
      activityId: string;
      timeoutType: "START_TO_CLOSE" | "SCHEDULE_TO_START" | "SCHEDULE_TO_CLOSE" | "HEARTBEAT";
    }
  | { kind: "timerFired"; timerId: string }
  | { kind: "signal"; name: string; input?: unknown }
  | { kind: "cancelRequested" }
  | {
      kind: "childClosed";
      workflowId: string;
      status: "COMPLETED" | "FAILED" | "TIMED_OUT" | "TERMINATED" | "CANCELED";
      result?: unknown;
    }
  | { kind: "externalDelivered"; initiatedEventId: number; failed?: boolean }
  | { kind: "decisionTaskTimedOut" }
  | { kind: "advance"; ms: number };

/** One decision task as it was decided live. */
export interface DecidedTask {
  startedEventId: number;
  /** The number of events in the history when it was decided (the prefix that produced `decisions`). */
  historyLength: number;
  decisions: Decision[];
}

/** What a simulation produced. */
export interface Simulation {
  events: HistoryEvent[];
  tasks: DecidedTask[];
  status: WorkflowStatus;
  /** Why the simulation stopped: the execution closed, nothing could happen any more, or the task budget ran out. */
  ended: "closed" | "stuck" | "budget";
  builder: HistoryBuilder;
}

export interface SimulateOptions extends DecideOptions {
  input?: unknown;
  /**
   * Chooses what happens next, given the builder (open activities, timers, children, externals). Return an empty
   * array when nothing can happen. Default: {@link inOrder}.
   */
  next?: (b: HistoryBuilder, step: number) => Happening[];
  /** Stop after this many decision tasks. Default 2,000. */
  maxDecisionTasks?: number;
  /** Decide with a fresh full replay each time (default) or with one incremental `Replayer`. */
  replay?: "full" | "incremental";
  record?: RecordOptions;
}

/** The default policy: complete the oldest open activity, else deliver externals, close children, fire the next timer. */
export function inOrder(b: HistoryBuilder): Happening[] {
  const act = b.activities.values().next().value;
  if (act) return [{ kind: "activityCompleted", activityId: act.activityId, result: null }];
  const ext = b.externals.values().next().value;
  if (ext) return [{ kind: "externalDelivered", initiatedEventId: ext.initiatedEventId }];
  const child = b.children.values().next().value;
  if (child) return [{ kind: "childClosed", workflowId: child.workflowId, status: "COMPLETED", result: null }];
  const timer = nextTimer(b);
  if (timer) return [{ kind: "timerFired", timerId: timer }];
  return [];
}

/** The open timer that fires first (ties: the one started first). */
export function nextTimer(b: HistoryBuilder): string | undefined {
  let best: { timerId: string; fireAt: number; startedEventId: number } | undefined;
  for (const t of b.timers.values()) {
    if (!best || t.fireAt < best.fireAt || (t.fireAt === best.fireAt && t.startedEventId < best.startedEventId))
      best = t;
  }
  return best?.timerId;
}

/** Applies one happening to the builder; payloads go through `ser` (default JSON), as a worker's would. */
export function applyHappening(b: HistoryBuilder, h: Happening, ser: Serializer = defaultSerializer): void {
  switch (h.kind) {
    case "activityCompleted":
      b.activityCompleted(h.activityId, ser.serialize(h.result));
      return;
    case "activityFailed": {
      const { reason, details } = encodeRemoteError(h.error ?? new Error("activity failed"));
      b.activityFailed(h.activityId, reason, details);
      return;
    }
    case "activityTimedOut":
      b.activityTimedOut(h.activityId, h.timeoutType);
      return;
    case "timerFired":
      b.timerFired(h.timerId);
      return;
    case "signal":
      b.signal(h.name, ser.serialize(h.input));
      return;
    case "cancelRequested":
      b.cancelRequested();
      return;
    case "childClosed":
      b.childClosed(
        h.workflowId,
        h.status,
        h.status === "COMPLETED"
          ? { result: ser.serialize(h.result) }
          : h.status === "FAILED"
            ? encodeRemoteError(new Error("child failed"))
            : {},
      );
      return;
    case "externalDelivered":
      b.externalDelivered(h.initiatedEventId, "run", h.failed ? "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION" : undefined);
      return;
    case "decisionTaskTimedOut":
      return; // handled by the loop
    case "advance":
      b.advance(h.ms);
      return;
  }
}

/** Runs `workflow` to the end (or until stuck) under the outcomes `options.next` chooses. Synchronous. */
export function simulate<I>(workflow: WorkflowDefinition<I, unknown>, options: SimulateOptions = {}): Simulation {
  const b = new HistoryBuilder({
    workflowType: { name: workflow.name, version: workflow.version },
    ...(options.input !== undefined && { input: (options.serializer ?? defaultSerializer).serialize(options.input) }),
  });
  b.scheduleDecisionTask();
  const next = options.next ?? inOrder;
  const max = options.maxDecisionTasks ?? 2000;
  const replayer = options.replay === "incremental" ? new Replayer(workflow, options) : undefined;
  let seen = 0;
  const tasks: DecidedTask[] = [];
  let status: WorkflowStatus = { status: "running" };
  let timeOutNext = false;
  for (let step = 0; ; step++) {
    if (b.closedBy) return { events: b.events, tasks, status, ended: "closed", builder: b };
    if (tasks.length >= max) return { events: b.events, tasks, status, ended: "budget", builder: b };
    if (b.decisionTaskScheduled) {
      const startedEventId = b.startDecisionTask();
      if (timeOutNext) {
        timeOutNext = false;
        b.timeOutDecisionTask();
        continue;
      }
      const result = replayer ? replayer.advance(b.events.slice(seen)) : decide(workflow, b.events, options);
      seen = b.events.length;
      tasks.push({ startedEventId, historyLength: b.events.length, decisions: result.decisions });
      status = result.status;
      b.completeDecisionTask(result.decisions, options.record);
      continue;
    }
    const happenings = next(b, step);
    if (happenings.length === 0) return { events: b.events, tasks, status, ended: "stuck", builder: b };
    for (const h of happenings) {
      if (h.kind === "decisionTaskTimedOut") timeOutNext = true;
      else applyHappening(b, h, options.serializer);
    }
  }
}
