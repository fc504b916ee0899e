/**
 * How a workflow's run ends in the engine: once the root fiber finished, the closing decision (complete, cancel or
 * fail, its payload encoded), the status the driver reports, and the warnings for what nobody looked at (signals
 * never consumed, failed handles never awaited).
 */
import { workflowFailure } from "../decisions/failure.js";
import * as to from "../decisions/to-decision.js";
import { describeValue } from "../describe.js";
import { CancelledFailure } from "../errors.js";
import { PayloadError } from "../payload/serializer.js";
import type { Engine } from "./engine.js";

/** The root fiber finished with `value` (`state`): queues the closing decision and sets the engine's status. */
export function closeWorkflow(e: Engine, state: "ok" | "failed", value: unknown): void {
  warnUnconsumedSignals(e);
  for (const h of e.handles) {
    if (h.state === "failed" && !h.observed) {
      e.warn(`${h.id} failed and the workflow finished without awaiting its handle: ${(h.value as Error).message}`);
    }
  }
  if (state === "ok") {
    let result: string | undefined;
    try {
      result = e.fields.encodeField(value, "the workflow's result");
    } catch (err) {
      throw e.taskError(
        new PayloadError(
          `the workflow's result cannot be encoded: ${(err as Error).message}`,
          err,
          (err as PayloadError).code,
        ),
      );
    }
    e.closing = to.completeWorkflowExecution(result);
    e.statusValue = { status: "completed", result: value };
  } else if (value instanceof CancelledFailure && e.cancelRequested) {
    const details = e.fields.encodeField(value.message, "the workflow's cancellation details");
    e.closing = to.cancelWorkflowExecution(details);
    e.statusValue = { status: "canceled", details };
  } else {
    const failure = workflowFailure(value, e.ctx.payloads.forType(e.workflow).store !== undefined);
    if (failure.shortened) e.warn(failure.shortened);
    const reason = failure.reason;
    const details = e.fields.encodeTextField(failure.details, "the workflow's failure details");
    e.closing = to.failWorkflowExecution(reason, details);
    e.statusValue = { status: "failed", reason, details, error: value };
  }
  e.outbox.queueClose(e.closing);
}

/** Signals are never dropped silently: the ones the workflow finished without reading are reported. */
export function warnUnconsumedSignals(e: Engine): void {
  for (const { name, values } of e.signals.drainUnread()) {
    e.warn(
      `${values.length} signal(s) "${name}" were never consumed: the workflow finished without waiting for them (inputs: ${describeValue(values, 200)})`,
    );
  }
}
