/**
 * How a run closed, read from its closing event: SWF's close statuses and the one table from a closing event's type
 * to its status, used by every driver (the local runner's executions and timeline, the dev server, the SWF client's
 * `result()`), and the one table between a child's close status and the event its parent's history records.
 */
import type { EventType } from "./swf-types.js";

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

/** How a child execution can close, as its parent's history records it (a child's continuation does not close it). */
export type ChildCloseStatus = Exclude<CloseStatus, "CONTINUED_AS_NEW">;

/**
 * The event a parent's history records for each way a child closes. Read both ways: status → event by the
 * recorder, event → status by the fold ({@link childCloseStatusOf}).
 */
export const CHILD_CLOSE_EVENT = {
  COMPLETED: "ChildWorkflowExecutionCompleted",
  FAILED: "ChildWorkflowExecutionFailed",
  TIMED_OUT: "ChildWorkflowExecutionTimedOut",
  TERMINATED: "ChildWorkflowExecutionTerminated",
  CANCELED: "ChildWorkflowExecutionCanceled",
} as const satisfies { readonly [S in ChildCloseStatus]: EventType };

/** The event types that record a child's close. */
export type ChildCloseEventType = (typeof CHILD_CLOSE_EVENT)[ChildCloseStatus];

const CHILD_CLOSE_STATUS_OF: ReadonlyMap<ChildCloseEventType, ChildCloseStatus> = new Map(
  (Object.keys(CHILD_CLOSE_EVENT) as ChildCloseStatus[]).map((s) => [CHILD_CLOSE_EVENT[s], s]),
);

/**
 * The close status a child-closing event records (one map lookup: the fold asks per event).
 *
 * @example
 * childCloseStatusOf("ChildWorkflowExecutionTimedOut"); // "TIMED_OUT"
 */
export function childCloseStatusOf(eventType: ChildCloseEventType): ChildCloseStatus {
  // every ChildCloseEventType is a value of CHILD_CLOSE_EVENT, so the map has it
  return CHILD_CLOSE_STATUS_OF.get(eventType) as ChildCloseStatus;
}
