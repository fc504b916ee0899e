/**
 * Operations: what workflow code waits on. An op settles once (ok with a value, or failed with a failure) and
 * tells its listeners synchronously; the engine's fibers, combinators and handles are all built on it.
 *
 * Every activity, timer and child of a run is an op, so an op is kept cheap: its listeners are allocated only when
 * there are several (most ops have one, the fiber waiting on them), and the pending ops a fiber owns form a list
 * threaded through the ops themselves (no set to hash into per op).
 */
import type { CancelledFailure } from "../errors.js";
import type { Fiber } from "./fiber.js";

export type OpState = "pending" | "ok" | "failed";

/** Told when an op settles: a function, or an object (a fiber) that is told without a closure made for it. */
export type OpListener = ((op: Op) => void) | { settled(op: Op): void };

/**
 * A running operation: a scheduled activity, a timer, a branch, a combinator. Settles once.
 *
 * Its fields are declared, and set by the constructor, rather than initialized where declared: a class field is
 * defined by an initializer function that runs on each construction, once per class level (an `OpenCommand` is made
 * per activity of every replay), while plain stores in the constructor do not call anything.
 */
export class Op {
  declare readonly kind: string;
  declare readonly id: string;
  declare state: OpState;
  declare value: unknown;
  /** One listener, or several (in order); undefined when none. */
  declare private listeners: OpListener | OpListener[] | undefined;
  /** How to cancel this op while it is pending; set by the effect that made it. */
  declare onCancel: ((failure: CancelledFailure, op: Op) => void) | undefined;
  /**
   * Its neighbours in its owner's list of pending ops (`Fiber.firstOwned`): a doubly linked list in the order they were
   * started; settled ops leave it. The list's ends live on the fiber, not here: only fibers own ops, and every command
   * of a run is an op, so an op carries no field that only an owner needs.
   */
  declare prevOwned: Op | undefined;
  declare nextOwned: Op | undefined;
  /** The fiber that started this op: cancelling the fiber cancels the op while it is pending. */
  declare owner: Fiber | undefined;
  /** Set once someone waited on this op or combined it, so its failure was seen. */
  declare observed: boolean;
  /** For a signal wait that took a buffered signal: puts it back if the wait's result is discarded unread. */
  declare giveBack: (() => void) | undefined;
  constructor(kind: string, id: string) {
    this.kind = kind;
    this.id = id;
    this.state = "pending";
    this.value = undefined;
    this.listeners = undefined;
    this.onCancel = undefined;
    this.prevOwned = undefined;
    this.nextOwned = undefined;
    this.owner = undefined;
    this.observed = false;
    this.giveBack = undefined;
  }

  /** Makes this op owned by `owner` (the fiber that started it) until it settles. */
  ownBy(owner: Fiber): void {
    if (this.owner !== undefined || this.state !== "pending") return;
    this.owner = owner;
    this.prevOwned = owner.lastOwned;
    if (owner.lastOwned) owner.lastOwned.nextOwned = this;
    else owner.firstOwned = this;
    owner.lastOwned = this;
  }

  /** Leaves the owner's list (once settled). */
  private disown(): void {
    const owner = this.owner;
    if (owner === undefined) return;
    if (this.prevOwned) this.prevOwned.nextOwned = this.nextOwned;
    else owner.firstOwned = this.nextOwned;
    if (this.nextOwned) this.nextOwned.prevOwned = this.prevOwned;
    else owner.lastOwned = this.prevOwned;
    this.prevOwned = undefined;
    this.nextOwned = undefined;
  }

  listen(fn: OpListener): void {
    if (this.state !== "pending") call(fn, this);
    else if (this.listeners === undefined) this.listeners = fn;
    else if (Array.isArray(this.listeners)) this.listeners.push(fn);
    else this.listeners = [this.listeners, fn];
  }

  settle(state: "ok" | "failed", value: unknown): void {
    if (this.state !== "pending") return;
    this.state = state;
    this.value = value;
    this.onCancel = undefined;
    this.disown();
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners === undefined) return;
    if (Array.isArray(listeners)) for (const fn of listeners) call(fn, this);
    else call(listeners, this);
  }
}

function call(listener: OpListener, op: Op): void {
  if (typeof listener === "function") listener(op);
  else listener.settled(op);
}
