/**
 * Commands SWF tracks until they close (activities, timers, children): how one is opened (its op, its entry
 * entry, its decision in the outbox) and cancelled (withdrawn if its decision has not gone out, otherwise a cancel
 * decision), and the check that its id is free in its SWF namespace.
 */
import { swfIdProblem } from "../../decisions/validate.js";
import { InvalidArgumentError } from "../../errors.js";
import type { Decision } from "../../history/events.js";
import type { Engine } from "../engine.js";
import { type Fiber, keyOf, type OpenCommand } from "../fiber.js";
import { Op } from "../ops.js";

type CommandKind = "activity" | "timer" | "child";

/** Opens a command: its op, its entry in `commands`, its decision in the outbox, and how to cancel it. */
export function openCommand(
  e: Engine,
  kind: CommandKind,
  id: string,
  fiber: Fiber,
  decision: Decision,
  cancelDecision: (p: OpenCommand) => Decision,
  descriptor?: OpenCommand["descriptor"],
): Op {
  const op = e.own(fiber, new Op(kind, id));
  const key = keyOf(kind, id);
  const p: OpenCommand = { op, kind, ...(descriptor && { descriptor }) };
  e.commands.set(key, p);
  e.outbox.push({ decision, limit: kind, id: key });
  op.onCancel = () => cancelScheduled(e, kind, id, () => cancelDecision(p));
  return op;
}

/**
 * Cancels a command: if its decision has not gone out yet it is simply withdrawn; otherwise a cancel decision is
 * queued. Either way the op fails with `CancelledFailure` now; a late result is ignored.
 */
function cancelScheduled(e: Engine, kind: CommandKind, id: string, cancelDecision: () => Decision): void {
  const key = keyOf(kind, id);
  if (e.outbox.drop(key)) {
    e.commands.delete(key);
    return;
  }
  // CancelTimer closes the timer as it goes out (TimerCanceled is recorded with the decision, never delivered);
  // until then a TimerFired in the same batch withdraws it
  const onEmit =
    kind === "timer"
      ? () => {
          if (e.commands.delete(key)) e.outbox.closed("timer");
        }
      : undefined;
  e.outbox.push({ decision: cancelDecision(), limit: undefined, id: `${key}#cancel`, onEmit });
}

/** SWF keeps activity ids, timer ids and child workflow ids apart: an id is unique among open ones of its kind. */
export function checkUnused(e: Engine, kind: CommandKind, id: string, what: string): void {
  if (e.commands.has(keyOf(kind, id)))
    throw new InvalidArgumentError(
      `${what} ${JSON.stringify(id)} is already used by an open ${kind} of this execution`,
    );
  const problem = swfIdProblem(id);
  if (problem) throw new InvalidArgumentError(`${what} ${problem}`);
}
