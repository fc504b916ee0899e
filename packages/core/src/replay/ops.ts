/**
 * Operations: what workflow code waits on. An op settles once (ok with a value, or failed with a failure) and
 * tells its listeners synchronously; the engine's fibers, combinators and handles are all built on it.
 */
import type { CancelledFailure } from "../errors.js";

export type OpState = "pending" | "ok" | "failed";

/** A running operation: a scheduled activity, a timer, a branch, a combinator. Settles once. */
export class Op {
  state: OpState = "pending";
  value: unknown = undefined;
  private listeners: ((op: Op) => void)[] = [];
  /** How to cancel this op while it is pending; set by the effect that made it. */
  onCancel: ((failure: CancelledFailure) => void) | undefined = undefined;
  /** OpenCommand ops started by this op's fiber (for branch ops), cancelled with it; settled ops leave the set. */
  readonly owned = new Set<Op>();
  /** The branch op whose fiber started this op. */
  owner: Op | undefined = undefined;
  /** Set once someone waited on this op or combined it, so its failure was seen. */
  observed = false;
  /** For a signal wait that took a buffered signal: puts it back if the wait's result is discarded unread. */
  giveBack: (() => void) | undefined = undefined;
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {}
  listen(fn: (op: Op) => void): void {
    if (this.state === "pending") this.listeners.push(fn);
    else fn(this);
  }
  settle(state: "ok" | "failed", value: unknown): void {
    if (this.state !== "pending") return;
    this.state = state;
    this.value = value;
    this.onCancel = undefined;
    this.owner?.owned.delete(this);
    const listeners = this.listeners;
    this.listeners = [];
    for (const fn of listeners) fn(this);
  }
}
