/**
 * @yieldflow/swf-adapter: the workflows and activities you run locally, run on AWS SWF (or `yieldflow dev-server`).
 *
 * - `DeciderWorker`: long-polls decision tasks, replays with core's `Replayer` (cached per run), answers decisions
 * - `ActivityWorker`: long-polls activity tasks, runs implementations with bounded concurrency and heartbeats
 * - `SwfClient`: start, signal, cancel, terminate, describe, list, history, result (a `WorkflowClient`)
 * - `registerTypes`: idempotent registration of the domain and types with their definitions' defaults
 * - `createSwfClient`: the SDK client from the standard AWS chain plus `endpoint` / `AWS_ENDPOINT_URL_SWF`
 */
export {
  type ExecutionSummary,
  type ListOptions,
  SwfClient,
  type SwfClientOptions,
  SwfWorkflowHandle,
} from "./client/client.js";
export {
  type DefaultsDifference,
  type RegistrationOptions,
  type RegistrationReport,
  registerTypes,
} from "./client/register.js";
export { createSwfClient, isLoopbackEndpoint, type SwfConnectionOptions } from "./config.js";
export { MalformedTaskError, SwfAdapterError } from "./errors.js";
export { consoleLogger, type Logger, type LogLevelName, silentLogger } from "./logger.js";
export { type MetricsSnapshot, WorkerMetrics } from "./metrics.js";
export { fromSdkHistory, toSdkDecisions } from "./sdk-types.js";
export { ActivityWorker, type ActivityWorkerOptions } from "./worker/activity-worker.js";
export {
  type BackoffOptions,
  backoffDelay,
  classifyError,
  type ErrorKind,
  type RetryOptions,
  withRetries,
} from "./worker/backoff.js";
export { DeciderWorker, type DeciderWorkerOptions } from "./worker/decider.js";
export { type CollectedHistory, collectAll, collectNewestFirst, type HistoryPage } from "./worker/history-pages.js";
export { type PayloadEdge, payloadEdge } from "./worker/payload-edge.js";
export { type CachedRun, ReplayerCache } from "./worker/replayer-cache.js";
export { runUntilSignal, type Worker } from "./worker/worker.js";
