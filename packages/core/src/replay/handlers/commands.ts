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

export type CommandKind = "activity" | "timer" | "child";

/**
 * Opens a command: its op, its entry in `commands`, its decision in the outbox (with an upper `bound` of its size
 * when the handler has one), and how to cancel it (`cancelDecision`: one function per kind, so opening makes no closure).
 */
export function openCommand(
  e: Engine,
  kind: CommandKind,
  id: string,
  fiber: Fiber,
  decision: Decision,
  cancelDecision: (p: OpenCommand) => Decision,
  descriptor?: OpenCommand["descriptor"],
  bound?: number,
): OpenCommand {
  const op = e.own(fiber, new Op(kind, id));
  const p: OpenCommand = { op, kind, descriptor, cancelDecision, childRunId: undefined, childSeq: 0 };
  e.commands[kind].set(id, p);
  e.outbox.push({ decision, limit: kind, id: keyOf(kind, id), onEmit: undefined, size: undefined, bound });
  op.onCancel = e.cancelCommand;
  return p;
}

/**
 * Cancels a command: if its decision has not gone out yet it is simply withdrawn; otherwise a cancel decision is
 * queued. Either way the op fails with `CancelledFailure` now; a late result is ignored.
 */
export function cancelScheduled(e: Engine, kind: CommandKind, id: string): void {
  const key = keyOf(kind, id);
  const p = e.commands[kind].get(id);
  if (p === undefined) return;
  if (e.outbox.drop(key)) {
    e.commands[kind].delete(id);
    return;
  }
  // CancelTimer closes the timer as it goes out (TimerCanceled is recorded with the decision, never delivered);
  // until then a TimerFired in the same batch withdraws it
  const onEmit =
    kind === "timer"
      ? () => {
          if (e.commands.timer.delete(id)) e.outbox.closed("timer");
        }
      : undefined;
  e.outbox.push({
    decision: (p.cancelDecision as (p: OpenCommand) => Decision)(p),
    limit: undefined,
    id: `${key}#cancel`,
    onEmit,
  });
}

/**
 * SWF keeps activity ids, timer ids and child workflow ids apart: an id is unique among open ones of its kind.
 * `generated`: the engine made the id from the run's sequence (`activity-12`), so it is known to be a valid SWF id.
 */
export function checkUnused(e: Engine, kind: CommandKind, id: string, what: string, generated = false): void {
  if (e.commands[kind].has(id))
    throw new InvalidArgumentError(
      `${what} ${JSON.stringify(id)} is already used by an open ${kind} of this execution`,
    );
  if (generated) return;
  const problem = swfIdProblem(id);
  if (problem) throw new InvalidArgumentError(`${what} ${problem}`);
}
