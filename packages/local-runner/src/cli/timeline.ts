/**
 * A history as a timeline: what ran when and for how long (activities, timers, child workflows, decision tasks),
 * with retries and outcomes, and the instants in between (signals, markers, cancel requests). Accepts any of
 * SWF's three timestamp forms. Used by `yieldflow history` for the terminal and the HTML page (and by anything
 * else that shows a history: the model is plain data, the payloads are kept as recorded, untrusted text).
 */
import { closeStatusOf, decodeRemoteError, type HistoryEvent, timestampToMillis } from "@yieldflow/core";
import { firstLine, roughDuration } from "./format.js";

/** Something that took time. */
export interface Span {
  kind: "activity" | "timer" | "child" | "decision";
  /** What it was: an activity type, a timer id, a child workflow type. */
  label: string;
  /** Its SWF id (activity id, timer id, child workflow id, or the decision task's started event id). */
  id: string;
  /** Scheduled / started / initiated, epoch ms. */
  start: number;
  /** When it began running (activities), epoch ms. */
  runningFrom: number | undefined;
  /** When it closed; undefined while open. */
  end: number | undefined;
  outcome: "completed" | "failed" | "timed out" | "cancelled" | "fired" | "terminated" | "not started" | "open";
  /** The failure, timeout type or cause, in a few words. */
  detail: string | undefined;
  /** Attempt number of an activity type within the run (2 and up are retries after a failure). */
  attempt: number;
  /** A timer core started for `signal(name, { timeout })`: the time the workflow waited for a signal. */
  signalWait?: boolean;
  /** The recorded input (activities, children), as recorded: serialized text. */
  input?: string;
  /** The recorded result (activities, children). */
  result?: string;
  /** The whole recorded failure: the error's name, message, details and stack, as readable text. */
  failure?: string;
}

/** Something that happened at one instant. */
export interface Instant {
  time: number;
  label: string;
  /** A signal that arrived, a cancel request, or a marker (a side effect's value, a version patch). */
  kind: "signal" | "cancel" | "marker";
  /** The signal's input or the marker's details, as recorded. */
  data?: string;
}

/** A whole history as a timeline. */
export interface Timeline {
  workflowType: string;
  start: number;
  end: number;
  /** How the execution closed, or OPEN. */
  status: string;
  /** The failure of a failed workflow, in a few words. */
  detail: string | undefined;
  /** The workflow's input, result and whole failure, as recorded. */
  input: string | undefined;
  result: string | undefined;
  failure: string | undefined;
  eventCount: number;
  spans: Span[];
  instants: Instant[];
}

/** Builds the timeline of `events` (SWF history events in any of the accepted forms). */
export function buildTimeline(events: readonly HistoryEvent[]): Timeline {
  const spans: Span[] = [];
  const instants: Instant[] = [];
  const byScheduled = new Map<number, Span>();
  const timers = new Map<string, Span>();
  const children = new Map<string, Span>();
  const decisions = new Map<number, Span>();
  const attempts = new Map<string, number>();
  let workflowType = "?";
  let status = "OPEN";
  let detail: string | undefined;
  let input: string | undefined;
  let result: string | undefined;
  let failure: string | undefined;
  let first: number | undefined;
  let last = 0;
  const closeActivity = (scheduledEventId: number | undefined, time: number, outcome: Span["outcome"], d?: string) => {
    const s = byScheduled.get(scheduledEventId as number);
    if (!s) return;
    s.end = time;
    s.outcome = outcome;
    s.detail = d;
    if (outcome === "completed") attempts.delete(s.label);
    else if (outcome !== "cancelled") attempts.set(s.label, s.attempt + 1);
    return s;
  };
  for (const e of events) {
    const time = timestampToMillis(e.eventTimestamp, e.eventId);
    first ??= time;
    last = Math.max(last, time);
    switch (e.eventType) {
      case "WorkflowExecutionStarted": {
        const t = e.workflowExecutionStartedEventAttributes?.workflowType;
        workflowType = `${t?.name}@${t?.version}`;
        input = e.workflowExecutionStartedEventAttributes?.input;
        break;
      }
      case "DecisionTaskStarted": {
        const s: Span = {
          kind: "decision",
          label: "decision task",
          id: String(e.eventId),
          start: time,
          runningFrom: time,
          end: undefined,
          outcome: "open",
          detail: undefined,
          attempt: 1,
        };
        decisions.set(e.eventId as number, s);
        spans.push(s);
        break;
      }
      case "DecisionTaskCompleted":
      case "DecisionTaskTimedOut": {
        const a = e.decisionTaskCompletedEventAttributes ?? e.decisionTaskTimedOutEventAttributes;
        const s = decisions.get(a?.startedEventId as number);
        if (s) {
          s.end = time;
          s.outcome = e.eventType === "DecisionTaskCompleted" ? "completed" : "timed out";
        }
        break;
      }
      case "ActivityTaskScheduled": {
        const a = e.activityTaskScheduledEventAttributes;
        const label = a?.activityType?.name ?? "?";
        const s: Span = {
          kind: "activity",
          label,
          id: a?.activityId ?? "?",
          start: time,
          runningFrom: undefined,
          end: undefined,
          outcome: "open",
          detail: undefined,
          attempt: attempts.get(label) ?? 1,
          ...(a?.input !== undefined ? { input: a.input } : {}),
        };
        byScheduled.set(e.eventId as number, s);
        spans.push(s);
        break;
      }
      case "ActivityTaskStarted": {
        const s = byScheduled.get(e.activityTaskStartedEventAttributes?.scheduledEventId as number);
        if (s) s.runningFrom = time;
        break;
      }
      case "ActivityTaskCompleted": {
        const a = e.activityTaskCompletedEventAttributes;
        const s = closeActivity(a?.scheduledEventId, time, "completed");
        if (s && a?.result !== undefined) s.result = a.result;
        break;
      }
      case "ActivityTaskFailed": {
        const a = e.activityTaskFailedEventAttributes;
        const err = decodeRemoteError(a?.reason, a?.details);
        const s = closeActivity(a?.scheduledEventId, time, "failed", `${err.name}: ${firstLine(err.message)}`);
        if (s) s.failure = describeFailure(a?.reason, a?.details);
        break;
      }
      case "ActivityTaskTimedOut": {
        const a = e.activityTaskTimedOutEventAttributes;
        const s = closeActivity(a?.scheduledEventId, time, "timed out", a?.timeoutType);
        if (s && a?.details !== undefined) s.failure = `timed out (${a.timeoutType}); last heartbeat: ${a.details}`;
        break;
      }
      case "ActivityTaskCanceled":
        closeActivity(e.activityTaskCanceledEventAttributes?.scheduledEventId, time, "cancelled");
        break;
      case "ScheduleActivityTaskFailed": {
        const a = e.scheduleActivityTaskFailedEventAttributes;
        spans.push({
          kind: "activity",
          label: a?.activityType?.name ?? "?",
          id: a?.activityId ?? "?",
          start: time,
          runningFrom: undefined,
          end: time,
          outcome: "not started",
          detail: a?.cause,
          attempt: 1,
        });
        break;
      }
      case "TimerStarted": {
        const a = e.timerStartedEventAttributes;
        const seconds = Number(a?.startToFireTimeout);
        const s: Span = {
          kind: "timer",
          label: `${a?.timerId} (${Number.isFinite(seconds) ? roughDuration(seconds * 1000) : a?.startToFireTimeout})`,
          id: a?.timerId ?? "?",
          start: time,
          runningFrom: time,
          end: undefined,
          outcome: "open",
          detail: undefined,
          attempt: 1,
          // core names the timer of signal(name, { timeout }) timeout-<n> (a sleep's is timer-<n> or your id)
          ...(/^timeout-\d+$/.test(a?.timerId ?? "") ? { signalWait: true } : {}),
        };
        timers.set(s.id, s);
        spans.push(s);
        break;
      }
      case "TimerFired":
      case "TimerCanceled": {
        const id = e.timerFiredEventAttributes?.timerId ?? e.timerCanceledEventAttributes?.timerId;
        const s = timers.get(id as string);
        if (s) {
          s.end = time;
          s.outcome = e.eventType === "TimerFired" ? "fired" : "cancelled";
          timers.delete(id as string);
        }
        break;
      }
      case "StartChildWorkflowExecutionInitiated": {
        const a = e.startChildWorkflowExecutionInitiatedEventAttributes;
        const s: Span = {
          kind: "child",
          label: `${a?.workflowType?.name}@${a?.workflowType?.version}`,
          id: a?.workflowId ?? "?",
          start: time,
          runningFrom: undefined,
          end: undefined,
          outcome: "open",
          detail: undefined,
          attempt: 1,
          ...(a?.input !== undefined ? { input: a.input } : {}),
        };
        children.set(s.id, s);
        spans.push(s);
        break;
      }
      case "StartChildWorkflowExecutionFailed": {
        const a = e.startChildWorkflowExecutionFailedEventAttributes;
        const s = children.get(a?.workflowId as string);
        if (s) Object.assign(s, { end: time, outcome: "not started", detail: a?.cause });
        break;
      }
      case "ChildWorkflowExecutionStarted": {
        const s = children.get(e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId as string);
        if (s) s.runningFrom = time;
        break;
      }
      case "ChildWorkflowExecutionCompleted":
      case "ChildWorkflowExecutionFailed":
      case "ChildWorkflowExecutionTimedOut":
      case "ChildWorkflowExecutionCanceled":
      case "ChildWorkflowExecutionTerminated": {
        const a =
          e.childWorkflowExecutionCompletedEventAttributes ??
          e.childWorkflowExecutionFailedEventAttributes ??
          e.childWorkflowExecutionTimedOutEventAttributes ??
          e.childWorkflowExecutionCanceledEventAttributes ??
          e.childWorkflowExecutionTerminatedEventAttributes;
        const s = children.get(a?.workflowExecution?.workflowId as string);
        if (!s) break;
        s.end = time;
        const outcomes = new Map<string, Span["outcome"]>([
          ["ChildWorkflowExecutionCompleted", "completed"],
          ["ChildWorkflowExecutionFailed", "failed"],
          ["ChildWorkflowExecutionTimedOut", "timed out"],
          ["ChildWorkflowExecutionCanceled", "cancelled"],
          ["ChildWorkflowExecutionTerminated", "terminated"],
        ]);
        s.outcome = outcomes.get(e.eventType) ?? "completed";
        if (e.childWorkflowExecutionFailedEventAttributes) {
          const f = e.childWorkflowExecutionFailedEventAttributes;
          const err = decodeRemoteError(f.reason, f.details);
          s.detail = `${err.name}: ${firstLine(err.message)}`;
          s.failure = describeFailure(f.reason, f.details);
        }
        const result = e.childWorkflowExecutionCompletedEventAttributes?.result;
        if (result !== undefined) s.result = result;
        break;
      }
      case "WorkflowExecutionSignaled": {
        const a = e.workflowExecutionSignaledEventAttributes;
        instants.push({
          time,
          label: `signal ${a?.signalName}`,
          kind: "signal",
          ...(a?.input !== undefined ? { data: a.input } : {}),
        });
        break;
      }
      case "WorkflowExecutionCancelRequested":
        instants.push({ time, label: "cancellation requested", kind: "cancel" });
        break;
      case "MarkerRecorded": {
        const a = e.markerRecordedEventAttributes;
        instants.push({
          time,
          label: `marker ${a?.markerName}`,
          kind: "marker",
          ...(a?.details !== undefined ? { data: a.details } : {}),
        });
        break;
      }
      default:
        if (closeStatusOf(e.eventType)) {
          status = closeStatusOf(e.eventType) as string;
          const f = e.workflowExecutionFailedEventAttributes;
          if (f) {
            const err = decodeRemoteError(f.reason, f.details);
            detail = `${err.name}: ${firstLine(err.message)}`;
            failure = describeFailure(f.reason, f.details);
          }
          result = e.workflowExecutionCompletedEventAttributes?.result ?? result;
          const t = e.workflowExecutionTerminatedEventAttributes;
          if (t?.reason) detail = t.reason;
        }
    }
  }
  return {
    workflowType,
    input,
    result,
    failure,
    start: first ?? 0,
    end: last,
    status,
    detail,
    eventCount: events.length,
    spans,
    instants,
  };
}

/** A recorded failure as readable text: name and message, then the attached details and the stack, if any. */
function describeFailure(reason: string | undefined, details: string | undefined): string {
  const err = decodeRemoteError(reason, details);
  const parts = [`${err.name}: ${err.message}`];
  if (err.details !== undefined) {
    let text: string;
    try {
      text = JSON.stringify(err.details, null, 2) ?? String(err.details);
    } catch {
      text = "[details that cannot be shown]";
    }
    parts.push(`details: ${text}`);
  }
  if (err.stack) parts.push(err.stack);
  return parts.join("\n");
}
