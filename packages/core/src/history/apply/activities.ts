/** Folding SWF events, part of `applyEvent`. Activity tasks: scheduled (or refused), started, closed, cancel requested. */
import type { Draft } from "immer";
import { HistoryError } from "../../errors.js";
import type { Event } from "../events.js";
import type { HistoryState } from "../state.js";
import { recordedBy, refOf } from "./references.js";

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
      draft.refs[id] = a.activityId;
      recordedBy(draft, e, a.decisionTaskCompletedEventId, {
        decisionType: "ScheduleActivityTask",
        id: a.activityId,
        name: a.activityType.name,
        version: a.activityType.version,
      });
      return;
    }
    case "ScheduleActivityTaskFailed": {
      const a = e.attributes;
      recordedBy(draft, e, a.decisionTaskCompletedEventId, {
        decisionType: "ScheduleActivityTask",
        id: a.activityId,
        name: a.activityType.name,
        version: a.activityType.version,
      });
      draft.pending.push({
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
      refOf(draft, e, e.attributes.scheduledEventId, "scheduled");
      return;
    case "ActivityTaskCompleted":
      draft.pending.push({
        type: "activityCompleted",
        eventId: id,
        id: refOf(draft, e, e.attributes.scheduledEventId, "scheduled"),
        result: e.attributes.result,
      });
      return;
    case "ActivityTaskFailed":
      draft.pending.push({
        type: "activityFailed",
        eventId: id,
        id: refOf(draft, e, e.attributes.scheduledEventId, "scheduled"),
        reason: e.attributes.reason,
        details: e.attributes.details,
      });
      return;
    case "ActivityTaskTimedOut":
      draft.pending.push({
        type: "activityTimedOut",
        eventId: id,
        id: refOf(draft, e, e.attributes.scheduledEventId, "scheduled"),
        timeoutType: e.attributes.timeoutType,
        details: e.attributes.details,
      });
      return;
    case "ActivityTaskCanceled":
      draft.pending.push({
        type: "activityCanceled",
        eventId: id,
        id: refOf(draft, e, e.attributes.scheduledEventId, "scheduled"),
      });
      return;
    case "ActivityTaskCancelRequested":
    case "RequestCancelActivityTaskFailed":
      recordedBy(draft, e, e.attributes.decisionTaskCompletedEventId, {
        decisionType: "RequestCancelActivityTask",
        id: e.attributes.activityId,
        name: undefined,
        version: undefined,
      });
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
