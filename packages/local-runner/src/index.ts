/**
 * @yieldflow/local-runner: an in-process runner with SWF's semantics (virtual or real clock, real SWF histories),
 * and the `yieldflow` CLI (`yieldflow run | replay | history`).
 */

export type { CloseStatus } from "@yieldflow/core";
// the history timeline (model and HTML page) of `yieldflow history`, for anything else that shows histories
export { escapeHtml, type RenderHtmlOptions, renderHtml, type TimelineLog } from "./cli/html.js";
export { buildTimeline, type Instant, type Span, type Timeline } from "./cli/timeline.js";
export type { ActivityTask, ActivityTaskService } from "./runner/activity-runner.js";
export { type Clock, RealClock, VirtualClock } from "./runner/clock.js";
export {
  type FailedCloseStatus,
  UnknownResourceError,
  WorkflowAlreadyStartedError,
  WorkflowExecutionError,
} from "./runner/errors.js";
export type { ExecutionRef, RunnerEvent, RunnerListener } from "./runner/events.js";
export type { ExecutionStatus } from "./runner/execution.js";
export { ExecutionHandle } from "./runner/handle.js";
export { LocalRunner } from "./runner/local-runner.js";
export type { LocalRunnerOptions, StartOptions } from "./runner/local-runner-options.js";
export {
  type PolledDecisionTask,
  type QueuedActivity,
  type RunStart,
  type ServiceHooks,
  WorkflowService,
} from "./runner/service.js";
