/** Folding SWF events, part of `applyEvent`. Markers: side-effect values and patch markers, recorded or refused. */
import type { Draft } from "immer";
import { HistoryError } from "../../errors.js";
import type { Event } from "../events.js";
import type { HistoryState } from "../state.js";
import { addInput, recordedBy } from "./references.js";

/** The events this file folds. */
export type MarkerEventType = "MarkerRecorded" | "RecordMarkerFailed";

/** Applies one of these events (`applyEvent` checked its place in the history). */
export function applyMarkerEvent(draft: Draft<HistoryState>, e: Event<MarkerEventType>): void {
  const id = e.eventId;
  switch (e.eventType) {
    case "MarkerRecorded":
      if (!Object.hasOwn(draft.markers, e.attributes.markerName))
        draft.markers[e.attributes.markerName] = e.attributes.details ?? null;
      recordedBy(
        draft,
        e,
        e.attributes.decisionTaskCompletedEventId,
        "RecordMarker",
        e.attributes.markerName,
        undefined,
        undefined,
      );
      return;
    case "RecordMarkerFailed":
      // A patch marker SWF refused still means the new code path was taken when it was decided.
      if (e.attributes.markerName.startsWith("patch.") && !Object.hasOwn(draft.markers, e.attributes.markerName))
        draft.markers[e.attributes.markerName] = null;
      recordedBy(
        draft,
        e,
        e.attributes.decisionTaskCompletedEventId,
        "RecordMarker",
        e.attributes.markerName,
        undefined,
        undefined,
      );
      addInput(draft, {
        type: "commandFailed",
        eventId: id,
        id: e.attributes.markerName,
        command: "marker",
        eventType: e.eventType,
        cause: e.attributes.cause,
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
