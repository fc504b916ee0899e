/** `retry`: re-runs an effect with backoff on durable timers, under a retry policy; retry policies and backoff. */
import { type Duration, toSeconds } from "../duration.js";
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  Failure,
  InvalidArgumentError,
  ScheduleFailure,
  TimeoutFailure,
  type TimeoutType,
} from "../errors.js";
import {
  type ActivityDescriptor,
  type Branch,
  type Effect,
  type EffectRequest,
  isEffect,
  isGenerator,
  makeEffect,
} from "./effect.js";
import { random } from "./info.js";
import { sleep } from "./timer.js";

/** How to retry. Waits between attempts are durable SWF timers. */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 3. `Infinity` retries until success or a non-retryable failure. */
  maximumAttempts?: number;
  /** Wait before the second attempt. Default 1 s. */
  initialInterval?: Duration;
  /** Each wait is the previous one times this. Default 2. */
  backoffCoefficient?: number;
  /** No wait is longer than this. Default 100 × initialInterval. */
  maximumInterval?: Duration;
  /** Up to this fraction of each wait is taken off at random (deterministic random). 0..1, default 0. */
  jitter?: number;
  /** Retry only failures with these codes (`"YF_ACTIVITY_FAILED"`, `"YF_TIMEOUT"`, …). Default: see {@link isRetryable}. */
  retryOn?: readonly string[];
  /** Retry timeouts only of these types. Default: all. */
  timeoutTypes?: readonly TimeoutType[];
  /** Never retry failures whose error name (activity/child error name, ApplicationFailure type) is in this list. */
  nonRetryableErrorNames?: readonly string[];
}

/** SWF causes that will not go away by trying again. */
const PERMANENT_CAUSES = new Set([
  "ACTIVITY_TYPE_DEPRECATED",
  "ACTIVITY_TYPE_DOES_NOT_EXIST",
  "ACTIVITY_ID_ALREADY_IN_USE",
  "WORKFLOW_TYPE_DOES_NOT_EXIST",
  "WORKFLOW_TYPE_DEPRECATED",
  "WORKFLOW_ALREADY_RUNNING",
  "OPERATION_NOT_PERMITTED",
  "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION",
  "TIMER_ID_ALREADY_IN_USE",
]);

function errorNameOf(failure: Failure): string | undefined {
  if (failure instanceof ActivityFailure) return failure.error.name;
  if (failure instanceof ChildWorkflowFailure) return failure.error?.name;
  if (failure instanceof ApplicationFailure) return failure.type;
  return undefined;
}

/**
 * Whether `policy` retries `failure`. Never retried: non-`Failure` errors (bugs), `CancelledFailure`, non-retryable
 * `ApplicationFailure`s (also when raised inside an activity), SWF causes that are permanent (unknown type, id in
 * use, …), error names in `nonRetryableErrorNames`. Everything else is retried unless `retryOn` / `timeoutTypes`
 * narrow it.
 */
export function isRetryable(failure: unknown, policy: RetryPolicy = {}): boolean {
  if (!(failure instanceof Failure) || failure instanceof CancelledFailure) return false;
  if (failure instanceof ApplicationFailure && failure.nonRetryable) return false;
  if (failure instanceof ActivityFailure && failure.error.nonRetryable) return false;
  if (failure instanceof ScheduleFailure && PERMANENT_CAUSES.has(failure.cause)) return false;
  const name = errorNameOf(failure);
  if (name !== undefined && policy.nonRetryableErrorNames?.includes(name)) return false;
  if (policy.retryOn && !policy.retryOn.includes(failure.code)) return false;
  if (failure instanceof TimeoutFailure && policy.timeoutTypes && !policy.timeoutTypes.includes(failure.timeoutType))
    return false;
  return true;
}

/** The wait before attempt `attempt + 1` (seconds, before jitter). */
export function backoffSeconds(policy: RetryPolicy, attempt: number): number {
  const initial = toSeconds(policy.initialInterval ?? 1, "initialInterval");
  const coefficient = policy.backoffCoefficient ?? 2;
  const max =
    policy.maximumInterval === undefined ? initial * 100 : toSeconds(policy.maximumInterval, "maximumInterval");
  return Math.min(max, initial * coefficient ** (attempt - 1));
}

/** Checks a policy where it is declared (`where`: "retry", "activity charge retry", …). */
export function checkPolicy(p: RetryPolicy, where = "retry"): void {
  if (typeof p !== "object" || p === null)
    throw new InvalidArgumentError(`${where}: a retry policy must be an object (or false for none), got ${String(p)}`);
  const attempts = p.maximumAttempts ?? 3;
  if (!(attempts >= 1))
    throw new InvalidArgumentError(`${where}: maximumAttempts must be ≥ 1, got ${p.maximumAttempts}`);
  if (p.backoffCoefficient !== undefined && !(p.backoffCoefficient >= 1)) {
    throw new InvalidArgumentError(`${where}: backoffCoefficient must be ≥ 1, got ${p.backoffCoefficient}`);
  }
  if (p.jitter !== undefined && !(p.jitter >= 0 && p.jitter <= 1))
    throw new InvalidArgumentError(`${where}: jitter must be in [0, 1], got ${p.jitter}`);
  backoffSeconds(p, 1); // the intervals are durations
}

/**
 * Retries any effect or branch with backoff. Pass an effect (re-run as is on each attempt, with a fresh id) or a
 * function that makes the branch for attempt `n` (1-based). An activity effect without a policy uses its call's
 * policy, else its definition's. The last failure is rethrown when attempts run out or a failure is not retryable.
 *
 * Activities inside `retry` do not retry on their own as well: an activity effect (given, or made by the factory)
 * runs once per attempt of this retry. Activities called inside a branch generator keep their own policies (the
 * branch's attempts then retry what the activities' retries could not fix).
 *
 * @example
 * const charge = yield* retry(activity(chargeCard, order), { maximumAttempts: 5, initialInterval: "1s" });
 * const ok = yield* retry((n) => signal<boolean>("ack", { timeout: `${n * 10}m` }), { maximumAttempts: 3 });
 */
export function* retry<T>(
  branch: Effect<T> | ((attempt: number) => Branch<T>),
  policy?: RetryPolicy,
): Generator<EffectRequest, T, unknown> {
  const effective =
    policy ?? (isEffect(branch) && branch.kind === "activity" ? (branch as ActivityDescriptor).retry : undefined) ?? {};
  if (typeof branch !== "function" && !isEffect(branch)) {
    throw new InvalidArgumentError(
      "retry(branch): a started generator cannot be run again; pass a factory instead: retry((attempt) => myStep())",
    );
  }
  checkPolicy(effective);
  const maxAttempts = effective.maximumAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    let current = typeof branch === "function" ? branch(attempt) : branch;
    if (isEffect(current) && current.kind === "activity") {
      current = makeEffect<T>({ ...(current as unknown as ActivityDescriptor), attempt, retry: undefined });
    }
    if (!isEffect(current) && !isGenerator(current)) {
      throw new InvalidArgumentError("retry(make): make(attempt) must return an effect or a started generator");
    }
    try {
      return (yield* current as Generator<EffectRequest, T, unknown>) as T;
    } catch (failure) {
      if (attempt >= maxAttempts || !isRetryable(failure, effective)) throw failure;
      let wait = backoffSeconds(effective, attempt);
      if (effective.jitter) wait *= 1 - effective.jitter * (yield* random());
      yield* sleep(Math.max(0, Math.ceil(wait)));
    }
  }
}
