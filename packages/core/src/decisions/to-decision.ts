/**
 * The decision builders: every SWF decision the replay engine makes is written here, in SWF's exact shapes (absent
 * fields left out, durations as SWF's strings, `"NONE"` for no timeout). Pure functions from what an effect asked
 * for (already serialized) and the id the engine gave it to a `Decision`.
 */
import { toSwfDuration } from "../duration.js";
import type {
  ActivityDescriptor,
  ChildDescriptor,
  ContinueAsNewDescriptor,
  SignalExternalDescriptor,
} from "../effects/effect.js";
import { type Decision, makeDecision } from "../history/events.js";
import { compact } from "../objects.js";

/** Seconds as SWF's duration string (`"NONE"` for no timeout), or undefined to leave the field out. */
export function swfSeconds(s: number | undefined): string | undefined {
  return s === undefined ? undefined : toSwfDuration(s);
}

/** ScheduleActivityTask for an `activity` effect given `activityId` and its serialized `input`. */
export function scheduleActivityTask(
  effect: ActivityDescriptor,
  activityId: string,
  input: string | undefined,
): Decision {
  const s = effect.scheduling;
  return makeDecision(
    "ScheduleActivityTask",
    compact({
      activityType: { name: effect.activity.name, version: effect.activity.version },
      activityId,
      input,
      control: effect.attempt === undefined ? undefined : JSON.stringify({ attempt: effect.attempt }),
      taskList: s.taskList === undefined ? undefined : { name: s.taskList },
      taskPriority: s.taskPriority === undefined ? undefined : String(s.taskPriority),
      scheduleToStartTimeout: swfSeconds(s.scheduleToStart),
      startToCloseTimeout: swfSeconds(s.startToClose),
      scheduleToCloseTimeout: swfSeconds(s.scheduleToClose),
      heartbeatTimeout: swfSeconds(s.heartbeat),
    }),
  );
}

/** RequestCancelActivityTask. */
export function requestCancelActivityTask(activityId: string): Decision {
  return makeDecision("RequestCancelActivityTask", { activityId });
}

/** StartTimer firing after `seconds`. */
export function startTimer(timerId: string, seconds: number): Decision {
  return makeDecision("StartTimer", { timerId, startToFireTimeout: String(seconds) });
}

/** CancelTimer. */
export function cancelTimer(timerId: string): Decision {
  return makeDecision("CancelTimer", { timerId });
}

/** StartChildWorkflowExecution for a `child` effect given `workflowId` and its serialized `input`. */
export function startChildWorkflowExecution(
  effect: ChildDescriptor,
  workflowId: string,
  input: string | undefined,
): Decision {
  return makeDecision(
    "StartChildWorkflowExecution",
    compact({
      workflowType: { name: effect.workflow.name, version: effect.workflow.version },
      workflowId,
      input,
      taskList: effect.taskList === undefined ? undefined : { name: effect.taskList },
      executionStartToCloseTimeout: swfSeconds(effect.executionStartToClose),
      taskStartToCloseTimeout: swfSeconds(effect.taskStartToClose),
      childPolicy: effect.childPolicy,
      tagList: effect.tagList ? [...effect.tagList] : undefined,
    }),
  );
}

/** SignalExternalWorkflowExecution for a `signalExternal` effect, its serialized `input`, `control` its id. */
export function signalExternalWorkflowExecution(
  effect: SignalExternalDescriptor,
  input: string | undefined,
  control: string,
): Decision {
  return makeDecision(
    "SignalExternalWorkflowExecution",
    compact({ workflowId: effect.workflowId, runId: effect.runId, signalName: effect.signalName, input, control }),
  );
}

/** RequestCancelExternalWorkflowExecution (of another execution, or of a child: `control` says which request). */
export function requestCancelExternalWorkflowExecution(
  workflowId: string,
  runId: string | undefined,
  control: string,
): Decision {
  return makeDecision("RequestCancelExternalWorkflowExecution", compact({ workflowId, runId, control }));
}

/** RecordMarker (a side effect's value in `details`, or a patch marker without details). */
export function recordMarker(markerName: string, details?: string): Decision {
  return makeDecision("RecordMarker", compact({ markerName, details }));
}

/** ContinueAsNewWorkflowExecution for a `continueAsNew` effect and its serialized `input`. */
export function continueAsNewWorkflowExecution(effect: ContinueAsNewDescriptor, input: string | undefined): Decision {
  return makeDecision(
    "ContinueAsNewWorkflowExecution",
    compact({
      input,
      workflowTypeVersion: effect.workflowTypeVersion,
      taskList: effect.taskList === undefined ? undefined : { name: effect.taskList },
      executionStartToCloseTimeout: swfSeconds(effect.executionStartToClose),
      taskStartToCloseTimeout: swfSeconds(effect.taskStartToClose),
      childPolicy: effect.childPolicy,
      tagList: effect.tagList ? [...effect.tagList] : undefined,
    }),
  );
}

/** CompleteWorkflowExecution with the serialized `result`. */
export function completeWorkflowExecution(result: string | undefined): Decision {
  return makeDecision("CompleteWorkflowExecution", compact({ result }));
}

/**
 * FailWorkflowExecution (see `workflowFailure` for a reason and details SWF accepts; `details` as the payload
 * pipeline encoded them, possibly a reference to an object in a store).
 */
export function failWorkflowExecution(reason: string, details: string | undefined): Decision {
  return makeDecision("FailWorkflowExecution", compact({ reason, details }));
}

/** CancelWorkflowExecution with serialized `details`. */
export function cancelWorkflowExecution(details: string | undefined): Decision {
  return makeDecision("CancelWorkflowExecution", compact({ details }));
}
