/**
 * @yieldflow/core/service: SWF's service side, the rules by which SWF records a history. `HistoryRecorder` turns a
 * decision task's response into events (or refuses decisions with SWF's causes) and keeps the open-task
 * bookkeeping. Drivers that play SWF (the local runner, the dev server) build on it; the testing kit's
 * `HistoryBuilder` is the hand-writing API over it.
 */
export {
  effectiveActivity,
  effectiveChild,
  effectiveContinueAsNew,
  effectiveStart,
  type StartDefaults,
} from "./effective-defaults.js";
export { HistoryRecorder } from "./history-recorder.js";
export { type DecisionContext, recordDecision } from "./record-decision.js";
export { type RefusalCause, recordRefusal } from "./refusal.js";
export {
  DEFAULT_START_TIME,
  type HistoryStart,
  type OpenActivity,
  type OpenChild,
  type OpenExternal,
  type OpenTimer,
  type RecordOptions,
} from "./types.js";
