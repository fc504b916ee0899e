/**
 * @yieldflow/core/testing: the users' testing kit (and the project's own).
 * - `HistoryBuilder`: write SWF histories by hand, the way SWF records them
 * - `simulate`: run a workflow against scripted outcomes with the real interpreter
 * - `replay` / `checkReplay`: regression tests against recorded histories, and the replay properties
 */
export {
  DEFAULT_START_TIME,
  HistoryBuilder,
  type HistoryStart,
  type OpenActivity,
  type OpenChild,
  type OpenExternal,
  type OpenTimer,
  type RecordOptions,
} from "./history-builder.js";
export { checkReplay, findDuplicateIds, ReplayCheckError, replay } from "./replay-check.js";
export {
  applyHappening,
  type DecidedTask,
  type Happening,
  inOrder,
  nextTimer,
  type SimulateOptions,
  type Simulation,
  simulate,
} from "./simulate.js";
