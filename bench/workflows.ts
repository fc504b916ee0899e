/**
 * The two workflow shapes the benchmark replays, and the simulation that records their histories.
 * - sequence: `n` activities, one after another (one decision task per activity);
 * - fan-out: `n` activities in batches of `width`, each batch run with `all([...])` and completed together
 *   (one decision task per batch).
 */
import { type AnyWorkflow, activity, all, defineActivity, defineWorkflow, type HistoryEvent } from "@yieldflow/core";
import { type Happening, type HistoryBuilder, simulate } from "@yieldflow/core/testing";

export const step = defineActivity<{ i: number }, { i: number; ok: boolean }>({
  name: "benchStep",
  version: "1",
  taskList: "bench",
  timeouts: { startToClose: "1m", scheduleToStart: "5m", scheduleToClose: "6m", heartbeat: "30s" },
});

export const sequence = defineWorkflow({ name: "benchSequence", version: "1" }, function* (input: { n: number }) {
  let ok = 0;
  for (let i = 0; i < input.n; i++) {
    const r = yield* activity(step, { i });
    if (r.ok) ok++;
  }
  return { ok };
});

export const fanOut = defineWorkflow(
  { name: "benchFanOut", version: "1" },
  function* (input: { n: number; width: number }) {
    let ok = 0;
    for (let start = 0; start < input.n; start += input.width) {
      const batch = [];
      for (let i = start; i < Math.min(input.n, start + input.width); i++) batch.push(activity(step, { i }));
      const results = yield* all(batch);
      for (const r of results) if (r.ok) ok++;
    }
    return { ok };
  },
);

/** Completes every open activity (the fan-in arrives while one decision task is scheduled). */
function completeAll(b: HistoryBuilder): Happening[] {
  const out: Happening[] = [];
  for (const act of b.activities.values()) {
    const { i } = JSON.parse(act.input ?? "{}") as { i: number };
    out.push({ kind: "activityCompleted", activityId: act.activityId, result: { i, ok: true } });
  }
  return out;
}

export interface Recorded {
  /** The history up to and including the DecisionTaskStarted of the last decision task (it is open). */
  events: HistoryEvent[];
  /** The prefix length at which the second-to-last decision task started. */
  prevLength: number;
  /** Decision tasks in the history (the last one open). */
  tasks: number;
}

export function record(workflow: AnyWorkflow, input: unknown): Recorded {
  const sim = simulate(workflow, {
    input,
    next: completeAll,
    replay: "incremental",
    maxDecisionTasks: 1_000_000,
    workflowId: "bench",
    runId: "bench-run",
  });
  if (sim.ended !== "closed" || sim.status.status !== "completed")
    throw new Error(`simulation of ${workflow.name} ended ${sim.ended} with status ${sim.status.status}`);
  const last = sim.tasks[sim.tasks.length - 1];
  const prev = sim.tasks[sim.tasks.length - 2];
  if (!last || !prev) throw new Error("the simulation made fewer than two decision tasks");
  return { events: sim.events.slice(0, last.historyLength), prevLength: prev.historyLength, tasks: sim.tasks.length };
}
