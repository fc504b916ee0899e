/**
 * The decider case (`npm run bench`, suite `decider`; see bench/README.md): the SWF adapter's `DeciderWorker` and
 * `ActivityWorker` against `yieldflow dev-server` (in memory) over HTTP, one workflow of sequential activities grown
 * to about 100 and 10,000 events. Measured over the last decision tasks of each run (the tail, where the history is
 * longest): the decider's time per decision task (from receiving it to SWF accepting the answer: paging, replay,
 * respond) as decisions per second of one poller, history pages fetched per task, and the end-to-end rate of the tail
 * (activity round trips included), with a warm cache (a cached `Replayer` per run: only the new events are fetched
 * and folded) and a cold one (`cacheSize: 0`: every task pages and replays the whole history). The cold decider is
 * the baseline: × cold = warm decisions/s / cold decisions/s, same run.
 */
import { activity, defineActivity, defineWorkflow, implement } from "@yieldflow/core";
import { startDevServer } from "@yieldflow/local-runner/dev-server";
import {
  ActivityWorker,
  createSwfClient,
  DeciderWorker,
  registerTypes,
  SwfClient,
  silentLogger,
  WorkerMetrics,
} from "@yieldflow/swf-adapter";
import { textTable } from "./stats.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const step = defineActivity<number, number>({
  name: "benchDeciderStep",
  version: "1",
  taskList: "bench-decider-workers",
  timeouts: { startToClose: "30s" },
});
/** Six events per activity (scheduled, started, completed; decision scheduled, started, completed). */
const chain = defineWorkflow(
  {
    name: "benchDeciderChain",
    version: "1",
    taskList: "bench-decider-deciders",
    timeouts: { taskStartToClose: "60s" },
  },
  function* (n: number) {
    let x = 0;
    for (let i = 0; i < n; i++) x = yield* activity(step, x);
    return x;
  },
);
const impl = implement(step, async (x: number) => x + 1);

/** One measured case. */
export interface DeciderRow {
  suite: "decider";
  case: string;
  events: number;
  cache: "warm" | "cold";
  /** Decision tasks measured (the tail of the run). */
  tasks: number;
  /** Mean time from receiving a decision task to SWF accepting its answer, ms. */
  decisionMs: number;
  /** 1000 / decisionMs: what one poller can decide per second. */
  decisionsPerSecond: number;
  /** Decision tasks per second of the tail end to end (activity round trips included). */
  endToEndPerSecond: number;
  pagesPerTask: number;
  /** warm decisions/s / cold decisions/s (1 for the cold baseline). */
  ratioToCold: number;
}

async function lastEventId(client: SwfClient, workflowId: string, runId: string): Promise<number> {
  const out = await client.swf.send(
    new (await import("@aws-sdk/client-swf")).GetWorkflowExecutionHistoryCommand({
      domain: client.domain,
      execution: { workflowId, runId },
      reverseOrder: true,
      maximumPageSize: 1,
    }),
  );
  return out.events?.[0]?.eventId ?? 0;
}

/** Runs a chain of about `events` events; measures the decider over the last `tail` decision tasks. */
async function measure(events: number, tail: number, cache: "warm" | "cold"): Promise<Omit<DeciderRow, "ratioToCold">> {
  const server = await startDevServer({ port: 0, pollWaitMs: 1000 });
  const swf = createSwfClient({ endpoint: server.url });
  const domain = "bench";
  await registerTypes(swf, { domain, workflows: [chain], activities: [impl] });
  const client = new SwfClient({ domain, client: swf });
  const worker = new ActivityWorker({ client: swf, domain, activities: [impl], logger: silentLogger });
  const decider = (cacheSize: number, metrics: WorkerMetrics) =>
    new DeciderWorker({
      client: swf,
      domain,
      workflows: [chain],
      cacheSize,
      pollers: 1,
      metrics,
      logger: silentLogger,
    });
  worker.start();
  const activities = Math.max(1, Math.round((events - 5) / 6));
  const warmUp = new WorkerMetrics();
  let current = decider(1000, warmUp);
  current.start();
  try {
    const run = await client.start(chain, activities);
    // grow the run with a warm decider until the tail begins, then measure `tail` tasks with the decider under test
    const startTail = Math.max(0, events - tail * 6);
    while ((await lastEventId(client, run.workflowId, run.runId)) < startTail)
      await new Promise((r) => setTimeout(r, 5));
    const metrics = new WorkerMetrics();
    await current.stop();
    current = decider(cache === "warm" ? 1000 : 0, metrics);
    if (cache === "warm") {
      // a warm decider that never saw the run starts cold once, then stays warm: prime it outside the measurement
      current.start();
      await new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (metrics.counters.decisionTasks.completed >= 1) {
            clearInterval(t);
            resolve();
          }
        }, 1);
      });
    } else current.start();
    const c0 = { ...metrics.counters.decisionTasks };
    const l0 = { ...metrics.counters.decisionLatencyMs };
    const p0 = metrics.counters.historyPages;
    const t0 = performance.now();
    await run.result();
    const ms = performance.now() - t0;
    const tasks = metrics.counters.decisionTasks.completed - c0.completed;
    const pages = metrics.counters.historyPages - p0;
    const l = metrics.counters.decisionLatencyMs;
    const decisionMs = (l.sum - l0.sum) / Math.max(1, l.count - l0.count);
    const total = (await client.history(run.workflowId, { runId: run.runId })).length;
    return {
      suite: "decider",
      case: `${cache} ${total} events`,
      events: total,
      cache,
      tasks,
      decisionMs: Number(decisionMs.toFixed(2)),
      decisionsPerSecond: Math.round(1000 / Math.max(0.001, decisionMs)),
      endToEndPerSecond: Math.round((tasks / ms) * 1000),
      // the first page comes with the task; every further page is one more call
      pagesPerTask: Number(((pages + tasks) / Math.max(1, tasks)).toFixed(2)),
    };
  } finally {
    await Promise.all([current.stop(), worker.stop()]);
    swf.destroy();
    await server.close();
  }
}

/** Warm and cold deciders for runs of about each size in `sizes`. */
export async function measureDecider(sizes: readonly number[], log: (line: string) => void): Promise<DeciderRow[]> {
  const rows: DeciderRow[] = [];
  for (const events of sizes) {
    const tail = Math.min(30, Math.max(5, Math.floor(events / 6) - 2));
    const cold = await measure(events, tail, "cold");
    const warm = await measure(events, tail, "warm");
    rows.push({ ...cold, ratioToCold: 1 });
    rows.push({ ...warm, ratioToCold: Number((warm.decisionsPerSecond / cold.decisionsPerSecond).toFixed(1)) });
    log(
      `  ~${events} events: warm ${warm.decisionMs} ms/decision (${warm.pagesPerTask} pages/task), cold ${cold.decisionMs} ms/decision (${cold.pagesPerTask} pages/task)`,
    );
  }
  return rows;
}

/** The decider table. */
export function deciderTable(rows: readonly DeciderRow[]): string {
  return textTable(
    ["case", "events", "tail tasks", "ms/decision", "decisions/s", "pages/task", "× cold", "end-to-end tasks/s"],
    rows.map((r) => [
      r.case,
      String(r.events),
      String(r.tasks),
      r.decisionMs.toFixed(2),
      String(r.decisionsPerSecond),
      r.pagesPerTask.toFixed(2),
      `${r.ratioToCold.toFixed(1)}×`,
      String(r.endToEndPerSecond),
    ]),
    new Set([0]),
  );
}
