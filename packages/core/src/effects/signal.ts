/** Signal effects: wait for a signal sent to this execution, signal another execution, ask another to cancel. */
import { checkSwfId, checkSwfName } from "../decisions/validate.js";
import { type Duration, toSeconds } from "../duration.js";
import { type Effect, makeEffect } from "./effect.js";

/**
 * Waits for the next signal with this name and returns its input. Signals that arrive while nobody waits are
 * buffered in arrival order, never dropped. With `timeout`, throws `TimeoutFailure` (timeoutType `"SIGNAL"`) when
 * no signal arrives in time.
 *
 * @example
 * const approved = yield* signal<boolean>("approve", { timeout: "7d" });
 */
export function signal<T = unknown>(name: string, options: { timeout?: Duration } = {}): Effect<T> {
  checkSwfName(name, "signal name", 256);
  return makeEffect<T>({
    kind: "signal",
    name,
    timeoutSeconds: options.timeout === undefined ? undefined : toSeconds(options.timeout, `signal ${name} timeout`),
  });
}

/**
 * Sends a signal to another workflow execution (SWF SignalExternalWorkflowExecution). Resolves once SWF delivered
 * it; throws `ScheduleFailure` (cause `UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION`, …) if it could not.
 */
export function signalExternal(
  workflowId: string,
  signalName: string,
  input?: unknown,
  options: { runId?: string } = {},
): Effect<void> {
  checkSwfId(workflowId, "signalExternal workflowId");
  checkSwfName(signalName, "signal name", 256);
  return makeEffect<void>({ kind: "signalExternal", workflowId, runId: options.runId, signalName, input });
}

/** Asks another workflow execution to cancel (SWF RequestCancelExternalWorkflowExecution). */
export function requestCancelExternal(workflowId: string, options: { runId?: string } = {}): Effect<void> {
  checkSwfId(workflowId, "requestCancelExternal workflowId");
  return makeEffect<void>({ kind: "cancelExternal", workflowId, runId: options.runId });
}
