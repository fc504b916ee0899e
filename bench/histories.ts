/**
 * The benchmark's histories: each shape simulated at a workflow size chosen so that the history lands within 2% of
 * a target event count. Generated once per process and cached in memory (generation is never timed).
 */
import type { AnyWorkflow, HistoryEvent } from "@yieldflow/core";
import { fanOut, record, sequence } from "./workflows.ts";

export type Shape = "sequence" | "fanout";
export const SHAPES: readonly Shape[] = ["sequence", "fanout"];
/** Activities per `all([...])` batch in the fan-out shape. */
export const FAN_OUT_WIDTH = 50;

export interface BenchHistory {
  shape: Shape;
  /** The event count asked for. */
  target: number;
  workflow: AnyWorkflow;
  /** The workflow input that produced this history. */
  input: { n: number; width?: number };
  /** The history: it ends with the DecisionTaskStarted of the last decision task (which completes the workflow). */
  events: HistoryEvent[];
  /** `events.slice(0, prevLength)` ends with the DecisionTaskStarted of the second-to-last decision task. */
  prevLength: number;
  /** Decision tasks in the history, the last one open. */
  decisionTasks: number;
  /** `JSON.stringify(events)`: what GetWorkflowExecutionHistory returns as `events`. */
  json: string;
}

function spec(shape: Shape): {
  workflow: AnyWorkflow;
  input: (n: number) => { n: number; width?: number };
} {
  return shape === "sequence"
    ? { workflow: sequence, input: (n) => ({ n }) }
    : { workflow: fanOut, input: (n) => ({ n, width: FAN_OUT_WIDTH }) };
}

function generate(shape: Shape, n: number): Omit<BenchHistory, "target"> {
  const { workflow, input } = spec(shape);
  const r = record(workflow, input(n));
  return {
    shape,
    workflow,
    input: input(n),
    events: r.events,
    prevLength: r.prevLength,
    decisionTasks: r.tasks,
    json: JSON.stringify(r.events),
  };
}

const cache = new Map<string, BenchHistory>();
const perActivity = new Map<Shape, { fixed: number; slope: number }>();

/**
 * The history of `shape` closest to `target` events. The events per activity are measured on two small pilot runs
 * (both shapes grow linearly), then the size is corrected until the count is within 0.5% (or 2% after 6 tries).
 */
export function history(shape: Shape, target: number): BenchHistory {
  const key = `${shape}/${target}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let line = perActivity.get(shape);
  if (!line) {
    const a = generate(shape, FAN_OUT_WIDTH * 2).events.length;
    const b = generate(shape, FAN_OUT_WIDTH * 4).events.length;
    const slope = (b - a) / (FAN_OUT_WIDTH * 2);
    line = { fixed: a - slope * FAN_OUT_WIDTH * 2, slope };
    perActivity.set(shape, line);
  }
  let n = Math.max(2, Math.round((target - line.fixed) / line.slope));
  let best: Omit<BenchHistory, "target"> | undefined;
  for (let attempt = 0; attempt < 6; attempt++) {
    const h = generate(shape, n);
    const err = (h.events.length - target) / target;
    if (!best || Math.abs(h.events.length - target) < Math.abs(best.events.length - target)) best = h;
    if (Math.abs(err) <= 0.005) break;
    n = Math.max(2, n - Math.round((h.events.length - target) / line.slope));
  }
  if (!best || Math.abs(best.events.length - target) / target > 0.02)
    throw new Error(`could not generate a ${shape} history within 2% of ${target} events`);
  const out = { ...best, target };
  cache.set(key, out);
  return out;
}

/** Every combination, shapes outer, sizes inner. */
export function histories(shapes: readonly Shape[], sizes: readonly number[]): BenchHistory[] {
  return shapes.flatMap((s) => sizes.map((n) => history(s, n)));
}
