/**
 * The dev-server case (`npm run bench`, third table; see bench/README.md): one workflow of N activities run one
 * after another (N decision tasks and N activity tasks), end to end over HTTP against `yieldflow dev-server`
 * (in-memory, and with an SQLite `--data` file), against the same workflow in an in-process `LocalRunner`.
 *
 * Both sides decide with core's `Replayer` advanced incrementally (the runner's own decider does the same), so the
 * difference is the server: HTTP and JSON (SDK on the client, awsJson1_0 on the server), task tokens, long polls,
 * and for SQLite one committed transaction per call. The client is `@aws-sdk/client-swf`: one decider loop (polls
 * with `startAtPreviousStartedEvent`, so it is sent only the new events) and one activity worker loop. A fourth
 * case runs the same loops with a bare JSON-over-HTTP client, to separate the server's cost from the SDK's.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
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

export type DevServerCase = "runner" | "dev-server/memory" | "dev-server/sqlite" | "dev-server/memory, raw HTTP";

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

type Send = (op: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** `@aws-sdk/client-swf`, as users call SWF. */
function sdkClient(url: string): { send: Send; close(): void } {
  const swf = new SWF.SWFClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    maxAttempts: 1,
  });
  const commands = SWF as unknown as Record<string, new (input: unknown) => SWF.PollForDecisionTaskCommand>;
  return {
    send: async (op, input) =>
      (await swf.send(
        new (commands[`${op}Command`] as typeof SWF.PollForDecisionTaskCommand)(input as never),
      )) as unknown as Record<string, unknown>,
    close: () => swf.destroy(),
  };
}

/** A bare awsJson1_0 client (JSON over a keep-alive connection, no signing): what the server itself costs. */
function rawClient(url: string): { send: Send; close(): void } {
  const agent = new Agent({ keepAlive: true });
  const send: Send = (op, input) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify(input);
      const req = request(
        url,
        {
          method: "POST",
          agent,
          headers: {
            "content-type": "application/x-amz-json-1.0",
            "x-amz-target": `SimpleWorkflowService.${op}`,
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => {
            text += c;
          });
          res.on("end", () => {
            const out = JSON.parse(text) as Record<string, unknown>;
            if (res.statusCode === 200) resolve(out);
            else reject(new Error(`${op}: ${res.statusCode} ${text}`));
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

async function serverSample(
  n: number,
  data: string | undefined,
  clientKind: "sdk" | "raw",
): Promise<{ ms: number; tasks: number }> {
  const server = await startDevServer({ port: 0, pollWaitMs: 5_000, ...(data !== undefined && { data }) });
  const client = clientKind === "sdk" ? sdkClient(server.url) : rawClient(server.url);
  const { send } = client;
  const domain = "bench";
  try {
    await send("RegisterDomain", { name: domain, workflowExecutionRetentionPeriodInDays: "1" });
    await send("RegisterWorkflowType", {
      domain,
      name: sequence.name,
      version: sequence.version,
      defaultTaskList: { name: "bench-dev-deciders" },
      defaultExecutionStartToCloseTimeout: "3600",
      defaultTaskStartToCloseTimeout: "60",
      defaultChildPolicy: "TERMINATE",
    });
    await send("RegisterActivityType", { domain, name: step.name, version: step.version });
    const t = performance.now();
    const { runId } = (await send("StartWorkflowExecution", {
      domain,
      workflowId: "bench",
      workflowType: { name: sequence.name, version: sequence.version },
      input: JSON.stringify(n),
    })) as { runId: string };
    const replayer = new Replayer(sequence, { workflowId: "bench", runId });
    let seen = 0;
    let tasks = 0;
    let done = false;
    const decider = (async () => {
      while (!done) {
        const task = (await send("PollForDecisionTask", {
          domain,
          taskList: { name: "bench-dev-deciders" },
          startAtPreviousStartedEvent: true,
        })) as { taskToken: string; startedEventId: number; events: { eventId: number }[] };
        if (!task.taskToken) continue;
        const fresh = task.events.filter((e) => e.eventId > seen);
        const result = replayer.advance(fresh);
        seen = task.startedEventId;
        tasks++;
        await send("RespondDecisionTaskCompleted", { taskToken: task.taskToken, decisions: result.decisions });
        if (result.status.status !== "running") done = true;
      }
    })();
    const worker = (async () => {
      while (!done) {
        const task = (await send("PollForActivityTask", { domain, taskList: { name: "bench-dev-workers" } })) as {
          taskToken: string;
          input: string;
        };
        if (!task.taskToken) continue;
        const out = await stepFn(JSON.parse(task.input));
        await send("RespondActivityTaskCompleted", { taskToken: task.taskToken, result: JSON.stringify(out) });
      }
    })();
    await decider;
    const ms = performance.now() - t;
    await server.close(); // answers the worker's waiting poll
    await worker;
    const history = server.backend.history(domain, runId) ?? [];
    const completed = history.at(-1)?.workflowExecutionCompletedEventAttributes?.result;
    if (completed !== JSON.stringify(expected(n))) throw new Error(`dev server: wrong result ${completed}`);
    return { ms, tasks };
  } finally {
    client.close();
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
    "dev-server/memory, raw HTTP": [],
  };
  try {
    await runnerSample(Math.min(n, 50)); // warm-up
    await serverSample(Math.min(n, 50), undefined, "sdk");
    await serverSample(Math.min(n, 50), undefined, "raw");
    for (let r = 0; r < rounds; r++) {
      samples.runner.push(await runnerSample(n));
      samples["dev-server/memory"].push(await serverSample(n, undefined, "sdk"));
      samples["dev-server/sqlite"].push(await serverSample(n, join(dir, `round-${r}.sqlite`), "sdk"));
      samples["dev-server/memory, raw HTTP"].push(await serverSample(n, undefined, "raw"));
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
