/**
 * The typed client, registration and the SWF commands of the CLI, against the dev server over HTTP; and one
 * `WorkflowClient` function run unchanged against the local runner and SWF.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineActivity, type HistoryEvent, type WorkflowClient } from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
import { main } from "@yieldflow/local-runner/cli";
import { ActivityWorker, DeciderWorker, registerTypes, SwfClient, silentLogger } from "@yieldflow/swf-adapter";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rejection, within } from "../fixtures/promises.ts";
import * as f from "./fixtures/faults.ts";
import { type Harness, harness, until } from "./support.ts";

const DOMAIN = "client";

/** What a run's result rejects with (fails when it resolves, or when it has not settled after 15 s). */
const refusal = (p: Promise<unknown>) => rejection<{ code: string; reason?: string }>(within(p));

let h: Harness;
let client: SwfClient;
let decider: DeciderWorker;
let worker: ActivityWorker;

test.before(async () => {
  h = await harness();
  await registerTypes(h.swf, { domain: DOMAIN, workflows: f.workflows, activities: f.activities });
  client = new SwfClient({ domain: DOMAIN, client: h.swf });
  decider = new DeciderWorker({ client: h.swf, domain: DOMAIN, workflows: f.workflows, logger: silentLogger });
  worker = new ActivityWorker({ client: h.swf, domain: DOMAIN, activities: f.activities, logger: silentLogger });
  decider.start();
  worker.start();
});

test.after(async () => {
  await Promise.all([decider.stop(), worker.stop()]);
  await h.close();
});

test("registration is idempotent and reports defaults that differ from the definitions", async () => {
  const again = await registerTypes(h.swf, { domain: DOMAIN, workflows: f.workflows, activities: f.activities });
  assert.is(again.domain, "existing");
  assert.is(again.registered.length, 0);
  assert.is(again.existing.length, f.workflows.length + f.activities.length);
  assert.equal(again.differing, []);
  const changed = defineActivity({
    name: "step",
    version: "1",
    taskList: "elsewhere",
    timeouts: { startToClose: "9s" },
  });
  const report = await registerTypes(h.swf, { domain: DOMAIN, registerDomain: false, activities: [changed] });
  assert.equal(
    report.differing.map((d) => [d.type, d.field, d.registered, d.wanted]),
    [
      ["step@1", "defaultTaskList", "fault-steps", "elsewhere"],
      ["step@1", "defaultTaskStartToCloseTimeout", "2", "9"],
    ],
  );
});

test("start, describe, list, signal, result; cancel and terminate reject result() with typed errors", async () => {
  const run = await client.start(f.waiter, undefined, { workflowId: "w-1" });
  assert.is(run.workflowId, "w-1");
  const d = await client.describe("w-1");
  assert.is(d.status, "OPEN");
  assert.equal(d.workflowType, { name: "waiter", version: "1" });
  assert.ok((await client.list()).some((x) => x.runId === run.runId && x.status === "OPEN"));
  await until(async () => (await run.history()).some((e) => e.eventType === "ActivityTaskCompleted"), 10_000, "step");
  await run.signal("go", 41);
  assert.is(await client.result<number>("w-1"), 42);
  assert.is((await client.describe("w-1", { runId: run.runId })).status, "COMPLETED");
  assert.ok((await client.list({ closed: true })).some((x) => x.runId === run.runId && x.status === "COMPLETED"));

  const cancelled = await client.start(f.waiter, undefined);
  await cancelled.cancel();
  const e1 = await refusal(cancelled.result());
  assert.is(e1.code, "YF_WORKFLOW_CANCELED");

  const terminated = await client.start(f.waiter, undefined);
  await terminated.terminate("operator says no");
  const e2 = await refusal(terminated.result());
  assert.is(e2.code, "YF_WORKFLOW_TERMINATED");
  assert.is(e2.reason, "operator says no");

  await client
    .start(f.steps, { count: 1, ms: 1 }, { workflowId: "w-1" })
    .then(async (again) => assert.is(await again.result(), 1, "a closed workflow id can be used again"));
  await client.start(f.waiter, undefined, { workflowId: "w-open" });
  await client.start(f.waiter, undefined, { workflowId: "w-open" }).then(
    () => assert.unreachable("an open workflow id is refused"),
    (e) => assert.is((e as { name: string }).name, "WorkflowExecutionAlreadyStartedFault"),
  );
  await client.terminate("w-open");
});

test("result() follows continue-as-new to the last run; history() is the latest run's, all pages", async () => {
  const run = await client.start(f.countdown, 3, { workflowId: "countdown" });
  assert.is(await run.result(), "liftoff");
  const latest = await client.history("countdown");
  assert.is(latest[0]?.workflowExecutionStartedEventAttributes?.input, "0");
  assert.is(latest.at(-1)?.eventType, "WorkflowExecutionCompleted");
  const first = await client.history("countdown", { runId: run.runId });
  assert.is(first.at(-1)?.eventType, "WorkflowExecutionContinuedAsNew");
});

test("one WorkflowClient function runs unchanged against the local runner and SWF", async () => {
  async function twoSteps(c: WorkflowClient, id: string): Promise<[number, string]> {
    const handle = await c.start(f.steps, { count: 2, ms: 1 }, { workflowId: id });
    const sum = await handle.result();
    const described = await c.describe(id);
    const history = await c.history(id);
    return [sum, `${described.status} ${history.at(-1)?.eventType}`];
  }
  const local = new LocalRunner({ workflows: f.workflows, activities: f.activities });
  assert.equal(await twoSteps(local, "both"), [3, "COMPLETED WorkflowExecutionCompleted"]);
  assert.equal(await twoSteps(client, "both"), [3, "COMPLETED WorkflowExecutionCompleted"]);
});

test("CLI: start --wait, describe, signal, list, history <workflowId> --save, replay <module> <workflowId>", async () => {
  const dir = mkdtempSync(join(tmpdir(), "yf-cli-"));
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), cwd: process.cwd() };
  const conn = ["--domain", DOMAIN, "--endpoint", h.server.url];

  const mod = "tests/swf-adapter/fixtures/faults.ts";
  try {
    assert.is(
      await main(
        ["start", mod, "-w", "steps", "-i", '{"count":2,"ms":1}', "--workflow-id", "cli-1", "--wait", ...conn],
        io,
      ),
      0,
      err.join("\n"),
    );
    assert.equal(JSON.parse(out[0] as string).workflowId, "cli-1");
    assert.is(out[1], "3");
    out.length = 0;
    assert.is(await main(["describe", "cli-1", ...conn], io), 0);
    assert.is(JSON.parse(out.join("\n")).status, "COMPLETED");
    out.length = 0;
    assert.is(await main(["start", mod, "-w", "waiter", "--workflow-id", "cli-2", ...conn], io), 0);
    await until(async () => (await client.history("cli-2")).some((e) => e.eventType === "ActivityTaskCompleted"));
    assert.is(await main(["signal", "cli-2", "go", "--input", "9", ...conn], io), 0);
    assert.is(await client.result("cli-2"), 10);
    out.length = 0;
    assert.is(await main(["list", "--closed", ...conn], io), 0);
    assert.ok(
      out.some((l) => l.includes("cli-1") && l.includes("COMPLETED")),
      out.join("\n"),
    );
    out.length = 0;
    err.length = 0;
    assert.is(await main(["list", "--workflow-id", "cli-1", ...conn], io), 0);
    assert.equal(out, [], "an empty list prints no rows on stdout");
    assert.match(err.join("\n"), /no open executions \(closed ones: yieldflow list --closed\)/);
    const saved = join(dir, "cli-1.json");
    assert.is(await main(["history", "cli-1", "--save", saved, ...conn], io), 0, err.join("\n"));
    assert.match(out.join("\n"), /workflow steps@1: COMPLETED/);
    assert.is(JSON.parse(readFileSync(saved, "utf8")).events[0].eventType, "WorkflowExecutionStarted");
    out.length = 0;
    assert.is(await main(["replay", mod, "cli-1", ...conn], io), 0, err.join("\n"));
    assert.match(out.join("\n"), /^replay ok/);
    assert.is(await main(["replay", mod, saved], io), 0, "the saved file replays too");
    err.length = 0;
    assert.is(await main(["describe", "no-such-id", ...conn], io), 1);
    assert.match(err.join("\n"), /no execution with workflow id "no-such-id"/);
    err.length = 0;
    assert.is(await main(["worker", mod, "--payloads", "no-such-payloads.ts", ...conn], io), 2);
    assert.match(err.join("\n"), /cannot find the --payloads module no-such-payloads.ts/);
    err.length = 0;
    assert.is(await main(["terminate", "cli-1"], { ...io }), 2, "no domain: a usage error");
    assert.match(err.join("\n"), /--domain is required/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("CLI: cancel runs the workflow's cancellation code, terminate records reason and details, signal; bad ids exit 1", async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), cwd: process.cwd() };
  const conn = ["--domain", DOMAIN, "--endpoint", h.server.url];
  const mod = "tests/swf-adapter/fixtures/faults.ts";
  const cli = async (argv: string[], expected: number) => {
    out.length = 0;
    err.length = 0;
    assert.is(await main([...argv, ...conn], io), expected, `yieldflow ${argv.join(" ")}:\n${err.join("\n")}`);
    return { out: out.join("\n"), err: err.join("\n") };
  };
  const types = (events: HistoryEvent[]) => events.map((e) => e.eventType);
  const stepDone = (id: string) => async () =>
    (await client.history(id)).some((e) => e.eventType === "ActivityTaskCompleted");

  // cancel: the code sees a CancelledFailure where it waits, runs its compensation, and the run ends CANCELED
  await cli(["start", mod, "-w", "guarded", "--workflow-id", "cli-cancel"], 0);
  await until(stepDone("cli-cancel"), 10_000, "the booked step");
  const cancelled = await cli(["cancel", "cli-cancel"], 0);
  assert.match(cancelled.out, /^cancel requested for cli-cancel: .*CancelledFailure.*yieldflow describe cli-cancel/);
  const e1 = await refusal(client.result("cli-cancel"));
  assert.is(e1.code, "YF_WORKFLOW_CANCELED");
  const h1 = await client.history("cli-cancel");
  const t1 = types(h1);
  assert.is(t1.at(-1), "WorkflowExecutionCanceled");
  assert.ok(t1.indexOf("WorkflowExecutionCancelRequested") > 0, t1.join(" "));
  const undo = h1.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === "undo");
  assert.ok(undo, `the compensation was scheduled: ${t1.join(" ")}`);
  assert.ok((undo?.eventId ?? 0) > (h1.find((e) => e.eventType === "WorkflowExecutionCancelRequested")?.eventId ?? 0));
  const undone = h1.find((e) => e.activityTaskCompletedEventAttributes?.scheduledEventId === undo?.eventId);
  assert.is(undone?.activityTaskCompletedEventAttributes?.result, JSON.stringify("undid step 1"));
  assert.is(JSON.parse((await cli(["describe", "cli-cancel"], 0)).out).status, "CANCELED");

  // terminate: at once, no workflow code runs; the reason and details are recorded
  await cli(["start", mod, "-w", "guarded", "--workflow-id", "cli-term"], 0);
  await until(stepDone("cli-term"), 10_000, "the booked step");
  const terminated = await cli(
    ["terminate", "cli-term", "--reason", "stuck on a bad card", "--details", "ticket 4711"],
    0,
  );
  assert.is(terminated.out, "terminated cli-term (reason: stuck on a bad card)");
  const e2 = await refusal(client.result("cli-term"));
  assert.is(e2.code, "YF_WORKFLOW_TERMINATED");
  assert.is(e2.reason, "stuck on a bad card");
  const h2 = await client.history("cli-term");
  const last = h2.at(-1)?.workflowExecutionTerminatedEventAttributes;
  assert.equal([last?.reason, last?.details], ["stuck on a bad card", "ticket 4711"]);
  assert.not.ok(
    h2.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === "undo"),
    "no cleanup code ran",
  );
  assert.is(JSON.parse((await cli(["describe", "cli-term"], 0)).out).status, "TERMINATED");

  // signal: the value reaches the code
  await cli(["start", mod, "-w", "guarded", "--workflow-id", "cli-signal"], 0);
  await until(stepDone("cli-signal"), 10_000, "the booked step");
  assert.is((await cli(["signal", "cli-signal", "go", "--input", "41"], 0)).out, "signal go sent to cli-signal");
  assert.is(await within(client.result("cli-signal")), 42);

  // bad ids: status 1 and what was wrong; a closed run is named with its status
  for (const command of [["cancel"], ["terminate"], ["signal", "go"]] as const) {
    const [name, ...rest] = command;
    const unknown = await cli([name, "no-such-run", ...rest], 1);
    assert.is(unknown.out, "");
    assert.match(unknown.err, new RegExp(`^yieldflow ${name}: .*no execution with workflow id "no-such-run"`));
    const closed = await cli([name, "cli-term", ...rest], 1);
    assert.match(
      closed.err,
      new RegExp(`^yieldflow ${name}: .*cannot ${name} cli-term .*the execution is closed \\(TERMINATED\\)`),
    );
  }
  await cli(["cancel", "cli-cancel", "--run-id", "not-a-run"], 1);
});

test("CLI: what a hostile endpoint answers is printed with control characters as visible escapes", async () => {
  // a server (not SWF, not the dev server) whose answers carry terminal escape sequences: rows of a list, errors
  const evil = "w\u001b[2J\u001b]0;owned\u0007";
  const hostile = createServer((req, res) => {
    res.setHeader("content-type", "application/x-amz-json-1.0");
    if (String(req.headers["x-amz-target"]).endsWith(".ListOpenWorkflowExecutions")) {
      const info = {
        execution: { workflowId: evil, runId: "r1" },
        workflowType: { name: "t", version: "1" },
        startTimestamp: 0,
        executionStatus: "OPEN",
      };
      res.end(JSON.stringify({ executionInfos: [info] }));
      return;
    }
    res.statusCode = 400;
    res.end(JSON.stringify({ __type: "UnknownResourceFault", message: `gone ${evil}` }));
  });
  await new Promise<void>((done) => hostile.listen(0, "127.0.0.1", done));
  const { port } = hostile.address() as AddressInfo;
  const lines: string[] = [];
  const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t), cwd: process.cwd() };
  try {
    const conn = ["--domain", DOMAIN, "--endpoint", `http://127.0.0.1:${port}`];
    for (const [argv, status] of [
      [["list"], 0],
      [["describe", "w"], 1],
      [["cancel", "w"], 1],
      [["terminate", "w", "--reason", "r"], 1],
    ] as const) {
      lines.length = 0;
      assert.is(await main([...argv, ...conn], io), status, argv.join(" "));
      const printed = lines.join("\n");
      assert.not.match(
        printed,
        // biome-ignore lint/suspicious/noControlCharactersInRegex: exactly what must not be printed
        /[\u0000-\u0008\u000b-\u001f\u007f]/,
        `raw control characters: ${JSON.stringify(printed)}`,
      );
      assert.match(printed, /w\\u001b\[2J\\u001b\]0;owned\\u0007/, printed);
    }
  } finally {
    hostile.close();
  }
});

test.run();
