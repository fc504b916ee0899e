/**
 * `applyEvent`: folds one checked SWF event into the history state. It checks the event's place (contiguous ids,
 * after WorkflowExecutionStarted, before nothing once closed), seals the decision task whose events are all in,
 * folds the execution's start and its decision tasks itself, and hands every other event to the file of its
 * family under `apply/`. One case per SWF event type; the `never` check keeps it exhaustive.
 */
import type { Draft } from "immer";
import { HistoryError } from "../errors.js";
import { applyActivityEvent } from "./apply/activities.js";
import { applyChildEvent } from "./apply/children.js";
import { applyClosingEvent } from "./apply/closing.js";
import { applyExternalEvent } from "./apply/externals.js";
import { applyMarkerEvent } from "./apply/markers.js";
import { addInput } from "./apply/references.js";
import { applyTimerEvent } from "./apply/timers.js";
import type { Event } from "./events.js";
import { type HistoryState, NO_INPUTS, NO_RECORDED } from "./state.js";

/** The error for an event that is not the next one (`descending`: the history looks reversed). */
export function outOfOrder(expected: number, got: number, descending = false): HistoryError {
  const hint = descending
    ? " (a history fetched with reverseOrder=true must be reversed first)"
    : got < expected
      ? " (events already folded were passed again?)"
      : " (a page of the history is missing?)";
  return new HistoryError("YF_HISTORY_OUT_OF_ORDER", `expected event ${expected} next, got ${got}${hint}`, got);
}

/**
 * SWF records a response's events together, right after its DecisionTaskCompleted: any other event means the task
 * still completing has all of its own, and joins `tasks`. Each case of `applyEvent` that is not a decision's event
 * calls this (case lists, not a set looked up for each event while a task completes: a fan-out task is followed by 50).
 */
function seal(draft: Draft<HistoryState>): void {
  const completing = draft.completing;
  if (completing === null) return;
  draft.tasks.push(completing);
  draft.completing = null;
}

/** Applies one checked event. One case per SWF event type; the `never` check keeps it exhaustive. */
export function applyEvent(draft: Draft<HistoryState>, e: Event): void {
  if (e.eventId !== draft.lastEventId + 1)
    throw outOfOrder(draft.lastEventId + 1, e.eventId, e.eventId < draft.lastEventId);
  draft.lastEventId = e.eventId;
  if (e.eventType !== "WorkflowExecutionStarted" && draft.started === null) {
    throw new HistoryError(
      "YF_HISTORY_NOT_STARTED",
      `the history must begin with WorkflowExecutionStarted, not ${e.eventType}`,
      e.eventId,
    );
  }
  if (draft.closed !== null) {
    throw new HistoryError(
      "YF_HISTORY_BAD_EVENT",
      `${e.eventType} comes after the execution closed at event ${draft.closed.eventId}`,
      e.eventId,
    );
  }
  const id = e.eventId;
  switch (e.eventType) {
    case "WorkflowExecutionStarted": {
      seal(draft);
      if (draft.started !== null)
        throw new HistoryError("YF_HISTORY_BAD_EVENT", "a second WorkflowExecutionStarted", id);
      const a = e.attributes;
      const parent = a.parentWorkflowExecution;
      draft.started = {
        eventId: id,
        time: e.time,
        workflowType: { name: a.workflowType.name, version: a.workflowType.version },
        input: a.input,
        taskList: a.taskList.name,
        continuedExecutionRunId: a.continuedExecutionRunId,
        parent: parent ? { workflowId: parent.workflowId, runId: parent.runId } : undefined,
      };
      addInput(draft, { type: "workflowStarted", eventId: id });
      return;
    }
    // ── decision tasks ──
    case "DecisionTaskScheduled":
      seal(draft);
      if (draft.open !== null)
        throw new HistoryError(
          "YF_HISTORY_BAD_DECISION_TASK",
          "a decision task was scheduled while another is open",
          id,
        );
      // the task itself from the start, not a record pointing to it once started: one object per task
      draft.open = {
        scheduledEventId: id,
        startedEventId: 0,
        completedEventId: undefined,
        time: e.time,
        inputs: NO_INPUTS,
        recorded: NO_RECORDED,
      };
      return;
    case "DecisionTaskStarted": {
      seal(draft);
      const open = draft.open;
      if (open === null || open.startedEventId !== 0 || open.scheduledEventId !== e.attributes.scheduledEventId) {
        throw new HistoryError(
          "YF_HISTORY_BAD_DECISION_TASK",
          `DecisionTaskStarted for scheduled event ${e.attributes.scheduledEventId}, which is not the open decision task`,
          id,
        );
      }
      open.startedEventId = id;
      open.time = e.time;
      open.inputs = draft.undelivered;
      draft.undelivered = NO_INPUTS;
      return;
    }
    case "DecisionTaskCompleted": {
      seal(draft);
      const task = draft.open;
      if (task === null || task.startedEventId === 0 || task.startedEventId !== e.attributes.startedEventId) {
        throw new HistoryError(
          "YF_HISTORY_BAD_DECISION_TASK",
          `DecisionTaskCompleted for started event ${e.attributes.startedEventId}, which is not the open decision task`,
          id,
        );
      }
      task.completedEventId = id;
      draft.completing = task;
      draft.open = null;
      return;
    }
    case "DecisionTaskTimedOut": {
      seal(draft);
      const task = draft.open;
      if (task !== null && task.startedEventId === 0 && e.attributes.timeoutType === "SCHEDULE_TO_START") {
        draft.open = null; // never started: nothing was shown to it
        return;
      }
      if (task === null || task.startedEventId === 0 || task.startedEventId !== e.attributes.startedEventId) {
        throw new HistoryError(
          "YF_HISTORY_BAD_DECISION_TASK",
          `DecisionTaskTimedOut for started event ${e.attributes.startedEventId}, which is not the open decision task`,
          id,
        );
      }
      // what the timed-out task was shown is shown again to the next one
      draft.undelivered = [...task.inputs, ...draft.undelivered];
      draft.open = null;
      return;
    }
    // ── the events of a decision (they follow its DecisionTaskCompleted: no seal) ──
    case "ActivityTaskScheduled":
    case "ScheduleActivityTaskFailed":
    case "ActivityTaskCancelRequested":
    case "RequestCancelActivityTaskFailed":
      applyActivityEvent(draft, e);
      return;
    case "TimerStarted":
    case "StartTimerFailed":
    case "TimerCanceled":
    case "CancelTimerFailed":
      applyTimerEvent(draft, e);
      return;
    case "MarkerRecorded":
    case "RecordMarkerFailed":
      applyMarkerEvent(draft, e);
      return;
    case "StartChildWorkflowExecutionInitiated":
    case "StartChildWorkflowExecutionFailed":
      applyChildEvent(draft, e);
      return;
    case "SignalExternalWorkflowExecutionInitiated":
    case "RequestCancelExternalWorkflowExecutionInitiated":
    case "SignalExternalWorkflowExecutionFailed":
    case "RequestCancelExternalWorkflowExecutionFailed":
      applyExternalEvent(draft, e);
      return;
    case "WorkflowExecutionCompleted":
    case "WorkflowExecutionFailed":
    case "WorkflowExecutionCanceled":
    case "WorkflowExecutionContinuedAsNew":
    case "CompleteWorkflowExecutionFailed":
    case "FailWorkflowExecutionFailed":
    case "CancelWorkflowExecutionFailed":
    case "ContinueAsNewWorkflowExecutionFailed":
      applyClosingEvent(draft, e);
      return;
    // ── everything else SWF records (each seals the task still completing) ──
    case "ActivityTaskStarted":
    case "ActivityTaskCompleted":
    case "ActivityTaskFailed":
    case "ActivityTaskTimedOut":
    case "ActivityTaskCanceled":
      seal(draft);
      applyActivityEvent(draft, e);
      return;
    case "TimerFired":
      seal(draft);
      applyTimerEvent(draft, e);
      return;
    case "ChildWorkflowExecutionStarted":
    case "ChildWorkflowExecutionCompleted":
    case "ChildWorkflowExecutionFailed":
    case "ChildWorkflowExecutionTimedOut":
    case "ChildWorkflowExecutionTerminated":
    case "ChildWorkflowExecutionCanceled":
      seal(draft);
      applyChildEvent(draft, e);
      return;
    case "WorkflowExecutionSignaled":
    case "ExternalWorkflowExecutionSignaled":
    case "ExternalWorkflowExecutionCancelRequested":
    case "WorkflowExecutionCancelRequested":
      seal(draft);
      applyExternalEvent(draft, e);
      return;
    case "WorkflowExecutionTerminated":
    case "WorkflowExecutionTimedOut":
      seal(draft);
      applyClosingEvent(draft, e);
      return;
    // ── Lambda tasks: SWF's Lambda support is not part of yieldflow ──
    case "LambdaFunctionScheduled":
    case "LambdaFunctionStarted":
    case "LambdaFunctionCompleted":
    case "LambdaFunctionFailed":
    case "LambdaFunctionTimedOut":
    case "ScheduleLambdaFunctionFailed":
    case "StartLambdaFunctionFailed":
      throw new HistoryError(
        "YF_HISTORY_UNSUPPORTED_EVENT",
        `${e.eventType}: SWF Lambda tasks are not supported by yieldflow`,
        id,
      );
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
