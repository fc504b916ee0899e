/** Folding SWF events, part of `applyEvent`. Child workflow executions: initiated (or refused), started, closed. */
import type { Draft } from "immer";
import { HistoryError } from "../../errors.js";
import { childCloseStatusOf } from "../close-status.js";
import type { Event } from "../events.js";
import type { HistoryState } from "../state.js";
import { addInput, addRef, recordedBy, refOf, startedRef } from "./references.js";

/** The events this file folds. */
export type ChildEventType =
  | "StartChildWorkflowExecutionInitiated"
  | "StartChildWorkflowExecutionFailed"
  | "ChildWorkflowExecutionStarted"
  | "ChildWorkflowExecutionCompleted"
  | "ChildWorkflowExecutionFailed"
  | "ChildWorkflowExecutionTimedOut"
  | "ChildWorkflowExecutionTerminated"
  | "ChildWorkflowExecutionCanceled";

/** Applies one of these events (`applyEvent` checked its place in the history). */
export function applyChildEvent(draft: Draft<HistoryState>, e: Event<ChildEventType>): void {
  const id = e.eventId;
  switch (e.eventType) {
    case "StartChildWorkflowExecutionInitiated": {
      const a = e.attributes;
      addRef(draft, id, "StartChildWorkflowExecutionInitiated", a.workflowId);
      recordedBy(
        draft,
        e,
        a.decisionTaskCompletedEventId,
        "StartChildWorkflowExecution",
        a.workflowId,
        a.workflowType.name,
        a.workflowType.version,
      );
      return;
    }
    case "StartChildWorkflowExecutionFailed": {
      const a = e.attributes;
      // Recorded after its Initiated event it is an outcome; recorded instead of it, the decision's own event.
      if (a.initiatedEventId !== 0)
        refOf(draft, e, a.initiatedEventId, "StartChildWorkflowExecutionInitiated", "initiatedEventId", a.workflowId);
      else {
        recordedBy(
          draft,
          e,
          a.decisionTaskCompletedEventId,
          "StartChildWorkflowExecution",
          a.workflowId,
          a.workflowType.name,
          a.workflowType.version,
        );
      }
      addInput(draft, {
        type: "commandFailed",
        eventId: id,
        id: a.workflowId,
        command: "child",
        eventType: e.eventType,
        cause: a.cause,
      });
      return;
    }
    case "ChildWorkflowExecutionStarted": {
      const a = e.attributes;
      const childId = refOf(
        draft,
        e,
        a.initiatedEventId,
        "StartChildWorkflowExecutionInitiated",
        "initiatedEventId",
        a.workflowExecution.workflowId,
      );
      addRef(draft, id, "ChildWorkflowExecutionStarted", childId);
      addInput(draft, { type: "childStarted", eventId: id, id: childId, runId: a.workflowExecution.runId });
      return;
    }
    case "ChildWorkflowExecutionCompleted":
    case "ChildWorkflowExecutionFailed":
    case "ChildWorkflowExecutionTimedOut":
    case "ChildWorkflowExecutionTerminated":
    case "ChildWorkflowExecutionCanceled": {
      const a = e.attributes as {
        initiatedEventId: number;
        startedEventId: number;
        workflowExecution: { workflowId: string; runId: string };
        result?: string;
        reason?: string;
        details?: string;
      };
      const status = childCloseStatusOf(e.eventType);
      const childId = refOf(
        draft,
        e,
        a.initiatedEventId,
        "StartChildWorkflowExecutionInitiated",
        "initiatedEventId",
        a.workflowExecution.workflowId,
      );
      startedRef(draft, e, a.startedEventId, "ChildWorkflowExecutionStarted", childId);
      addInput(draft, {
        type: "childClosed",
        eventId: id,
        id: childId,
        status,
        runId: a.workflowExecution.runId,
        result: a.result,
        reason: a.reason,
        details: a.details,
      });
      return;
    }
    default: {
      const unreachable: never = e;
      throw new HistoryError(
        "YF_HISTORY_UNKNOWN_EVENT_TYPE",
        `unhandled event type ${(unreachable as Event).eventType}`,
        id,
      );
    }
  }
}
