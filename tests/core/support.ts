/**
 * Shared helpers of the core's step, table and error tests: a tiny driver that records a history with the
 * `HistoryBuilder` and decides every decision task with the real interpreter, plus decision accessors.
 * Not a test file (the runner only runs `*.test.ts`).
 */
import {
  type AnyWorkflow,
  type DecideOptions,
  type DecideResult,
  type Decision,
  decide,
  decisionAttributesKey,
  defaultSerializer,
  type HistoryEvent,
  Replayer,
  type Serializer,
} from "@yieldflow/core";
import { HistoryBuilder, type HistoryStart, type RecordOptions } from "@yieldflow/core/testing";
import * as assert from "uvu/assert";

export type { AnyWorkflow };

/**
 * Records a history as SWF would and decides each decision task with a full replay (`decide`). Every `decide()`
 * also re-decides with one incremental `Replayer` fed only the new events, and asserts both agree, so every table
 * test also checks the incremental path.
 */
export class Driver {
  readonly b: HistoryBuilder;
  readonly options: DecideOptions;
  private readonly incremental: Replayer;
  private seen = 0;
  /** Whether each decision is also made incrementally and compared (off for workflows with a call counter). */
  private readonly checkIncremental: boolean;
  last: DecideResult | undefined;

  constructor(
    readonly workflow: AnyWorkflow,
    input?: unknown,
    options: DecideOptions & { start?: Partial<HistoryStart>; incremental?: boolean } = {},
  ) {
    const { start, incremental, ...decideOptions } = options;
    this.checkIncremental = incremental ?? true;
    this.options = { workflowId: "wf-1", runId: "run-1", ...decideOptions };
    this.b = new HistoryBuilder({
      workflowType: { name: workflow.name, version: workflow.version },
      ...(input !== undefined && { input: JSON.stringify(input) }),
      ...start,
    });
    this.b.scheduleDecisionTask();
    this.incremental = new Replayer(workflow, this.options);
  }

  get events(): HistoryEvent[] {
    return this.b.events;
  }

  /** Starts the scheduled decision task and decides it, without completing it. */
  decideOpen(): DecideResult {
    if (this.b.decisionTaskScheduled) this.b.startDecisionTask();
    const full = decide(this.workflow, this.b.events, this.options);
    if (this.checkIncremental) {
      const inc = this.incremental.advance(this.b.events.slice(this.seen));
      this.seen = this.b.events.length;
      assert.equal(inc.decisions, full.decisions, "incremental replay must agree with full replay");
    }
    this.last = full;
    return full;
  }

  /** Starts, decides and completes the scheduled decision task; returns what was decided. */
  decide(record?: RecordOptions): DecideResult {
    const r = this.decideOpen();
    this.b.completeDecisionTask(r.decisions, record);
    return r;
  }

  /**
   * Starts and decides the scheduled task, then completes it recording only the decisions `keep` accepts; returns
   * the result and the DecisionTaskCompleted event id, so a test can add SWF's own events (e.g. a `…Failed` event
   * in place of a decision) by hand with `b.add(...)`.
   */
  decideAndRecord(keep: (d: Decision) => boolean): { result: DecideResult; completedEventId: number } {
    const result = this.decideOpen();
    const completedEventId = this.b.completeDecisionTask(result.decisions.filter(keep));
    return { result, completedEventId };
  }
}

/** The default serializer, keeping what it was asked to serialize (what a replay serializes again, and what not). */
export function countingSerializer(): Serializer & { serialized: unknown[] } {
  const serialized: unknown[] = [];
  return {
    serialized,
    serialize(value) {
      serialized.push(value);
      return defaultSerializer.serialize(value);
    },
    deserialize: (data) => defaultSerializer.deserialize(data),
  };
}

/** The decision types of `decisions`, in order. */
export function types(decisions: readonly Decision[]): string[] {
  return decisions.map((d) => d.decisionType);
}

/** The attributes of a decision, untyped (for terse assertions). */
export function attrs(d: Decision | undefined): Record<string, unknown> {
  assert.ok(d, "expected a decision");
  return (d as unknown as Record<string, Record<string, unknown>>)[decisionAttributesKey(d.decisionType)] ?? {};
}

/** The only decision of `type` in `decisions` (asserts there is exactly one). */
export function only(decisions: readonly Decision[], type: string): Record<string, unknown> {
  const found = decisions.filter((d) => d.decisionType === type);
  assert.is(found.length, 1, `expected exactly one ${type} in ${types(decisions).join(", ")}`);
  return attrs(found[0]);
}

/** The workflow's result from a CompleteWorkflowExecution decision (parsed JSON). */
export function resultOf(decisions: readonly Decision[]): unknown {
  const last = decisions[decisions.length - 1];
  assert.is(last?.decisionType, "CompleteWorkflowExecution", `expected a completion, got ${types(decisions)}`);
  const r = attrs(last).result;
  return defaultSerializer.deserialize(r as string | undefined);
}

/** Calls `fn` and returns what it threw (fails the test if it did not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.unreachable("expected a throw");
  return undefined;
}

/** Asserts `fn` throws an error of class `cls` with `code`; returns it for further assertions. */
export function throwsCode<T extends Error>(
  fn: () => unknown,
  cls: abstract new (...args: never[]) => T,
  code: string,
): T {
  const err = thrown(fn);
  assert.instance(err, cls);
  assert.is((err as unknown as { code: string }).code, code, String((err as Error).message));
  return err as T;
}

/** A JSON round trip (what a workflow result looks like after `CompleteWorkflowExecution`). */
export function json(value: unknown): string {
  return JSON.stringify(value);
}

/** A plain description of whatever a workflow caught, so a workflow can return it as its result. */
export function describeCaught(err: unknown): Record<string, unknown> {
  const e = err as Record<string, unknown>;
  const out: Record<string, unknown> = { class: (err as Error)?.constructor?.name, code: e?.code };
  for (const k of [
    "timeoutType",
    "cause",
    "eventType",
    "id",
    "target",
    "status",
    "workflowId",
    "reason",
    "activityId",
  ]) {
    if (e?.[k] !== undefined) out[k] = e[k];
  }
  if (e?.subject !== undefined) out.subject = e.subject;
  if (e?.error !== undefined) out.error = e.error;
  if (e?.lastHeartbeat !== undefined) out.lastHeartbeat = e.lastHeartbeat;
  if (Array.isArray(e?.failures)) out.failures = (e.failures as unknown[]).map(describeCaught);
  return out;
}
