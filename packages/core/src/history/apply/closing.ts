/** Folding SWF events, part of `applyEvent`. Closing the execution: by a decision (or its refusal), terminated, timed out. */
import type { Draft } from "immer";
import { HistoryError } from "../../errors.js";
import type { Event } from "../events.js";
import type { HistoryState } from "../state.js";
import { addInput, recordedBy } from "./references.js";

/** The events this file folds. */
export type ClosingEventType =
  | "WorkflowExecutionCompleted"
  | "WorkflowExecutionFailed"
  | "WorkflowExecutionCanceled"
  | "WorkflowExecutionContinuedAsNew"
  | "CompleteWorkflowExecutionFailed"
  | "FailWorkflowExecutionFailed"
  | "CancelWorkflowExecutionFailed"
  | "ContinueAsNewWorkflowExecutionFailed"
  | "WorkflowExecutionTerminated"
  | "WorkflowExecutionTimedOut";

/** Applies one of these events (`applyEvent` checked its place in the history). */
export function applyClosingEvent(draft: Draft<HistoryState>, e: Event<ClosingEventType>): void {
  const id = e.eventId;
  switch (e.eventType) {
    case "WorkflowExecutionCompleted":
    case "WorkflowExecutionFailed":
    case "WorkflowExecutionCanceled":
    case "WorkflowExecutionContinuedAsNew": {
      const decisionType = (
        {
          WorkflowExecutionCompleted: "CompleteWorkflowExecution",
          WorkflowExecutionFailed: "FailWorkflowExecution",
          WorkflowExecutionCanceled: "CancelWorkflowExecution",
          WorkflowExecutionContinuedAsNew: "ContinueAsNewWorkflowExecution",
        } as const
      )[e.eventType];
      recordedBy(draft, e, e.attributes.decisionTaskCompletedEventId, decisionType, undefined, undefined, undefined);
      draft.closed = { eventId: id, eventType: e.eventType };
      // nothing follows a closing event: its decision task has all its events
      if (draft.completing !== null) {
        draft.tasks.push(draft.completing);
        draft.completing = null;
      }
      return;
    }
    case "CompleteWorkflowExecutionFailed":
    case "FailWorkflowExecutionFailed":
    case "CancelWorkflowExecutionFailed":
    case "ContinueAsNewWorkflowExecutionFailed": {
      const decisionType = (
        {
          CompleteWorkflowExecutionFailed: "CompleteWorkflowExecution",
          FailWorkflowExecutionFailed: "FailWorkflowExecution",
          CancelWorkflowExecutionFailed: "CancelWorkflowExecution",
          ContinueAsNewWorkflowExecutionFailed: "ContinueAsNewWorkflowExecution",
        } as const
      )[e.eventType];
      recordedBy(draft, e, e.attributes.decisionTaskCompletedEventId, decisionType, undefined, undefined, undefined);
      const command = (
        {
          CompleteWorkflowExecutionFailed: "complete",
          FailWorkflowExecutionFailed: "fail",
          CancelWorkflowExecutionFailed: "cancel",
          ContinueAsNewWorkflowExecutionFailed: "continueAsNew",
        } as const
      )[e.eventType];
      addInput(draft, {
        type: "closeFailed",
        eventId: id,
        decisionType,
        command,
        eventType: e.eventType,
        cause: e.attributes.cause,
      });
      return;
    }
    case "WorkflowExecutionTerminated":
    case "WorkflowExecutionTimedOut":
      draft.closed = { eventId: id, eventType: e.eventType };
      return;
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
