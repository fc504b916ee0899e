import { checkSwfName } from "../decisions/validate.js";
import { type Duration, toTimeoutSeconds } from "../duration.js";
import type { ChildPolicy } from "../history/swf-types.js";
import { type Effect, makeEffect } from "./effect.js";

/** Options of {@link continueAsNew}. */
export interface ContinueAsNewOptions {
  /** Run the new execution with another version of this workflow type. */
  workflowTypeVersion?: string;
  taskList?: string;
  timeouts?: { executionStartToClose?: Duration; taskStartToClose?: Duration };
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

/**
 * Versioning for running workflows. Returns true when this execution runs the new code at this point, false when
 * it is replaying a history recorded before the change. New executions record a marker and get true; histories
 * without the marker replay with false. The answer is fixed per execution and patch id.
 *
 * @example
 * if (yield* patched("send-sms")) yield* activity(sendSms, user); else yield* activity(sendEmail, user);
 */
export function patched(patchId: string): Effect<boolean> {
  checkSwfName(patchId, "patch id", 200);
  return makeEffect<boolean>({ kind: "patch", patchId, deprecated: false });
}

/**
 * Marks a patch whose old path is gone: once no execution that predates `patched(id)` is still running, replace
 * `if (yield* patched(id)) new; else old;` by `yield* deprecatePatch(id); new;`. Histories with or without the marker
 * replay. Later, remove the call entirely.
 */
export function deprecatePatch(patchId: string): Effect<void> {
  checkSwfName(patchId, "patch id", 200);
  return makeEffect<void>({ kind: "patch", patchId, deprecated: true });
}
