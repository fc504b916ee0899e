/**
 * The local-runner throughput case (`npm run bench`, second table; see bench/README.md): `N` executions of a
 * 10-activity workflow started at once in one `LocalRunner` on the virtual clock, all results awaited, against the
 * same activity functions awaited one after another in a plain loop (N × 10 calls): the cost of durability.
 *
 * The workflow (`benchTenSteps`): 4 activities in sequence, a fan-out of 3 with `all([...])`, 3 more in sequence;
 * 10 activity tasks and at least 9 decision tasks per execution (more when the fan-out's completions arrive in
 * separate tasks). The activities are trivial async arithmetic.
 */
import { loadavg } from "node:os";
import { activity, all, defineActivity, defineWorkflow, type HistoryEvent, implement } from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
import { fmt, median, type Plan, percentile, round3, textTable } from "./stats.ts";

// ─── the workflow and its activities ─────────────────────────────────────────────────────────────────────────

const timeouts = { startToClose: "30s", scheduleToClose: "5m" } as const;
export const mix = defineActivity<{ x: number; k: number }, number>({
  name: "benchMix",
  version: "1",
  taskList: "bench",
  timeouts,
});
export const sum = defineActivity<number[], number>({ name: "benchSum", version: "1", taskList: "bench", timeouts });

/** The activity functions: what both the runner and the plain loop call. */
export const mixFn = async ({ x, k }: { x: number; k: number }): Promise<number> => (x * 31 + k * 7 + 3) % 1_000_003;
export const sumFn = async (xs: number[]): Promise<number> => xs.reduce((a, b) => a + b, 0) % 1_000_003;
const activities = [implement(mix, mixFn), implement(sum, sumFn)];

/** Activities per execution. */
export const ACTIVITIES_PER_WORKFLOW = 10;

/** 4 sequential, a fan-out of 3 with `all`, 3 sequential (the last one sums): 10 activities. */
export const tenSteps = defineWorkflow(
  { name: "benchTenSteps", version: "1", taskList: "bench-decisions" },
  function* (input: { x: number }) {
    let x = input.x;
    for (let k = 1; k <= 4; k++) x = yield* activity(mix, { x, k });
    const fan = yield* all([5, 6, 7].map((k) => activity(mix, { x, k })));
    x = yield* activity(mix, { x: fan[0] as number, k: 8 });
    x = yield* activity(mix, { x, k: 9 });
    return yield* activity(sum, [x, ...fan]);
  },
);

/** The same computation with the same activity functions, each call awaited in turn (no engine, no history). */
export async function plainOne(x0: number): Promise<number> {
  let x = x0;
  for (let k = 1; k <= 4; k++) x = await mixFn({ x, k });
  const fan: number[] = [];
  for (const k of [5, 6, 7]) fan.push(await mixFn({ x, k }));
  x = await mixFn({ x: fan[0] as number, k: 8 });
  x = await mixFn({ x, k: 9 });
  return sumFn([x, ...fan]);
}

// ─── one sample of each side ─────────────────────────────────────────────────────────────────────────────────

/** The runner's default, stated in the table. */
const DEFAULT_MAX_CONCURRENT_ACTIVITIES = 10;

export interface RunnerSample {
  ms: number;
  results: number[];
  /** Events and completed decision tasks over every execution (counted after the timed part). */
  events: number;
  decisionTasks: number;
}

/**
 * Starts `n` executions at once in a fresh runner (virtual clock, default options) and awaits every result. Timed:
 * from the first `start` to the last result. Building the runner and counting events afterwards are not timed.
 */
export async function runnerSample(
  n: number,
  options: { maxConcurrentActivities?: number } = {},
): Promise<RunnerSample> {
  const runner = new LocalRunner({ workflows: [tenSteps], activities, ...options });
  const t = performance.now();
  const handles = await Promise.all(
    Array.from({ length: n }, (_, i) => runner.start(tenSteps, { x: i }, { workflowId: `w-${i}` })),
  );
  const results = await Promise.all(handles.map((h) => h.result()));
  const ms = performance.now() - t;
  let events = 0;
  let decisionTasks = 0;
  for (const h of handles) {
    // the runner's own record (not a copy): read after the clock stopped
    const history: readonly HistoryEvent[] = runner.service.runById(h.runId)?.recorder.events ?? [];
    events += history.length;
    for (const e of history) if (e.eventType === "DecisionTaskCompleted") decisionTasks++;
  }
  runner.close();
  return { ms, results, events, decisionTasks };
}

/** The plain loop: `n` × the same 10 activity calls, each awaited in turn. */
export async function plainSample(n: number): Promise<{ ms: number; results: number[] }> {
  const results: number[] = new Array(n);
  const t = performance.now();
  for (let i = 0; i < n; i++) results[i] = await plainOne(i);
  return { ms: performance.now() - t, results };
}

function check(what: string, got: readonly number[], expected: readonly number[]): void {
  if (got.length !== expected.length || got.some((v, i) => v !== expected[i]))
    throw new Error(`${what}: the results differ from the plain loop's`);
}

// ─── the measured case ───────────────────────────────────────────────────────────────────────────────────────

export type ThroughputCase = "plain-loop" | "runner";

export interface ThroughputRow {
  /** `case/tenSteps/workflows`. */
  name: string;
  suite: "runner";
  case: ThroughputCase;
  workflow: "tenSteps";
  /** Executions per sample (N), all started at once. */
  workflows: number;
  /** Activity calls per sample (N × 10). */
  activities: number;
  samples: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  /** Median divided by the plain loop's median of the same N in the same run: the cost of durability. */
  ratioToBaseline: number;
  /** From the median. */
  workflowsPerSecond: number;
  activitiesPerSecond: number;
  /** Runner rows: what one execution records (mean over the executions of the last sample). */
  eventsPerWorkflow?: number;
  decisionTasksPerWorkflow?: number;
  /** Runner rows: decision tasks completed per second of wall time (everything the runner does included). */
  decisionTasksPerSecond?: number;
  /** Runner rows: wall time divided by decision tasks (the whole runner's time, not just the decider's). */
  usPerDecisionTask?: number;
  /** Runner rows: the runner's `maxConcurrentActivities` (its default). */
  maxConcurrentActivities?: number;
  /** The 1-minute load average when this N was measured (this process counts for about 1). */
  loadAvg: number;
}

/**
 * Measures both sides for `n` executions in interleaved rounds (runner, then plain loop), with a forced garbage
 * collection (when `gc` is exposed) before each sample so neither pays for the other's garbage. Every sample's
 * results are checked against the plain loop's.
 */
export async function measureThroughput(n: number, plan: Plan, gc?: () => void): Promise<ThroughputRow[]> {
  const expected = (await plainSample(n)).results;
  const times: Record<ThroughputCase, number[]> = { runner: [], "plain-loop": [] };
  let last: RunnerSample | undefined;
  const round = async (record: boolean) => {
    gc?.();
    const r = await runnerSample(n);
    check(`runner/${n}`, r.results, expected);
    gc?.();
    const p = await plainSample(n);
    check(`plain-loop/${n}`, p.results, expected);
    if (record) {
      times.runner.push(r.ms);
      times["plain-loop"].push(p.ms);
      last = r;
    }
  };
  for (let i = 0; i < plan.warmup; i++) await round(false);
  const start = performance.now();
  for (let i = 0; i < plan.max; i++) {
    if (i >= plan.min && performance.now() - start >= plan.budgetMs) break;
    await round(true);
  }
  const load = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const base = median(times["plain-loop"]);
  const cases: ThroughputCase[] = ["plain-loop", "runner"];
  return cases.map((c) => {
    const xs = times[c];
    const med = median(xs);
    const row: ThroughputRow = {
      name: `${c}/tenSteps/${n}`,
      suite: "runner",
      case: c,
      workflow: "tenSteps",
      workflows: n,
      activities: n * ACTIVITIES_PER_WORKFLOW,
      samples: xs.length,
      medianMs: round3(med),
      p90Ms: round3(percentile(xs, 90)),
      minMs: round3(Math.min(...xs)),
      ratioToBaseline: round3(med / base),
      workflowsPerSecond: Math.round((n * 1000) / med),
      activitiesPerSecond: Math.round((n * ACTIVITIES_PER_WORKFLOW * 1000) / med),
      loadAvg: load,
    };
    if (c === "runner" && last) {
      row.eventsPerWorkflow = Math.round((last.events / n) * 10) / 10;
      row.decisionTasksPerWorkflow = Math.round((last.decisionTasks / n) * 100) / 100;
      row.decisionTasksPerSecond = Math.round((last.decisionTasks * 1000) / med);
      row.usPerDecisionTask = Math.round(((med * 1000) / last.decisionTasks) * 10) / 10;
      row.maxConcurrentActivities = DEFAULT_MAX_CONCURRENT_ACTIVITIES;
    }
    return row;
  });
}

function rate(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(1)}M` : x >= 1e4 ? `${(x / 1e3).toFixed(0)}k` : String(Math.round(x));
}

export function throughputTable(rows: readonly ThroughputRow[]): string {
  const head = [
    "workflows",
    "case",
    "n",
    "median ms",
    "p90 ms",
    "× plain loop",
    "workflows/s",
    "activities/s",
    "events/wf",
    "tasks/wf",
    "µs/task",
  ];
  const body = rows.map((r) => [
    String(r.workflows),
    r.case,
    String(r.samples),
    fmt(r.medianMs),
    fmt(r.p90Ms),
    r.case === "runner" ? r.ratioToBaseline.toFixed(0) : r.ratioToBaseline.toFixed(2),
    rate(r.workflowsPerSecond),
    rate(r.activitiesPerSecond),
    r.eventsPerWorkflow === undefined ? "" : String(r.eventsPerWorkflow),
    r.decisionTasksPerWorkflow === undefined ? "" : r.decisionTasksPerWorkflow.toFixed(2),
    r.usPerDecisionTask === undefined ? "" : r.usPerDecisionTask.toFixed(1),
  ]);
  return textTable(
    head,
    body,
    new Set([1]),
    rows.map((r) => String(r.workflows)),
  );
}
