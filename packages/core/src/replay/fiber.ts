/**
 * Fibers and open commands: the two things the engine keeps while workflow code runs. A fiber is a generator
 * being driven (the workflow body, or a branch); an open command is one SWF tracks until it closes (an
 * activity, a timer, a child, an external request), keyed per SWF id namespace.
 */
import type { ActivityDescriptor, ChildDescriptor } from "../effects/effect.js";
import type { CancelledFailure } from "../errors.js";
import type { Decision } from "../history/events.js";
import type { Engine } from "./engine.js";
import type { Op } from "./ops.js";

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
  constructor(
    private readonly engine: Engine,
    readonly gen: Generator<unknown, unknown, unknown>,
    readonly op: Op,
  ) {}
  /** The op it waits on settled. */
  settled(op: Op): void {
    this.engine.wake(this, op);
  }
}

/** A fiber ready to run, with what to resume it with. `byCancel` marks an entry that delivers its own cancellation. */
export interface Runnable {
  fiber: Fiber;
  ok: boolean;
  value: unknown;
  byCancel?: boolean;
}

/** Where every command-producing effect records what it is waiting for. */
export interface OpenCommand {
  op: Op;
  kind: "activity" | "timer" | "child" | "external";
  descriptor: ActivityDescriptor | ChildDescriptor | undefined;
  /** The decision that cancels it once its own decision went out (one function per kind, not one per command). */
  cancelDecision: ((p: OpenCommand) => Decision) | undefined;
  childRunId: string | undefined;
  /** A child's number in the run's sequence (its cancel request's control). */
  childSeq: number;
}

/** The open commands of a run, per SWF id namespace (looked up by id, with no key string made per lookup). */
export type OpenCommands = { readonly [K in OpenCommand["kind"]]: Map<string, OpenCommand> };

/** The key of an open operation: SWF's id namespaces are per kind. */
export function keyOf(kind: OpenCommand["kind"], id: string): string {
  return `${kind}:${id}`;
}
