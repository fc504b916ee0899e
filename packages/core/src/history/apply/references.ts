/**
 * How the fold ties events together: a decision's event to the decision task that decided it, and an outcome to
 * the event that opened it (through the id index). A reference that does not hold is a `HistoryError`.
 */
import type { Draft } from "immer";
import { HistoryError } from "../../errors.js";
import type { Event } from "../events.js";
import type { HistoryState, Input, Recorded, RefKind } from "../state.js";
import type { DecisionType } from "../swf-types.js";

/** Adds a decision's event to the decision task that decided it (normally the one still completing). */
export function recordedBy(
  draft: Draft<HistoryState>,
  e: Event,
  completedId: number,
  decisionType: DecisionType,
  id: string | undefined,
  name: string | undefined,
  version: string | undefined,
  inputSize?: number,
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
  const rec: Recorded = { eventId: e.eventId, eventType: e.eventType, decisionType, id, name, version, inputSize };
  if (last.recorded.length === 0) last.recorded = [rec];
  else last.recorded.push(rec);
}

/**
 * Adds an input for the next decision task. A first input makes a one-element list rather than being pushed onto
 * an empty one (which reserves room for 17): most decision tasks are shown one or two events.
 */
export function addInput(draft: Draft<HistoryState>, input: Input): void {
  if (draft.undelivered.length === 0) draft.undelivered = [input];
  else draft.undelivered.push(input);
}

/**
 * The effect id of the event `referencedId`, which must be a `kind` event (of the effect `expectedId`, when the
 * referring event names it too). Every reference in a history is checked here: an unknown id, an id of another kind
 * of event, or one that disagrees with the referring event's own id is a HistoryError.
 */
export function refOf(
  draft: Draft<HistoryState>,
  e: Event,
  referencedId: number,
  kind: RefKind,
  field: string,
  expectedId?: string,
): string {
  const { kinds, ids } = draft.refs;
  // only the lists' own entries: a hole, or an id past their end, would read Array.prototype
  const known = Object.hasOwn(ids, referencedId);
  const id = known ? ids[referencedId] : undefined;
  // typeof: a state that went through JSON has null where the lists had holes
  if (typeof id !== "string" || kinds[referencedId] !== kind) {
    const other = known ? kinds[referencedId] : undefined;
    throw new HistoryError(
      "YF_HISTORY_UNKNOWN_REFERENCE",
      `${e.eventType}.${field} is ${referencedId}, which is ${typeof other !== "string" ? "not an event of this history that can be referred to" : `a ${other} event`}; expected a ${kind} event`,
      e.eventId,
    );
  }
  if (expectedId !== undefined && id !== expectedId) {
    throw new HistoryError(
      "YF_HISTORY_UNKNOWN_REFERENCE",
      `${e.eventType} is for ${JSON.stringify(expectedId)}, but its ${field} ${referencedId} is the ${kind} event of ${JSON.stringify(id)}`,
      e.eventId,
    );
  }
  return id;
}

/** Enters event `eventId` in the id index as a `kind` event of the effect `id`. */
export function addRef(draft: Draft<HistoryState>, eventId: number, kind: RefKind, id: string): void {
  const refs = draft.refs;
  refs.kinds[eventId] = kind;
  refs.ids[eventId] = id;
}

/** The started event an activity's or child's outcome names: it must be that effect's own (0: it never started). */
export function startedRef(draft: Draft<HistoryState>, e: Event, startedId: number, kind: RefKind, id: string): void {
  if (startedId === 0 && e.eventType !== "ActivityTaskCompleted" && e.eventType !== "ActivityTaskFailed") return;
  refOf(draft, e, startedId, kind, "startedEventId", id);
}
