/**
 * How the fold ties events together: a decision's event to the decision task that decided it, and an outcome to
 * the event that opened it (through the id index). A reference that does not hold is a `HistoryError`.
 */
import type { Draft } from "immer";
import { HistoryError } from "../../errors.js";
import type { Event } from "../events.js";
import type { HistoryState, Recorded } from "../state.js";

/** Adds a decision's event to the decision task that decided it (normally the one still completing). */
export function recordedBy(
  draft: Draft<HistoryState>,
  e: Event,
  completedId: number,
  rec: Omit<Recorded, "eventId" | "eventType">,
): void {
  // Normally the task still completing; the last sealed one if a consequence event was recorded in between.
  const last = draft.completing ?? draft.tasks[draft.tasks.length - 1];
  if (!last || last.completedEventId !== completedId) {
    throw new HistoryError(
      "YF_HISTORY_BAD_DECISION_TASK",
      `${e.eventType} says it was decided at event ${completedId}, but the latest DecisionTaskCompleted is ${last?.completedEventId ?? "none"}`,
      e.eventId,
    );
  }
  last.recorded.push({ eventId: e.eventId, eventType: e.eventType, ...rec });
}

/** The effect id of the event `referencedId` refers to; a `HistoryError` if the history does not contain it. */
export function refOf(draft: Draft<HistoryState>, e: Event, referencedId: number, what: string): string {
  const id = draft.refs[referencedId];
  if (id === undefined) {
    throw new HistoryError(
      "YF_HISTORY_UNKNOWN_REFERENCE",
      `${e.eventType} refers to ${what} event ${referencedId}, which the history does not contain`,
      e.eventId,
    );
  }
  return id;
}
