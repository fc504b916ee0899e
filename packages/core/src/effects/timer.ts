/** The `sleep` effect: a durable timer. */
import { checkSwfId } from "../decisions/validate.js";
import { type Duration, toSeconds } from "../duration.js";
import { type Effect, makeEffect } from "./effect.js";

/**
 * Waits for a duration of workflow time, with a durable SWF timer. Throws `CancelledFailure` if the timer is
 * cancelled (for example when it loses a `race`).
 *
 * @example
 * yield* sleep("7d");
 * const winner = yield* race([signal<boolean>("approve"), sleep("2h")]);
 */
export function sleep(duration: Duration, options: { id?: string } = {}): Effect<void> {
  if (options.id !== undefined) checkSwfId(options.id, "timer id");
  return makeEffect<void>({ kind: "timer", seconds: toSeconds(duration, "sleep duration"), id: options.id });
}
