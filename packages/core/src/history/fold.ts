/**
 * The history fold: WHAT HAPPENED. Folds SWF events, in order, into a plain, serializable `HistoryState`: the
 * decision tasks that completed (each with the events it was shown and the events its decisions recorded), the
 * events waiting for the next decision task, and an index from SWF's event ids to yieldflow's effect ids.
 *
 * Two entry points share one `applyEvent`:
 * - `foldHistory` is pure: immer, one `produce` per call (not one per event), frozen and structurally shared
 *   results, so a caller can keep the state of every prefix;
 * - `foldHistoryInPlace` mutates a state its caller owns. The `Replayer` uses it: with immer, the copy-on-write of
 *   the id index and the task list made every incremental decision cost O(history) (measured in
 *   bench/README.md, "Why the replayer folds in place").
 *
 * Invariants:
 * - incremental: `foldHistory(b, foldHistory(a))` equals `foldHistory([...a, ...b])`;
 * - an event a decider saw is delivered to exactly one completed decision task: the first one that started after
 *   it (events of a timed-out decision task go to the next one);
 * - anything malformed is a `HistoryError` naming the event, never a crash deep inside.
 */
import { type Draft, produce } from "immer";
import { describeError } from "../describe.js";
import { HistoryError, YieldflowError } from "../errors.js";
import { applyEvent, outOfOrder } from "./apply-event.js";
import {
  type CheckedEvent,
  checkEvent,
  checkEventInto,
  type Event,
  newCheckedEvent,
  plainFieldsAreOwn,
} from "./events.js";
import { emptyHistoryState, type HistoryState, newHistoryState, type RefIndex, type RefKind } from "./state.js";
import type { EventType } from "./swf-types.js";

export {
  type DecisionTask,
  emptyHistoryState,
  type HistoryState,
  type Input,
  newHistoryState,
  type Recorded,
  type Ref,
  type RefIndex,
  type RefKind,
  type RefusedClose,
  type RefusedCommand,
  refAt,
  type StartedInfo,
  startedTask,
} from "./state.js";

/** Folds `events` (in order, contiguous ids) into `state` (default: empty). Pure: returns a new frozen state. */
export function foldHistory(events: readonly unknown[], state: HistoryState = emptyHistoryState): HistoryState {
  checkBatch(events, state);
  if (events.length === 0) return state;
  const plain = plainFieldsAreOwn();
  return produce(state, (draft) => {
    // no room after: a frozen result never grows (the next fold copies it)
    const refs = state.lastEventId === 0 ? presizedRefs(events.length, 0) : undefined;
    if (refs !== undefined) draft.refs = refs;
    for (let i = 0; i < events.length; i++) applyRead(draft, checkEvent(events[i], i, plain), i);
    if (refs !== undefined) trimRefs(refs);
  });
}

/**
 * Folds `events` into `state`, mutating it. A malformed batch (a bad event, a batch sent twice, a gap) leaves `state`
 * as it was; an inconsistency found while applying (a reference to an unknown event) leaves it partly folded, and it
 * must be discarded.
 *
 * `onSealed` is called whenever a decision task joined `state.tasks`, while the fold goes on: the `Replayer` replays
 * a full history that way, each task while its events are fresh, instead of folding all 25,000 events first. When a
 * malformed event empties a state that was empty again (see below), undoing what `onSealed` did is the caller's job.
 */
export function foldHistoryInPlace(events: readonly unknown[], state: HistoryState, onSealed?: () => void): void {
  checkBatch(events, state);
  const n = events.length;
  const first = state.lastEventId + 1;
  // One reused record, checked into and applied as it is (a plain object: a getter on it made every applyEvent
  // slower); the check type-checks every declared field where it is (no copy), and applyEvent reads the fields it
  // uses from the caller's attributes.
  const found = newCheckedEvent();
  let plain = plainFieldsAreOwn();
  let previous = 0;
  if (first === 1 && !Object.isFrozen(state)) {
    // An empty state (a cold full replay) is folded in one pass, each event applied as soon as it is checked: reading
    // a 25,000-event history twice costs a second trip through memory for every event. "As it was" is then the empty
    // state, which a malformed event restores.
    const refs = presizedRefs(n, roomAfter(n));
    state.refs = refs;
    for (let i = 0; i < n; i++) {
      try {
        checkEventInto(events[i], i, found, plain);
        if (found.eventId !== first + i) throw outOfOrder(first + i, found.eventId, previous > found.eventId);
      } catch (err) {
        Object.assign(state, newHistoryState());
        throw err;
      }
      previous = found.eventId;
      const sealed = state.tasks.length;
      try {
        applyEvent(state as Draft<HistoryState>, found as unknown as Event);
      } catch (err) {
        throw unreadable(err, i, found.eventId);
      }
      if (onSealed !== undefined && state.tasks.length > sealed) {
        onSealed();
        // workflow code ran: a field it defined on Object.prototype must count as missing in the events that follow
        plain = plainFieldsAreOwn();
      }
    }
    trimRefs(refs);
    return;
  }
  // Otherwise every event is checked before any is applied. What the check found is kept in three flat arrays rather
  // than a checked copy of each event (a copy per event would outlive the check).
  const types: EventType[] = new Array(n);
  const attributes: unknown[] = new Array(n);
  const times: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    checkEventInto(events[i], i, found, plain);
    if (found.eventId !== first + i) throw outOfOrder(first + i, found.eventId, previous > found.eventId);
    previous = found.eventId;
    types[i] = found.eventType;
    attributes[i] = found.attributes;
    times[i] = found.time;
  }
  for (let i = 0; i < n; i++) {
    found.eventId = first + i;
    found.eventType = types[i] as EventType;
    found.attributes = attributes[i];
    found.time = times[i] as number;
    if (!applyAt(state, found, i, onSealed) || !plain || plainFieldsAreOwn()) continue;
    // workflow code ran (onSealed) and defined a field SWF declares on Object.prototype: the events still to apply were
    // checked before, so check them again, each getting the prototype-free copy the check makes when the prototype is
    // not clean (an inherited field must read as missing when it is applied too)
    plain = false;
    const again = newCheckedEvent();
    for (let j = i + 1; j < n; j++) {
      checkEventInto(events[j], j, again, false);
      attributes[j] = again.attributes;
    }
  }
}

/**
 * An id index with room for the ids of `n` events and of `room` more (a cold replay in place leaves
 * {@link roomAfter}`(n)` for the incremental decisions that follow it): growing its lists an entry at a time copies
 * them again and again (as much garbage as the lists themselves, twice over), and growing them once right after a
 * cold replay made the next decision copy both (0.5 ms at 25,000 events instead of 0.05). The lists are about as long as the batch, up to {@link MAX_PRESIZED}
 * entries; a longer history (not from SWF, whose limit is 25,000 events) grows its lists as it goes instead. The limit
 * is not SWF's: a history of 25,002 events (a test's) once presized nothing and paid for growing both lists an entry
 * at a time (4% of a fan-out replay's CPU).
 */
function presizedRefs(n: number, room: number): RefIndex {
  if (n + 1 + room > MAX_PRESIZED) return { kinds: [], ids: [] };
  const kinds: (RefKind | undefined)[] = new Array(n + 1 + room);
  const ids: (string | undefined)[] = new Array(n + 1 + room);
  // the room is kept: trimRefs shortens the lists, which keeps their storage when little is cut
  kinds.length = n + 1;
  ids.length = n + 1;
  return { kinds, ids };
}

/** The longest id index made up front (two lists of 16 bytes an entry: 16 MB): 40 times SWF's history limit. */
const MAX_PRESIZED = 1_000_000;

/**
 * Room for an eighth more events, at least 64 and at most 2,048: enough for many decisions before a long run's lists
 * grow, while a short history (where growing later copies little) does not pay for room it may never use (a `decide`
 * uses none: 2,048 spare entries were a fifth of what a full replay of 1,000 events allocated).
 */
function roomAfter(n: number): number {
  return Math.min(2048, Math.max(64, n >> 3));
}

/**
 * Cuts the room {@link presizedRefs} made and no event used: the lists end at the last event in the index, however
 * the history was cut into batches (the fold's incremental invariant).
 */
function trimRefs(refs: RefIndex): void {
  let end = refs.kinds.length;
  while (end > 0 && (!Object.hasOwn(refs.kinds, end - 1) || typeof refs.kinds[end - 1] !== "string")) end--;
  refs.kinds.length = end;
  refs.ids.length = end;
}

/**
 * Applies one checked event, and tells `onSealed` when a decision task joined `state.tasks`; returns whether it did
 * (workflow code may have run).
 */
function applyAt(state: HistoryState, e: CheckedEvent, index: number, onSealed: (() => void) | undefined): boolean {
  const sealed = state.tasks.length;
  applyRead(state as Draft<HistoryState>, e as unknown as Event, index);
  if (onSealed === undefined || state.tasks.length <= sealed) return false;
  onSealed();
  return true;
}

/**
 * `applyEvent`, where a getter or proxy trap of an in-process history that throws when a field is read a second time
 * (the check read it once) is a `HistoryError` too, not a crash.
 */
function applyRead(draft: Draft<HistoryState>, e: Event, index: number): void {
  try {
    applyEvent(draft, e);
  } catch (err) {
    throw unreadable(err, index, e.eventId);
  }
}

/** What `applyEvent` threw for `history[index]`: a `YieldflowError` as it is, anything else a `HistoryError`. */
function unreadable(err: unknown, index: number, eventId: number): unknown {
  if (err instanceof YieldflowError) return err;
  return new HistoryError("YF_HISTORY_BAD_EVENT", `history[${index}] cannot be read: ${describeError(err)}`, eventId);
}

function checkBatch(events: readonly unknown[], state: HistoryState): void {
  if (!Array.isArray(events)) {
    throw new HistoryError(
      "YF_HISTORY_NOT_AN_ARRAY",
      `a history is an array of SWF events, got ${events === null ? "null" : typeof events}`,
    );
  }
  if (events.length === 0) return;
  const first = peekEventId(events[0]);
  const last = peekEventId(events[events.length - 1]);
  if (state.lastEventId === 0 && first !== undefined && last !== undefined && first > last) {
    throw new HistoryError(
      "YF_HISTORY_OUT_OF_ORDER",
      `the events run from ${first} down to ${last}: a history fetched with reverseOrder=true must be reversed first`,
      first,
    );
  }
}

/** An event's id if it has a numeric one; never throws (checkEvent reports what is wrong with the event). */
function peekEventId(event: unknown): number | undefined {
  try {
    const id = (event as { eventId?: unknown } | null)?.eventId;
    return typeof id === "number" ? id : undefined;
  } catch {
    return undefined;
  }
}
