/**
 * What SWF records when a decision or a start leaves members out: the type's registered defaults. Each member is the
 * decision's (or the start's), or where it is left out, the registered default. So ActivityTaskScheduled carries the
 * effective task list, timeouts and priority (a history shows `"NONE"` for a timeout nobody set), and an activity
 * member missing from both is refused (`ScheduleActivityTaskFailed` with `DEFAULT_…_UNDEFINED`);
 * StartChildWorkflowExecutionInitiated, WorkflowExecutionContinuedAsNew and WorkflowExecutionStarted carry the
 * effective task list, timeouts and child policy. The local runner (defaults from the definitions, as
 * `registerTypes` registers them) and the dev server (defaults as registered) both record through here, so their
 * histories are SWF's.
 */
import {
  type ActivityTypeDefaults,
  missingActivityDefault,
  type WorkflowTypeDefaults,
} from "../decisions/type-defaults.js";
import type {
  ChildPolicy,
  ContinueAsNewWorkflowExecutionDecisionAttributes,
  ScheduleActivityTaskDecisionAttributes,
  ScheduleActivityTaskFailedCause,
  StartChildWorkflowExecutionDecisionAttributes,
} from "../history/swf-types.js";

/** `a` with each member of `defaults` it leaves out filled in (a copy; `a` as it is when nothing is missing). */
function fill<T extends object>(a: T, defaults: Partial<T>): T {
  let out: T | undefined;
  for (const [k, v] of Object.entries(defaults) as [keyof T, T[keyof T]][]) {
    if (v === undefined || a[k] !== undefined) continue;
    out ??= { ...a };
    out[k] = v;
  }
  return out ?? a;
}

/**
 * The decision's attributes with the members it left out taken from the type's registered `defaults`, or the
 * cause SWF refuses it with. Without `defaults` (a registry that keeps none), the decision as it is.
 */
export function effectiveActivity(
  a: ScheduleActivityTaskDecisionAttributes,
  defaults: ActivityTypeDefaults | undefined,
): { attributes: ScheduleActivityTaskDecisionAttributes } | { refused: ScheduleActivityTaskFailedCause } {
  if (defaults === undefined) return { attributes: a };
  const refused = missingActivityDefault(a, defaults);
  if (refused !== undefined) return { refused };
  return {
    attributes: fill(a, {
      taskList: defaults.defaultTaskList && { name: defaults.defaultTaskList.name },
      scheduleToStartTimeout: defaults.defaultTaskScheduleToStartTimeout,
      scheduleToCloseTimeout: defaults.defaultTaskScheduleToCloseTimeout,
      startToCloseTimeout: defaults.defaultTaskStartToCloseTimeout,
      heartbeatTimeout: defaults.defaultTaskHeartbeatTimeout,
      taskPriority: defaults.defaultTaskPriority,
    }),
  };
}

/** A StartChildWorkflowExecution decision with the child type's registered defaults filled in. */
export function effectiveChild(
  a: StartChildWorkflowExecutionDecisionAttributes,
  defaults: WorkflowTypeDefaults | undefined,
): StartChildWorkflowExecutionDecisionAttributes {
  if (defaults === undefined) return a;
  return fill(a, {
    taskList: defaults.defaultTaskList && { name: defaults.defaultTaskList.name },
    executionStartToCloseTimeout: defaults.defaultExecutionStartToCloseTimeout,
    taskStartToCloseTimeout: defaults.defaultTaskStartToCloseTimeout,
    childPolicy: defaults.defaultChildPolicy as ChildPolicy | undefined,
  });
}

/**
 * A ContinueAsNewWorkflowExecution decision with the new run's type's registered timeouts filled in (its task list
 * and child policy default to the current run's, as the recorder does).
 */
export function effectiveContinueAsNew(
  a: ContinueAsNewWorkflowExecutionDecisionAttributes,
  defaults: WorkflowTypeDefaults | undefined,
): ContinueAsNewWorkflowExecutionDecisionAttributes {
  if (defaults === undefined) return a;
  return fill(a, {
    executionStartToCloseTimeout: defaults.defaultExecutionStartToCloseTimeout,
    taskStartToCloseTimeout: defaults.defaultTaskStartToCloseTimeout,
  });
}

/** What a start gives (SWF's duration strings), with the type's registered defaults filled in where it gives none. */
export interface StartDefaults {
  taskList?: string | undefined;
  executionStartToCloseTimeout?: string | undefined;
  taskStartToCloseTimeout?: string | undefined;
  childPolicy?: ChildPolicy | undefined;
}

/** A workflow start (StartWorkflowExecution) with the type's registered defaults filled in. */
export function effectiveStart<T extends StartDefaults>(start: T, defaults: WorkflowTypeDefaults | undefined): T {
  if (defaults === undefined) return start;
  return fill(start, {
    taskList: defaults.defaultTaskList?.name,
    executionStartToCloseTimeout: defaults.defaultExecutionStartToCloseTimeout,
    taskStartToCloseTimeout: defaults.defaultTaskStartToCloseTimeout,
    childPolicy: defaults.defaultChildPolicy as ChildPolicy | undefined,
  } as Partial<T>);
}
