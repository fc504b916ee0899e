/**
 * The `activity` effect: schedule an activity task and wait for its result. A call governed by a retry policy (the
 * definition's, or the call's own) runs under `retry`: `yield* activity(def, x)` is then `yield* retry(activity(def,
 * x, { retry: false }), policy)`, whose attempts, backoff timers and attempt numbers are retry's (one mechanism).
 */
import { checkSwfId, checkTaskPriority } from "../decisions/validate.js";
import { toTimeoutSeconds } from "../duration.js";
import { InvalidArgumentError } from "../errors.js";
import type { ActivityDefinition, ActivityTimeouts } from "../workflow.js";
import {
  type ActivityDescriptor,
  type ActivityScheduling,
  activityEffects,
  type Descriptor,
  type Effect,
  effectPrototypeWith,
  makeActivityEffect,
  makeEffect,
} from "./effect.js";
import { checkPolicy, type RetryPolicy, retry } from "./retry.js";

/** Per-call overrides of an activity's defaults. */
export interface ActivityCallOptions {
  /** A fixed activity id instead of the deterministic one (must be unique among this execution's open activities). */
  id?: string;
  taskList?: string;
  timeouts?: ActivityTimeouts;
  taskPriority?: number;
  /**
   * This call's retry policy, instead of the definition's; `false` (or `"none"`) runs it once, whatever the
   * definition says. Inside `retry(...)` the activity's attempts are retry's, so this is not applied twice.
   */
  retry?: RetryPolicy | false | "none";
}

/** Activities that retry on their own: `yield*` on one is `retry`'s generator over its attempts. */
const retryingActivities = activityEffects(
  effectPrototypeWith(function* (this: Descriptor) {
    const self = this as ActivityDescriptor;
    return yield* retry(makeEffect({ ...self, retry: undefined }), self.retry);
  }),
);

/**
 * True for an activity effect that retries on its own when run: one governed by a policy and not already an
 * attempt of a `retry`. The engine starts such an effect, passed as a branch, as `retry`'s generator.
 */
export function retriesOnItsOwn(effect: Descriptor): effect is ActivityDescriptor {
  return effect.kind === "activity" && effect.retry !== undefined && effect.attempt === undefined;
}

/**
 * Runs an activity and returns its result. Throws `ActivityFailure` if it fails, `TimeoutFailure` if it times out,
 * `ScheduleFailure` if SWF refuses to schedule it, `CancelledFailure` if it is cancelled.
 *
 * @example
 * const { chargeId } = yield* activity(chargeCard, { orderId: o.id, cents: o.total });
 */
export function activity<I, O>(
  definition: ActivityDefinition<I, O>,
  input: I,
  options?: ActivityCallOptions,
): Effect<O> {
  if (definition?.kind !== "activity") {
    throw new InvalidArgumentError("activity(definition, input): definition must come from defineActivity(...)");
  }
  const policy =
    options === undefined
      ? definition.retry
      : options.retry === false || options.retry === "none"
        ? undefined
        : (options.retry ?? definition.retry);
  if (policy !== undefined) checkPolicy(policy, `activity ${definition.name} retry`);
  return makeActivityEffect<O>(
    definition as ActivityDefinition<unknown, unknown>,
    input,
    options?.id,
    options === undefined ? defaultScheduling(definition) : scheduling(definition, options),
    policy,
    policy === undefined ? undefined : retryingActivities,
  );
}

/** The scheduling of an activity called without options: one object per definition, shared by all its calls. */
const defaults = new WeakMap<object, ActivityScheduling>();

function defaultScheduling<I, O>(definition: ActivityDefinition<I, O>): ActivityScheduling {
  let s = defaults.get(definition);
  if (s === undefined) {
    s = scheduling(definition, {});
    defaults.set(definition, s);
  }
  return s;
}

function scheduling<I, O>(definition: ActivityDefinition<I, O>, options: ActivityCallOptions): ActivityScheduling {
  if (options.id !== undefined) checkSwfId(options.id, `activity ${definition.name} id`);
  checkTaskPriority(options.taskPriority, `activity ${definition.name} taskPriority`);
  const t = options.timeouts ?? {};
  const pick = (k: keyof ActivityTimeouts) =>
    t[k] === undefined ? definition.timeouts[k] : toTimeoutSeconds(t[k], `activity ${definition.name} timeouts.${k}`);
  return {
    taskList: options.taskList ?? definition.taskList,
    taskPriority: options.taskPriority ?? definition.taskPriority,
    scheduleToStart: pick("scheduleToStart"),
    startToClose: pick("startToClose"),
    scheduleToClose: pick("scheduleToClose"),
    heartbeat: pick("heartbeat"),
  };
}
