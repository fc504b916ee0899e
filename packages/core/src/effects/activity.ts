/** The `activity` effect: schedule an activity task and wait for its result. */
import { checkSwfId, checkTaskPriority } from "../decisions/validate.js";
import { toTimeoutSeconds } from "../duration.js";
import { InvalidArgumentError } from "../errors.js";
import type { ActivityDefinition, ActivityTimeouts } from "../workflow.js";
import { type Effect, makeEffect } from "./effect.js";

/** Per-call overrides of an activity's defaults. */
export interface ActivityCallOptions {
  /** A fixed activity id instead of the deterministic one (must be unique among this execution's open activities). */
  id?: string;
  taskList?: string;
  timeouts?: ActivityTimeouts;
  taskPriority?: number;
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
  options: ActivityCallOptions = {},
): Effect<O> {
  if (definition?.kind !== "activity") {
    throw new InvalidArgumentError("activity(definition, input): definition must come from defineActivity(...)");
  }
  if (options.id !== undefined) checkSwfId(options.id, `activity ${definition.name} id`);
  checkTaskPriority(options.taskPriority, `activity ${definition.name} taskPriority`);
  const t = options.timeouts ?? {};
  const pick = (k: keyof ActivityTimeouts) =>
    t[k] === undefined ? definition.timeouts[k] : toTimeoutSeconds(t[k], `activity ${definition.name} timeouts.${k}`);
  return makeEffect<O>({
    kind: "activity",
    activity: definition as ActivityDefinition<unknown, unknown>,
    input,
    id: options.id,
    scheduling: {
      taskList: options.taskList ?? definition.taskList,
      taskPriority: options.taskPriority ?? definition.taskPriority,
      scheduleToStart: pick("scheduleToStart"),
      startToClose: pick("startToClose"),
      scheduleToClose: pick("scheduleToClose"),
      heartbeat: pick("heartbeat"),
    },
  });
}
