/** `continueAsNew`: end this run and start a new one of the same workflow with a fresh history. */
import { checkSwfName } from "../decisions/validate.js";
import { type Timeout, toTimeoutSeconds } from "../duration.js";
import type { ChildPolicy } from "../history/swf-types.js";
import { type Effect, makeEffect } from "./effect.js";

/** Options of {@link continueAsNew}. */
export interface ContinueAsNewOptions {
  /** Run the new execution with another version of this workflow type. */
  workflowTypeVersion?: string;
  taskList?: string;
  timeouts?: { executionStartToClose?: Timeout; taskStartToClose?: Timeout };
  childPolicy?: ChildPolicy;
  tagList?: string[];
}

/**
 * Ends this run and starts a new run of the same workflow with a fresh, empty history and new input. Use it for
 * long-running loops before the history approaches SWF's 25,000-event cap. Never returns.
 *
 * @example
 * if ((yield* workflowInfo()).historyLength > 5_000) yield* continueAsNew({ cursor });
 */
export function continueAsNew(input: unknown, options: ContinueAsNewOptions = {}): Effect<never> {
  if (options.workflowTypeVersion !== undefined) checkSwfName(options.workflowTypeVersion, "workflowTypeVersion", 64);
  const t = options.timeouts ?? {};
  return makeEffect<never>({
    kind: "continueAsNew",
    input,
    workflowTypeVersion: options.workflowTypeVersion,
    taskList: options.taskList,
    executionStartToClose:
      t.executionStartToClose === undefined ? undefined : toTimeoutSeconds(t.executionStartToClose),
    taskStartToClose: t.taskStartToClose === undefined ? undefined : toTimeoutSeconds(t.taskStartToClose),
    childPolicy: options.childPolicy,
    tagList: options.tagList,
  });
}
