/**
 * The one place SWF's `…Failed` events are built: when SWF refuses a decision (an id in use, an open-item limit,
 * an unknown type, a closing decision while events arrived, an injected fault) and when it cannot deliver an
 * external signal or cancel request. Each `…Failed` event carries the refused decision's identifying fields, the
 * cause, and the DecisionTaskCompleted event of the decision.
 */
import { InvalidArgumentError } from "../errors.js";
import { type Decision, decisionAttributes, makeDecision } from "../history/events.js";
import type { EventAttributesMap, EventType } from "../history/swf-types.js";
import { pick } from "../objects.js";
import type { OpenExternal } from "./types.js";

/** An SWF cause; each `…Failed` event takes its own enum of them, and the caller chose one. */
export type RefusalCause = string;

/** Whatever appends events (the recorder). */
interface Recorder {
  add<K extends EventType>(type: K, attributes: EventAttributesMap[K]): number;
}

/**
 * Records the `…Failed` event SWF records when it refuses decision `d` with `cause`. `initiatedEventId` is the
 * initiated event of a child start or external request SWF recorded before failing it (0 when none was).
 */
export function recordRefusal(r: Recorder, d: Decision, dtc: number, cause: RefusalCause, initiatedEventId = 0): void {
  // biome-ignore lint/suspicious/noExplicitAny: each …Failed event takes its own cause enum; the caller chose one
  const c = cause as any;
  switch (d.decisionType) {
    case "ScheduleActivityTask": {
      const a = decisionAttributes(d);
      r.add("ScheduleActivityTaskFailed", {
        activityType: { name: a.activityType.name, version: a.activityType.version },
        activityId: a.activityId,
        cause: c,
        decisionTaskCompletedEventId: dtc,
      });
      return;
    }
    case "RequestCancelActivityTask":
      r.add("RequestCancelActivityTaskFailed", {
        activityId: decisionAttributes(d).activityId,
        cause: c,
        decisionTaskCompletedEventId: dtc,
      });
      return;
    case "StartTimer":
      r.add("StartTimerFailed", {
        timerId: decisionAttributes(d).timerId,
        cause: c,
        decisionTaskCompletedEventId: dtc,
      });
      return;
    case "CancelTimer":
      r.add("CancelTimerFailed", {
        timerId: decisionAttributes(d).timerId,
        cause: c,
        decisionTaskCompletedEventId: dtc,
      });
      return;
    case "RecordMarker":
      r.add("RecordMarkerFailed", {
        markerName: decisionAttributes(d).markerName,
        cause: c,
        decisionTaskCompletedEventId: dtc,
      });
      return;
    case "StartChildWorkflowExecution": {
      const a = decisionAttributes(d);
      r.add("StartChildWorkflowExecutionFailed", {
        workflowType: { name: a.workflowType.name, version: a.workflowType.version },
        workflowId: a.workflowId,
        cause: c,
        initiatedEventId,
        decisionTaskCompletedEventId: dtc,
        ...pick(a, ["control"]),
      });
      return;
    }
    case "SignalExternalWorkflowExecution":
    case "RequestCancelExternalWorkflowExecution": {
      const a = decisionAttributes(d) as { workflowId: string; runId?: string; control?: string };
      const attrs = {
        workflowId: a.workflowId,
        cause: c,
        initiatedEventId,
        decisionTaskCompletedEventId: dtc,
        ...pick(a, ["runId", "control"]),
      };
      if (d.decisionType === "SignalExternalWorkflowExecution") r.add("SignalExternalWorkflowExecutionFailed", attrs);
      else r.add("RequestCancelExternalWorkflowExecutionFailed", attrs);
      return;
    }
    case "CompleteWorkflowExecution":
    case "FailWorkflowExecution":
    case "CancelWorkflowExecution":
    case "ContinueAsNewWorkflowExecution":
      r.add(`${d.decisionType}Failed` as "CompleteWorkflowExecutionFailed", {
        cause: c,
        decisionTaskCompletedEventId: dtc,
      });
      return;
    case "ScheduleLambdaFunction": {
      const a = decisionAttributes(d);
      r.add("ScheduleLambdaFunctionFailed", { id: a.id, name: a.name, cause: c, decisionTaskCompletedEventId: dtc });
      return;
    }
    default: {
      const unreachable: never = d;
      throw new InvalidArgumentError(`unknown decision type ${(unreachable as Decision).decisionType}`);
    }
  }
}

/** The decision that initiated external request `x` (what its `…Failed` event names). */
export function requestOf(x: OpenExternal): Decision {
  const common = { workflowId: x.workflowId, ...pick(x, ["runId", "control"]) };
  return x.kind === "signal"
    ? makeDecision("SignalExternalWorkflowExecution", { ...common, signalName: x.signalName as string })
    : makeDecision("RequestCancelExternalWorkflowExecution", common);
}
