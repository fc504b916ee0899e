/**
 * The decision builders: every SWF decision the replay engine makes is written here, in SWF's exact shapes (absent
 * fields left out, durations as SWF's strings, `"NONE"` for no timeout). Pure functions from what an effect asked
 * for (already serialized) and the id the engine gave it to a `Decision`.
 */
import { toSwfDuration } from "../duration.js";
import type {
  ActivityDescriptor,
  ActivityScheduling,
  ChildDescriptor,
  ContinueAsNewDescriptor,
  SignalExternalDescriptor,
} from "../effects/effect.js";
import { type Decision, makeDecision } from "../history/events.js";
import type { DecisionAttributesMap } from "../history/swf-types.js";
import { jsonUtf8Length } from "../json-size.js";
import { compact } from "../objects.js";
import { withActivityAttempt } from "../payload/attempt.js";
import { DECISION_SIZE_ALLOWANCE } from "./outbox.js";

/** Seconds as SWF's duration string (`"NONE"` for no timeout), or undefined to leave the field out. */
export function swfSeconds(s: number | undefined): string | undefined {
  return s === undefined ? undefined : toSwfDuration(s);
}

/**
 * ScheduleActivityTask for an `activity` effect given `activityId` and its serialized `input`. Built field by field
 * (every activity of every replay makes one), its scheduling fields converted once per scheduling object.
 */
export function scheduleActivityTask(
  effect: ActivityDescriptor,
  activityId: string,
  input: string | undefined,
): Decision {
  const s = swfScheduling(effect.scheduling);
  const a: DecisionAttributesMap["ScheduleActivityTask"] = {
    activityType: { name: effect.activity.name, version: effect.activity.version },
    activityId,
  };
  // from attempt 2 on, the input carries the attempt too: SWF does not hand an activity worker the control
  const carried = withActivityAttempt(input, effect.attempt);
  if (carried !== undefined) a.input = carried;
  if (effect.attempt !== undefined) a.control = JSON.stringify({ attempt: effect.attempt });
  if (s.taskList !== undefined) a.taskList = { name: s.taskList };
  if (s.taskPriority !== undefined) a.taskPriority = s.taskPriority;
  if (s.scheduleToStartTimeout !== undefined) a.scheduleToStartTimeout = s.scheduleToStartTimeout;
  if (s.startToCloseTimeout !== undefined) a.startToCloseTimeout = s.startToCloseTimeout;
  if (s.scheduleToCloseTimeout !== undefined) a.scheduleToCloseTimeout = s.scheduleToCloseTimeout;
  if (s.heartbeatTimeout !== undefined) a.heartbeatTimeout = s.heartbeatTimeout;
  return { decisionType: "ScheduleActivityTask", scheduleActivityTaskDecisionAttributes: a } as Decision;
}

/**
 * An upper bound of the outbox's size of the decision {@link scheduleActivityTask} makes from the same arguments (what
 * `approximateSize` computes), from its parts, without building it or reading them: a character takes at most 6 bytes
 * in JSON. The scheduling's share is exact, computed once per scheduling object.
 */
export function scheduleActivityTaskBound(
  effect: ActivityDescriptor,
  activityId: string,
  input: string | undefined,
): number {
  const attempt = effect.attempt;
  const bound = DECISION_SIZE_ALLOWANCE + swfScheduling(effect.scheduling).size + jsonBound(activityId);
  if (attempt === undefined) return input === undefined ? bound : bound + jsonBound(input);
  // rare (retries): the input and control as the decision carries them
  const carried = withActivityAttempt(input, attempt);
  return (
    bound + (carried === undefined ? 0 : jsonBound(carried)) + jsonBound(JSON.stringify({ attempt: effect.attempt }))
  );
}

/**
 * The outbox's size of the decision {@link scheduleActivityTask} makes whose input field (as it carries the attempt,
 * if any) takes `inputSize` bytes (`jsonUtf8Length` of it, 0 without one): what `approximateSize` computes, from the
 * parts.
 */
export function scheduleActivityTaskSize(effect: ActivityDescriptor, activityId: string, inputSize: number): number {
  // an id the engine made (`activity-12`) is plain ASCII
  const idSize = effect.id === undefined ? activityId.length + 2 : jsonUtf8Length(activityId);
  const size = DECISION_SIZE_ALLOWANCE + swfScheduling(effect.scheduling).size + idSize + inputSize;
  const attempt = effect.attempt;
  return attempt === undefined ? size : size + jsonUtf8Length(JSON.stringify({ attempt }));
}

/** At least `jsonUtf8Length(text)`: quotes, and 6 bytes per character (`\u00XX`). */
function jsonBound(text: string): number {
  return 2 + 6 * text.length;
}

/** An activity's scheduling fields as ScheduleActivityTask carries them, and their share of the decision's size. */
interface SwfScheduling {
  taskList: string | undefined;
  taskPriority: string | undefined;
  scheduleToStartTimeout: string | undefined;
  startToCloseTimeout: string | undefined;
  scheduleToCloseTimeout: string | undefined;
  heartbeatTimeout: string | undefined;
  /** The JSON UTF-8 length of the string fields above (taskList is an object in the decision: not counted). */
  size: number;
}

const schedulingCache = new WeakMap<ActivityScheduling, SwfScheduling>();

/**
 * The SWF form of `s`, computed once per scheduling object: an activity called without options shares its
 * definition's scheduling object, so a run converts its timeouts once, not once per activity.
 */
function swfScheduling(s: ActivityScheduling): SwfScheduling {
  let out = schedulingCache.get(s);
  if (out === undefined) {
    out = {
      taskList: s.taskList,
      taskPriority: s.taskPriority === undefined ? undefined : String(s.taskPriority),
      scheduleToStartTimeout: swfSeconds(s.scheduleToStart),
      startToCloseTimeout: swfSeconds(s.startToClose),
      scheduleToCloseTimeout: swfSeconds(s.scheduleToClose),
      heartbeatTimeout: swfSeconds(s.heartbeat),
      size: 0,
    };
    for (const v of [
      out.taskPriority,
      out.scheduleToStartTimeout,
      out.startToCloseTimeout,
      out.scheduleToCloseTimeout,
      out.heartbeatTimeout,
    ])
      if (v !== undefined) out.size += jsonUtf8Length(v);
    schedulingCache.set(s, out);
  }
  return out;
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
