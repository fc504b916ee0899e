/**
 * A domain's registered workflow and activity types, as SWF keeps them: status (REGISTERED or DEPRECATED), the
 * defaults given at registration, and the checks SWF makes against them when a decision schedules an activity,
 * starts a child or continues as new (the `…_TYPE_DEPRECATED`, `…_DOES_NOT_EXIST` and `DEFAULT_…_UNDEFINED`
 * causes). It is the `ServiceRegistry` of the domain's `WorkflowService`: the server runs executions from
 * registered types, not from code.
 */
import {
  type ActivityTypeDefaults,
  type ChildPolicy,
  compact,
  type Decision,
  missingChildDefault,
  type WorkflowTypeDefaults as RegisteredWorkflowDefaults,
} from "@yieldflow/core";
import type { ServiceRegistry, WorkflowTypeDefaults } from "../runner/service.js";

/** A registered type (workflow or activity) with SWF's configuration members. */
export interface TypeRecord {
  kind: "workflow" | "activity";
  name: string;
  version: string;
  status: "REGISTERED" | "DEPRECATED";
  description: string | undefined;
  /** Epoch seconds. */
  creationDate: number;
  deprecationDate: number | undefined;
  /** `defaultTaskList`, `defaultTaskStartToCloseTimeout`, … exactly as registered. */
  config: Record<string, unknown>;
}

const key = (t: { name: string; version: string }) => `${t.name}\u0000${t.version}`;

/** Seconds from an SWF duration string; `undefined` for NONE or absent. */
export function seconds(d: unknown): number | undefined {
  return typeof d === "string" && /^\d+$/.test(d) ? Number(d) : undefined;
}

/** The types of one domain. */
export class DomainTypes implements ServiceRegistry {
  readonly workflows = new Map<string, TypeRecord>();
  readonly activities = new Map<string, TypeRecord>();
  /** The workflow type each ContinueAsNew decision (as `withDefaults` returned it) continues as. */
  private readonly continuesAs = new WeakMap<object, { name: string; version: string }>();

  get(kind: TypeRecord["kind"], t: { name: string; version: string }): TypeRecord | undefined {
    return (kind === "workflow" ? this.workflows : this.activities).get(key(t));
  }

  add(record: TypeRecord): void {
    (record.kind === "workflow" ? this.workflows : this.activities).set(key(record), record);
  }

  delete(record: TypeRecord): void {
    (record.kind === "workflow" ? this.workflows : this.activities).delete(key(record));
  }

  workflow(type: { name: string; version: string }): WorkflowTypeDefaults | undefined {
    const r = this.get("workflow", type);
    if (!r) return undefined;
    const c = r.config;
    return {
      name: r.name,
      version: r.version,
      taskList: (c.defaultTaskList as { name?: string } | undefined)?.name,
      childPolicy: c.defaultChildPolicy as ChildPolicy | undefined,
      timeouts: {
        executionStartToClose: seconds(c.defaultExecutionStartToCloseTimeout),
        taskStartToClose: seconds(c.defaultTaskStartToCloseTimeout),
      },
    };
  }

  workflowTypeExists(type: { name: string; version: string }): boolean {
    return this.get("workflow", type) !== undefined;
  }

  activityTypeExists(type: { name: string; version: string }): boolean {
    return this.get("activity", type) !== undefined;
  }

  /** The workflow type's defaults as registered (the shared recorder fills what a child or new run leaves out). */
  workflowTypeDefaults(type: { name: string; version: string }): RegisteredWorkflowDefaults | undefined {
    const c = this.get("workflow", type)?.config;
    if (!c) return undefined;
    const text = (v: unknown) => (typeof v === "string" ? v : undefined);
    const list = (c.defaultTaskList as { name?: unknown } | undefined)?.name;
    return compact({
      defaultTaskList: typeof list === "string" ? { name: list } : undefined,
      defaultExecutionStartToCloseTimeout: text(c.defaultExecutionStartToCloseTimeout),
      defaultTaskStartToCloseTimeout: text(c.defaultTaskStartToCloseTimeout),
      defaultChildPolicy: text(c.defaultChildPolicy),
    });
  }

  /**
   * The activity type's defaults as registered: the shared recorder fills what a ScheduleActivityTask leaves out
   * from them (and refuses what neither gives, `DEFAULT_…_UNDEFINED`), as SWF records it.
   */
  activityTypeDefaults(type: { name: string; version: string }): ActivityTypeDefaults | undefined {
    const c = this.get("activity", type)?.config;
    if (!c) return undefined;
    const text = (v: unknown) => (typeof v === "string" ? v : undefined);
    const list = (c.defaultTaskList as { name?: unknown } | undefined)?.name;
    return compact({
      defaultTaskList: typeof list === "string" ? { name: list } : undefined,
      defaultTaskScheduleToStartTimeout: text(c.defaultTaskScheduleToStartTimeout),
      defaultTaskScheduleToCloseTimeout: text(c.defaultTaskScheduleToCloseTimeout),
      defaultTaskStartToCloseTimeout: text(c.defaultTaskStartToCloseTimeout),
      defaultTaskHeartbeatTimeout: text(c.defaultTaskHeartbeatTimeout),
      defaultTaskPriority: text(c.defaultTaskPriority),
    });
  }

  /**
   * SWF's refusals that depend on registration: an unknown or deprecated type, and a member that is neither in the
   * decision nor registered as a default (the shared recorder then fills the defaults in: see `activityTypeDefaults`
   * and `workflowTypeDefaults`; a continue-as-new is checked as `withDefaults` filled it).
   */
  refuseDecision(d: Decision): string | undefined {
    switch (d.decisionType) {
      case "ScheduleActivityTask": {
        const a = d.scheduleActivityTaskDecisionAttributes;
        if (!a) return undefined;
        const type = this.get("activity", a.activityType);
        if (!type) return "ACTIVITY_TYPE_DOES_NOT_EXIST";
        if (type.status === "DEPRECATED") return "ACTIVITY_TYPE_DEPRECATED";
        return undefined;
      }
      case "ContinueAsNewWorkflowExecution": {
        const a = d.continueAsNewWorkflowExecutionDecisionAttributes;
        const ref = this.continuesAs.get(d);
        if (!a || !ref) return undefined;
        const type = this.get("workflow", ref);
        if (!type) return "WORKFLOW_TYPE_DOES_NOT_EXIST";
        if (type.status === "DEPRECATED") return "WORKFLOW_TYPE_DEPRECATED";
        if (a.executionStartToCloseTimeout === undefined) return "DEFAULT_EXECUTION_START_TO_CLOSE_TIMEOUT_UNDEFINED";
        return undefined;
      }
      case "StartChildWorkflowExecution": {
        const a = d.startChildWorkflowExecutionDecisionAttributes;
        if (!a) return undefined;
        const type = this.get("workflow", a.workflowType);
        if (!type) return "WORKFLOW_TYPE_DOES_NOT_EXIST";
        if (type.status === "DEPRECATED") return "WORKFLOW_TYPE_DEPRECATED";
        return missingChildDefault(a, this.workflowTypeDefaults(a.workflowType) ?? {});
      }
      default:
        return undefined;
    }
  }

  /**
   * A continue-as-new decision as SWF executes it: the timeouts it leaves out take the registered type's defaults,
   * and the type it continues as is noted for `refuseDecision`. (An activity's and a child's defaults are filled by
   * the shared recorder, see `activityTypeDefaults` and `workflowTypeDefaults`.) `current` is the workflow type of
   * the run that decides.
   */
  withDefaults(d: Decision, current: { name: string; version: string }): Decision {
    switch (d.decisionType) {
      case "ContinueAsNewWorkflowExecution": {
        const a = d.continueAsNewWorkflowExecutionDecisionAttributes ?? {};
        const ref = { name: current.name, version: a.workflowTypeVersion ?? current.version };
        const c = this.get("workflow", ref)?.config ?? {};
        const out = {
          ...d,
          continueAsNewWorkflowExecutionDecisionAttributes: compact({
            ...a,
            executionStartToCloseTimeout:
              a.executionStartToCloseTimeout ?? (c.defaultExecutionStartToCloseTimeout as string | undefined),
            taskStartToCloseTimeout:
              a.taskStartToCloseTimeout ?? (c.defaultTaskStartToCloseTimeout as string | undefined),
          }),
        } as Decision;
        this.continuesAs.set(out, ref);
        return out;
      }
      default:
        return d;
    }
  }
}
