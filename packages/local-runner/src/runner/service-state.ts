/**
 * What the parts of the local SWF service share: the runs and their histories' recorders, the task lists, the
 * deadlines, and the few operations every part needs (record and react, start a run). The service
 * (`service.ts`) owns it; the reactions to recorded events (`reactions.ts`) and the firing of deadlines
 * (`deadlines.ts`) work on it.
 */
import type {
  ActivityTypeDefaults,
  ChildPolicy,
  Decision,
  HistoryEvent,
  WorkflowTypeDefaults as RegisteredWorkflowDefaults,
} from "@yieldflow/core";
import type { HistoryRecorder } from "@yieldflow/core/service";
import type { Clock } from "./clock.js";
import type { DeadlineQueue } from "./deadlines.js";
import type { RunnerEvent } from "./events.js";
import type { ExecutionRecord } from "./execution.js";

/** An activity task waiting in its task list. Plain data. */
export interface QueuedActivity {
  runId: string;
  activityId: string;
  scheduledEventId: number;
  taskList: string;
  activityType: { name: string; version: string };
}

/** What the service tells whoever drives it. */
export interface ServiceHooks {
  /** Something changed: there may be tasks to poll or deadlines to wait for. */
  changed(): void;
  /** The workflow asked to cancel a started activity task (a worker learns it on its next heartbeat anyway). */
  activityCancelRequested(taskToken: string): void;
  /** A started activity task closed without its worker (timeout, the run closed): the worker can stop. */
  activityClosed(taskToken: string, reason: string): void;
  /** A run closed, or its decision tasks failed for good. */
  runChanged(runId: string): void;
  /** A notification for listeners. */
  emit(event: RunnerEvent): void;
}

/**
 * What the service needs to know about a workflow type: its defaults (seconds), used when a child or a new run
 * does not set them. A workflow definition is one; so is a type registered with the dev server.
 */
export interface WorkflowTypeDefaults {
  readonly name: string;
  readonly version: string;
  readonly taskList: string | undefined;
  readonly childPolicy: ChildPolicy | undefined;
  readonly timeouts: {
    readonly executionStartToClose: number | undefined;
    readonly taskStartToClose: number | undefined;
  };
}

/**
 * The type registry the service checks decisions against (SWF's registered types): the local runner's
 * `Registry` of definitions, or the dev server's registered types. `refuseDecision` lets a registry refuse a
 * decision with an SWF cause of its own (a deprecated type, an undefined default) before the recorder's checks.
 */
export interface ServiceRegistry {
  workflow(type: { name: string; version: string }): WorkflowTypeDefaults | undefined;
  workflowTypeExists(type: { name: string; version: string }): boolean;
  activityTypeExists(type: { name: string; version: string }): boolean;
  /** A workflow type's registered defaults (what fills the members a start, child start or continue-as-new omits). */
  workflowTypeDefaults?(type: { name: string; version: string }): RegisteredWorkflowDefaults | undefined;
  /** An activity type's registered defaults (what fills the members a ScheduleActivityTask leaves out). */
  activityTypeDefaults?(type: { name: string; version: string }): ActivityTypeDefaults | undefined;
  refuseDecision?(decision: Decision): string | undefined;
}

/** What starting a run takes (serialized input, SWF duration strings). */
export interface RunStart {
  workflow: WorkflowTypeDefaults;
  workflowId: string;
  input: string | undefined;
  taskList: string | undefined;
  executionStartToCloseTimeout: string | undefined;
  taskStartToCloseTimeout: string | undefined;
  childPolicy: ChildPolicy | undefined;
  tagList: string[] | undefined;
}

/** A decision task handed to a decider (the parts of PollForDecisionTask's response a decider uses). */
export interface PolledDecisionTask {
  taskToken: string;
  startedEventId: number;
  workflowExecution: { workflowId: string; runId: string };
  workflowType: { name: string; version: string };
  /** The run's whole history, ending with this task's DecisionTaskStarted. */
  events: readonly HistoryEvent[];
}

/** How a run is created: a start, a child start, or a continue-as-new. */
export type RunCreation = RunStart & { runId: string; parent?: ExecutionRecord["parent"]; previousRunId?: string };

/** The service's state and the operations its parts share. */
export interface ServiceState {
  readonly clock: Clock;
  readonly registry: ServiceRegistry;
  readonly hooks: ServiceHooks;
  /** Every run, by run id. */
  readonly runs: Map<string, ExecutionRecord>;
  /** workflowId → its latest run. */
  readonly latestRun: Map<string, string>;
  /** Runs with a decision task scheduled, in order. */
  readonly decisionQueue: string[];
  /** Activity tasks not yet started, in order. */
  readonly activityQueue: QueuedActivity[];
  readonly deadlines: DeadlineQueue;
  /** The details of each started activity task's last heartbeat, by task token. */
  readonly lastHeartbeat: Map<string, string | undefined>;
  /** Records something in a run's history at the clock's time, then reacts to what was recorded. */
  mutate(exec: ExecutionRecord, record: (r: HistoryRecorder) => unknown): void;
  /** Creates a run and schedules its first decision task. */
  createRun(o: RunCreation): ExecutionRecord;
  /** A fresh run id for an execution of `workflowId`. */
  newRunId(workflowId: string): string;
}
