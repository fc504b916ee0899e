/** Folding SWF events, part of `applyEvent`. Signals to this execution, and signals and cancel requests to other executions; a cancel request to this one. */
import type { Draft } from "immer";
import { HistoryError } from "../../errors.js";
import type { Event } from "../events.js";
import type { HistoryState } from "../state.js";
import { addInput, addRef, recordedBy, refOf } from "./references.js";

/** The events this file folds. */
export type ExternalEventType =
  | "WorkflowExecutionSignaled"
  | "SignalExternalWorkflowExecutionInitiated"
  | "RequestCancelExternalWorkflowExecutionInitiated"
  | "SignalExternalWorkflowExecutionFailed"
  | "RequestCancelExternalWorkflowExecutionFailed"
  | "ExternalWorkflowExecutionSignaled"
  | "ExternalWorkflowExecutionCancelRequested"
  | "WorkflowExecutionCancelRequested";

/** Applies one of these events (`applyEvent` checked its place in the history). */
export function applyExternalEvent(draft: Draft<HistoryState>, e: Event<ExternalEventType>): void {
  const id = e.eventId;
  switch (e.eventType) {
    case "WorkflowExecutionSignaled":
      addInput(draft, { type: "signal", eventId: id, name: e.attributes.signalName, input: e.attributes.input });
      return;
    case "SignalExternalWorkflowExecutionInitiated":
    case "RequestCancelExternalWorkflowExecutionInitiated": {
      const a = e.attributes as {
        workflowId: string;
        control?: string;
        signalName?: string;
        decisionTaskCompletedEventId: number;
      };
      const ref = a.control ?? `external-${id}`;
      addRef(draft, id, e.eventType, ref);
      const decisionType =
        e.eventType === "SignalExternalWorkflowExecutionInitiated"
          ? "SignalExternalWorkflowExecution"
          : "RequestCancelExternalWorkflowExecution";
      recordedBy(draft, e, a.decisionTaskCompletedEventId, decisionType, ref, a.signalName, undefined);
      return;
    }
    case "SignalExternalWorkflowExecutionFailed":
    case "RequestCancelExternalWorkflowExecutionFailed": {
      const a = e.attributes;
      const decisionType =
        e.eventType === "SignalExternalWorkflowExecutionFailed"
          ? "SignalExternalWorkflowExecution"
          : "RequestCancelExternalWorkflowExecution";
      const initiated =
        e.eventType === "SignalExternalWorkflowExecutionFailed"
          ? "SignalExternalWorkflowExecutionInitiated"
          : "RequestCancelExternalWorkflowExecutionInitiated";
      // Recorded after its Initiated event it is an outcome; recorded instead of it (initiatedEventId 0), the
      // decision's own event.
      let ref: string;
      if (a.initiatedEventId !== 0) ref = refOf(draft, e, a.initiatedEventId, initiated, "initiatedEventId");
      else {
        ref = a.control ?? `external-${id}`;
        recordedBy(draft, e, a.decisionTaskCompletedEventId, decisionType, ref, undefined, undefined);
      }
      addInput(draft, {
        type: "commandFailed",
        eventId: id,
        id: ref,
        command: "external",
        eventType: e.eventType,
        cause: a.cause,
      });
      return;
    }
    case "ExternalWorkflowExecutionSignaled":
    case "ExternalWorkflowExecutionCancelRequested":
      addInput(draft, {
        type: "externalDone",
        eventId: id,
        id: refOf(
          draft,
          e,
          e.attributes.initiatedEventId,
          e.eventType === "ExternalWorkflowExecutionSignaled"
            ? "SignalExternalWorkflowExecutionInitiated"
            : "RequestCancelExternalWorkflowExecutionInitiated",
          "initiatedEventId",
        ),
      });
      return;
    case "WorkflowExecutionCancelRequested":
      addInput(draft, { type: "cancelRequested", eventId: id });
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
