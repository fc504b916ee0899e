/**
 * The pre-parsed floor: a hand-written, minimal replay of the benchmark's SWF histories, the measuring stick the
 * `full-replay` case is judged against (`ratioToFloor`). It is not product code and checks nothing; it does the
 * least any generator-based replay has to do:
 *
 * 1. one pass over the parsed events, building `scheduledEventId → activityId` (from ActivityTaskScheduled) and
 *    `activityId → result` (from ActivityTaskCompleted), and reading the workflow input;
 * 2. driving a generator that yields effect descriptors (one per activity; an array of them for a fan-out batch),
 *    answering each from that map by the activity id it would have been given (`activity-1`, `activity-2`, …),
 *    deserializing the results;
 * 3. emitting the decisions: a ScheduleActivityTask for each descriptor without a result (then stop), or the
 *    CompleteWorkflowExecution when the generator returns.
 *
 * The generators mirror bench/workflows.ts step for step, so the floor and yieldflow replay the same workflow.
 */
import type { Shape } from "./histories.ts";

/** What the floor's workflows yield: an activity to run (plain data, as yieldflow's effect descriptors). */
interface ActivityDescriptor {
  kind: "activity";
  name: string;
  version: string;
  input: unknown;
}
type Yielded = ActivityDescriptor | ActivityDescriptor[];
type StepResult = { i: number; ok: boolean };
type FloorDecision =
  | { decisionType: "ScheduleActivityTask"; activityId: string; name: string; version: string; input: string }
  | { decisionType: "CompleteWorkflowExecution"; result: string };

const step = (i: number): ActivityDescriptor => ({ kind: "activity", name: "benchStep", version: "1", input: { i } });

function* sequence(input: { n: number }): Generator<Yielded, { ok: number }, StepResult> {
  let ok = 0;
  for (let i = 0; i < input.n; i++) {
    const r = yield step(i);
    if (r.ok) ok++;
  }
  return { ok };
}

function* fanOut(input: { n: number; width: number }): Generator<Yielded, { ok: number }, StepResult[]> {
  let ok = 0;
  for (let start = 0; start < input.n; start += input.width) {
    const batch: ActivityDescriptor[] = [];
    for (let i = start; i < Math.min(input.n, start + input.width); i++) batch.push(step(i));
    const results = yield batch;
    for (const r of results) if (r.ok) ok++;
  }
  return { ok };
}

/** The parsed events, as far as the floor reads them. */
interface FloorEvent {
  eventId: number;
  eventType: string;
  workflowExecutionStartedEventAttributes?: { input?: string };
  activityTaskScheduledEventAttributes?: { activityId: string };
  activityTaskCompletedEventAttributes?: { scheduledEventId: number; result?: string };
}

/** Replays `events` (a history of `shape`) the minimal way and returns the decisions for its last decision task. */
export function floorReplay(shape: Shape, events: readonly unknown[]): FloorDecision[] {
  const activityIds = new Map<number, string>();
  const results = new Map<string, string | undefined>();
  let input = "null";
  for (const e of events as readonly FloorEvent[]) {
    switch (e.eventType) {
      case "WorkflowExecutionStarted":
        input = e.workflowExecutionStartedEventAttributes?.input ?? "null";
        break;
      case "ActivityTaskScheduled":
        activityIds.set(e.eventId, (e.activityTaskScheduledEventAttributes as { activityId: string }).activityId);
        break;
      case "ActivityTaskCompleted": {
        const a = e.activityTaskCompletedEventAttributes as { scheduledEventId: number; result?: string };
        results.set(activityIds.get(a.scheduledEventId) as string, a.result);
        break;
      }
    }
  }

  const decisions: FloorDecision[] = [];
  let counter = 0;
  /** The result of one descriptor, or undefined (and a ScheduleActivityTask decision) when it has none yet. */
  const answer = (d: ActivityDescriptor): StepResult | undefined => {
    const activityId = `activity-${++counter}`;
    if (results.has(activityId)) return JSON.parse(results.get(activityId) ?? "null") as StepResult;
    const { name, version } = d;
    decisions.push({ decisionType: "ScheduleActivityTask", activityId, name, version, input: JSON.stringify(d.input) });
    return undefined;
  };
  const gen = (shape === "sequence" ? sequence : fanOut)(JSON.parse(input)) as Generator<Yielded, { ok: number }>;
  let next = gen.next();
  while (!next.done) {
    const y = next.value;
    let value: unknown;
    if (Array.isArray(y)) {
      const out: (StepResult | undefined)[] = y.map(answer);
      if (out.includes(undefined)) return decisions;
      value = out;
    } else {
      value = answer(y);
      if (value === undefined) return decisions;
    }
    next = gen.next(value);
  }
  decisions.push({ decisionType: "CompleteWorkflowExecution", result: JSON.stringify(next.value) });
  return decisions;
}
