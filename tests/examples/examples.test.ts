/** Every example runs end to end in the local runner, and its recorded history replays with the current code. */
import { decide } from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as approval from "../../examples/approval.ts";
import * as fanOut from "../../examples/fan-out.ts";
import * as flaky from "../../examples/flaky.ts";
import * as longLoop from "../../examples/long-loop.ts";
import * as order from "../../examples/order.ts";

const types = (events: readonly { eventType?: string }[]) => events.map((e) => e.eventType);
const scheduled = (
  events: readonly { activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }[],
) =>
  events.flatMap((e) =>
    e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : [],
  );

test("order: the happy path retries the charge, ships, emails, and asks for a review 3 days later", async () => {
  const runner = new LocalRunner({ workflows: [order.order], activities: order.activities });
  const t0 = performance.now();
  const h = await runner.start(order.order, { id: "o-1", items: ["book"], cents: 4200 });
  assert.equal(await h.result(), { chargeId: "ch-o-1", label: "LBL-o-1", confirmation: "C-o-1-7" });
  const realMs = performance.now() - t0;
  const events = h.history();
  // the gateway fails the first charge; the activity's retry policy charges again after 30 s
  assert.equal(scheduled(events), ["reserveStock", "chargeCard", "chargeCard", "ship", "emailReceipt", "askForReview"]);
  const timers = events.flatMap((e) => (e.timerStartedEventAttributes ? [e.timerStartedEventAttributes] : []));
  assert.equal(
    timers.map((t) => t.startToFireTimeout),
    ["30", String(3 * 86_400)],
  );
  // what `npm start` shows: three days (and a bit) of workflow time in far less real time (the bound only rules
  // out waiting for real; how fast is a matter for benchmarks, not tests)
  const span = (events.at(-1)?.eventTimestamp as number) - (events[0]?.eventTimestamp as number);
  assert.ok(span >= 3 * 86_400 + 30 && span < 3 * 86_400 + 31, `span ${span} s`);
  assert.ok(realMs < 15_000, `took ${realMs} ms`);
  decide(order.order, events, { workflowId: h.workflowId, runId: h.runId });
});

test("order: a declined card runs the compensations and fails the workflow with the card's error", async () => {
  const runner = new LocalRunner({ workflows: [order.order], activities: order.activities });
  const h = await runner.start(order.order, { id: "o-2", items: ["book"], cents: 999_999 });
  try {
    await h.result();
    assert.unreachable("the order must fail");
  } catch (err) {
    assert.match(String((err as Error).message), "CardDeclined");
  }
  // CardDeclined is non-retryable: one charge attempt, then the stock is released
  assert.equal(scheduled(h.history()), ["reserveStock", "chargeCard", "releaseStock"]);
  assert.ok(types(h.history()).includes("WorkflowExecutionFailed"));
});

test("fan-out: results in item order, never more than `limit` activities open", async () => {
  const runner = new LocalRunner({ workflows: [fanOut.sumOfSquares], activities: fanOut.activities });
  const items = Array.from({ length: 20 }, (_, i) => i + 1);
  const h = await runner.start(fanOut.sumOfSquares, { items, limit: 3 });
  const result = await h.result();
  assert.equal(
    result.squares,
    items.map((n) => n * n),
  );
  assert.is(
    result.sum,
    items.reduce((a, n) => a + n * n, 0),
  );
  let open = 0;
  let max = 0;
  for (const e of h.history()) {
    if (e.eventType === "ActivityTaskScheduled") max = Math.max(max, ++open);
    if (e.eventType === "ActivityTaskCompleted") open--;
  }
  assert.is(max, 3);
});

test("approval: a signal within the timeout approves; none escalates after 3 days of virtual time", async () => {
  const runner = new LocalRunner({ workflows: [approval.approval], activities: approval.activities });
  const yes = await runner.start(approval.approval, { request: "laptop", approver: "ada" });
  await yes.signal("decision", { approved: true, by: "ada" });
  assert.equal(await yes.result(), { approved: true, by: "ada", escalated: false });

  const started = Date.now();
  const silent = await runner.start(approval.approval, { request: "laptop", approver: "bob" });
  assert.equal(await silent.result(), { approved: false, by: "nobody", escalated: true, ticket: "ESC-6" });
  assert.ok(Date.now() - started < 5_000, "three days pass on the virtual clock");
});

test("flaky: two failures, retried with backoff on durable timers, then the result", async () => {
  const runner = new LocalRunner({ workflows: [flaky.report], activities: flaky.activities });
  const h = await runner.start(flaky.report, "https://example.com/r1");
  assert.equal(await h.result(), { url: "https://example.com/r1", bytes: 3072 });
  const ev = h.history();
  assert.is(ev.filter((e) => e.eventType === "ActivityTaskFailed").length, 2);
  assert.equal(
    ev.filter((e) => e.eventType === "TimerStarted").map((e) => e.timerStartedEventAttributes?.startToFireTimeout),
    ["1", "2"],
  );
  // every attempt has a fresh id and records its attempt number
  const attempts = ev
    .filter((e) => e.eventType === "ActivityTaskScheduled")
    .map((e) => e.activityTaskScheduledEventAttributes);
  assert.equal(
    attempts.map((a) => JSON.parse(a?.control ?? "{}").attempt),
    [1, 2, 3],
  );
  assert.is(new Set(attempts.map((a) => a?.activityId)).size, 3);
});

test("long loop: continues as new every 3 pages and finishes with the whole sum", async () => {
  const runner = new LocalRunner({ workflows: [longLoop.loop], activities: longLoop.activities });
  const h = await runner.start(longLoop.loop, { cursor: 0, total: 45, pageSize: 5, pagesPerRun: 3, sum: 0 });
  assert.equal(await h.result(), { processed: 45, sum: (44 * 45) / 2 });
  const runs = h.runIds();
  assert.is(runs.length, 3, "45 items, 5 a page, 3 pages a run");
  for (const [i, runId] of runs.entries()) {
    const events = h.history(runId);
    decide(longLoop.loop, events, { workflowId: h.workflowId, runId });
    const last = events[events.length - 1]?.eventType;
    assert.is(last, i < runs.length - 1 ? "WorkflowExecutionContinuedAsNew" : "WorkflowExecutionCompleted");
  }
});

test.run();
