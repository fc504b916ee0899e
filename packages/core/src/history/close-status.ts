/**
 * How a run closed, read from its closing event: SWF's close statuses and the one table from a closing event's type
 * to its status, used by every driver (the local runner's executions and timeline, the dev server, the SWF client's
 * `result()`).
 */

/** SWF's close statuses. */
export type CloseStatus = "COMPLETED" | "FAILED" | "CANCELED" | "TERMINATED" | "CONTINUED_AS_NEW" | "TIMED_OUT";

const CLOSE_STATUS_OF: ReadonlyMap<string, CloseStatus> = new Map([
  ["WorkflowExecutionCompleted", "COMPLETED"],
  ["WorkflowExecutionFailed", "FAILED"],
  ["WorkflowExecutionCanceled", "CANCELED"],
  ["WorkflowExecutionTerminated", "TERMINATED"],
  ["WorkflowExecutionContinuedAsNew", "CONTINUED_AS_NEW"],
  ["WorkflowExecutionTimedOut", "TIMED_OUT"],
]);

/**
 * The close status a closing event type records, or undefined for any other event type (or a value that is not a
 * string: event types come from outside).
 *
 * @example
 * closeStatusOf("WorkflowExecutionTimedOut"); // "TIMED_OUT"
 */
export function closeStatusOf(eventType: unknown): CloseStatus | undefined {
  return typeof eventType === "string" ? CLOSE_STATUS_OF.get(eventType) : undefined;
}
