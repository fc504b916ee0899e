/**
 * Non-determinism detection: after each DecisionTaskCompleted, the events its decisions recorded must match, one
 * for one and in order, the decisions the code produces now at the same point (decision kind, effect id, type name
 * and version). Patch markers the code no longer asks for are skipped (see `deprecatePatch`).
 */
import { NondeterminismError } from "../errors.js";
import { type Decision, decisionAttributes } from "../history/events.js";
import type { DecisionTask, Recorded } from "../history/fold.js";
import type { DecisionType } from "../history/swf-types.js";

/** What identifies a decision for matching. */
export interface Signature {
  decisionType: DecisionType;
  id: string | undefined;
  name: string | undefined;
  version: string | undefined;
}

/** The signature of a decision, in the same terms as a recorded event's. */
export function signatureOf(d: Decision): Signature {
  const s = (id?: string, name?: string, version?: string): Signature => ({
    decisionType: d.decisionType,
    id,
    name,
    version,
  });
  switch (d.decisionType) {
    case "ScheduleActivityTask": {
      const a = decisionAttributes(d);
      return s(a.activityId, a.activityType.name, a.activityType.version);
    }
    case "RequestCancelActivityTask":
      return s(decisionAttributes(d).activityId);
    case "StartTimer":
    case "CancelTimer":
      return s((decisionAttributes(d) as { timerId: string }).timerId);
    case "RecordMarker":
      return s(decisionAttributes(d).markerName);
    case "StartChildWorkflowExecution": {
      const a = decisionAttributes(d);
      return s(a.workflowId, a.workflowType.name, a.workflowType.version);
    }
    case "SignalExternalWorkflowExecution": {
      const a = decisionAttributes(d);
      return s(a.control ?? a.workflowId, a.signalName);
    }
    case "RequestCancelExternalWorkflowExecution": {
      const a = decisionAttributes(d);
      return s(a.control ?? a.workflowId);
    }
    case "CompleteWorkflowExecution":
    case "FailWorkflowExecution":
    case "CancelWorkflowExecution":
    case "ContinueAsNewWorkflowExecution":
    case "ScheduleLambdaFunction":
      return s();
    default: {
      const unreachable: never = d;
      return unreachable;
    }
  }
}

const WORDS: Record<DecisionType, string> = {
  ScheduleActivityTask: "schedule activity",
  RequestCancelActivityTask: "cancel activity",
  StartTimer: "start timer",
  CancelTimer: "cancel timer",
  RecordMarker: "record marker",
  StartChildWorkflowExecution: "start child workflow",
  SignalExternalWorkflowExecution: "signal external workflow",
  RequestCancelExternalWorkflowExecution: "cancel external workflow",
  CompleteWorkflowExecution: "complete the workflow",
  FailWorkflowExecution: "fail the workflow",
  CancelWorkflowExecution: "cancel the workflow",
  ContinueAsNewWorkflowExecution: "continue as new",
  ScheduleLambdaFunction: "schedule Lambda function",
};

/** A signature in words: `schedule activity chargeCard@1 (id activity-3)`. */
export function describeSignature(s: Signature): string {
  const type = s.name ? ` ${s.name}${s.version ? `@${s.version}` : ""}` : "";
  const id = s.id ? ` (id ${s.id})` : "";
  return `${WORDS[s.decisionType]}${type}${id}`;
}

function describeRecorded(r: Recorded): string {
  return `${r.eventType} at event ${r.eventId}: ${describeSignature(r)}`;
}

function same(r: Recorded, p: Signature): boolean {
  if (r.decisionType !== p.decisionType || r.id !== p.id) return false;
  // Failed events of some kinds lack the name; compare names and versions only where both sides have them.
  if (r.name !== undefined && p.name !== undefined && r.name !== p.name) return false;
  if (r.version !== undefined && p.version !== undefined && r.version !== p.version) return false;
  return true;
}

const isPatchMarker = (r: Recorded) => r.decisionType === "RecordMarker" && r.id?.startsWith("patch.") === true;

/** Throws `NondeterminismError` at the first difference between a task's recorded events and `produced`. */
export function matchDecisions(
  task: DecisionTask,
  produced: readonly Decision[],
  workflowType: string,
  runId: string,
): void {
  const recorded = task.recorded;
  let i = 0;
  let j = 0;
  while (i < recorded.length || j < produced.length) {
    const r = recorded[i];
    const p = j < produced.length ? signatureOf(produced[j] as Decision) : undefined;
    if (r && p && same(r, p)) {
      i++;
      j++;
      continue;
    }
    if (r && isPatchMarker(r)) {
      i++; // a patch the code no longer checks
      continue;
    }
    const eventId = r?.eventId ?? (task.completedEventId as number);
    throw new NondeterminismError({
      workflowType,
      runId,
      eventId,
      recorded: r
        ? describeRecorded(r)
        : `nothing more: the decision task completed at event ${task.completedEventId} made ${countOf(recorded.length)}`,
      produced: p ? describeSignature(p) : `nothing more: the code made ${countOf(j)} in this decision task`,
    });
  }
}

function countOf(n: number): string {
  return n === 1 ? "1 decision" : `${n} decisions`;
}
