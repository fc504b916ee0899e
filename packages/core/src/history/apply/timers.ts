/** Folding SWF events, part of `applyEvent`. Timers: started (or refused), fired, cancelled. */
import type { Draft } from "immer";
import { HistoryError } from "../../errors.js";
import type { Event } from "../events.js";
import type { HistoryState } from "../state.js";
import { addInput, addRef, recordedBy, refOf } from "./references.js";

/** The events this file folds. */
export type TimerEventType = "TimerStarted" | "StartTimerFailed" | "TimerFired" | "TimerCanceled" | "CancelTimerFailed";

/** Applies one of these events (`applyEvent` checked its place in the history). */
export function applyTimerEvent(draft: Draft<HistoryState>, e: Event<TimerEventType>): void {
  const id = e.eventId;
  switch (e.eventType) {
    case "TimerStarted":
      addRef(draft, id, "TimerStarted", e.attributes.timerId);
      recordedBy(
        draft,
        e,
        e.attributes.decisionTaskCompletedEventId,
        "StartTimer",
        e.attributes.timerId,
        undefined,
        undefined,
      );
      return;
    case "StartTimerFailed":
      recordedBy(
        draft,
        e,
        e.attributes.decisionTaskCompletedEventId,
        "StartTimer",
        e.attributes.timerId,
        undefined,
        undefined,
      );
      addInput(draft, {
        type: "commandFailed",
        eventId: id,
        id: e.attributes.timerId,
        command: "timer",
        eventType: e.eventType,
        cause: e.attributes.cause,
      });
      return;
    case "TimerFired":
      refOf(draft, e, e.attributes.startedEventId, "TimerStarted", "startedEventId", e.attributes.timerId);
      addInput(draft, { type: "timerFired", eventId: id, id: e.attributes.timerId });
      return;
    case "TimerCanceled":
    case "CancelTimerFailed":
      recordedBy(
        draft,
        e,
        e.attributes.decisionTaskCompletedEventId,
        "CancelTimer",
        e.attributes.timerId,
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
