/**
 * What SWF's service side keeps about one execution besides its events: the open activity tasks, timers, child
 * workflows and external requests a history implies, and what starting and recording take. Plain data.
 */
import type { ActivityTypeDefaults, WorkflowTypeDefaults } from "../decisions/type-defaults.js";
import type { Decision } from "../history/events.js";
import type { ChildPolicy, EventAttributesMap } from "../history/swf-types.js";

/** An activity task SWF has scheduled and not yet closed. */
export interface OpenActivity {
  activityId: string;
  activityType: { name: string; version: string };
  input: string | undefined;
  /** The decision's `control` (where `retry` records the attempt number). */
  control: string | undefined;
  taskList: string;
  scheduledEventId: number;
  startedEventId: number | undefined;
  scheduledAt: number;
  startedAt: number | undefined;
  cancelRequested: boolean;
  timeouts: { scheduleToStart?: number; startToClose?: number; scheduleToClose?: number; heartbeat?: number };
}

/** A timer that has started and not fired or been cancelled. */
export interface OpenTimer {
  timerId: string;
  startedEventId: number;
  /** When it fires, epoch ms. */
  fireAt: number;
}

/** A child workflow execution that was initiated and has not closed. */
export interface OpenChild {
  workflowId: string;
  workflowType: { name: string; version: string };
  input: string | undefined;
  initiatedEventId: number;
  startedEventId: number | undefined;
  runId: string | undefined;
  taskList: string | undefined;
  childPolicy: ChildPolicy | undefined;
}

/** A signal or cancel request sent to another execution and not yet acknowledged. */
export interface OpenExternal {
  kind: "signal" | "cancel";
  initiatedEventId: number;
  workflowId: string;
  runId: string | undefined;
  signalName: string | undefined;
  input: string | undefined;
  control: string | undefined;
}

/** What starts a history. */
export interface HistoryStart {
  workflowType: { name: string; version: string };
  /** The serialized input (a string as SWF carries it). */
  input?: string;
  taskList?: string;
  /** Epoch ms; default 2026-01-01T00:00:00Z. */
  startTime?: number;
  childPolicy?: ChildPolicy;
  executionStartToCloseTimeout?: string;
  taskStartToCloseTimeout?: string;
  tagList?: string[];
  parent?: { workflowId: string; runId: string; initiatedEventId: number };
  continuedExecutionRunId?: string;
}

/** The WorkflowExecutionStarted attributes of a history that starts with `start`. */
export function startedAttributes(
  start: HistoryStart,
  taskList: string,
): EventAttributesMap["WorkflowExecutionStarted"] {
  return {
    workflowType: start.workflowType,
    taskList: { name: taskList },
    childPolicy: start.childPolicy ?? "TERMINATE",
    ...(start.input !== undefined && { input: start.input }),
    ...(start.executionStartToCloseTimeout && { executionStartToCloseTimeout: start.executionStartToCloseTimeout }),
    ...(start.taskStartToCloseTimeout && { taskStartToCloseTimeout: start.taskStartToCloseTimeout }),
    ...(start.tagList && { tagList: start.tagList }),
    ...(start.parent && {
      parentWorkflowExecution: { workflowId: start.parent.workflowId, runId: start.parent.runId },
      parentInitiatedEventId: start.parent.initiatedEventId,
    }),
    ...(start.continuedExecutionRunId && { continuedExecutionRunId: start.continuedExecutionRunId }),
  };
}

/** Optional SWF checks applied to decisions, as SWF applies them with its type registry. */
export interface RecordOptions {
  /** Returns false for activity types that are not registered (→ ACTIVITY_TYPE_DOES_NOT_EXIST). */
  activityTypeExists?: (type: { name: string; version: string }) => boolean;
  /**
   * An activity type's registered defaults: they fill the task list, timeouts and priority a ScheduleActivityTask
   * leaves out, in the ActivityTaskScheduled event as on SWF, and a member missing from both is refused with
   * `DEFAULT_…_UNDEFINED`. Undefined (or no function): the decision is recorded as it is.
   */
  activityTypeDefaults?: (type: { name: string; version: string }) => ActivityTypeDefaults | undefined;
  /** Returns false for workflow types that are not registered (→ WORKFLOW_TYPE_DOES_NOT_EXIST). */
  workflowTypeExists?: (type: { name: string; version: string }) => boolean;
  /**
   * A workflow type's registered defaults: they fill the task list, timeouts and child policy a child start leaves
   * out, and the timeouts a continue-as-new leaves out, in the recorded events as on SWF.
   */
  workflowTypeDefaults?: (type: { name: string; version: string }) => WorkflowTypeDefaults | undefined;
  /** Returns false when another open execution already has this workflow id (→ WORKFLOW_ALREADY_RUNNING). */
  workflowIdAvailable?: (workflowId: string) => boolean;
  /** The run id to give a continued-as-new execution. */
  newRunId?: () => string;
  /**
   * Fault injection: return an SWF cause to make SWF refuse this decision (its `…Failed` event is recorded with
   * that cause instead of its usual event). For chaos and property tests.
   */
  failDecision?: (decision: Decision) => string | undefined;
}

/** 2026-01-01T00:00:00Z: where a history's clock starts unless told otherwise. */
export const DEFAULT_START_TIME = Date.UTC(2026, 0, 1);
