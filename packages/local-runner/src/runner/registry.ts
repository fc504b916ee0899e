/**
 * What the runner knows: workflow types, activity types, and the activity implementations (and test stubs) it runs
 * in process. SWF's type registry in miniature: an unknown type makes SWF refuse a decision (…_TYPE_DOES_NOT_EXIST).
 */

import {
  type ActivityDefinition,
  type ActivityTypeDefaults,
  type AnyActivity,
  type AnyWorkflow,
  activityTypeDefaults,
  InvalidArgumentError,
  type WorkflowTypeDefaults,
  workflowTypeDefaults,
} from "@yieldflow/core";

/** `name@version`. */
export const typeKey = (t: { name: string; version: string }): string => `${t.name}@${t.version}`;

function checkImplementation(a: AnyActivity, what: string): void {
  if (a?.definition?.kind !== "activity" || typeof a.run !== "function")
    throw new InvalidArgumentError(`LocalRunner: ${what} must be implement(definition, fn) results`);
}

/** Registered workflow types, activity types, implementations and stubs. */
export class Registry {
  private readonly workflows = new Map<string, AnyWorkflow>();
  private readonly implementations = new Map<string, AnyActivity>();
  private readonly stubs = new Map<string, AnyActivity>();
  /** Registered activity types and their definitions (whose defaults SWF would hold). */
  private readonly activityTypes = new Map<string, ActivityDefinition<unknown, unknown>>();

  constructor(o: {
    workflows?: readonly AnyWorkflow[] | undefined;
    activities?: readonly AnyActivity[] | undefined;
    stubs?: readonly AnyActivity[] | undefined;
    activityTypes?: readonly ActivityDefinition<unknown, unknown>[] | undefined;
  }) {
    for (const w of o.workflows ?? []) this.registerWorkflow(w);
    for (const a of o.activities ?? []) {
      checkImplementation(a, "activities");
      this.implementations.set(typeKey(a.definition), a);
      this.activityTypes.set(typeKey(a.definition), a.definition);
    }
    for (const s of o.stubs ?? []) {
      checkImplementation(s, "stubs");
      this.stubs.set(s.definition.name, s);
    }
    for (const t of o.activityTypes ?? []) this.activityTypes.set(typeKey(t), t);
  }

  registerWorkflow(workflow: AnyWorkflow): void {
    if (workflow?.kind !== "workflow" || typeof workflow.body !== "function")
      throw new InvalidArgumentError("LocalRunner: workflows must be defineWorkflow(...) results");
    this.workflows.set(typeKey(workflow), workflow);
  }

  workflow(type: { name: string; version: string }): AnyWorkflow | undefined {
    return this.workflows.get(typeKey(type));
  }

  workflowTypeExists(type: { name: string; version: string }): boolean {
    return this.workflows.has(typeKey(type));
  }

  /** Registered by an implementation, a stub (by name, any version) or `activityTypes`. */
  activityTypeExists(type: { name: string; version: string }): boolean {
    return this.activityTypes.has(typeKey(type)) || this.stubs.has(type.name);
  }

  /** The definition of a registered activity type (a stub's, by name, when only a stub knows it). */
  activityDefinition(type: { name: string; version: string }): ActivityDefinition<unknown, unknown> | undefined {
    return this.activityTypes.get(typeKey(type)) ?? this.stubs.get(type.name)?.definition;
  }

  /**
   * The defaults `registerTypes` registers on SWF for the workflow type's definition: they fill what a start, a
   * child start or a continue-as-new omits (task list, decision task timeout, child policy). All but one: the
   * one-year execution timeout registered for a definition without one is left out, so a run that waits forever
   * is reported as blocked on what it waits for, not timed out after a virtual year (give the start or the
   * definition an `executionStartToClose` to record one).
   */
  workflowTypeDefaults(type: { name: string; version: string }): WorkflowTypeDefaults | undefined {
    const def = this.workflow(type);
    if (def === undefined) return undefined;
    const registered = workflowTypeDefaults(def);
    if (def.timeouts.executionStartToClose === undefined) delete registered.defaultExecutionStartToCloseTimeout;
    return registered;
  }

  /**
   * The defaults `registerTypes` registers on SWF for the type's definition: the recorder fills what a decision
   * leaves out from them and refuses what neither gives (`DEFAULT_…_UNDEFINED`), as SWF does, so what runs locally
   * is accepted by SWF too and records the same ActivityTaskScheduled.
   */
  activityTypeDefaults(type: { name: string; version: string }): ActivityTypeDefaults | undefined {
    const def = this.activityDefinition(type);
    return def === undefined ? undefined : activityTypeDefaults(def);
  }

  /** The function that runs this type in process: a stub by name first, then the implementation. */
  implementationFor(type: { name: string; version: string }): AnyActivity | undefined {
    return this.stubs.get(type.name) ?? this.implementations.get(typeKey(type));
  }
}
