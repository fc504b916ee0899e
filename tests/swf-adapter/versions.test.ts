/**
 * Several versions of one workflow type, and several types, in one decider: one `DeciderWorker` in process, and one
 * `yieldflow worker` process, each serving `greet@1`, `greet@2` and `tally@1` from one task list with runs of all
 * of them open at once. Each run must be decided by its own version's code: checked by its result and by what its
 * history scheduled.
 */
import type { HistoryEvent, WorkflowDefinition } from "@yieldflow/core";
import { main } from "@yieldflow/local-runner/cli";
import {
  ActivityWorker,
  DeciderWorker,
  registerTypes,
  SwfClient,
  silentLogger,
  WorkerMetrics,
} from "@yieldflow/swf-adapter";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as v from "./fixtures/versions.ts";
import { logged, spawnWorker } from "./processes.ts";
import { type Harness, harness, until } from "./support.ts";

const MODULE = "tests/swf-adapter/fixtures/versions.ts";
let h: Harness;

test.before(async () => {
  h = await harness();
});

test.after(async () => {
  await h.close();
});

/** What a run is and what it did: its type, and the activity types it scheduled, in order. */
function shape(events: HistoryEvent[]): { type: string; scheduled: string[]; closed: string | undefined } {
  const t = events[0]?.workflowExecutionStartedEventAttributes?.workflowType;
  return {
    type: `${t?.name}@${t?.version}`,
    scheduled: events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []),
    closed: events.at(-1)?.eventType,
  };
}

/** Resolves once the run has taken its first step and waits for its signal (a decision task came after the step). */
async function waitingForSignal(client: SwfClient, workflowId: string): Promise<void> {
  await until(
    async () => {
      const events = await client.history(workflowId);
      const done = events.findIndex((e) => e.eventType === "ActivityTaskCompleted");
      return done >= 0 && events.slice(done).some((e) => e.eventType === "DecisionTaskCompleted");
    },
    15_000,
    `${workflowId} to wait for its signal`,
  );
}

/**
 * Starts two runs of each greet version and a tally (`start`), lets them all reach their signal wait (so the decider
 * holds runs of both versions at once), signals them, and checks each result and history against its own version.
 */
async function exercise(
  client: SwfClient,
  start: (workflow: string, input: unknown, workflowId: string) => Promise<void>,
  signal: (workflowId: string, value: string) => Promise<void>,
): Promise<void> {
  const runs = [
    ["greet@1", "ada", "g1-a"],
    ["greet@2", "BOB", "g2-a"],
    ["greet@1", "cy", "g1-b"],
    ["greet@2", "DI", "g2-b"],
  ] as const;
  for (const [workflow, name, id] of runs) await start(workflow, name, id);
  await start("tally", ["ab", "c"], "tally-1");
  for (const [, , id] of runs) await waitingForSignal(client, id);
  for (const [, , id] of runs) await signal(id, `Next-${id}`);

  assert.is(await client.result("g1-a"), "ADA! NEXT-G1-A!");
  assert.is(await client.result("g1-b"), "CY! NEXT-G1-B!");
  assert.equal(await client.result("g2-a"), ["bob…", "next-g2-a…"]);
  assert.equal(await client.result("g2-b"), ["di…", "next-g2-b…"]);
  assert.is(await client.result("tally-1"), "AB! C!".length);

  const expected = {
    "g1-a": { type: "greet@1", scheduled: ["shout", "shout"], closed: "WorkflowExecutionCompleted" },
    "g1-b": { type: "greet@1", scheduled: ["shout", "shout"], closed: "WorkflowExecutionCompleted" },
    "g2-a": { type: "greet@2", scheduled: ["whisper", "whisper"], closed: "WorkflowExecutionCompleted" },
    "g2-b": { type: "greet@2", scheduled: ["whisper", "whisper"], closed: "WorkflowExecutionCompleted" },
    "tally-1": { type: "tally@1", scheduled: ["shout", "shout"], closed: "WorkflowExecutionCompleted" },
  };
  for (const [id, want] of Object.entries(expected)) assert.equal(shape(await client.history(id)), want, id);
}

test("one DeciderWorker serves greet@1, greet@2 and tally@1 at once; each run is decided by its own code", async () => {
  const domain = "versions";
  await registerTypes(h.swf, { domain, workflows: v.workflows, activities: v.activities });
  const client = new SwfClient({ domain, client: h.swf });
  const metrics = new WorkerMetrics();
  const decider = new DeciderWorker({ client: h.swf, domain, workflows: v.workflows, metrics, logger: silentLogger });
  const worker = new ActivityWorker({ client: h.swf, domain, activities: v.activities, logger: silentLogger });
  decider.start();
  worker.start();
  try {
    await exercise(
      client,
      async (workflow, input, workflowId) => {
        const def = v.workflows.find((w) => `${w.name}@${w.version}` === workflow || w.name === workflow);
        if (!def) throw new Error(`no workflow ${workflow} in the fixture`);
        await client.start(def as WorkflowDefinition<unknown, unknown>, input, { workflowId });
      },
      (workflowId, value) => client.signal(workflowId, "next", value),
    );
    assert.ok(metrics.counters.cache.hits >= 8, `runs of both versions stayed cached: ${metrics.counters.cache.hits}`);
  } finally {
    await Promise.all([decider.stop(), worker.stop()]);
  }
});

test("one `yieldflow worker` process serves both versions and the other type; started and signalled from the CLI", async () => {
  const domain = "versions-cli";
  const conn = ["--domain", domain, "--endpoint", h.server.url];
  const err: string[] = [];
  const io = { out: () => {}, err: (t: string) => err.push(t), cwd: process.cwd() };
  const cli = async (argv: string[]) => assert.is(await main([...argv, ...conn], io), 0, err.join("\n"));
  await registerTypes(h.swf, { domain, workflows: v.workflows, activities: v.activities });
  const both = spawnWorker(MODULE, h.server.url, domain, []);
  try {
    await Promise.all([logged(both, "decider started"), logged(both, "activity worker started")]);
    assert.is(both.log.split("decider started").length - 1, 1, "one decider for the three types (one task list)");
    assert.match(both.log, /decider started.*greet@1.*greet@2.*tally@1/);
    const client = new SwfClient({ domain, client: h.swf });
    await exercise(
      client,
      (workflow, input, workflowId) =>
        cli(["start", MODULE, "-w", workflow, "--input", JSON.stringify(input), "--workflow-id", workflowId]),
      (workflowId, value) => cli(["signal", workflowId, "next", "--input", JSON.stringify(value)]),
    );
  } finally {
    assert.is(await both.stop(), 0, both.log);
  }
});

test.run();
