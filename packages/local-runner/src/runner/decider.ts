/**
 * The in-process decider: turns a decision task (an execution's whole history, ending with DecisionTaskStarted)
 * into decisions with core's `Replayer`, keeping one replayer per run so each task only folds the new events.
 * A failed task drops the run's replayer; the next task rebuilds it from the full history.
 */

import {
  type DecideResult,
  type HistoryEvent,
  type Payloads,
  Replayer,
  type WorkflowDefinition,
} from "@yieldflow/core";
import type { PolledDecisionTask } from "./service-state.js";

/** Decides decision tasks in process, with a replayer cached per run. */
export class LocalDecider {
  private readonly cache = new Map<string, { replayer: Replayer; seen: number }>();

  constructor(
    // biome-ignore lint/suspicious/noExplicitAny: workflows of any input and output types
    private readonly lookup: (type: { name: string; version: string }) => WorkflowDefinition<any, any> | undefined,
    private readonly payloads: Payloads,
    /** Run workflow code under core's determinism guard (a workflow can also opt out on its own). */
    private readonly determinismGuard = true,
  ) {}

  /** Decides `task` (the parts of a polled decision task a decider uses). Throws what core throws (`NondeterminismError`, `WorkflowTaskError`, `HistoryError`, …). */
  decide(task: Pick<PolledDecisionTask, "workflowExecution" | "workflowType" | "events">): DecideResult {
    const { workflowId, runId } = task.workflowExecution;
    let cached = this.cache.get(runId);
    if (!cached || cached.seen > task.events.length) {
      const workflow = this.lookup(task.workflowType);
      if (!workflow) {
        throw new Error(
          `no workflow ${task.workflowType.name}@${task.workflowType.version} is registered with this runner`,
        );
      }
      cached = {
        replayer: new Replayer(workflow, {
          workflowId,
          runId,
          payloads: this.payloads,
          determinismGuard: this.determinismGuard,
        }),
        seen: 0,
      };
      this.cache.set(runId, cached);
    }
    try {
      const result = cached.replayer.advance(task.events.slice(cached.seen));
      cached.seen = task.events.length;
      return result;
    } catch (err) {
      this.cache.delete(runId);
      throw err;
    }
  }

  /**
   * The events that deciding `task` will read: the new ones when the run's replayer is cached, else all of them.
   * The driver fetches the out-of-band payloads they refer to before deciding.
   */
  eventsToRead(task: Pick<PolledDecisionTask, "workflowExecution" | "events">): readonly HistoryEvent[] {
    const cached = this.cache.get(task.workflowExecution.runId);
    return cached && cached.seen <= task.events.length ? task.events.slice(cached.seen) : task.events;
  }

  /** Drops the cached replayer of a run (it closed). */
  forget(runId: string): void {
    this.cache.delete(runId);
  }
}
