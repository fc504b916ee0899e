/**
 * Every example runs on the dev server (SWF's wire protocol over HTTP) with the decider and the activity worker in
 * two separate `yieldflow worker` processes, and its result and history equal the local runner's: the same events
 * in the same order, timestamps, identities, task tokens and run ids aside. The dev server runs on the real clock,
 * so examples that wait hours or days of workflow time (long-loop's 1 h pacing, order's 3-day review timer and its
 * 30 s retry interval) are run here only on paths without those waits (the declined order). Where activities run in parallel, the
 * order in which two processes finish them is a race, so those examples compare what was decided (every command,
 * in order, with its input) and how the run closed, and check that the SWF history replays with the current code.
 */
import { decide, type HistoryEvent, type WorkflowDefinition } from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
import { registerTypes, SwfClient } from "@yieldflow/swf-adapter";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as approval from "../../examples/approval.ts";
import * as fanOut from "../../examples/fan-out.ts";
import * as flaky from "../../examples/flaky.ts";
import * as order from "../../examples/order.ts";
import * as all from "./fixtures/examples.ts";
import { logged, spawnWorker, type WorkerProcess } from "./processes.ts";
import { comparable, type Harness, harness, until } from "./support.ts";

const DOMAIN = "examples";
const MODULE = "tests/swf-adapter/fixtures/examples.ts";
let h: Harness;
let client: SwfClient;
let decider: WorkerProcess;
let worker: WorkerProcess;

test.before(async () => {
  h = await harness();
  await registerTypes(h.swf, { domain: DOMAIN, workflows: all.workflows, activities: all.activities });
  client = new SwfClient({ domain: DOMAIN, client: h.swf });
  decider = spawnWorker(MODULE, h.server.url, DOMAIN, ["--deciders-only"]);
  worker = spawnWorker(MODULE, h.server.url, DOMAIN, ["--activities-only"]);
  await Promise.all([logged(decider, "decider started"), logged(worker, "activity worker started")]);
});

test.after(async () => {
  const codes = await Promise.all([decider?.stop(), worker?.stop()]);
  await h?.close();
  assert.equal(codes, [0, 0], "both workers exit cleanly on SIGTERM");
});

/** The same start options for both drivers (SWF fills the registered defaults into the start event). */
const START = {
  timeouts: { executionStartToClose: 31_536_000, taskStartToClose: 30 },
  childPolicy: "TERMINATE" as const,
};

function local(): LocalRunner {
  return new LocalRunner({ workflows: all.workflows, activities: all.activities });
}

function assertSameHistory(swf: HistoryEvent[], swfRunId: string, loc: HistoryEvent[], localRunId: string): void {
  const a = comparable(swf, [swfRunId]);
  const b = comparable(loc, [localRunId]);
  assert.equal(
    a.map((e) => (e as HistoryEvent).eventType),
    b.map((e) => (e as HistoryEvent).eventType),
    "the same events in the same order",
  );
  assert.equal(a, b, "the same attributes");
}

const COMMANDS = new Set([
  "ActivityTaskScheduled",
  "TimerStarted",
  "MarkerRecorded",
  "StartChildWorkflowExecutionInitiated",
  "SignalExternalWorkflowExecutionInitiated",
  "RequestCancelExternalWorkflowExecutionInitiated",
  "RequestCancelActivityTask",
  "WorkflowExecutionCompleted",
  "WorkflowExecutionFailed",
  "WorkflowExecutionContinuedAsNew",
]);

/** What a run decided, in order (without the decision task each command went out in), and each outcome by id. */
function decided(events: HistoryEvent[], runId: string) {
  const c = comparable(events, [runId]) as (HistoryEvent & Record<string, Record<string, unknown>>)[];
  const commands = c
    .filter((e) => COMMANDS.has(e.eventType as string))
    .map((e) => {
      const key = Object.keys(e).find((k) => k.endsWith("EventAttributes")) as string;
      const { decisionTaskCompletedEventId: _, ...attrs } = e[key] ?? {};
      return { eventType: e.eventType, attrs };
    });
  const byScheduled = new Map<number, string>();
  for (const e of events)
    if (e.activityTaskScheduledEventAttributes)
      byScheduled.set(e.eventId as number, e.activityTaskScheduledEventAttributes.activityId as string);
  const outcomes: Record<string, unknown> = {};
  for (const e of events) {
    const done = e.activityTaskCompletedEventAttributes;
    if (done) outcomes[byScheduled.get(done.scheduledEventId as number) as string] = done.result;
  }
  return { commands, outcomes };
}

/** For runs with parallel activities: the same commands in the same order, the same outcomes, and SWF's replays. */
function assertSameDecisions(
  // biome-ignore lint/suspicious/noExplicitAny: any workflow
  workflow: WorkflowDefinition<any, any>,
  swf: HistoryEvent[],
  swfRun: { workflowId: string; runId: string },
  loc: HistoryEvent[],
  localRunId: string,
): void {
  assert.equal(decided(swf, swfRun.runId), decided(loc, localRunId));
  const replayed = decide(workflow, swf, swfRun);
  assert.ok(replayed.status.status !== "running", "the SWF history replays to its end with the current code");
}

test("order with a declined card: the same failure and compensation as locally", async () => {
  const input = { id: "o-2", items: ["book"], cents: 999_999 };
  const onSwf = await client.start(order.order, input, { ...START, workflowId: "order-2" });
  const runner = local();
  const loc = await runner.start(order.order, input, { ...START, workflowId: "order-2" });
  type Failed = Error & { code: string; reason?: string };
  const fail = (p: Promise<unknown>): Promise<Failed> =>
    p.then(
      () => {
        throw new Error("the order must fail");
      },
      (e: unknown) => e as Failed,
    );
  const [a, b] = await Promise.all([fail(onSwf.result()), fail(loc.result())]);
  assert.is(a.code, "YF_WORKFLOW_FAILED");
  assert.is(a.code, b.code);
  assert.is(a.reason, b.reason);
  assertSameHistory(await onSwf.history(), onSwf.runId, loc.history(), loc.runId);
});

test("fan-out: result and decisions equal the local runner's", async () => {
  const input = { items: [1, 2, 3, 4, 5, 6], limit: 3 };
  const onSwf = await client.start(fanOut.sumOfSquares, input, { ...START, workflowId: "fan-1" });
  const loc = await local().start(fanOut.sumOfSquares, input, { ...START, workflowId: "fan-1" });
  assert.equal(await onSwf.result(), await loc.result());
  assertSameDecisions(fanOut.sumOfSquares, await onSwf.history(), onSwf, loc.history(), loc.runId);
});

test("flaky: retried with backoff on durable timers; the same history as locally", async () => {
  const onSwf = await client.start(flaky.report, "https://example.com/e2e", { ...START, workflowId: "flaky-1" });
  const loc = await local().start(flaky.report, "https://example.com/e2e", { ...START, workflowId: "flaky-1" });
  assert.equal(await onSwf.result(), await loc.result());
  assertSameHistory(await onSwf.history(), onSwf.runId, loc.history(), loc.runId);
});

test("approval: a signal once the workflow waits; the same history as locally", async () => {
  const input = { request: "laptop", approver: "ada" };
  const onSwf = await client.start(approval.approval, input, { ...START, workflowId: "approval-1" });
  const runner = local();
  const loc = await runner.start(approval.approval, input, { ...START, workflowId: "approval-1" });
  // signal both once they wait for it (the signal wait's timer has started)
  await until(async () => (await onSwf.history()).some((e) => e.eventType === "TimerStarted"), 20_000, "the wait");
  await runner.settle();
  await onSwf.signal("decision", { approved: true, by: "ada" });
  await loc.signal("decision", { approved: true, by: "ada" });
  assert.equal(await onSwf.result(), await loc.result());
  assertSameHistory(await onSwf.history(), onSwf.runId, loc.history(), loc.runId);
});

test.run();
