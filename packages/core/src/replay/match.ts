/**
 * Non-determinism detection: after each DecisionTaskCompleted, the events its decisions recorded must match, one
 * for one and in order, the decisions the code produces now at the same point (decision kind, effect id, type name
 * and version). Patch markers the code no longer asks for are skipped (see `deprecatePatch`).
 */
import type { Command } from "../decisions/outbox.js";
import type { ActivityDescriptor } from "../effects/effect.js";
import { NondeterminismError } from "../errors.js";
import { type Decision, decisionAttributes } from "../history/events.js";
import type { DecisionTask, Recorded } from "../history/fold.js";
import type { DecisionType } from "../history/swf-types.js";
import { OpenCommand } from "./fiber.js";

/** What identifies a decision for matching. */
export interface Signature {
  decisionType: DecisionType;
  id: string | undefined;
  name: string | undefined;
  version: string | undefined;
}

/** The signature of a decision, in the same terms as a recorded event's. */
export function signatureOf(d: Decision): Signature {
  return readSignature(d, { decisionType: d.decisionType, id: undefined, name: undefined, version: undefined });
}

/** Writes the signature of `d` into `into` and returns it (matching reuses one object for every decision). */
function readSignature(d: Decision, into: Signature): Signature {
  into.decisionType = d.decisionType;
  into.id = undefined;
  into.name = undefined;
  into.version = undefined;
  switch (d.decisionType) {
    case "ScheduleActivityTask": {
      // read by its own key (no key lookup): replay matches one of these per activity
      const a = d.scheduleActivityTaskDecisionAttributes;
      into.id = a.activityId;
      into.name = a.activityType.name;
      into.version = a.activityType.version;
      return into;
    }
    case "RequestCancelActivityTask":
      into.id = decisionAttributes(d).activityId;
      return into;
    case "StartTimer":
    case "CancelTimer":
      into.id = (decisionAttributes(d) as { timerId: string }).timerId;
      return into;
    case "RecordMarker":
      into.id = decisionAttributes(d).markerName;
      return into;
    case "StartChildWorkflowExecution": {
      const a = decisionAttributes(d);
      into.id = a.workflowId;
      into.name = a.workflowType.name;
      into.version = a.workflowType.version;
      return into;
    }
    case "SignalExternalWorkflowExecution": {
      const a = decisionAttributes(d);
      into.id = a.control ?? a.workflowId;
      into.name = a.signalName;
      return into;
    }
    case "RequestCancelExternalWorkflowExecution": {
      const a = decisionAttributes(d);
      into.id = a.control ?? a.workflowId;
      return into;
    }
    case "CompleteWorkflowExecution":
    case "FailWorkflowExecution":
    case "CancelWorkflowExecution":
    case "ContinueAsNewWorkflowExecution":
    case "ScheduleLambdaFunction":
      return into;
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
/** The signature matching reads each produced decision into (only described, never kept, on a mismatch). */
const scratch: Signature = {
  decisionType: "CompleteWorkflowExecution",
  id: undefined,
  name: undefined,
  version: undefined,
};

export function matchDecisions(
  task: DecisionTask,
  produced: readonly Decision[],
  workflowType: string,
  runId: string,
): void {
  match(task, produced, readSignature, workflowType, runId);
}

/**
 * {@link matchDecisions} for the commands a replayed task made (`Engine.replayTask`): an activity's signature is read
 * from its command, whose decision is never built.
 */
export function matchCommands(
  task: DecisionTask,
  produced: readonly Command[],
  workflowType: string,
  runId: string,
): void {
  match(task, produced, readCommand, workflowType, runId);
}

function readCommand(c: Command, into: Signature): Signature {
  if (!(c instanceof OpenCommand) || c.kind !== "activity") return readSignature(c.decision, into);
  const type = (c.descriptor as ActivityDescriptor).activity;
  into.decisionType = "ScheduleActivityTask";
  into.id = c.id;
  into.name = type.name;
  into.version = type.version;
  return into;
}

function match<T>(
  task: DecisionTask,
  produced: readonly T[],
  read: (p: T, into: Signature) => Signature,
  workflowType: string,
  runId: string,
): void {
  const recorded = task.recorded;
  let i = 0;
  let j = 0;
  while (i < recorded.length || j < produced.length) {
    const r = recorded[i];
    const p = j < produced.length ? read(produced[j] as T, scratch) : undefined;
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
