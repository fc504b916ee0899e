/**
 * Errors of the local runner. `WorkflowExecutionError` is what `result()` rejects with when an execution closes
 * without completing; the others are misuse of the runner's API. Each has a stable `code`.
 */
import { decodeRemoteError, type RemoteError, YieldflowError } from "@yieldflow/core";

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

/** `start` was given a workflow id that an open execution already has (SWF's WorkflowExecutionAlreadyStartedFault). */
export class WorkflowAlreadyStartedError extends YieldflowError {
  readonly workflowId: string;
  constructor(workflowId: string) {
    super(
      "YF_WORKFLOW_ALREADY_STARTED",
      `an open execution with workflow id ${JSON.stringify(workflowId)} already exists; use another id or wait for it to close`,
    );
    this.workflowId = workflowId;
  }
}

/** A call named an execution, workflow type or task the runner does not know (SWF's UnknownResourceFault). */
export class UnknownResourceError extends YieldflowError {
  constructor(message: string) {
    super("YF_UNKNOWN_RESOURCE", message);
  }
}
