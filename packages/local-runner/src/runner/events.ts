/**
 * What the runner tells its listeners: every recorded history event, the decisions of every decision task, workflow
 * logs and warnings, failed tasks.
 */
import type { Decision, HistoryEvent, LogEntry } from "@yieldflow/core";

/** Which execution a notification is about. */
export interface ExecutionRef {
  workflowId: string;
  runId: string;
  workflowType: { name: string; version: string };
}

/** A notification from the runner. */
export type RunnerEvent =
  /** An event was recorded in an execution's history (in SWF wire form, timestamps in epoch seconds). */
  | (ExecutionRef & { kind: "event"; event: HistoryEvent; eventType: string; eventId: number; time: number })
  /**
   * A decision task was decided in process: `decisions` is exactly what the decider responded, for the history's
   * first `historyLength` events (ending with DecisionTaskStarted `startedEventId`). Emitted before the events that
   * record the decisions. The shape of core's `DecidedTask`, so `checkReplay` can check a run the runner drove.
   */
  | (ExecutionRef & { kind: "decided"; startedEventId: number; historyLength: number; decisions: Decision[] })
  /** Workflow code logged a line with `log(...)` (never repeated on replay). */
  | (ExecutionRef & { kind: "log"; entry: LogEntry })
  /** Core warned about something a person should know (unconsumed signals, history nearing the cap, …). */
  | (ExecutionRef & { kind: "warning"; message: string })
  /**
   * A decision task failed: the workflow code threw a non-Failure error, or replay diverged. Recorded in the
   * history as DecisionTaskTimedOut. When `willRetry` is false the run stays open and gets no more decision tasks.
   */
  | (ExecutionRef & {
      kind: "decisionTaskFailed";
      error: unknown;
      attempt: number;
      maxAttempts: number;
      willRetry: boolean;
    });

/** A listener of runner notifications. */
export type RunnerListener = (event: RunnerEvent) => void;
