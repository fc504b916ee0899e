/** The `childWorkflow` effect: start a child workflow execution and wait for its result. */
import { checkSwfId } from "../decisions/validate.js";
import { type Timeout, toTimeoutSeconds } from "../duration.js";
import { InvalidArgumentError } from "../errors.js";
import type { ChildPolicy } from "../history/swf-types.js";
import type { WorkflowDefinition } from "../workflow.js";
import { type Effect, makeEffect } from "./effect.js";

/** Per-call options of a child workflow. */
export interface ChildWorkflowOptions {
  /** The child's workflow id. Default: derived deterministically from this run's id and the effect's sequence. */
  workflowId?: string;
  taskList?: string;
  timeouts?: { executionStartToClose?: Timeout; taskStartToClose?: Timeout };
  childPolicy?: ChildPolicy;
  tagList?: string[];
}

/**
 * Starts a child workflow and returns its result. Throws `ChildWorkflowFailure` if the child fails, times out, is
 * terminated or cancelled, and `ScheduleFailure` if SWF refuses to start it.
 *
 * @example
 * const receipt = yield* childWorkflow(shipOrder, { orderId });
 */
export function childWorkflow<I, O>(
  workflow: WorkflowDefinition<I, O>,
  input: I,
  options: ChildWorkflowOptions = {},
): Effect<O> {
  if (workflow?.kind !== "workflow") {
    throw new InvalidArgumentError("childWorkflow(workflow, input): workflow must come from defineWorkflow(...)");
  }
  if (options.workflowId !== undefined) checkSwfId(options.workflowId, "child workflowId");
  const t = options.timeouts ?? {};
  return makeEffect<O>({
    kind: "child",
    workflow: workflow as WorkflowDefinition<unknown, unknown>,
    input,
    workflowId: options.workflowId,
    taskList: options.taskList ?? workflow.taskList,
    executionStartToClose:
      t.executionStartToClose === undefined
        ? workflow.timeouts.executionStartToClose
        : toTimeoutSeconds(t.executionStartToClose),
    taskStartToClose:
      t.taskStartToClose === undefined ? workflow.timeouts.taskStartToClose : toTimeoutSeconds(t.taskStartToClose),
    childPolicy: options.childPolicy ?? workflow.childPolicy,
    tagList: options.tagList,
  });
}
