/**
 * The client interface every driver implements: the local runner (`LocalRunner`) and the SWF adapter
 * (`SwfClient`). Application code and its tests take a `WorkflowClient`, so swapping a local run for SWF is one
 * line. Types only, plus the error that `result()` rejects with when an execution closes without completing.
 */
import type { Duration } from "../duration.js";
import { decodeRemoteError, type RemoteError, YieldflowError } from "../errors.js";
import type { CloseStatus } from "../history/close-status.js";
import type { HistoryEvent } from "../history/events.js";
import type { ChildPolicy } from "../history/swf-types.js";
import type { WorkflowDefinition } from "../workflow.js";

/** What `start` takes besides the workflow and its input (SWF's StartWorkflowExecution options). */
export interface WorkflowStartOptions {
  /** Default: the driver's (`<workflow name>-<n>` locally, a random id on SWF). */
  workflowId?: string;
  /** The decision task list. Default: the workflow's, else `"default"`. */
  taskList?: string;
  timeouts?: { executionStartToClose?: Duration; taskStartToClose?: Duration };
  /** What happens to children if this execution is terminated or times out. Default: the workflow's, else TERMINATE. */
  childPolicy?: ChildPolicy;
  tagList?: string[];
}

/** Which run a call is about. Default: the open (or latest) run of the workflow id. */
export interface RunSelector {
  runId?: string;
}

/** A started execution: its ids and the calls a client makes on it. `O` is the workflow's result type. */
export interface WorkflowHandle<O = unknown> {
  readonly workflowId: string;
  /** The run id `start` returned (the first run of a continue-as-new chain). */
  readonly runId: string;
  /** The result, following continue-as-new to the last run; rejects with {@link WorkflowExecutionError}. */
  result(): Promise<O>;
  signal(name: string, input?: unknown): Promise<void>;
  cancel(): Promise<void>;
  terminate(reason?: string): Promise<void>;
}

/** How a run stands (a DescribeWorkflowExecution in the project's words). */
export interface ExecutionDescription {
  workflowId: string;
  runId: string;
  workflowType: { name: string; version: string };
  /** `"OPEN"` or how the run closed. */
  status: "OPEN" | CloseStatus;
  /** Open activities, timers and child workflows, and whether a decision task is open. */
  open: { activities: number; timers: number; children: number; decisionTask: boolean };
}

/**
 * One interface for the local runner and SWF: start, signal, cancel, terminate, describe, result, history.
 *
 * @example
 * async function placeOrder(client: WorkflowClient, o: Order) {   // a LocalRunner in tests, an SwfClient in prod
 *   const handle = await client.start(order, o, { workflowId: `order-${o.id}` });
 *   return handle.result();
 * }
 */
export interface WorkflowClient {
  start<I, O>(workflow: WorkflowDefinition<I, O>, input: I, options?: WorkflowStartOptions): Promise<WorkflowHandle<O>>;
  /** SignalWorkflowExecution. */
  signal(workflowId: string, signalName: string, input?: unknown, options?: RunSelector): Promise<void>;
  /** RequestCancelWorkflowExecution: workflow code sees a `CancelledFailure`. */
  cancel(workflowId: string, options?: RunSelector): Promise<void>;
  /** TerminateWorkflowExecution: no workflow code runs. */
  terminate(workflowId: string, options?: RunSelector & { reason?: string; details?: string }): Promise<void>;
  describe(workflowId: string, options?: RunSelector): Promise<ExecutionDescription>;
  /** Waits for the execution (following continue-as-new) to close; rejects with {@link WorkflowExecutionError}. */
  result<O = unknown>(workflowId: string, options?: RunSelector): Promise<O>;
  /** Every event of a run's history (all pages), oldest first. */
  history(workflowId: string, options?: RunSelector): Promise<HistoryEvent[]>;
}

/** How an execution closed without completing (SWF's close statuses). */
export type FailedCloseStatus = "FAILED" | "CANCELED" | "TERMINATED" | "TIMED_OUT";

const CODES = {
  FAILED: "YF_WORKFLOW_FAILED",
  CANCELED: "YF_WORKFLOW_CANCELED",
  TERMINATED: "YF_WORKFLOW_TERMINATED",
  TIMED_OUT: "YF_WORKFLOW_TIMED_OUT",
} as const satisfies Record<FailedCloseStatus, string>;

/**
 * A workflow execution closed without completing: it failed, was cancelled, terminated, or timed out.
 * `reason` and `details` are exactly what the history recorded; `error` is the decoded failure (FAILED only).
 */
export class WorkflowExecutionError extends YieldflowError {
  declare readonly code: (typeof CODES)[FailedCloseStatus];
  readonly closeStatus: FailedCloseStatus;
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: { name: string; version: string };
  /** SWF's `reason` (FAILED, TERMINATED). */
  readonly reason: string | undefined;
  /** SWF's `details` (FAILED, CANCELED, TERMINATED), serialized. */
  readonly details: string | undefined;
  /** The workflow's failure, decoded from `reason`/`details` (FAILED only). */
  readonly error: RemoteError | undefined;
  /** SWF's termination cause (TERMINATED): `OPERATOR_INITIATED`, `CHILD_POLICY_APPLIED` or `EVENT_LIMIT_EXCEEDED`. */
  readonly terminateCause: string | undefined;
  constructor(
    closeStatus: FailedCloseStatus,
    execution: { workflowId: string; runId: string; workflowType: { name: string; version: string } },
    data: { reason?: string | undefined; details?: string | undefined; cause?: string | undefined } = {},
  ) {
    const error = closeStatus === "FAILED" ? decodeRemoteError(data.reason, data.details) : undefined;
    const what = {
      FAILED: `failed: ${error?.name}: ${error?.message}`,
      CANCELED: "was cancelled",
      TERMINATED:
        data.cause === "EVENT_LIMIT_EXCEEDED"
          ? "was terminated (EVENT_LIMIT_EXCEEDED): its history reached SWF's limit of 25,000 events; a workflow that runs this long must continueAsNew() before it gets there"
          : `was terminated${data.reason ? `: ${data.reason}` : ""}${data.cause && data.cause !== "OPERATOR_INITIATED" ? ` (${data.cause})` : ""}`,
      TIMED_OUT: "timed out (executionStartToCloseTimeout)",
    }[closeStatus];
    super(
      CODES[closeStatus],
      `workflow ${execution.workflowType.name}@${execution.workflowType.version} (id ${execution.workflowId}, run ${execution.runId}) ${what}`,
    );
    this.closeStatus = closeStatus;
    this.workflowId = execution.workflowId;
    this.runId = execution.runId;
    this.workflowType = execution.workflowType;
    this.reason = data.reason;
    this.details = data.details;
    this.error = error;
    this.terminateCause = closeStatus === "TERMINATED" ? data.cause : undefined;
  }
}
