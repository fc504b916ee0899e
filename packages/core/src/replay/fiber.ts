/**
 * Fibers and open commands: the two things the engine keeps while workflow code runs. A fiber is a generator
 * being driven (the workflow body, or a branch), queued in the run queue when it can go on; an open command is one
 * SWF tracks until it closes (an activity, a timer, a child, an external request), keyed per SWF id namespace.
 * Every activity of every replay goes through all of this, so each piece allocates as little as it can (the
 * command is its op, its table entry and its outbox entry at once; the run queue keeps its storage).
 */

import type { Command, LimitKind } from "../decisions/outbox.js";
import type { ActivityDescriptor, ChildDescriptor } from "../effects/effect.js";
import type { CancelledFailure } from "../errors.js";
import type { Decision } from "../history/events.js";
import type { Engine } from "./engine.js";
import { Op } from "./ops.js";

/**
 * A generator being driven: the workflow body, or a branch passed to all/race/any/start. It listens to the op it
 * waits on itself (`settled`), so waiting makes no closure.
 */
export class Fiber {
  /** The op this fiber waits for, if it waits. */
  waitingOn: Op | undefined = undefined;
  /** A cancellation that arrived while the fiber was runnable: thrown in at its next wait. */
  cancelAtNextWait: CancelledFailure | undefined = undefined;
  /** The cancellation of this fiber, shown to it instead of the failure of the op it waits on (cancelled with it). */
  cancelledWith: CancelledFailure | undefined = undefined;
  /** Set once the fiber was cancelled (it may go on running its cleanup). */
  cancelled = false;
  /** While it waits in the run queue: what to resume it with, and whether that is its own cancellation. */
  queued = false;
  resumeOk = true;
  resumeValue: unknown = undefined;
  resumeByCancel = false;
  /** The pending ops this fiber started, in order (a list through their `prevOwned`/`nextOwned`, see `Op.ownBy`). */
  firstOwned: Op | undefined = undefined;
  lastOwned: Op | undefined = undefined;
  constructor(
    private readonly engine: Engine,
    readonly gen: Generator<unknown, unknown, unknown>,
    readonly op: Op,
  ) {}
  /** The pending ops this fiber owns, in the order they were started. A copy: cancelling them changes it. */
  owned(): Op[] {
    const out: Op[] = [];
    for (let op = this.firstOwned; op !== undefined; op = op.nextOwned) out.push(op);
    return out;
  }
  /** The op it waits on settled. */
  settled(op: Op): void {
    this.engine.wake(this, op);
  }
}

/**
 * The fibers ready to run, FIFO, each with what to resume it with (kept on the fiber: a fiber is queued at most once,
 * since it is queued only when it stops waiting, and waits again only once it ran). Its storage is kept across
 * decision tasks: waking the one fiber of a sequence at every step allocates nothing.
 */
export class RunQueue {
  private readonly fibers: (Fiber | undefined)[] = [];
  private head = 0;
  private tail = 0;

  /** Queues `fiber`, to be resumed with `value` (thrown in unless `ok`); `byCancel`: its own cancellation. */
  push(fiber: Fiber, ok: boolean, value: unknown, byCancel = false): void {
    fiber.queued = true;
    fiber.resumeOk = ok;
    fiber.resumeValue = value;
    fiber.resumeByCancel = byCancel;
    this.fibers[this.tail++] = fiber;
  }

  /** The next fiber to run (its `resume…` fields say with what), or undefined. */
  shift(): Fiber | undefined {
    if (this.head === this.tail) return undefined;
    const fiber = this.fibers[this.head] as Fiber;
    this.fibers[this.head++] = undefined;
    if (this.head === this.tail) this.head = this.tail = 0;
    fiber.queued = false;
    return fiber;
  }

  /** Forgets every queued fiber (the run is over). */
  clear(): void {
    while (this.shift() !== undefined) {}
  }
}

/** SWF's id namespaces of the commands it tracks until they close. */
export type CommandKind = "activity" | "timer" | "child" | "external";

/**
 * What every command of one kind shares (one object per kind, not fields on each command): how its decision is built
 * from its parts when first read, and the decision that cancels it once its own decision went out.
 */
export interface CommandKindOps {
  /** Builds the command's decision when first read; undefined when the decision is made up front. */
  readonly build: ((c: OpenCommand) => Decision) | undefined;
  /** An upper bound of the size of the decision `build` makes, from the command's parts (see `Command.bound`). */
  readonly bound: ((c: OpenCommand) => number) | undefined;
  /** Its cancel decision; undefined for a kind that is only ever withdrawn before it goes out. */
  readonly cancel: ((c: OpenCommand) => Decision) | undefined;
}

/**
 * A command SWF tracks until it closes (an activity, a timer, a child, an external request): at once the op workflow
 * code waits on, the entry the engine finds by id when SWF closes it, and the outbox's entry for its decision (one
 * object, not three). An activity's decision is built from its parts only when read (see `Command`). One is made per
 * activity of every replay, so it holds only what every kind needs (a child's extra state is on `ChildCommand`).
 */
export class OpenCommand extends Op implements Command {
  declare readonly kind: CommandKind;
  declare readonly ops: CommandKindOps;
  /** Its decision, once made (up front, or by `ops.build` when first read). */
  declare private built: Decision | undefined;
  declare readonly descriptor: ActivityDescriptor | ChildDescriptor | undefined;
  /** Its input field's text (an activity's decision is built from it). */
  declare readonly input: string | undefined;
  /** Its cancel decision while that waits in the outbox: withdrawn if the command closes first. */
  declare cancelling: Command | undefined;
  declare onEmit: (() => void) | undefined;
  declare size: number | undefined;
  // fields set here, not initialized where declared: see `Op`
  constructor(
    kind: CommandKind,
    id: string,
    ops: CommandKindOps,
    built: Decision | undefined,
    descriptor: ActivityDescriptor | ChildDescriptor | undefined,
    input: string | undefined,
  ) {
    super(kind, id);
    this.ops = ops;
    this.built = built;
    this.descriptor = descriptor;
    this.input = input;
    this.cancelling = undefined;
    this.onEmit = undefined;
    this.size = undefined;
  }

  /** The open-item limit it counts against: that of its kind (external requests have none). */
  get limit(): LimitKind | undefined {
    return this.kind === "external" ? undefined : this.kind;
  }

  /** Computed when the outbox reads it (once per response it is considered for), not kept on every command. */
  get bound(): number | undefined {
    const bound = this.ops.bound;
    return bound === undefined ? undefined : bound(this);
  }

  get decision(): Decision {
    this.built ??= (this.ops.build as (c: OpenCommand) => Decision)(this);
    return this.built;
  }
}

/** A child workflow's command: also what its cancel request names (its run, once started, and its number). */
export class ChildCommand extends OpenCommand {
  childRunId: string | undefined = undefined;
  constructor(
    id: string,
    ops: CommandKindOps,
    decision: Decision,
    descriptor: ChildDescriptor,
    /** Its number in the run's sequence (its cancel request's control). */
    readonly childSeq: number,
  ) {
    super("child", id, ops, decision, descriptor, undefined);
  }
}

/** The open commands of a run, per SWF id namespace. */
export type OpenCommands = { readonly [K in CommandKind]: OpenTable };

/**
 * A table of open commands by id: `get`, `set` and `delete` as on a Map. Its first entry is held in a slot of its own
 * and only the others go into a Map: in a sequence of activities the one open command closes at every step and the
 * next one opens, which on a Map is a hash of its id, a probe, a deleted entry and, every few steps, a new hash table.
 * The Map, once made, keeps one placeholder entry for ever (under an id SWF refuses, with no value, so `get` never
 * finds it): a Map that empties out shrinks, reallocating its storage, and a fan-out's fill and empty at every batch.
 */
export class OpenTable {
  /** The entry in the slot, and its id (undefined: the slot is free). */
  private slotId: string | undefined = undefined;
  private slot: OpenCommand | undefined = undefined;
  /** The other entries, made when first needed. */
  private rest: Map<string, OpenCommand | undefined> | undefined = undefined;

  get(id: string): OpenCommand | undefined {
    if (this.slotId === id) return this.slot;
    return this.rest?.get(id);
  }

  set(id: string, command: OpenCommand): void {
    if (this.slotId === id || (this.slotId === undefined && this.rest?.get(id) === undefined)) {
      this.slotId = id;
      this.slot = command;
      return;
    }
    this.rest ??= new Map<string, OpenCommand | undefined>([[PLACEHOLDER, undefined]]);
    this.rest.set(id, command);
  }

  delete(id: string): boolean {
    if (this.slotId === id) {
      this.slotId = undefined;
      this.slot = undefined;
      return true;
    }
    // (the placeholder is not an entry, unless a command was set under its id)
    if (id === PLACEHOLDER && this.rest?.get(id) === undefined) return false;
    return this.rest?.delete(id) ?? false;
  }
}

const PLACEHOLDER = "\u0000placeholder";
