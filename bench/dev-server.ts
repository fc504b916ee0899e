/**
 * The dev-server case (`npm run bench`, third table; see bench/README.md): one workflow of N activities run one
 * after another (N decision tasks and N activity tasks), end to end over HTTP against `yieldflow dev-server`
 * (in-memory, and with an SQLite `--data` file), against the same workflow in an in-process `LocalRunner`.
 *
 * Both sides decide with core's `Replayer` advanced incrementally (the runner's own decider does the same), so the
 * difference is the server: HTTP and JSON (SDK on the client, awsJson1_0 on the server), task tokens, long polls,
 * and for SQLite one committed transaction per call. The client is `@aws-sdk/client-swf`: one decider loop (polls
 * with `startAtPreviousStartedEvent`, so it is sent only the new events) and one activity worker loop.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as SWF from "@aws-sdk/client-swf";
import { activity, defineActivity, defineWorkflow, implement, Replayer } from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
import { startDevServer } from "@yieldflow/local-runner/dev-server";
import { fmt, median, round3, textTable } from "./stats.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const step = defineActivity<number, number>({
  name: "benchStep",
  version: "1",
  taskList: "bench-dev-workers",
  timeouts: { startToClose: "30s", scheduleToClose: "5m", scheduleToStart: "5m", heartbeat: "5m" },
});
const stepFn = async (x: number): Promise<number> => (x * 31 + 7) % 1_000_003;

/** N activities one after another. */
const sequence = defineWorkflow(
  { name: "benchSequence", version: "1", taskList: "bench-dev-deciders" },
  function* (n: number) {
    let x = 1;
    for (let i = 0; i < n; i++) x = yield* activity(step, x);
    return x;
  },
);

function expected(n: number): number {
  let x = 1;
  for (let i = 0; i < n; i++) x = (x * 31 + 7) % 1_000_003;
  return x;
}

export type DevServerCase = "runner" | "dev-server/memory" | "dev-server/sqlite";

/** One measured row. */
export interface DevServerRow {
  name: string;
  suite: "devserver";
  case: DevServerCase;
  activities: number;
  decisionTasks: number;
  samples: number;
  medianMs: number;
  decisionTasksPerSecond: number;
  /** The runner's median time divided by this case's (1 for the runner). */
  ratioToRunner: number;
}

async function runnerSample(n: number): Promise<{ ms: number; tasks: number }> {
  const runner = new LocalRunner({ workflows: [sequence], activities: [implement(step, stepFn)] });
  const t = performance.now();
  const h = await runner.start(sequence, n, { workflowId: "bench" });
  const result = await h.result();
  const ms = performance.now() - t;
  if (result !== expected(n)) throw new Error(`runner: wrong result ${result}`);
  const events = runner.service.runById(h.runId)?.recorder.events ?? [];
  const tasks = events.filter((e) => e.eventType === "DecisionTaskCompleted").length;
  runner.close();
  return { ms, tasks };
}

async function serverSample(n: number, data: string | undefined): Promise<{ ms: number; tasks: number }> {
  const server = await startDevServer({ port: 0, pollWaitMs: 5_000, ...(data !== undefined && { data }) });
  const swf = new SWF.SWFClient({
    endpoint: server.url,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    maxAttempts: 1,
  });
  const domain = "bench";
  try {
    await swf.send(new SWF.RegisterDomainCommand({ name: domain, workflowExecutionRetentionPeriodInDays: "1" }));
    await swf.send(
      new SWF.RegisterWorkflowTypeCommand({
        domain,
        name: sequence.name,
        version: sequence.version,
        defaultTaskList: { name: "bench-dev-deciders" },
        defaultExecutionStartToCloseTimeout: "3600",
        defaultTaskStartToCloseTimeout: "60",
        defaultChildPolicy: "TERMINATE",
      }),
    );
    await swf.send(new SWF.RegisterActivityTypeCommand({ domain, name: step.name, version: step.version }));
    const t = performance.now();
    const { runId } = await swf.send(
      new SWF.StartWorkflowExecutionCommand({
        domain,
        workflowId: "bench",
        workflowType: { name: sequence.name, version: sequence.version },
        input: JSON.stringify(n),
      }),
    );
    const replayer = new Replayer(sequence, { workflowId: "bench", runId: runId as string });
    let seen = 0;
    let tasks = 0;
    let done = false;
    const decider = (async () => {
      while (!done) {
        const task = await swf.send(
          new SWF.PollForDecisionTaskCommand({
            domain,
            taskList: { name: "bench-dev-deciders" },
            startAtPreviousStartedEvent: true,
          }),
        );
        if (!task.taskToken) continue;
        const fresh = (task.events ?? []).filter((e) => (e.eventId as number) > seen);
        const result = replayer.advance(fresh);
        seen = task.startedEventId as number;
        tasks++;
        await swf.send(
          new SWF.RespondDecisionTaskCompletedCommand({
            taskToken: task.taskToken,
            decisions: result.decisions as SWF.Decision[],
          }),
        );
        if (result.status.status !== "running") done = true;
      }
    })();
    const worker = (async () => {
      while (!done) {
        const task = await swf.send(
          new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "bench-dev-workers" } }),
        );
        if (!task.taskToken) continue;
        const out = await stepFn(JSON.parse(task.input as string));
        await swf.send(
          new SWF.RespondActivityTaskCompletedCommand({ taskToken: task.taskToken, result: JSON.stringify(out) }),
        );
      }
    })();
    await decider;
    const ms = performance.now() - t;
    await server.close(); // answers the worker's waiting poll
    await worker;
    const history = server.backend.history(domain, runId as string) ?? [];
    const completed = history.at(-1)?.workflowExecutionCompletedEventAttributes?.result;
    if (completed !== JSON.stringify(expected(n))) throw new Error(`dev server: wrong result ${completed}`);
    return { ms, tasks };
  } finally {
    swf.destroy();
    await server.close().catch(() => {});
  }
}

/** Runs the cases in interleaved rounds; returns one row per case. */
export async function measureDevServer(
  n: number,
  rounds: number,
  log: (line: string) => void,
): Promise<DevServerRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "yf-bench-devserver-"));
  const samples: Record<DevServerCase, { ms: number; tasks: number }[]> = {
    runner: [],
    "dev-server/memory": [],
    "dev-server/sqlite": [],
  };
  try {
    await runnerSample(Math.min(n, 50)); // warm-up
    await serverSample(Math.min(n, 50), undefined);
    for (let r = 0; r < rounds; r++) {
      samples.runner.push(await runnerSample(n));
      samples["dev-server/memory"].push(await serverSample(n, undefined));
      samples["dev-server/sqlite"].push(await serverSample(n, join(dir, `round-${r}.sqlite`)));
      log(
        `  round ${r + 1}/${rounds}: ${Object.entries(samples)
          .map(([k, v]) => `${k} ${fmt(v.at(-1)?.ms ?? 0)} ms`)
          .join(", ")}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const runnerMs = median(samples.runner.map((s) => s.ms));
  return (Object.keys(samples) as DevServerCase[]).map((c) => {
    const ms = median(samples[c].map((s) => s.ms));
    const tasks = samples[c][0]?.tasks ?? 0;
    return {
      name: `${c}/sequence/${n}`,
      suite: "devserver",
      case: c,
      activities: n,
      decisionTasks: tasks,
      samples: samples[c].length,
      medianMs: round3(ms),
      decisionTasksPerSecond: Math.round((tasks / ms) * 1000),
      ratioToRunner: round3(runnerMs / ms),
    };
  });
}

/** The dev-server table. */
export function devServerTable(rows: readonly DevServerRow[]): string {
  return textTable(
    ["case", "activities", "decision tasks", "n", "median ms", "tasks/s", "× runner speed"],
    rows.map((r) => [
      r.case,
      String(r.activities),
      String(r.decisionTasks),
      String(r.samples),
      fmt(r.medianMs),
      String(r.decisionTasksPerSecond),
      r.ratioToRunner.toFixed(3),
    ]),
    new Set([0]),
  );
}
