/**
 * Fibers and open commands: the two things the engine keeps while workflow code runs. A fiber is a generator
 * being driven (the workflow body, or a branch); an open command is one SWF tracks until it closes (an
 * activity, a timer, a child, an external request), keyed per SWF id namespace.
 */
import type { ActivityDescriptor, ChildDescriptor } from "../effects/effect.js";
import type { CancelledFailure } from "../errors.js";
import type { Op } from "./ops.js";

/** A generator being driven: the workflow body, or a branch passed to all/race/any/start. */
export interface Fiber {
  gen: Generator<unknown, unknown, unknown>;
  op: Op;
  /** The op this fiber waits for, if it waits. */
  waitingOn: Op | undefined;
  /** A cancellation that arrived while the fiber was runnable: thrown in at its next wait. */
  cancelAtNextWait: CancelledFailure | undefined;
  /** The cancellation of this fiber, shown to it instead of the failure of the op it waits on (cancelled with it). */
  cancelledWith?: CancelledFailure | undefined;
  /** Set once the fiber was cancelled (it may go on running its cleanup). */
  cancelled?: boolean;
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
  descriptor?: ActivityDescriptor | ChildDescriptor;
  childRunId?: string;
}

/** The key of an open operation: SWF's id namespaces are per kind. */
export function keyOf(kind: OpenCommand["kind"], id: string): string {
  return `${kind}:${id}`;
}
