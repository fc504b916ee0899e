/**
 * Commands SWF tracks until they close (activities, timers, children): how one is opened (one object that is its op,
 * its entry in `commands` and its entry in the outbox) and cancelled (withdrawn if its decision has not gone out,
 * otherwise a cancel decision), and the check that its id is free in its SWF namespace.
 */
import { commandOf } from "../../decisions/outbox.js";
import { swfIdProblem } from "../../decisions/validate.js";
import { InvalidArgumentError } from "../../errors.js";
import type { Decision } from "../../history/events.js";
import type { Engine } from "../engine.js";
import type { Fiber, OpenCommand } from "../fiber.js";

/**
 * Opens command `p`: its op, owned by `fiber`, entered in `commands` and queued in the outbox, and how to cancel it
 * (one function per engine, so opening makes no closure).
 */
export function openCommand<C extends OpenCommand>(e: Engine, p: C, fiber: Fiber): C {
  e.own(fiber, p);
  e.commands[p.kind].set(p.id, p);
  e.outbox.push(p);
  p.onCancel = e.cancelCommand;
  return p;
}

/**
 * Cancels a command: if its decision has not gone out yet it is simply withdrawn; otherwise a cancel decision is
 * queued. Either way the op fails with `CancelledFailure` now; a late result is ignored.
 */
export function cancelScheduled(e: Engine, p: OpenCommand): void {
  const kind = p.kind;
  const commands = e.commands[kind];
  if (commands.get(p.id) !== p) return;
  if (e.outbox.drop(p)) {
    commands.delete(p.id);
    return;
  }
  // CancelTimer closes the timer as it goes out (TimerCanceled is recorded with the decision, never delivered);
  // until then a TimerFired in the same batch withdraws it
  const onEmit =
    kind === "timer"
      ? () => {
          if (commands.get(p.id) === p) {
            commands.delete(p.id);
            e.outbox.closed("timer");
          }
        }
      : undefined;
  p.cancelling = commandOf((p.ops.cancel as (p: OpenCommand) => Decision)(p), undefined, onEmit);
  e.outbox.push(p.cancelling);
}

/**
 * SWF keeps activity ids, timer ids and child workflow ids apart: an id is unique among open ones of its kind.
 * `generated`: the engine made the id from the run's sequence (`activity-12`), so it is known to be a valid SWF id,
 * and it can only clash with an id the code gave (the sequence never repeats a number): until the code gives an id of
 * this kind, no open id can be the same and the lookup is skipped (one per activity of every replay).
 */
export function checkUnused(
  e: Engine,
  kind: "activity" | "timer" | "child",
  id: string,
  what: string,
  generated = false,
): void {
  const given = e.givenIds;
  if (generated && !given[kind]) return;
  if (e.commands[kind].get(id) !== undefined)
    throw new InvalidArgumentError(
      `${what} ${JSON.stringify(id)} is already used by an open ${kind} of this execution`,
    );
  if (generated) return;
  const problem = swfIdProblem(id);
  if (problem) throw new InvalidArgumentError(`${what} ${problem}`);
  given[kind] = true;
}
