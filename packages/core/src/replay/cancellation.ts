/**
 * Structured cancellation: cancelling an op fails a primitive at once, throws into a branch where it waits, and
 * cancels a combinator's branches; cancelling a fiber cancels everything it owns. Cancelled code may still run
 * its cleanup (`finally`), and what waits on it settles only once that has finished.
 */
import { CancelledFailure } from "../errors.js";
import type { Engine } from "./engine.js";
import type { Fiber } from "./fiber.js";
import type { Op } from "./ops.js";

/**
 * Cancels an op. A primitive (activity, timer, child, signal wait, external request) fails with `failure` at once;
 * a branch gets `failure` thrown in where it waits, and a combinator cancels its branches: both settle when their
 * code has finished.
 */
export function cancelOp(op: Op, failure: CancelledFailure): void {
  if (op.state !== "pending") return;
  const onCancel = op.onCancel;
  onCancel?.(failure, op);
  if (op.kind === "branch" || op.kind === "all" || op.kind === "race" || op.kind === "any") return;
  op.settle("failed", failure);
}

/** Cancels a fiber: what it owns is cancelled, and it sees `failure` where it waits (or at its next wait). */
export function cancelFiber(e: Engine, fiber: Fiber, failure: CancelledFailure): void {
  // once: a fiber owned twice over (by its starter and by a combinator) is cancelled by the first to ask
  if (fiber.op.state !== "pending" || fiber.cancelled) return;
  fiber.cancelled = true;
  // what the fiber waits on fails because of this cancellation: the fiber sees this failure, not the op's
  fiber.cancelledWith = failure;
  for (const owned of fiber.owned()) {
    cancelOp(owned, new CancelledFailure(owned.id, `${owned.id} was cancelled with ${failure.target}`));
  }
  const waiting = fiber.waitingOn;
  if (waiting && waiting.owner !== fiber) {
    // it waits on something it does not own (a handle passed in): wake it now
    fiber.waitingOn = undefined;
    fiber.cancelledWith = undefined;
    e.runQueue.push(fiber, false, failure, true);
  } else if (!waiting) {
    // runnable: unless it was just woken by this cancellation, it sees it at its next wait
    fiber.cancelledWith = undefined;
    if (!(fiber.queued && fiber.resumeByCancel)) fiber.cancelAtNextWait = failure;
  }
}
