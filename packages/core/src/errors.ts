/**
 * Every error yieldflow throws, split by who is at fault (as in Temporal's SDK):
 *
 * - `…Error` classes are faults of the engine's input or of the workflow code: bad arguments, a malformed history,
 *   a non-deterministic replay, a workflow that threw a plain `Error`. `decide` throws them; a driver does not
 *   complete the decision task, so SWF retries it once the code is fixed. They never fail the workflow.
 * - `…Failure` classes are outcomes of the outside world (an activity failed, a timer was cancelled, a child timed
 *   out) thrown *into* workflow code, which catches them with ordinary try/catch. An uncaught `Failure` fails the
 *   workflow execution.
 *
 * Each class has a stable `code` (prefix `YF_`) to assert on instead of message text.
 */
import { describeError, describeValue, errorMessage } from "./describe.js";

/** Base class of engine errors. `code` is stable; the message says what happened, where, and what to do. */
export class YieldflowError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A bad argument to a yieldflow API (a malformed duration, an invalid id, a missing definition). */
export class InvalidArgumentError extends YieldflowError {
  constructor(message: string) {
    super("YF_INVALID_ARGUMENT", message);
  }
}

/** Workflow code yielded something that is not an effect request, usually `yield x` where `yield* x` was meant. */
export class InvalidYieldError extends YieldflowError {
  constructor(message: string) {
    super("YF_INVALID_YIELD", message);
  }
}

/** Codes of {@link HistoryError}. */
export type HistoryErrorCode =
  | "YF_HISTORY_NOT_AN_ARRAY"
  | "YF_HISTORY_EMPTY"
  | "YF_HISTORY_BAD_EVENT"
  | "YF_HISTORY_UNKNOWN_EVENT_TYPE"
  | "YF_HISTORY_MISSING_ATTRIBUTES"
  | "YF_HISTORY_BAD_FIELD"
  | "YF_HISTORY_BAD_TIMESTAMP"
  | "YF_HISTORY_OUT_OF_ORDER"
  | "YF_HISTORY_NOT_STARTED"
  | "YF_HISTORY_UNKNOWN_REFERENCE"
  | "YF_HISTORY_WRONG_WORKFLOW_TYPE"
  | "YF_HISTORY_UNSUPPORTED_EVENT"
  | "YF_HISTORY_BAD_DECISION_TASK";

/** The history handed to the interpreter is not a valid SWF history (or not one for this workflow). */
export class HistoryError extends YieldflowError {
  declare readonly code: HistoryErrorCode;
  /** The offending event's id, when one is to blame. */
  readonly eventId: number | undefined;
  constructor(code: HistoryErrorCode, message: string, eventId?: number) {
    super(code, eventId === undefined ? message : `event ${eventId}: ${message}`);
    this.eventId = eventId;
  }
}

/** Where a replay diverged: the workflow, the run, the event, what history recorded and what the code did now. */
export interface Divergence {
  workflowType: string;
  runId: string;
  /** The first event that does not match (or the DecisionTaskCompleted whose decisions are missing). */
  eventId: number;
  /** What the history recorded at that point, in words (`"ActivityTaskScheduled chargeCard@1 id activity-3"`). */
  recorded: string;
  /** What the code produced at that point, in words. */
  produced: string;
}

/**
 * Replaying the history with the current code produced different decisions than the ones recorded: the code
 * changed in a way that is not replay-safe, or it depends on something non-deterministic (wall clock,
 * `Math.random`, I/O). The message names the event and both sides, and suggests the fix.
 */
export class NondeterminismError extends YieldflowError implements Divergence {
  readonly workflowType: string;
  readonly runId: string;
  readonly eventId: number;
  readonly recorded: string;
  readonly produced: string;
  constructor(d: Divergence) {
    super(
      "YF_NONDETERMINISM",
      `Non-deterministic replay of workflow ${d.workflowType} (run ${d.runId || "?"}) at event ${d.eventId}:\n` +
        `  history recorded: ${d.recorded}\n` +
        `  code produced now: ${d.produced}\n` +
        "The workflow code no longer makes the decisions it made when this history was recorded. If you changed the " +
        "code, guard the change with `patched(...)` so running executions keep the old path; if you did not, look " +
        "for wall-clock time, Math.random, I/O or iteration over unordered data in workflow code and use now(), " +
        "random(), uuid() or sideEffect() instead.",
    );
    this.workflowType = d.workflowType;
    this.runId = d.runId;
    this.eventId = d.eventId;
    this.recorded = d.recorded;
    this.produced = d.produced;
  }
}

/**
 * The workflow code threw an error that is not a `Failure` (a TypeError, a plain Error, an exception from a
 * sideEffect function). That is a bug in the code, not an outcome: the workflow is not failed and the decision task
 * is not completed (on SWF it times out and is offered again), so the execution resumes once a fixed version is
 * deployed. To fail the
 * workflow on purpose, throw an `ApplicationFailure`.
 */
export class WorkflowTaskError extends YieldflowError {
  readonly workflowType: string;
  readonly runId: string;
  /** The DecisionTaskStarted event of the task during which the code threw. */
  readonly eventId: number;
  constructor(workflowType: string, runId: string, eventId: number, cause: unknown) {
    const what = describeError(cause);
    super(
      "YF_WORKFLOW_TASK",
      `Workflow ${workflowType} (run ${runId || "?"}) threw during the decision task started at event ${eventId}: ${what}\n` +
        "This is treated as a bug in the workflow code, not an outcome: the workflow is not failed and this decision " +
        "task is not completed (on SWF it times out and is offered again). Fix and deploy the code, or throw " +
        "ApplicationFailure to fail the workflow deliberately.",
      { cause },
    );
    this.workflowType = workflowType;
    this.runId = runId;
    this.eventId = eventId;
  }
}

/** A decision would break one of SWF's rules (a required field, an id's characters or length, a size limit). */
export class InvalidDecisionError extends YieldflowError {
  readonly decisionType: string;
  readonly field: string;
  constructor(
    code: "YF_INVALID_DECISION" | "YF_PAYLOAD_TOO_LARGE",
    decisionType: string,
    field: string,
    message: string,
  ) {
    super(code, `${decisionType}.${field}: ${message}`);
    this.decisionType = decisionType;
    this.field = field;
  }
}

// ─── Failures: outcomes thrown into workflow code ───────────────────────────────────────────────────────────

/** Base class of every outcome thrown into workflow code. An uncaught `Failure` fails the workflow. */
export class Failure extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A failure raised on purpose by workflow or activity code. Throw it from a workflow to fail the execution with
 * this `type` as the SWF reason and `details` in the failure details.
 *
 * @example
 * throw new ApplicationFailure("OutOfStock", `item ${sku} is out of stock`, { sku });
 */
export class ApplicationFailure extends Failure {
  /** A short, stable name for the kind of failure (it becomes the SWF `reason`). */
  readonly type: string;
  readonly details: unknown;
  /** When true, retry policies never retry this failure. */
  readonly nonRetryable: boolean;
  constructor(type: string, message: string, details?: unknown, options?: { nonRetryable?: boolean; cause?: unknown }) {
    super("YF_APPLICATION", message, options);
    this.type = type;
    this.details = details;
    this.nonRetryable = options?.nonRetryable ?? false;
  }
}

/** What an activity failure carries: SWF's `reason`, and the details decoded (the error's name, message, data). */
export interface RemoteError {
  /** The error's name (SWF `reason`), e.g. `"CardDeclined"` or `"TypeError"`. */
  name: string;
  message: string;
  stack?: string;
  /** Extra data the thrower attached (`ApplicationFailure.details`), if any. */
  details?: unknown;
  /** True when the thrower said retrying cannot help (`ApplicationFailure` with `nonRetryable`). */
  nonRetryable?: boolean;
}

/** An activity ran and failed (its implementation threw). */
export class ActivityFailure extends Failure {
  readonly activityId: string;
  readonly activityType: { name: string; version: string };
  /** The SWF failure reason: the remote error's name. */
  readonly reason: string;
  /** The remote error as recorded. */
  readonly error: RemoteError;
  constructor(activityId: string, activityType: { name: string; version: string }, error: RemoteError) {
    super(
      "YF_ACTIVITY_FAILED",
      `activity ${activityType.name}@${activityType.version} (${activityId}) failed: ${error.name}: ${error.message}`,
    );
    this.activityId = activityId;
    this.activityType = activityType;
    this.reason = error.name;
    this.error = error;
  }
}

/** Which clock ran out: SWF's activity and workflow timeout types, plus `SIGNAL` for a signal wait's timeout. */
export type TimeoutType = "SCHEDULE_TO_START" | "SCHEDULE_TO_CLOSE" | "START_TO_CLOSE" | "HEARTBEAT" | "SIGNAL";

/** Something timed out: an activity (with SWF's timeout type) or a signal wait. */
export class TimeoutFailure extends Failure {
  readonly timeoutType: TimeoutType;
  /** What timed out: an activity or a signal wait, and its id. (A child that timed out is a `ChildWorkflowFailure` with status `TIMED_OUT`.) */
  readonly subject: { kind: "activity" | "signal"; id: string };
  /** The last heartbeat details of a timed-out activity, if any. */
  readonly lastHeartbeat: string | undefined;
  constructor(
    subject: { kind: "activity" | "signal"; id: string },
    timeoutType: TimeoutType,
    message: string,
    lastHeartbeat?: string,
  ) {
    super("YF_TIMEOUT", message);
    this.subject = subject;
    this.timeoutType = timeoutType;
    this.lastHeartbeat = lastHeartbeat;
  }
}

/** SWF refused a decision (ScheduleActivityTaskFailed, StartTimerFailed, StartChildWorkflowExecutionFailed, …). */
export class ScheduleFailure extends Failure {
  /** SWF's cause, e.g. `ACTIVITY_TYPE_DOES_NOT_EXIST` or `OPEN_TIMERS_LIMIT_EXCEEDED`. */
  override readonly cause: string;
  /** The SWF event that recorded the refusal, e.g. `ScheduleActivityTaskFailed`. */
  readonly eventType: string;
  readonly id: string;
  constructor(eventType: string, id: string, cause: string, type?: { kind: string; name: string; version: string }) {
    const what = type ? `${type.kind} ${type.name}@${type.version} (${id})` : id;
    super(
      "YF_SCHEDULE_FAILED",
      `${eventType} for ${what}: SWF refused the decision with cause ${cause}${causeHint(cause, type)}`,
    );
    this.cause = cause;
    this.eventType = eventType;
    this.id = id;
  }
}

/** What an SWF refusal cause means for the one reading it, when it is a mistake they can fix. */
function causeHint(cause: string, type: { kind: string; name: string; version: string } | undefined): string {
  const t = type ? `${type.name}@${type.version}` : "the type";
  if (cause === "ACTIVITY_TYPE_DOES_NOT_EXIST")
    return `: activity type ${t} is not registered (on SWF: register it; in the local runner: it has no implementation registered, so pass one in \`activities\`, or list it in \`activityTypes\` if another worker runs it)`;
  if (cause === "WORKFLOW_TYPE_DOES_NOT_EXIST")
    return `: workflow type ${t} is not registered (on SWF: register it; in the local runner: pass it in \`workflows\`)`;
  return "";
}

/** How a child workflow closed without completing. */
export type ChildCloseStatus = "FAILED" | "TIMED_OUT" | "TERMINATED" | "CANCELED";

/** A child workflow execution failed, timed out, was terminated or was cancelled. */
export class ChildWorkflowFailure extends Failure {
  readonly status: ChildCloseStatus;
  readonly workflowId: string;
  readonly runId: string | undefined;
  readonly workflowType: { name: string; version: string };
  /** The child's failure as recorded (FAILED), or its details (CANCELED, TERMINATED). */
  readonly error: RemoteError | undefined;
  constructor(
    status: ChildCloseStatus,
    workflowType: { name: string; version: string },
    workflowId: string,
    runId: string | undefined,
    error?: RemoteError,
  ) {
    const how = { FAILED: "failed", TIMED_OUT: "timed out", TERMINATED: "was terminated", CANCELED: "was cancelled" }[
      status
    ];
    super(
      "YF_CHILD_WORKFLOW_FAILED",
      `child workflow ${workflowType.name}@${workflowType.version} (${workflowId}) ${how}${error ? `: ${error.name}: ${error.message}` : ""}`,
    );
    this.status = status;
    this.workflowType = workflowType;
    this.workflowId = workflowId;
    this.runId = runId;
    this.error = error;
  }
}

/**
 * Something was cancelled: the workflow itself (a cancel request arrived), or an operation the workflow was
 * waiting for (a lost race, a cancelled handle). Catch it to clean up; rethrow it to end the workflow cancelled.
 */
export class CancelledFailure extends Failure {
  /** What was cancelled, e.g. `"workflow"` or an effect id such as `"timer-4"`. */
  readonly target: string;
  constructor(target: string, message?: string) {
    super("YF_CANCELLED", message ?? `${target} was cancelled`);
    this.target = target;
  }
}

/** Every branch of `any([...])` failed; `failures` holds each branch's failure in branch order. */
export class AllFailedFailure extends Failure {
  readonly failures: readonly unknown[];
  constructor(failures: readonly unknown[]) {
    super("YF_ALL_FAILED", `all ${failures.length} branches of any() failed`);
    this.failures = failures;
  }
}

/** Decodes an error recorded in SWF (`reason` plus JSON `details`) into a {@link RemoteError}. Never throws. */
export function decodeRemoteError(reason: string | undefined, details: string | undefined): RemoteError {
  if (details !== undefined) {
    try {
      const parsed = JSON.parse(details) as unknown;
      if (parsed && typeof parsed === "object" && "message" in parsed) {
        const p = parsed as Partial<RemoteError>;
        return {
          name: typeof p.name === "string" ? p.name : (reason ?? "Error"),
          message: typeof p.message === "string" ? p.message : describeValue(p.message, 1000),
          ...(typeof p.stack === "string" ? { stack: p.stack } : {}),
          ...("details" in p ? { details: p.details } : {}),
          ...(p.nonRetryable === true ? { nonRetryable: true } : {}),
        };
      }
    } catch {
      // not ours: keep the raw details as the message
    }
  }
  return { name: reason ?? "Error", message: details ?? reason ?? "" };
}

/**
 * Encodes a thrown value as SWF's `reason` (the error's name, or an ApplicationFailure's type) and `details`
 * (JSON with name, message, stack and attached details). Activity workers use it with stacks; the replay engine
 * without, because a stack depends on the code path that replayed (decisions must not). The remote error behind an
 * activity or child failure is kept as `cause`.
 */
export function encodeRemoteError(
  err: unknown,
  options: { stack?: boolean } = {},
): { reason: string; details: string } {
  // what was thrown may be anything (a Symbol, an object without a prototype, an error whose getters throw)
  const e = safeError(err);
  const name = e instanceof ApplicationFailure ? e.type : safeString(() => e.name, "Error");
  const body: RemoteError & { cause?: RemoteError } = { name, message: errorMessage(e) };
  const stack = safeString(() => e.stack, "");
  if (stack && options.stack !== false) body.stack = stack;
  if (e instanceof ApplicationFailure && e.details !== undefined) body.details = e.details;
  if (e instanceof ApplicationFailure && e.nonRetryable) body.nonRetryable = true;
  if ((e instanceof ActivityFailure || e instanceof ChildWorkflowFailure) && e.error) body.cause = e.error;
  try {
    return { reason: name, details: JSON.stringify(body) };
  } catch (err) {
    // attached details JSON cannot carry (a BigInt, a cycle): keep the error, say what was left out
    body.details = `(details not serializable: ${errorMessage(err)})`;
    return { reason: name, details: JSON.stringify(body) };
  }
}

function safeError(err: unknown): Error {
  try {
    if (err instanceof Error) return err;
  } catch {
    // a proxy whose prototype trap throws
  }
  return new Error(typeof err === "string" ? err : describeValue(err, 1000));
}

function safeString(get: () => unknown, fallback: string): string {
  try {
    const v = get();
    return typeof v === "string" ? v : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Workflow code called something the determinism guard forbids (a timer, `fetch`, …): a bug, since replay would not
 * do the same. The message names the call and what to use instead. It fails the decision task (as any bug does).
 */
export class DeterminismGuardError extends YieldflowError {
  constructor(
    /** The forbidden global, e.g. `"setTimeout"`. */
    readonly call: string,
    message: string,
  ) {
    super("YF_DETERMINISM_GUARD", message);
  }
}
