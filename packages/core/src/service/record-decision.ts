/**
 * SWF's recording rules for decisions: what each decision of a `RespondDecisionTaskCompleted` turns into in the
 * history, and which of them SWF refuses with which cause (ids already in use, open-item limits, unknown types, a
 * closing decision made while new events arrived). Refusals all go through `recordRefusal`.
 */
import { SWF_LIMITS } from "../decisions/limits.js";
import { InvalidArgumentError } from "../errors.js";
import { type Decision, decisionAttributes } from "../history/events.js";
import { compact, pick } from "../objects.js";
import { effectiveActivity, effectiveChild, effectiveContinueAsNew } from "./effective-defaults.js";
import type { HistoryRecorder } from "./history-recorder.js";
import { type RefusalCause, recordRefusal } from "./refusal.js";
import type { RecordOptions } from "./types.js";

/** What recording one decision needs to know about the response it belongs to. */
export interface DecisionContext {
  /** The DecisionTaskCompleted event id. */
  readonly dtc: number;
  /** True when events other than decision-task events arrived while deciding (a close is then UNHANDLED). */
  readonly unhandled: boolean;
  readonly options: RecordOptions;
  /** Events that follow from the decision, recorded after every decision of the response. */
  readonly later: (() => void)[];
}

/** Records decision `d`'s events. Returns true if SWF would schedule a new decision task because of it. */
export function recordDecision(r: HistoryRecorder, d: Decision, ctx: DecisionContext): boolean {
  const { dtc, options } = ctx;
  const refuse = (cause: RefusalCause, initiatedEventId?: number): true => {
    recordRefusal(r, d, dtc, cause, initiatedEventId);
    return true;
  };
  const injected = options.failDecision?.(d);
  if (injected !== undefined) return refuse(injected);
  switch (d.decisionType) {
    case "ScheduleActivityTask": {
      const decided = decisionAttributes(d);
      const type = { name: decided.activityType.name, version: decided.activityType.version };
      // the type's registered defaults fill what the decision left out (a member in neither is refused)
      const scheduled = effectiveActivity(decided, options.activityTypeDefaults?.(type));
      if ("refused" in scheduled) return refuse(scheduled.refused);
      const a = scheduled.attributes;
      if (r.activities.has(a.activityId)) return refuse("ACTIVITY_ID_ALREADY_IN_USE");
      if (r.activities.size >= SWF_LIMITS.maxOpenActivities) return refuse("OPEN_ACTIVITIES_LIMIT_EXCEEDED");
      if (options.activityTypeExists && !options.activityTypeExists(type))
        return refuse("ACTIVITY_TYPE_DOES_NOT_EXIST");
      const taskList = a.taskList?.name ?? r.defaultTaskList;
      const scheduledEventId = r.add("ActivityTaskScheduled", {
        activityType: type,
        activityId: a.activityId,
        taskList: { name: taskList },
        decisionTaskCompletedEventId: dtc,
        ...pick(a, [
          "input",
          "control",
          "scheduleToStartTimeout",
          "scheduleToCloseTimeout",
          "startToCloseTimeout",
          "heartbeatTimeout",
          "taskPriority",
        ]),
      });
      const num = (s: string | undefined) => (s === undefined || s === "NONE" ? undefined : Number(s));
      r.activities.set(a.activityId, {
        activityId: a.activityId,
        activityType: type,
        input: a.input,
        control: a.control,
        taskList,
        scheduledEventId,
        startedEventId: undefined,
        scheduledAt: r.time,
        startedAt: undefined,
        cancelRequested: false,
        timeouts: compact({
          scheduleToStart: num(a.scheduleToStartTimeout),
          startToClose: num(a.startToCloseTimeout),
          scheduleToClose: num(a.scheduleToCloseTimeout),
          heartbeat: num(a.heartbeatTimeout),
        }),
      });
      return false;
    }
    case "RequestCancelActivityTask": {
      const { activityId } = decisionAttributes(d);
      const act = r.activities.get(activityId);
      if (!act) return refuse("ACTIVITY_ID_UNKNOWN");
      act.cancelRequested = true;
      r.add("ActivityTaskCancelRequested", { activityId, decisionTaskCompletedEventId: dtc });
      if (act.startedEventId !== undefined) return false;
      // never started: SWF cancels it at once
      r.activities.delete(activityId);
      ctx.later.push(() => {
        if (!r.closedBy) r.add("ActivityTaskCanceled", { scheduledEventId: act.scheduledEventId, startedEventId: 0 });
      });
      return true;
    }
    case "StartTimer": {
      const a = decisionAttributes(d);
      if (r.timers.has(a.timerId)) return refuse("TIMER_ID_ALREADY_IN_USE");
      if (r.timers.size >= SWF_LIMITS.maxOpenTimers) return refuse("OPEN_TIMERS_LIMIT_EXCEEDED");
      const startedEventId = r.add("TimerStarted", {
        timerId: a.timerId,
        startToFireTimeout: a.startToFireTimeout,
        decisionTaskCompletedEventId: dtc,
        ...pick(a, ["control"]),
      });
      r.timers.set(a.timerId, {
        timerId: a.timerId,
        startedEventId,
        fireAt: r.time + Number(a.startToFireTimeout) * 1000,
      });
      return false;
    }
    case "CancelTimer": {
      const { timerId } = decisionAttributes(d);
      const timer = r.timers.get(timerId);
      if (!timer) return refuse("TIMER_ID_UNKNOWN");
      r.timers.delete(timerId);
      r.add("TimerCanceled", { timerId, startedEventId: timer.startedEventId, decisionTaskCompletedEventId: dtc });
      return false;
    }
    case "RecordMarker": {
      const a = decisionAttributes(d);
      r.add("MarkerRecorded", { markerName: a.markerName, decisionTaskCompletedEventId: dtc, ...pick(a, ["details"]) });
      return false;
    }
    case "StartChildWorkflowExecution": {
      const decided = decisionAttributes(d);
      const type = { name: decided.workflowType.name, version: decided.workflowType.version };
      const a = effectiveChild(decided, options.workflowTypeDefaults?.(type)); // the child type's defaults
      const initiatedEventId = r.add("StartChildWorkflowExecutionInitiated", {
        workflowId: a.workflowId,
        workflowType: type,
        taskList: { name: a.taskList?.name ?? r.defaultTaskList },
        childPolicy: a.childPolicy ?? "TERMINATE",
        decisionTaskCompletedEventId: dtc,
        ...pick(a, [
          "control",
          "input",
          "executionStartToCloseTimeout",
          "taskStartToCloseTimeout",
          "tagList",
          "taskPriority",
        ]),
      });
      if (r.children.has(a.workflowId) || (options.workflowIdAvailable && !options.workflowIdAvailable(a.workflowId)))
        return refuse("WORKFLOW_ALREADY_RUNNING", initiatedEventId);
      if (r.children.size >= SWF_LIMITS.maxOpenChildren)
        return refuse("OPEN_CHILDREN_LIMIT_EXCEEDED", initiatedEventId);
      if (options.workflowTypeExists && !options.workflowTypeExists(type))
        return refuse("WORKFLOW_TYPE_DOES_NOT_EXIST", initiatedEventId);
      r.children.set(a.workflowId, {
        workflowId: a.workflowId,
        workflowType: type,
        input: a.input,
        initiatedEventId,
        startedEventId: undefined,
        runId: undefined,
        taskList: a.taskList?.name,
        childPolicy: a.childPolicy,
      });
      return false;
    }
    case "SignalExternalWorkflowExecution":
    case "RequestCancelExternalWorkflowExecution": {
      const a = decisionAttributes(d) as {
        workflowId: string;
        runId?: string;
        control?: string;
        signalName?: string;
        input?: string;
      };
      const isSignal = d.decisionType === "SignalExternalWorkflowExecution";
      const initiatedEventId = isSignal
        ? r.add("SignalExternalWorkflowExecutionInitiated", {
            workflowId: a.workflowId,
            signalName: a.signalName as string,
            decisionTaskCompletedEventId: dtc,
            ...pick(a, ["runId", "input", "control"]),
          })
        : r.add("RequestCancelExternalWorkflowExecutionInitiated", {
            workflowId: a.workflowId,
            decisionTaskCompletedEventId: dtc,
            ...pick(a, ["runId", "control"]),
          });
      r.externals.set(initiatedEventId, {
        kind: isSignal ? "signal" : "cancel",
        initiatedEventId,
        workflowId: a.workflowId,
        runId: a.runId,
        signalName: a.signalName,
        input: a.input,
        control: a.control,
      });
      return false;
    }
    case "CompleteWorkflowExecution":
    case "FailWorkflowExecution":
    case "CancelWorkflowExecution":
    case "ContinueAsNewWorkflowExecution": {
      if (ctx.unhandled) return refuse("UNHANDLED_DECISION");
      if (d.decisionType === "ContinueAsNewWorkflowExecution" && options.workflowTypeExists) {
        const version = decisionAttributes(d).workflowTypeVersion ?? r.start.workflowType.version;
        if (!options.workflowTypeExists({ name: r.start.workflowType.name, version }))
          return refuse("WORKFLOW_TYPE_DOES_NOT_EXIST");
      }
      recordClose(r, d, dtc, options);
      return false;
    }
    case "ScheduleLambdaFunction":
      return refuse("LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION");
    default: {
      const unreachable: never = d;
      throw new InvalidArgumentError(`unknown decision type ${(unreachable as Decision).decisionType}`);
    }
  }
}

/** Records the closing event of an accepted closing decision; the execution is closed afterwards. */
function recordClose(r: HistoryRecorder, d: Decision, dtc: number, options: RecordOptions): void {
  switch (d.decisionType) {
    case "CompleteWorkflowExecution":
      r.add("WorkflowExecutionCompleted", {
        decisionTaskCompletedEventId: dtc,
        ...pick(decisionAttributes(d), ["result"]),
      });
      break;
    case "FailWorkflowExecution":
      r.add("WorkflowExecutionFailed", {
        decisionTaskCompletedEventId: dtc,
        ...pick(decisionAttributes(d), ["reason", "details"]),
      });
      break;
    case "CancelWorkflowExecution":
      r.add("WorkflowExecutionCanceled", {
        decisionTaskCompletedEventId: dtc,
        ...pick(decisionAttributes(d), ["details"]),
      });
      break;
    case "ContinueAsNewWorkflowExecution": {
      const decided = decisionAttributes(d);
      const next = {
        name: r.start.workflowType.name,
        version: decided.workflowTypeVersion ?? r.start.workflowType.version,
      };
      const a = effectiveContinueAsNew(decided, options.workflowTypeDefaults?.(next)); // the new run's type's defaults
      r.add("WorkflowExecutionContinuedAsNew", {
        decisionTaskCompletedEventId: dtc,
        newExecutionRunId: options.newRunId?.() ?? `run-${r.nextEventId}`,
        taskList: { name: a.taskList?.name ?? r.defaultTaskList },
        childPolicy: a.childPolicy ?? r.start.childPolicy ?? "TERMINATE",
        workflowType: {
          name: r.start.workflowType.name,
          version: a.workflowTypeVersion ?? r.start.workflowType.version,
        },
        ...pick(a, ["input", "executionStartToCloseTimeout", "taskStartToCloseTimeout", "tagList", "taskPriority"]),
      });
      break;
    }
    default:
      throw new InvalidArgumentError(`${d.decisionType} is not a closing decision`);
  }
  r.closedBy = r.events[r.events.length - 1]?.eventType;
}
