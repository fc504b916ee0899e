/**
 * One workflow execution run as the workflow service keeps it: plain data around core's `HistoryRecorder`, which is the one
 * recorder of events (the service never writes events any other way). Everything here can be rebuilt from the
 * history, which is what lets a later dev server persist or serve it.
 */
import { type CloseStatus, errorMessage, type HistoryEvent, type Payloads } from "@yieldflow/core";
import type { HistoryRecorder } from "@yieldflow/core/service";
import { WorkflowExecutionError } from "./errors.js";

/** One run of a workflow execution. */
export interface ExecutionRecord {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: { readonly name: string; readonly version: string };
  /** The recorder of this run's history. */
  readonly recorder: HistoryRecorder;
  /** How many of the recorder's events the service has processed (progress, timers, tasks, deliveries). */
  processed: number;
  /** The run that started this one by continue-as-new, and the run this one continued as. */
  readonly previousRunId: string | undefined;
  nextRunId: string | undefined;
  /** The parent execution, for child workflows. */
  readonly parent: { workflowId: string; runId: string; initiatedEventId: number } | undefined;
  /** Decision tasks of this run that failed in a row (the workflow code threw, or replay diverged). */
  decisionFailures: number;
  /**
   * The error of this run's last decision task if it failed (cleared when one completes): a run whose decision tasks
   * keep failing may time out meanwhile, and the error, not the time-out, is what its `result()` reports.
   */
  lastDecisionError: unknown;
  /** The signals the workflow code waited for after its last completed decision task. */
  waitingForSignals: readonly string[];
  /** Set when decision tasks failed too many times: the run stays open but gets no more decision tasks. */
  stuck: { error: unknown; attempts: number } | undefined;
  closeStatus: CloseStatus | undefined;
}

/** What an execution looks like from outside (a DescribeWorkflowExecution in miniature). */
export interface ExecutionStatus {
  workflowId: string;
  runId: string;
  workflowType: { name: string; version: string };
  /** `"OPEN"` or how the run closed. */
  status: "OPEN" | CloseStatus;
  /** Events in this run's history. */
  historyLength: number;
  /** Open activities, timers and child workflows. */
  open: { activities: number; timers: number; children: number; decisionTask: boolean };
  /** The signals the workflow code waits for (as of its last decision task). */
  waitingForSignals: string[];
  /** Present when the run's decision tasks keep failing and the runner stopped scheduling them. */
  stuck?: { attempts: number; message: string };
}

/** Describes a run. */
export function describeExecution(x: ExecutionRecord): ExecutionStatus {
  const b = x.recorder;
  return {
    workflowId: x.workflowId,
    runId: x.runId,
    workflowType: { ...x.workflowType },
    status: x.closeStatus ?? "OPEN",
    historyLength: b.events.length,
    open: {
      activities: b.activities.size,
      timers: b.timers.size,
      children: b.children.size,
      decisionTask: b.decisionTaskOpen,
    },
    waitingForSignals: x.closeStatus ? [] : [...x.waitingForSignals],
    ...(x.stuck && {
      stuck: {
        attempts: x.stuck.attempts,
        message: errorMessage(x.stuck.error),
      },
    }),
  };
}

/**
 * What a closed run amounts to: its result (COMPLETED), the run it continued as (CONTINUED_AS_NEW), or a thrown
 * `WorkflowExecutionError` carrying the recorded reason and details (FAILED, CANCELED, TERMINATED, TIMED_OUT).
 */
export function outcomeOf(exec: ExecutionRecord, payloads: Payloads): { value: unknown } | { continuedAs: string } {
  const close = exec.recorder.events[exec.recorder.events.length - 1] as HistoryEvent;
  // details are shown as recorded, with an envelope opened (an object that cannot be read: as recorded)
  const text = (data: string | undefined, what: string) => {
    try {
      return payloads.decodeText(data, what);
    } catch {
      return data;
    }
  };
  switch (exec.closeStatus) {
    case "CONTINUED_AS_NEW":
      return { continuedAs: exec.nextRunId as string };
    case "COMPLETED":
      return {
        value: payloads.decode(close.workflowExecutionCompletedEventAttributes?.result, "the workflow's result"),
      };
    case "FAILED": {
      const a = close.workflowExecutionFailedEventAttributes;
      throw new WorkflowExecutionError("FAILED", exec, { reason: a?.reason, details: text(a?.details, "details") });
    }
    case "CANCELED":
      throw new WorkflowExecutionError("CANCELED", exec, {
        details: text(close.workflowExecutionCanceledEventAttributes?.details, "details"),
      });
    case "TERMINATED": {
      const a = close.workflowExecutionTerminatedEventAttributes;
      throw new WorkflowExecutionError("TERMINATED", exec, { reason: a?.reason, details: a?.details, cause: a?.cause });
    }
    case "TIMED_OUT":
      throw new WorkflowExecutionError("TIMED_OUT", exec);
    case undefined:
      throw new Error(`run ${exec.runId} is still open`);
    default: {
      const unreachable: never = exec.closeStatus;
      throw new Error(`unexpected close status ${String(unreachable)}`);
    }
  }
}
