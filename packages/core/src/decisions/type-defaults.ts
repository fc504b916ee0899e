/**
 * The defaults an activity or workflow type is registered with on SWF, derived from its definition, and the rule
 * SWF applies when a decision leaves a field out: it takes the type's default, and refuses the decision
 * (`ScheduleActivityTaskFailed` with `DEFAULT_…_UNDEFINED`) when there is none. The SWF adapter registers exactly
 * these defaults and the local runner applies exactly this rule, so an activity that runs locally runs on SWF.
 *
 * A definition's unset timeouts are registered as `NONE` (unlimited; give long activities a start-to-close or a
 * heartbeat timeout so a dead worker is noticed). Its task list is registered only when it sets one: an activity
 * type without a default task list must be given one at the call, or SWF refuses to schedule it.
 */

import type {
  ScheduleActivityTaskDecisionAttributes,
  ScheduleActivityTaskFailedCause,
  StartChildWorkflowExecutionDecisionAttributes,
  StartChildWorkflowExecutionFailedCause,
} from "../history/swf-types.js";
import type { ActivityDefinition, WorkflowDefinition } from "../workflow.js";
import { SWF_LIMITS } from "./limits.js";

/** RegisterActivityType's default fields, as SWF takes them. */
export interface ActivityTypeDefaults {
  defaultTaskList?: { name: string };
  defaultTaskStartToCloseTimeout?: string;
  defaultTaskScheduleToStartTimeout?: string;
  defaultTaskScheduleToCloseTimeout?: string;
  defaultTaskHeartbeatTimeout?: string;
  defaultTaskPriority?: string;
}

/** RegisterWorkflowType's default fields, as SWF takes them. */
export interface WorkflowTypeDefaults {
  defaultTaskList?: { name: string };
  defaultExecutionStartToCloseTimeout?: string;
  defaultTaskStartToCloseTimeout?: string;
  defaultChildPolicy?: string;
}

const seconds = (s: number | undefined): string | undefined => (s === undefined ? undefined : String(s));

/** The defaults yieldflow registers an activity type with. */
export function activityTypeDefaults(def: ActivityDefinition<unknown, unknown>): ActivityTypeDefaults {
  const t = def.timeouts;
  const out: ActivityTypeDefaults = {
    defaultTaskScheduleToStartTimeout: seconds(t.scheduleToStart) ?? "NONE",
    defaultTaskScheduleToCloseTimeout: seconds(t.scheduleToClose) ?? "NONE",
    defaultTaskHeartbeatTimeout: seconds(t.heartbeat) ?? "NONE",
    defaultTaskStartToCloseTimeout: seconds(t.startToClose) ?? "NONE",
  };
  if (def.taskList !== undefined) out.defaultTaskList = { name: def.taskList };
  if (def.taskPriority !== undefined) out.defaultTaskPriority = String(def.taskPriority);
  return out;
}

/**
 * The defaults yieldflow registers a workflow type with: the definition's, else the local runner's (task list
 * `default`, a 30 s decision task timeout, SWF's one-year execution limit, child policy TERMINATE).
 */
export function workflowTypeDefaults(def: WorkflowDefinition<unknown, unknown>): WorkflowTypeDefaults {
  return {
    defaultTaskList: { name: def.taskList ?? "default" },
    defaultChildPolicy: def.childPolicy ?? "TERMINATE",
    defaultExecutionStartToCloseTimeout: String(def.timeouts.executionStartToClose ?? SWF_LIMITS.maxTimeoutSeconds),
    defaultTaskStartToCloseTimeout: String(def.timeouts.taskStartToClose ?? 30),
  };
}

/**
 * Why SWF refuses this ScheduleActivityTask decision for a type registered with `defaults`, or undefined when it
 * accepts it: every timeout and the task list must come from the decision or the type's defaults (checked in this
 * order: task list, schedule-to-close, schedule-to-start, start-to-close, heartbeat).
 */
export function missingActivityDefault(
  a: Pick<
    ScheduleActivityTaskDecisionAttributes,
    "taskList" | "startToCloseTimeout" | "scheduleToStartTimeout" | "scheduleToCloseTimeout" | "heartbeatTimeout"
  >,
  defaults: ActivityTypeDefaults,
): ScheduleActivityTaskFailedCause | undefined {
  if (a.taskList?.name === undefined && defaults.defaultTaskList === undefined) return "DEFAULT_TASK_LIST_UNDEFINED";
  if (a.scheduleToCloseTimeout === undefined && defaults.defaultTaskScheduleToCloseTimeout === undefined)
    return "DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED";
  if (a.scheduleToStartTimeout === undefined && defaults.defaultTaskScheduleToStartTimeout === undefined)
    return "DEFAULT_SCHEDULE_TO_START_TIMEOUT_UNDEFINED";
  if (a.startToCloseTimeout === undefined && defaults.defaultTaskStartToCloseTimeout === undefined)
    return "DEFAULT_START_TO_CLOSE_TIMEOUT_UNDEFINED";
  if (a.heartbeatTimeout === undefined && defaults.defaultTaskHeartbeatTimeout === undefined)
    return "DEFAULT_HEARTBEAT_TIMEOUT_UNDEFINED";
  return undefined;
}

/**
 * Why SWF refuses this StartChildWorkflowExecution decision for a child type registered with `defaults`, or undefined
 * when it accepts it: the task list, both timeouts and the child policy must come from the decision or the type's
 * defaults (checked in this order).
 */
export function missingChildDefault(
  a: Pick<
    StartChildWorkflowExecutionDecisionAttributes,
    "taskList" | "executionStartToCloseTimeout" | "taskStartToCloseTimeout" | "childPolicy"
  >,
  defaults: WorkflowTypeDefaults,
): StartChildWorkflowExecutionFailedCause | undefined {
  if (a.taskList?.name === undefined && defaults.defaultTaskList === undefined) return "DEFAULT_TASK_LIST_UNDEFINED";
  if (a.executionStartToCloseTimeout === undefined && defaults.defaultExecutionStartToCloseTimeout === undefined)
    return "DEFAULT_EXECUTION_START_TO_CLOSE_TIMEOUT_UNDEFINED";
  if (a.taskStartToCloseTimeout === undefined && defaults.defaultTaskStartToCloseTimeout === undefined)
    return "DEFAULT_TASK_START_TO_CLOSE_TIMEOUT_UNDEFINED";
  if (a.childPolicy === undefined && defaults.defaultChildPolicy === undefined) return "DEFAULT_CHILD_POLICY_UNDEFINED";
  return undefined;
}
