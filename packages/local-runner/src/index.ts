/**
 * @yieldflow/local-runner: an in-process engine with SWF's semantics (virtual or real clock, real SWF histories),
 * and the `yieldflow` CLI (`yieldflow run | replay | history`).
 */
export type { ActivityTask, ActivityTaskService } from "./engine/activity-runner.js";
export { type Clock, RealClock, VirtualClock } from "./engine/clock.js";
export type { DecisionTask } from "./engine/decider.js";
export { LocalRunner, type LocalRunnerOptions, type StartOptions } from "./engine/engine.js";
export {
  type FailedCloseStatus,
  UnknownResourceError,
  WorkflowAlreadyStartedError,
  WorkflowExecutionError,
} from "./engine/errors.js";
export type { ExecutionRef, RunnerEvent, RunnerListener } from "./engine/events.js";
export type { CloseStatus, ExecutionStatus } from "./engine/execution.js";
export { ExecutionHandle } from "./engine/handle.js";
export {
  type PolledDecisionTask,
  type QueuedActivity,
  type RunStart,
  type ServiceHooks,
  WorkflowService,
} from "./engine/service.js";
