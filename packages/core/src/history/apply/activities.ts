/** Folding SWF events, part of `applyEvent`. Activity tasks: scheduled (or refused), started, closed, cancel requested. */
import type { Draft } from "immer";
import { HistoryError } from "../../errors.js";
import { jsonUtf8Length } from "../../json-size.js";
import type { Event } from "../events.js";
import type { HistoryState } from "../state.js";
import { addInput, addRef, recordedBy, refOf, startedRef } from "./references.js";

/** The events this file folds. */
export type ActivityEventType =
  | "ActivityTaskScheduled"
  | "ScheduleActivityTaskFailed"
  | "ActivityTaskStarted"
  | "ActivityTaskCompleted"
  | "ActivityTaskFailed"
  | "ActivityTaskTimedOut"
  | "ActivityTaskCanceled"
  | "ActivityTaskCancelRequested"
  | "RequestCancelActivityTaskFailed";

/** Applies one of these events (`applyEvent` checked its place in the history). */
export function applyActivityEvent(draft: Draft<HistoryState>, e: Event<ActivityEventType>): void {
  const id = e.eventId;
  switch (e.eventType) {
    case "ActivityTaskScheduled": {
      const a = e.attributes;
      addRef(draft, id, "ActivityTaskScheduled", a.activityId);
      recordedBy(
        draft,
        e,
        a.decisionTaskCompletedEventId,
        "ScheduleActivityTask",
        a.activityId,
        a.activityType.name,
        a.activityType.version,
        a.input === undefined ? 0 : jsonUtf8Length(a.input),
      );
      return;
    }
    case "ScheduleActivityTaskFailed": {
      const a = e.attributes;
      recordedBy(
        draft,
        e,
        a.decisionTaskCompletedEventId,
        "ScheduleActivityTask",
        a.activityId,
        a.activityType.name,
        a.activityType.version,
      );
      addInput(draft, {
        type: "commandFailed",
        eventId: id,
        id: a.activityId,
        command: "activity",
        eventType: e.eventType,
        cause: a.cause,
      });
      return;
    }
    case "ActivityTaskStarted":
      addRef(
        draft,
        id,
        "ActivityTaskStarted",
        refOf(draft, e, e.attributes.scheduledEventId, "ActivityTaskScheduled", "scheduledEventId"),
      );
      return;
    case "ActivityTaskCompleted":
    case "ActivityTaskFailed":
    case "ActivityTaskTimedOut":
    case "ActivityTaskCanceled": {
      const a = e.attributes;
      const activityId = refOf(draft, e, a.scheduledEventId, "ActivityTaskScheduled", "scheduledEventId");
      startedRef(draft, e, a.startedEventId, "ActivityTaskStarted", activityId);
      if (e.eventType === "ActivityTaskCompleted")
        addInput(draft, { type: "activityCompleted", eventId: id, id: activityId, result: e.attributes.result });
      else if (e.eventType === "ActivityTaskFailed")
        addInput(draft, {
          type: "activityFailed",
          eventId: id,
          id: activityId,
          reason: e.attributes.reason,
          details: e.attributes.details,
        });
      else if (e.eventType === "ActivityTaskTimedOut")
        addInput(draft, {
          type: "activityTimedOut",
          eventId: id,
          id: activityId,
          timeoutType: e.attributes.timeoutType,
          details: e.attributes.details,
        });
      else addInput(draft, { type: "activityCanceled", eventId: id, id: activityId });
      return;
    }
    case "ActivityTaskCancelRequested":
    case "RequestCancelActivityTaskFailed":
      recordedBy(
        draft,
        e,
        e.attributes.decisionTaskCompletedEventId,
        "RequestCancelActivityTask",
        e.attributes.activityId,
        undefined,
        undefined,
      );
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
