/**
 * `HistoryBuilder`: write SWF histories by hand in tests. It is core's `HistoryRecorder` (SWF's recording rules,
 * `@yieldflow/core/service`) with a clock moved by durations and a one-call decision task, so a hand-written
 * history is exactly what SWF would have recorded.
 *
 * @example
 * const b = new HistoryBuilder({ workflowType: { name: "order", version: "1" } });
 * b.decisionTask();
 * b.completeDecisionTask(decisions);
 * b.advance(5_000).activityCompleted("a1", JSON.stringify(42));
 */
import { InvalidArgumentError } from "../errors.js";
import { HistoryRecorder } from "../service/history-recorder.js";

export {
  DEFAULT_START_TIME,
  type HistoryStart,
  type OpenActivity,
  type OpenChild,
  type OpenExternal,
  type OpenTimer,
  type RecordOptions,
} from "../service/types.js";

/** Builds an SWF history event by event, the way SWF records it. */
export class HistoryBuilder extends HistoryRecorder {
  /** Moves the clock forward by `ms`. */
  advance(ms: number): this {
    if (ms < 0) throw new InvalidArgumentError(`advance(${ms}): time only moves forward`);
    this.time += ms;
    return this;
  }

  /** Schedules (if needed) and starts a decision task; returns the DecisionTaskStarted event id. */
  decisionTask(): number {
    this.scheduleDecisionTask();
    return this.startDecisionTask();
  }
}
