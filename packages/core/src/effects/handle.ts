/** Handles: `start` runs a branch in the background and returns a handle to wait on or `cancel`. */
import { InvalidArgumentError } from "../errors.js";
import { type Branch, type BranchResult, type Effect, isEffect, isGenerator, makeEffect } from "./effect.js";

/**
 * A started branch: it runs concurrently with the code that started it. `yield* handle` waits for its result (or
 * throws its failure); `isReady()` tells without waiting; `yield* cancel(handle)` cancels it.
 */
export interface Handle<T> extends Effect<T> {
  /** The id of the started operation (an activity id, a timer id, `branch-7`, …). */
  readonly id: string;
  /** True once the branch has settled (succeeded, failed or been cancelled). */
  isReady(): boolean;
}

/**
 * Starts a branch now and returns a handle to wait for later, so independent work never stalls.
 *
 * @example
 * const shipping = yield* start(activity(ship, order));
 * yield* activity(emailReceipt, order);        // runs while shipping is in flight
 * const label = yield* shipping;
 */
export function start<const B extends Branch>(branch: B): Effect<Handle<BranchResult<B>>> {
  if (!isEffect(branch) && !isGenerator(branch)) {
    throw new InvalidArgumentError(
      "start(branch): branch must be an effect or a started generator (call your function*)",
    );
  }
  return makeEffect({ kind: "start", branch });
}

/**
 * Cancels a started branch: an activity gets RequestCancelActivityTask, a timer CancelTimer, a child workflow a
 * cancel request; waiting on their handles then throws `CancelledFailure`. A branch generator gets a
 * `CancelledFailure` thrown in where it waits, so its `catch` and `finally` blocks run; its handle settles with
 * whatever its code does next (it may rethrow, or catch the failure and return a value). Cancelling a settled
 * handle does nothing.
 */
export function cancel(handle: Handle<unknown>): Effect<void> {
  const op = (handle as unknown as { op?: unknown }).op;
  if (op === undefined) throw new InvalidArgumentError("cancel(handle): handle must come from start(...)");
  return makeEffect({ kind: "cancel", op });
}
