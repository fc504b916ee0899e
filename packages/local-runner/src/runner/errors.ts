/**
 * Errors of the local runner. `WorkflowExecutionError` is what `result()` rejects with when an execution closes
 * without completing; the others are misuse of the runner's API. Each has a stable `code`.
 */
import { YieldflowError } from "@yieldflow/core";

export { type FailedCloseStatus, WorkflowExecutionError } from "@yieldflow/core";

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
