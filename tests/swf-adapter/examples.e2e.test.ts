/**
 * Every example runs on the dev server (SWF's wire protocol over HTTP) with the decider and the activity worker in
 * two separate `yieldflow worker` processes, and its result and history equal the local runner's: the same events
 * in the same order, timestamps, identities, task tokens and run ids aside.
 *
 * Two dev servers: one on the real clock (approval must be signaled while its 3-day wait is open, which a clock
 * that skips idle time would not leave it), and one with time skipping for the examples that wait hours or days of
 * workflow time (long-loop's 1 h pacing across continue-as-new runs, the successful order's 30 s retry interval and
 * 3-day review timer), each with its own decider and activity worker processes. The local runner they are compared
 * with runs on its default virtual clock with `activityTime: "real"`: like the time-skipping server, it lets
 * activities take real time and skips only idle time.
 *
 * Where activities run in parallel, the order in which two processes finish them is a race, so those examples
 * compare what was decided (every command, in order, with its input) and how the run closed, and check that the
 * SWF history replays with the current code.
 */
import { type AnyWorkflow, decide, type HistoryEvent, timestampToMillis } from "@yieldflow/core";
import { LocalRunner, VirtualClock } from "@yieldflow/local-runner";
import { registerTypes, SwfClient } from "@yieldflow/swf-adapter";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as approval from "../../examples/approval.ts";
import * as fanOut from "../../examples/fan-out.ts";
import * as flaky from "../../examples/flaky.ts";
import * as longLoop from "../../examples/long-loop.ts";
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
/** The time-skipping dev server, its client and its two worker processes. */
let hs: Harness;
let skipping: SwfClient;
let skipDecider: WorkerProcess;
let skipWorker: WorkerProcess;

test.before(async () => {
  [h, hs] = await Promise.all([harness(), harness({ timeSkipping: true })]);
  for (const x of [h, hs])
    await registerTypes(x.swf, { domain: DOMAIN, workflows: all.workflows, activities: all.activities });
  client = new SwfClient({ domain: DOMAIN, client: h.swf });
  skipping = new SwfClient({ domain: DOMAIN, client: hs.swf });
  decider = spawnWorker(MODULE, h.server.url, DOMAIN, ["--deciders-only"]);
  worker = spawnWorker(MODULE, h.server.url, DOMAIN, ["--activities-only"]);
  skipDecider = spawnWorker(MODULE, hs.server.url, DOMAIN, ["--deciders-only"]);
  skipWorker = spawnWorker(MODULE, hs.server.url, DOMAIN, ["--activities-only"]);
  await Promise.all([
    logged(decider, "decider started"),
    logged(worker, "activity worker started"),
    logged(skipDecider, "decider started"),
    logged(skipWorker, "activity worker started"),
  ]);
});

test.after(async () => {
  const codes = await Promise.all([decider?.stop(), worker?.stop(), skipDecider?.stop(), skipWorker?.stop()]);
  await Promise.all([h?.close(), hs?.close()]);
  assert.equal(codes, [0, 0, 0, 0], "every worker exits cleanly on SIGTERM");
});

/**
 * The same start options for both drivers. SWF and the local runner both record the registered defaults in the
 * start event (task list, decision task timeout, child policy), all but the one-year execution timeout, which the
 * local runner leaves out for a definition without one (a run that waits forever is reported as blocked there).
 */
const START = { timeouts: { executionStartToClose: 31_536_000 } };

function local(): LocalRunner {
  // the default clock, spelled out: idle time is skipped, activities take real time (as on the time-skipping server)
  return new LocalRunner({
    workflows: all.workflows,
    activities: all.activities,
    clock: new VirtualClock(undefined, { activityTime: "real" }),
  });
}

/**
 * SWF records the timeouts a ContinueAsNew decision leaves out as the workflow type's registered defaults, in the
 * WorkflowExecutionContinuedAsNew event and in the new run's WorkflowExecutionStarted (the dev server does); the
 * local runner records them too, all but the one-year execution timeout of a definition without one. Checks that
 * SWF's are those defaults, then leaves them out where the local history has none, so everything else is compared
 * as it is.
 */
function withoutFilledContinueAsNewTimeouts(swf: HistoryEvent[], loc: HistoryEvent[]): HistoryEvent[] {
  const keys = ["workflowExecutionContinuedAsNewEventAttributes", "workflowExecutionStartedEventAttributes"] as const;
  const defaults = { executionStartToCloseTimeout: "31536000", taskStartToCloseTimeout: "30" } as const;
  return swf.map((e, i) => {
    for (const key of keys) {
      const a = e[key] as Record<string, unknown> | undefined;
      const l = loc[i]?.[key] as Record<string, unknown> | undefined;
      if (!a || !l) continue;
      const out = { ...a };
      for (const [name, value] of Object.entries(defaults))
        if (l[name] === undefined) {
          assert.is(out[name], value, `${e.eventType}'s ${name} is the type's default`);
          delete out[name];
        }
      return { ...e, [key]: out };
    }
    return e;
  });
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
  workflow: AnyWorkflow,
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
  await runner.idle();
  await onSwf.signal("decision", { approved: true, by: "ada" });
  await loc.signal("decision", { approved: true, by: "ada" });
  assert.equal(await onSwf.result(), await loc.result());
  assertSameHistory(await onSwf.history(), onSwf.runId, loc.history(), loc.runId);
});

test("order, paid after a retry: the 30 s retry interval and the 3-day timer are skipped; the same as locally", async () => {
  const input = { id: "o-e2e", items: ["book", "pen"], cents: 4200 };
  const t0 = Date.now();
  const onSwf = await skipping.start(order.order, input, { ...START, workflowId: "order-paid" });
  const loc = await local().start(order.order, input, { ...START, workflowId: "order-paid" });
  const [a, b] = await Promise.all([onSwf.result(), loc.result()]);
  const took = Date.now() - t0;
  assert.equal(a, { chargeId: "ch-o-e2e", label: "LBL-o-e2e", confirmation: "C-o-e2e-9" });
  assert.equal(a, b);
  const swf = await onSwf.history();
  assertSameDecisions(order.order, swf, onSwf, loc.history(), loc.runId);
  // what time skipping did: the retry's timer and the review timer fired, 30 s and 3 days of server time later
  const fired = swf.filter((e) => e.eventType === "TimerFired");
  assert.is(fired.length, 2, "the retry's timer and the review timer fired");
  const span = (timestampToMillis(swf.at(-1)?.eventTimestamp) - timestampToMillis(swf[0]?.eventTimestamp)) / 1000;
  assert.ok(span >= 3 * 86_400 + 30 && span < 3 * 86_400 + 300, `the run took ${span} s of server time`);
  assert.ok(took < 30_000, `and ${took} ms of real time`);
});

test("long-loop: 1 h pacing across three continue-as-new runs; every run's history equals the local runner's", async () => {
  const input = { cursor: 0, total: 45, pageSize: 5, pagesPerRun: 3, sum: 0 };
  const onSwf = await skipping.start(longLoop.loop, input, { ...START, workflowId: "loop-1" });
  const loc = await local().start(longLoop.loop, input, { ...START, workflowId: "loop-1" });
  const [a, b] = await Promise.all([onSwf.result(), loc.result()]);
  assert.equal(a, { processed: 45, sum: 990 });
  assert.equal(a, b);
  // follow SWF's chain of runs from the first one
  const swfRuns: { runId: string; events: HistoryEvent[] }[] = [];
  for (let runId: string | undefined = onSwf.runId; runId !== undefined; ) {
    const events = await skipping.history("loop-1", { runId });
    swfRuns.push({ runId, events });
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  const localRuns = loc.runIds();
  assert.is(swfRuns.length, 3, "three runs on SWF");
  assert.is(localRuns.length, 3, "three runs locally");
  swfRuns.forEach((run, i) => {
    const localRunId = localRuns[i] as string;
    const mine = loc.history(localRunId);
    assertSameHistory(withoutFilledContinueAsNewTimeouts(run.events, mine), run.runId, mine, localRunId);
    assert.is(run.events.filter((e) => e.eventType === "TimerFired").length, 3, `run ${i + 1} paced three pages`);
  });
  const span =
    (timestampToMillis(swfRuns.at(-1)?.events.at(-1)?.eventTimestamp) -
      timestampToMillis(swfRuns[0]?.events[0]?.eventTimestamp)) /
    1000;
  assert.ok(span >= 9 * 3600 && span < 9 * 3600 + 300, `nine hours of server time passed (${span} s)`);
});

test.run();
