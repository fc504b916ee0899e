/**
 * Progress lines for `yieldflow run`: one line per thing a person cares about (activities started, completed,
 * failed and retried; timers; signals; child workflows; cancellation; workflow logs and failed decision tasks),
 * each with its offset on the workflow's clock (`+00:00:01`). Events of child executions carry their workflow id.
 */
import { decodeRemoteError, type HistoryEvent } from "@yieldflow/core";
import type { RunnerEvent } from "../runner/events.js";
import { firstLine, formatOffset, roughDuration } from "./format.js";

interface ActivityInfo {
  name: string;
  id: string;
  scheduledAt: number;
  startedAt: number | undefined;
  attempt: number;
}

/** Turns runner notifications into progress lines. */
export class ProgressPrinter {
  private origin: number | undefined;
  /** The time of the latest event: notices (failed tasks, warnings) are shown at it. */
  private latest = 0;
  private readonly activities = new Map<string, ActivityInfo>();
  /** Per run and activity type: the attempt number of the next schedule, after failures. */
  private readonly attempts = new Map<string, number>();
  private readonly timers = new Map<string, number>();

  constructor(
    private readonly write: (line: string) => void,
    /** The root execution's workflow id (its lines get no prefix). */
    private readonly rootWorkflowId: string,
  ) {}

  handle(e: RunnerEvent): void {
    if (e.kind === "event") {
      this.origin ??= e.time;
      this.latest = e.time;
      const text = this.describe(e.runId, e.event, e.time);
      if (text) this.line(e.workflowId, e.time, text);
      return;
    }
    const time = this.latest;
    if (e.kind === "log")
      this.line(e.workflowId, e.entry.time, `log ${e.entry.level}: ${e.entry.message}${formatData(e.entry.data)}`);
    else if (e.kind === "warning") this.line(e.workflowId, time, `warning: ${e.message}`);
    else if (e.kind === "decisionTaskFailed")
      this.line(
        e.workflowId,
        time,
        `decision task failed (attempt ${e.attempt} of ${e.maxAttempts}${e.willRetry ? ", will retry" : ", giving up"}): ${firstLine(e.error)}`,
      );
  }

  private line(workflowId: string, time: number, text: string): void {
    const offset = formatOffset(time - (this.origin ?? time)).padStart(12);
    const who = workflowId === this.rootWorkflowId ? "" : `[${workflowId}] `;
    this.write(`${offset}  ${who}${text}`);
  }

  private describe(runId: string, e: HistoryEvent, time: number): string | undefined {
    const key = (scheduledEventId: number | undefined) => `${runId}#${scheduledEventId}`;
    switch (e.eventType) {
      case "WorkflowExecutionStarted": {
        const a = e.workflowExecutionStartedEventAttributes;
        return `workflow ${a?.workflowType?.name}@${a?.workflowType?.version} started (run ${runId})${a?.continuedExecutionRunId ? " as a continuation" : ""}`;
      }
      case "ActivityTaskScheduled": {
        const a = e.activityTaskScheduledEventAttributes;
        const name = a?.activityType?.name as string;
        const attemptKey = `${runId}|${name}`;
        const attempt = this.attempts.get(attemptKey) ?? 1;
        this.activities.set(key(e.eventId), {
          name,
          id: a?.activityId as string,
          scheduledAt: time,
          startedAt: undefined,
          attempt,
        });
        return undefined;
      }
      case "ActivityTaskStarted": {
        const act = this.activities.get(key(e.activityTaskStartedEventAttributes?.scheduledEventId));
        if (!act) return undefined;
        act.startedAt = time;
        return `activity ${act.name} (${act.id}) started${act.attempt > 1 ? ` (retry, attempt ${act.attempt})` : ""}`;
      }
      case "ActivityTaskCompleted": {
        const act = this.closeActivity(runId, key(e.activityTaskCompletedEventAttributes?.scheduledEventId), true);
        return act && `activity ${act.name} (${act.id}) completed in ${roughDuration(time - act.scheduledAt)}`;
      }
      case "ActivityTaskFailed": {
        const a = e.activityTaskFailedEventAttributes;
        const act = this.closeActivity(runId, key(a?.scheduledEventId), false);
        const err = decodeRemoteError(a?.reason, a?.details);
        return act && `activity ${act.name} (${act.id}) failed: ${err.name}: ${firstLine(err.message)}`;
      }
      case "ActivityTaskTimedOut": {
        const a = e.activityTaskTimedOutEventAttributes;
        const act = this.closeActivity(runId, key(a?.scheduledEventId), false);
        return act && `activity ${act.name} (${act.id}) timed out (${a?.timeoutType})`;
      }
      case "ActivityTaskCanceled": {
        const act = this.closeActivity(runId, key(e.activityTaskCanceledEventAttributes?.scheduledEventId), true);
        return act && `activity ${act.name} (${act.id}) cancelled`;
      }
      case "ActivityTaskCancelRequested":
        return `activity ${e.activityTaskCancelRequestedEventAttributes?.activityId} asked to cancel`;
      case "ScheduleActivityTaskFailed": {
        const a = e.scheduleActivityTaskFailedEventAttributes;
        return `activity ${a?.activityType?.name} (${a?.activityId}) could not be scheduled: ${a?.cause}`;
      }
      case "TimerStarted": {
        const a = e.timerStartedEventAttributes;
        this.timers.set(`${runId}|${a?.timerId}`, time);
        return `timer ${a?.timerId} started (${roughDuration(Number(a?.startToFireTimeout) * 1000)})`;
      }
      case "TimerFired":
        return `timer ${e.timerFiredEventAttributes?.timerId} fired`;
      case "TimerCanceled":
        return `timer ${e.timerCanceledEventAttributes?.timerId} cancelled`;
      case "WorkflowExecutionSignaled": {
        const a = e.workflowExecutionSignaledEventAttributes;
        const from = a?.externalWorkflowExecution?.workflowId;
        return `signal ${a?.signalName} received${from ? ` from ${from}` : ""}${a?.input !== undefined ? `: ${clip(a.input)}` : ""}`;
      }
      case "WorkflowExecutionCancelRequested":
        return "cancellation requested";
      case "ChildWorkflowExecutionStarted": {
        const a = e.childWorkflowExecutionStartedEventAttributes;
        return `child ${a?.workflowType?.name}@${a?.workflowType?.version} started (${a?.workflowExecution?.workflowId})`;
      }
      case "StartChildWorkflowExecutionFailed": {
        const a = e.startChildWorkflowExecutionFailedEventAttributes;
        return `child ${a?.workflowType?.name} (${a?.workflowId}) could not start: ${a?.cause}`;
      }
      case "ChildWorkflowExecutionCompleted":
        return `child ${e.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId} completed`;
      case "ChildWorkflowExecutionFailed": {
        const a = e.childWorkflowExecutionFailedEventAttributes;
        const err = decodeRemoteError(a?.reason, a?.details);
        return `child ${a?.workflowExecution?.workflowId} failed: ${err.name}: ${firstLine(err.message)}`;
      }
      case "ChildWorkflowExecutionTimedOut":
        return `child ${e.childWorkflowExecutionTimedOutEventAttributes?.workflowExecution?.workflowId} timed out`;
      case "ChildWorkflowExecutionCanceled":
        return `child ${e.childWorkflowExecutionCanceledEventAttributes?.workflowExecution?.workflowId} cancelled`;
      case "ChildWorkflowExecutionTerminated":
        return `child ${e.childWorkflowExecutionTerminatedEventAttributes?.workflowExecution?.workflowId} terminated`;
      case "ExternalWorkflowExecutionSignaled":
        return `signal delivered to ${e.externalWorkflowExecutionSignaledEventAttributes?.workflowExecution?.workflowId}`;
      case "SignalExternalWorkflowExecutionFailed": {
        const a = e.signalExternalWorkflowExecutionFailedEventAttributes;
        return `signal to ${a?.workflowId} failed: ${a?.cause}`;
      }
      case "ExternalWorkflowExecutionCancelRequested":
        return `cancel request delivered to ${e.externalWorkflowExecutionCancelRequestedEventAttributes?.workflowExecution?.workflowId}`;
      case "RequestCancelExternalWorkflowExecutionFailed": {
        const a = e.requestCancelExternalWorkflowExecutionFailedEventAttributes;
        return `cancel request to ${a?.workflowId} failed: ${a?.cause}`;
      }
      case "WorkflowExecutionCompleted":
        return "workflow completed";
      case "WorkflowExecutionFailed": {
        const a = e.workflowExecutionFailedEventAttributes;
        const err = decodeRemoteError(a?.reason, a?.details);
        return `workflow failed: ${err.name}: ${firstLine(err.message)}`;
      }
      case "WorkflowExecutionCanceled":
        return "workflow cancelled";
      case "WorkflowExecutionTerminated": {
        const a = e.workflowExecutionTerminatedEventAttributes;
        return `workflow terminated${a?.reason ? `: ${a.reason}` : ""}${a?.cause ? ` (${a.cause})` : ""}`;
      }
      case "WorkflowExecutionTimedOut":
        return "workflow timed out";
      case "WorkflowExecutionContinuedAsNew":
        return `workflow continued as new (run ${e.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId})`;
      default:
        return undefined;
    }
  }

  private closeActivity(runId: string, key: string, ok: boolean): ActivityInfo | undefined {
    const act = this.activities.get(key);
    if (!act) return undefined;
    this.activities.delete(key);
    const attemptKey = `${runId}|${act.name}`;
    if (ok) this.attempts.delete(attemptKey);
    else this.attempts.set(attemptKey, act.attempt + 1);
    return act;
  }
}

/** A log line's data, as JSON after the message (up to 500 characters); nothing when there is none. */
function formatData(data: unknown): string {
  if (data === undefined) return "";
  let text: string;
  try {
    text = JSON.stringify(data) ?? String(data);
  } catch {
    // a cycle, a BigInt, an object without a prototype: still show something, never throw while printing
    try {
      text = String(data);
    } catch {
      text = "[data that cannot be printed]";
    }
  }
  return ` ${clip(text, 500)}`;
}

function clip(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
