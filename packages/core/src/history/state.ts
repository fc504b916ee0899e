/**
 * The history state: what the fold makes of a history. Plain, serializable data: the inputs for workflow code
 * (completions, signals, refusals, cancel requests), the decision tasks and the events their decisions recorded,
 * the index from SWF event ids to effect ids, the markers.
 */
import type { DecisionType, EventType } from "./swf-types.js";

/** An event delivered to workflow code: a completion, a signal, a refusal, a cancel request. */
export type Input =
  | { type: "workflowStarted"; eventId: number }
  | { type: "activityCompleted"; eventId: number; id: string; result: string | undefined }
  | { type: "activityFailed"; eventId: number; id: string; reason: string | undefined; details: string | undefined }
  | { type: "activityTimedOut"; eventId: number; id: string; timeoutType: string; details: string | undefined }
  | { type: "activityCanceled"; eventId: number; id: string }
  | { type: "timerFired"; eventId: number; id: string }
  | { type: "childStarted"; eventId: number; id: string; runId: string }
  | {
      type: "childClosed";
      eventId: number;
      id: string;
      status: "COMPLETED" | "FAILED" | "TIMED_OUT" | "TERMINATED" | "CANCELED";
      runId: string | undefined;
      result: string | undefined;
      reason: string | undefined;
      details: string | undefined;
    }
  | { type: "signal"; eventId: number; name: string; input: string | undefined }
  | { type: "externalDone"; eventId: number; id: string }
  | {
      type: "commandFailed";
      eventId: number;
      id: string;
      /** What SWF refused (so the engine never reads event types). */
      command: RefusedCommand;
      eventType: EventType;
      cause: string;
    }
  | { type: "cancelRequested"; eventId: number }
  | {
      type: "closeFailed";
      eventId: number;
      command: RefusedClose;
      /** The refused decision's type, for messages. */
      decisionType: DecisionType;
      eventType: EventType;
      cause: string;
    };

/** The command a `…Failed` event refused: SWF's id namespaces, and markers. */
export type RefusedCommand = "activity" | "timer" | "child" | "external" | "marker";

/** The closing decision a `…Failed` event refused. */
export type RefusedClose = "complete" | "fail" | "cancel" | "continueAsNew";

/** An event recorded because of a decision; replay checks it against what the code decides now. */
export interface Recorded {
  eventId: number;
  eventType: EventType;
  /** The decision that produced this event. */
  decisionType: DecisionType;
  /** The effect id: activityId, timerId, markerName, child workflowId, or the control of an external signal/cancel. */
  id: string | undefined;
  /** Activity or workflow type name, or signal name. */
  name: string | undefined;
  version: string | undefined;
  /**
   * ActivityTaskScheduled: the size its input took in the decision as the decision emitter counts it (`jsonUtf8Length`
   * of the field: about its UTF-8 length as a JSON string; 0 without one), so that a replay can size the decision it
   * makes again without serializing the input again; undefined for other events.
   */
  inputSize: number | undefined;
}

/** One decision task: what it was shown (`inputs`) and, once completed, what its decisions recorded. */
export interface DecisionTask {
  scheduledEventId: number;
  /** 0 while the task is scheduled and not started (only `HistoryState.open` can be such a task). */
  startedEventId: number;
  /** Undefined while the task is open (the history ends inside it). */
  completedEventId: number | undefined;
  /** Workflow time during this task: the DecisionTaskStarted timestamp, epoch ms. */
  time: number;
  inputs: Input[];
  recorded: Recorded[];
}

/** Facts from WorkflowExecutionStarted. */
export interface StartedInfo {
  eventId: number;
  time: number;
  workflowType: { name: string; version: string };
  input: string | undefined;
  taskList: string;
  continuedExecutionRunId: string | undefined;
  parent: { workflowId: string; runId: string } | undefined;
}

/** Everything the replay engine needs from a history. Plain data: serializable, structurally shared by immer. */
export interface HistoryState {
  started: StartedInfo | null;
  /** The id of the last event folded (events must be contiguous from 1). */
  lastEventId: number;
  /**
   * SWF event id of a scheduling event → its kind and the effect id it belongs to (activity, timer, child, external):
   * see {@link RefIndex}.
   */
  refs: RefIndex;
  /**
   * markerName → recorded details (null when the marker had none). The first marker of a name wins. Prototype-free:
   * names come from the history, and `"__proto__"` or `"constructor"` must never resolve through `Object.prototype`.
   */
  markers: Record<string, string | null>;
  /** Inputs not yet delivered to a decision task (the next task that completes takes them). */
  undelivered: Input[];
  /** Decision tasks that completed and whose decisions' events are all in, in order. */
  tasks: DecisionTask[];
  /**
   * The decision task that completed last, while its decisions' events may still be arriving (SWF records them
   * right after DecisionTaskCompleted; the first other event seals the task and moves it to `tasks`). A history
   * that ends here is complete unless its reader knows more events of this task will follow.
   */
  completing: DecisionTask | null;
  /**
   * The decision task that is scheduled or started and not yet completed or timed out. Until it starts, its
   * `startedEventId` is 0 (SWF's event ids start at 1), its `time` the DecisionTaskScheduled timestamp and its `inputs`
   * empty (what it will be shown is in `undelivered`): read {@link startedTask} for the task a decider is deciding.
   */
  open: DecisionTask | null;
  /** The event that closed the execution, if it is closed. */
  closed: { eventId: number; eventType: EventType } | null;
}

/**
 * The index of the events other events refer to by id: for the event id `n`, `kinds[n]` is what kind of event it was
 * (checked by every event that refers to it) and `ids[n]` its effect id; both `undefined` for an event nothing refers
 * to. Two lists indexed by event id, not an object per entry (two per activity in a 25,000-event replay, and the
 * dictionary holding them, were a tenth of what a cold replay allocated). Where there is no entry the lists have a
 * hole (`undefined`, or `null` in a state that went through JSON): only their own entries count (`Object.hasOwn`),
 * so an id from a history never reads `Array.prototype`. Read it with {@link refAt}.
 */
export interface RefIndex {
  kinds: (RefKind | undefined)[];
  ids: (string | undefined)[];
}

/** What a referenced event was: its kind and its effect id. */
export interface Ref {
  kind: RefKind;
  id: string;
}

/** The entry of `refs` for `eventId`, if that event is one other events can refer to. */
export function refAt(refs: RefIndex, eventId: number): Ref | undefined {
  const kind = Object.hasOwn(refs.kinds, eventId) ? refs.kinds[eventId] : undefined;
  const id = Object.hasOwn(refs.ids, eventId) ? refs.ids[eventId] : undefined;
  // a state that went through JSON has null where the lists had holes
  return typeof kind !== "string" || typeof id !== "string" ? undefined : { kind, id };
}

/** The open decision task if it has started (the one a decider is deciding), else `undefined`. */
export function startedTask(state: HistoryState): DecisionTask | undefined {
  const open = state.open;
  return open !== null && open.startedEventId !== 0 ? open : undefined;
}

/** The kinds of events other events refer to by id. */
export type RefKind =
  | "ActivityTaskScheduled"
  | "ActivityTaskStarted"
  | "TimerStarted"
  | "StartChildWorkflowExecutionInitiated"
  | "ChildWorkflowExecutionStarted"
  | "SignalExternalWorkflowExecutionInitiated"
  | "RequestCancelExternalWorkflowExecutionInitiated";

/** An object without a prototype, for lookups keyed by data from a history. */
function dict<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/**
 * The empty list every decision task's `recorded` and the state's `undelivered` start as: shared and frozen, never
 * pushed to (`recordedBy` and `addInput` replace an empty list with a new one-element list), so a decision task that
 * records nothing, or a state with nothing waiting, costs no array of its own.
 */
export const NO_INPUTS = Object.freeze([]) as unknown as Input[];
/** See {@link NO_INPUTS}. */
export const NO_RECORDED = NO_INPUTS as unknown as Recorded[];

/**
 * The state of an empty history. Frozen, like every state `foldHistory` returns: it is shared, so folding in place
 * starts from {@link newHistoryState} instead.
 */
export const emptyHistoryState: HistoryState = Object.freeze({
  started: null,
  lastEventId: 0,
  refs: Object.freeze({ kinds: Object.freeze([]), ids: Object.freeze([]) }) as unknown as RefIndex,
  markers: Object.freeze(dict<string | null>()),
  undelivered: NO_INPUTS,
  tasks: Object.freeze([]) as unknown as DecisionTask[],
  completing: null,
  open: null,
  closed: null,
});

/**
 * A fresh empty state for {@link foldHistoryInPlace}, which mutates it. Its `undelivered` list starts as a shared
 * frozen empty list that the fold replaces when it adds to it: mutate a state only through the fold.
 */
export function newHistoryState(): HistoryState {
  return { ...emptyHistoryState, refs: { kinds: [], ids: [] }, markers: dict(), tasks: [] };
}
