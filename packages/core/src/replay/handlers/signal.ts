/**
 * The signal effects' handlers: waiting for a signal (from the mailbox, with an optional durable timeout), and
 * signalling or asking to cancel another execution (SignalExternalWorkflowExecution,
 * RequestCancelExternalWorkflowExecution).
 */
import * as to from "../../decisions/to-decision.js";
import type { CancelExternalDescriptor, SignalDescriptor, SignalExternalDescriptor } from "../../effects/effect.js";
import { CancelledFailure, TimeoutFailure } from "../../errors.js";
import { cancelOp } from "../cancellation.js";
import type { Engine } from "../engine.js";
import { type CommandKindOps, type Fiber, OpenCommand } from "../fiber.js";
import { Op } from "../ops.js";
import { startTimer } from "./timer.js";

/** Waits for signal `name`: a buffered one at once, or the next to arrive (or a timeout). */
export function signal(e: Engine, effect: SignalDescriptor, fiber: Fiber): Op {
  const { name, timeoutSeconds } = effect;
  const taken = e.signals.take(name);
  if (taken) {
    const op = e.immediate("signal", "ok", taken.value, `signal:${name}`);
    op.giveBack = taken.giveBack; // a race or any() that settles without this wait puts the signal back
    return op;
  }
  const op = e.own(fiber, new Op("signal", `signal:${name}`));
  e.signals.wait(name, op);
  let timer: Op | undefined;
  let cancelling = false;
  if (timeoutSeconds !== undefined) {
    const timerId = `timeout-${++e.seq}`;
    timer = startTimer(e, timerId, timeoutSeconds, fiber);
    // the timer decides the wait if it settles first: fired → timed out; refused by SWF → that failure
    timer.listen((t) => {
      if (op.state !== "pending" || cancelling) return;
      e.signals.remove(name, op);
      const timeout = new TimeoutFailure(
        { kind: "signal", id: timerId },
        "SIGNAL",
        `no signal "${name}" arrived before the timeout`,
      );
      op.settle("failed", t.state === "ok" ? timeout : t.value);
    });
    op.listen(() => {
      if (timer?.state === "pending") cancelOp(timer, new CancelledFailure(timerId));
    });
  }
  op.onCancel = () => {
    cancelling = true;
    e.signals.remove(name, op);
    if (timer?.state === "pending") cancelOp(timer, new CancelledFailure(timer.id));
  };
  return op;
}

/** Signals another execution, or asks it to cancel; settles when SWF delivered the request. */
export function external(e: Engine, effect: SignalExternalDescriptor | CancelExternalDescriptor, fiber: Fiber): Op {
  const id = `${effect.kind === "signalExternal" ? "signal" : "cancel"}-${++e.seq}`;
  const decision =
    effect.kind === "signalExternal"
      ? to.signalExternalWorkflowExecution(
          effect,
          e.fields.encode(effect.input, `signalExternal ${effect.signalName} input`),
          id,
        )
      : to.requestCancelExternalWorkflowExecution(effect.workflowId, effect.runId, id);
  const p = new OpenCommand("external", id, EXTERNAL, decision, undefined, undefined);
  e.own(fiber, p);
  e.commands.external.set(id, p);
  e.outbox.push(p);
  p.onCancel = () => {
    e.outbox.drop(p);
    if (e.commands.external.get(id) === p) e.commands.external.delete(id);
  };
  return p;
}

/** External requests have no cancel decision: cancelling one withdraws it if it has not gone out yet (see `external`). */
const EXTERNAL: CommandKindOps = { build: undefined, bound: undefined, cancel: undefined };
