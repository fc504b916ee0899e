/** The `sideEffect` effect: run non-deterministic code once and record its value in the history. */
import { checkSwfId } from "../decisions/validate.js";
import { InvalidArgumentError } from "../errors.js";
import { type Effect, makeEffect } from "./effect.js";

/**
 * Runs a non-deterministic function once, records its result in a marker, and returns the recorded value on every
 * replay (PySWF's `@nondeterministic`). The function must be synchronous and quick; its value must survive the
 * serializer (the default one carries JSON, Date, BigInt, Map, Set, bytes, …), and the workflow always sees the
 * value as it comes back from the serializer. If the function throws, the decision task fails and is retried
 * (nothing is recorded).
 *
 * @example
 * const coupon = yield* sideEffect(() => crypto.randomUUID());
 */
export function sideEffect<T>(fn: () => T, options: { id?: string } = {}): Effect<T> {
  if (typeof fn !== "function") throw new InvalidArgumentError("sideEffect(fn): fn must be a function");
  if (options.id !== undefined) checkSwfId(options.id, "sideEffect id");
  return makeEffect<T>({ kind: "sideEffect", fn, id: options.id });
}
