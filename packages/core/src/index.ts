/**
 * @yieldflow/core: durable workflows for AWS SWF as TypeScript generators. The only barrel of the package.
 *
 * - definitions: `defineWorkflow`, `defineActivity`, `implement`
 * - effects (use with `yield*`): `activity`, `sleep`, `sideEffect`, `childWorkflow`, `signal`, `signalExternal`,
 *   `requestCancelExternal`, `all`, `map`, `race`, `any`, `start`, `cancel`, `retry`, `now`, `random`, `uuid`,
 *   `workflowInfo`, `log`, `continueAsNew`, `patched`, `deprecatePatch`
 * - the interpreter: `decide` (pure), `Replayer` (incremental)
 * - errors (`…Error`: engine faults) and failures (`…Failure`: outcomes thrown into workflow code)
 */

export {
  type ActivityLogger,
  type ActivityLogLevel,
  type ActivityLogLine,
  activityAttempt,
  activityLogger,
  formatActivityLogLine,
} from "./activity-context.js";
export {
  type ExecutionDescription,
  type FailedCloseStatus,
  type RunSelector,
  type WorkflowClient,
  WorkflowExecutionError,
  type WorkflowHandle,
  type WorkflowStartOptions,
} from "./client/client.js";
export { SWF_LIMITS } from "./decisions/limits.js";
export {
  type ActivityTypeDefaults,
  activityTypeDefaults,
  missingActivityDefault,
  missingChildDefault,
  type WorkflowTypeDefaults,
  workflowTypeDefaults,
} from "./decisions/type-defaults.js";
export { checkSwfId, swfIdProblem, validateDecision } from "./decisions/validate.js";
export { describeError, describeValue, errorMessage } from "./describe.js";
export { type Duration, type DurationString, type Timeout, toSeconds } from "./duration.js";
export { type ActivityCallOptions, activity } from "./effects/activity.js";
export { type ChildWorkflowOptions, childWorkflow } from "./effects/child.js";
export { all, any, type ConcurrencyOptions, map, race } from "./effects/combinators.js";
export { type ContinueAsNewOptions, continueAsNew } from "./effects/continue-as-new.js";
export type { Branch, BranchResult, Effect, EffectRequest } from "./effects/effect.js";
export { cancel, type Handle, start } from "./effects/handle.js";
export { now, random, uuid, type WorkflowInfo, workflowInfo } from "./effects/info.js";
export { type LogLevel, log } from "./effects/log.js";
export { deprecatePatch, patched } from "./effects/patch.js";
export { backoffSeconds, isRetryable, type RetryPolicy, retry } from "./effects/retry.js";
export { sideEffect } from "./effects/side-effect.js";
export { requestCancelExternal, signal, signalExternal } from "./effects/signal.js";
export { sleep } from "./effects/timer.js";
export {
  ActivityFailure,
  AllFailedFailure,
  ApplicationFailure,
  CancelledFailure,
  type ChildCloseStatus,
  ChildWorkflowFailure,
  DeterminismGuardError,
  type Divergence,
  decodeRemoteError,
  encodeRemoteError,
  Failure,
  HistoryError,
  type HistoryErrorCode,
  InvalidArgumentError,
  InvalidDecisionError,
  InvalidYieldError,
  NondeterminismError,
  type RemoteError,
  ScheduleFailure,
  TimeoutFailure,
  type TimeoutType,
  WorkflowTaskError,
  YieldflowError,
} from "./errors.js";
export {
  type ActivityCloseAttributes,
  type ActivityCloseEventType,
  activityCloseAttributes,
} from "./history/activity-close.js";
export { type CloseStatus, closeStatusOf } from "./history/close-status.js";
export {
  type Decision,
  decisionAttributes,
  decisionAttributesKey,
  type Event,
  eventAttributesKey,
  type HistoryEvent,
  makeDecision,
  type Timestamp,
  timestampToMillis,
} from "./history/events.js";
export {
  type DecisionTask,
  emptyHistoryState,
  foldHistory,
  foldHistoryInPlace,
  type HistoryState,
  type Input,
  newHistoryState,
  type Recorded,
  type Ref,
  type RefIndex,
  type RefKind,
  refAt,
  startedTask,
} from "./history/fold.js";
export type * from "./history/swf-types.js";
export { DecisionTypeValues, EventTypeValues } from "./history/swf-types.js";
export { compact } from "./objects.js";
export { type ActivityTaskInput, activityTaskInput, withActivityAttempt } from "./payload/attempt.js";
export type { PayloadCodec } from "./payload/codec.js";
export {
  ENVELOPE_VERSION,
  isEnvelope,
  type PayloadReference,
  payloadReferences,
  type ReferenceSite,
} from "./payload/envelope.js";
export { type PayloadErrorCode, PayloadReadError, PayloadTooLargeError } from "./payload/payload-errors.js";
export {
  type EncodedPayload,
  PAYLOAD_LIMITS,
  type PayloadOptions,
  Payloads,
  type PayloadUpload,
} from "./payload/pipeline.js";
export { defaultSerializer, jsonSerializer, PayloadError, type Serializer } from "./payload/serializer.js";
export { sha256Hex } from "./payload/sha256.js";
export { MemoryPayloadStore, type PayloadStore } from "./payload/store.js";
export type { LogEntry, WorkflowStatus } from "./replay/engine.js";
export { childWorkflowId } from "./replay/ids.js";
export { describeSignature, matchDecisions, type Signature, signatureOf } from "./replay/match.js";
export { type DecideOptions, type DecideResult, decide, Replayer } from "./replay/replayer.js";
export {
  type ActivityContext,
  type ActivityDefinition,
  type ActivityImplementation,
  type ActivityOptions,
  type ActivityTimeouts,
  type AnyActivity,
  type AnyActivityDefinition,
  type AnyWorkflow,
  defineActivity,
  defineWorkflow,
  type InputOf,
  implement,
  type OutputOf,
  type WorkflowBody,
  type WorkflowDefinition,
  type WorkflowOptions,
} from "./workflow.js";
