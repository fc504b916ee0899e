/**
 * The in-process decider: turns a decision task (an execution's whole history, ending with DecisionTaskStarted)
 * into decisions with core's `Replayer`, keeping one replayer per run so each task only folds the new events.
 * A failed task drops the run's replayer; the next task rebuilds it from the full history.
 */

import type { HistoryEvent } from "@yieldflow/core";
import { type DecideResult, Replayer, type Serializer, type WorkflowDefinition } from "@yieldflow/core";

/** A decision task as a decider receives it (the parts of PollForDecisionTask's response a decider uses). */
export interface DecisionTask {
  workflowExecution: { workflowId: string; runId: string };
  workflowType: { name: string; version: string };
  events: readonly HistoryEvent[];
}

/** Decides decision tasks in process, with a replayer cached per run. */
export class LocalDecider {
  private readonly cache = new Map<string, { replayer: Replayer; seen: number }>();

  constructor(
    // biome-ignore lint/suspicious/noExplicitAny: workflows of any input and output types
    private readonly lookup: (type: { name: string; version: string }) => WorkflowDefinition<any, any> | undefined,
    private readonly serializer: Serializer,
  ) {}

  /** Decides `task`. Throws what core throws (`NondeterminismError`, `WorkflowTaskError`, `HistoryError`, …). */
  decide(task: DecisionTask): DecideResult {
    const { workflowId, runId } = task.workflowExecution;
    let cached = this.cache.get(runId);
    if (!cached || cached.seen > task.events.length) {
      const workflow = this.lookup(task.workflowType);
      if (!workflow) {
        throw new Error(
          `no workflow ${task.workflowType.name}@${task.workflowType.version} is registered with this runner`,
        );
      }
      cached = { replayer: new Replayer(workflow, { workflowId, runId, serializer: this.serializer }), seen: 0 };
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

  /** Drops the cached replayer of a run (it closed). */
  forget(runId: string): void {
    this.cache.delete(runId);
  }
}
