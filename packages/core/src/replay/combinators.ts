/**
 * The combinators' handlers: `all`, `race`, `any` (structured concurrency over branches), `start` (a branch behind
 * a handle), waiting on a handle, and `cancel`. SWF never sees them: they number their ops from the engine's
 * internal sequence, so wrapping effects in them does not shift the ids of the effects after them.
 */
import type {
  Branch,
  CancelDescriptor,
  CombinatorDescriptor,
  StartDescriptor,
  WaitDescriptor,
} from "../effects/effect.js";
import { makeEffect } from "../effects/effect.js";
import type { Handle } from "../effects/handle.js";
import { AllFailedFailure, CancelledFailure, InvalidArgumentError } from "../errors.js";
import { cancelOp } from "./cancellation.js";
import type { Engine } from "./engine.js";
import type { Fiber } from "./fiber.js";
import { Op } from "./ops.js";

/**
 * all / race / any, with structured concurrency: once the outcome is known the branches still running are
 * cancelled, and the combinator settles only when every started branch has finished (so a cancelled branch's
 * cleanup, a saga's compensation in its `finally`, runs before the code after the combinator does).
 *
 * `all` with a `concurrency` limit starts the first N branches, and the next one, in input order, each time one
 * settles; once the outcome is known (a failure, or a cancellation) no more are started. Without a limit every
 * branch starts now, in order.
 */
export function combine(e: Engine, effect: CombinatorDescriptor, fiber: Fiber): Op {
  const kind = effect.kind;
  const op = e.own(fiber, new Op(kind, `${kind}-${++e.internalSeq}`));
  const branches = effect.branches;
  const limit = effect.concurrency ?? branches.length;
  const children: Op[] = [];
  let outcome: { state: "ok" | "failed"; value: unknown } | undefined;
  let running = 0;
  let settled = 0;
  let winner: Op | undefined;
  const conclude = (state: "ok" | "failed", value: unknown, why: string, by?: Op) => {
    if (outcome) return;
    outcome = { state, value };
    winner = by;
    for (const c of children)
      if (c.state === "pending") cancelOp(c, new CancelledFailure(c.id, `${c.id} was cancelled: ${why}`));
    // values that will never reach code (race/any losers, every branch of an all() that fails) give back the
    // buffered signals they had taken, last first to keep arrival order
    for (const c of [...children].reverse()) {
      if (c.state === "ok" && c !== by && (kind !== "all" || state === "failed")) c.giveBack?.();
    }
  };
  const finish = () => {
    if (running !== 0 || !outcome || op.state !== "pending") return;
    op.settle(outcome.state, outcome.value);
    if (outcome.state === "ok") {
      // if this combinator's own result is discarded, what it carries goes back too
      // (every branch of an all(), last first; `children` no longer changes once the outcome is known)
      const carried = winner;
      op.giveBack =
        kind === "all"
          ? () => {
              for (let i = children.length - 1; i >= 0; i--) (children[i] as Op).giveBack?.();
            }
          : () => carried?.giveBack?.();
    }
  };
  const onSettled = (c: Op) => {
    c.observed = true;
    running--;
    settled++;
    if (!outcome) {
      if (kind === "race" || (kind === "all" && c.state === "failed") || (kind === "any" && c.state === "ok")) {
        conclude(c.state as "ok" | "failed", c.value, `${kind}() settled without it`, c);
      } else if (settled === branches.length) {
        if (kind === "all") outcome = { state: "ok", value: children.map((x) => x.value) };
        else outcome = { state: "failed", value: new AllFailedFailure(children.map((x) => x.value)) };
      }
    }
    launch();
    finish();
  };
  /**
   * Starts branches in input order while the limit allows and the outcome is open: a batch is started before any of
   * its branches is listened to (so a branch that settles as it starts does not keep the rest of an unlimited
   * combinator from starting, as before limits existed); a slot freed meanwhile starts the next batch.
   */
  let launching = false;
  let initial = true;
  let again = false;
  const launch = () => {
    // nothing can start now (every branch started, no slot, or the outcome known): the common case once an
    // unlimited combinator's branches run, called once per branch that settles
    if (outcome || running >= limit || children.length >= branches.length) return;
    if (launching) {
      again = true;
      return;
    }
    launching = true;
    try {
      do {
        again = false;
        // the batch is children[from..], listened to once started (no list of its own)
        const from = children.length;
        while (!outcome && running < limit && children.length < branches.length) {
          let child: Op;
          try {
            child = e.startBranch(branches[children.length] as Branch, fiber);
          } catch (err) {
            // a first batch starts in the code's own step, where a bad argument is thrown at the call; a branch
            // started later (when another settled) fails the combinator with it instead
            if (initial || !(err instanceof InvalidArgumentError)) throw err;
            conclude("failed", err, `${kind}() could not start a branch`);
            break;
          }
          children.push(child);
          running++;
        }
        const to = children.length;
        for (let i = from; i < to; i++) (children[i] as Op).listen(onSettled);
      } while (again);
    } finally {
      launching = false;
    }
  };
  op.onCancel = (failure) => {
    conclude("failed", failure, `${kind}() was cancelled`);
    finish();
  };
  if (branches.length === 0) {
    op.settle("ok", []);
    return op;
  }
  launch();
  initial = false;
  finish();
  return op;
}

/** `start`: runs a branch behind a handle; its value stays reachable through the handle. */
export function start(e: Engine, effect: StartDescriptor, fiber: Fiber): Op {
  const op = e.startBranch(effect.branch, fiber);
  op.giveBack = undefined; // the value stays reachable through the handle
  e.handles.push(op);
  return e.immediate("start", "ok", handleOf(op));
}

/** Waiting on a handle: the op behind it. */
export function wait(_e: Engine, effect: WaitDescriptor): Op {
  return effect.op as Op;
}

/** `cancel(handle)`: cancels the op behind it; returns at once. */
export function cancel(e: Engine, effect: CancelDescriptor): Op {
  cancelOp(effect.op as Op, new CancelledFailure((effect.op as Op).id));
  return e.immediate("cancel", "ok", undefined);
}

function handleOf(op: Op): Handle<unknown> {
  return Object.assign(makeEffect<unknown>({ kind: "wait", op }), {
    id: op.id,
    op,
    isReady: () => op.state !== "pending",
  }) as Handle<unknown>;
}
