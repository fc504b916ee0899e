/**
 * @yieldflow/local-runner/testing: `checkWorkflow` passes correct workflows of several shapes, catches
 * non-deterministic ones, reports executions that never end, and tells the shrunk scenario in words with its seed;
 * `scenarioArbitrary` + `runScenario` compose into a user's own `fc.assert`. Also the runner's `decided` event the
 * check is built on.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  activity,
  all,
  CancelledFailure,
  childWorkflow,
  type Duration,
  defineActivity,
  defineWorkflow,
  implement,
  race,
  retry,
  signal,
  sleep,
  TimeoutFailure,
} from "@yieldflow/core";
import { checkReplay, type DecidedTask } from "@yieldflow/core/testing";
import { LocalRunner } from "@yieldflow/local-runner";
import {
  checkWorkflow,
  defaultRuns,
  formatDuration,
  runScenario,
  type Scenario,
  scenarioArbitrary,
  WorkflowCheckError,
} from "@yieldflow/local-runner/testing";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { implementations, kid, programArb, RUNS, toWorkflow } from "../../fixtures/programs.ts";
import { rejection } from "../../fixtures/promises.ts";

// ─── the workflows under test ────────────────────────────────────────────────────────────────────────────────────

const reserve = defineActivity<string[], { holdId: string }>({
  name: "reserve",
  version: "1",
  taskList: "inventory",
  timeouts: { startToClose: "30s", scheduleToStart: "1h" },
});
const release = defineActivity<{ holdId: string }, void>({ name: "release", version: "1", taskList: "inventory" });
const charge = defineActivity<{ orderId: string; cents: number }, { chargeId: string }>({
  name: "charge",
  version: "1",
  taskList: "payments",
  timeouts: { startToClose: "30s" },
});
const ship = defineActivity<string, string>({
  name: "ship",
  version: "1",
  taskList: "shipping",
  timeouts: { startToClose: "1m", heartbeat: "10s" },
});
const notify = defineActivity<string, void>({
  taskList: "default",
  name: "notify",
  version: "1",
  timeouts: { startToClose: "1m" },
});

const activities = [
  implement(reserve, async (items) => ({ holdId: `hold-${items.length}` })),
  implement(release, async () => {}),
  implement(charge, async ({ orderId }) => ({ chargeId: `ch-${orderId}` })),
  implement(ship, async (item, ctx) => {
    await ctx.heartbeat("packing");
    return `label-for-${item}`;
  }),
  implement(notify, async () => {}),
];

/** A sequence with a parallel fan-out and a compensation. */
const checkout = defineWorkflow(
  { name: "checkout", version: "1" },
  function* (o: { id: string; items: string[]; cents: number }) {
    const { holdId } = yield* activity(reserve, o.items);
    try {
      const { chargeId } = yield* activity(charge, { orderId: o.id, cents: o.cents });
      const labels = yield* all(o.items.map((item) => activity(ship, item)));
      return { chargeId, labels };
    } catch (err) {
      yield* activity(release, { holdId });
      throw err;
    }
  },
);
const orders = fc.record({
  id: fc.constantFrom("o-1", "o-2"),
  items: fc.array(fc.constantFrom("book", "pen", "ink"), { maxLength: 3 }),
  cents: fc.nat({ max: 10_000 }),
});

/** A race between an activity and a timer. */
const deadline = defineWorkflow({ name: "deadline", version: "1" }, function* (item: string) {
  const winner = yield* race([activity(ship, item), sleepThen("5m", "too late")]);
  yield* activity(notify, winner);
  return winner;
});
function* sleepThen(d: Duration, value: string) {
  yield* sleep(d);
  return value;
}

/** A human approval: a signal with a timeout. */
const approval = defineWorkflow({ name: "approval", version: "1" }, function* (request: string) {
  yield* activity(notify, `please approve ${request}`);
  try {
    return yield* signal<boolean>("approve", { timeout: "3d" });
  } catch (err) {
    if (!(err instanceof TimeoutFailure)) throw err;
    yield* activity(notify, "escalated");
    return "escalated";
  }
});

/** A retry with backoff on durable timers. */
const payWithRetry = defineWorkflow({ name: "payWithRetry", version: "1" }, function* (cents: number) {
  const { chargeId } = yield* retry(activity(charge, { orderId: "r-1", cents }), {
    maximumAttempts: 4,
    initialInterval: "10s",
  });
  return chargeId;
});

/** A parent and a child workflow; the parent cleans up when it is asked to cancel. */
const child = defineWorkflow({ name: "packer", version: "1" }, function* (item: string) {
  yield* sleep("1h");
  return yield* activity(ship, item);
});
const parent = defineWorkflow({ name: "parent", version: "1" }, function* (items: string[]) {
  try {
    return yield* all(items.map((i) => childWorkflow(child, i)));
  } catch (err) {
    if (err instanceof CancelledFailure) yield* activity(notify, "cancelled");
    throw err;
  }
});

// ─── the runner's `decided` event ────────────────────────────────────────────────────────────────────────────────

test("LocalRunner emits the decisions of every decision task; checkReplay accepts them as the live decisions", async () => {
  const runner = new LocalRunner({ workflows: [checkout], activities });
  const tasks: DecidedTask[] = [];
  runner.onEvent((e) => {
    if (e.kind === "decided")
      tasks.push({ startedEventId: e.startedEventId, historyLength: e.historyLength, decisions: e.decisions });
  });
  const h = await runner.start(checkout, { id: "o-1", items: ["book", "pen"], cents: 1 });
  await h.result();
  const events = h.history();
  assert.ok(tasks.length >= 3);
  for (const t of tasks) {
    assert.is(events[t.historyLength - 1]?.eventType, "DecisionTaskStarted");
    assert.is(events[t.historyLength - 1]?.eventId, t.startedEventId);
    assert.is(events[t.historyLength]?.eventType, "DecisionTaskCompleted");
  }
  assert.is(tasks.at(-1)?.decisions.at(-1)?.decisionType, "CompleteWorkflowExecution");
  checkReplay(checkout, { events, tasks }, { workflowId: h.workflowId, runId: h.runId });
});

test("LocalRunner: a parent that fails while cancelling its other child closes cleanly (found by checkWorkflow)", async () => {
  const kid = defineWorkflow({ name: "kid", version: "1" }, function* (fail: boolean) {
    yield* sleep(fail ? "1m" : "1d");
    if (fail) throw new ApplicationFailure("Boom", "the first child fails");
    return "ok";
  });
  const both = defineWorkflow({ name: "both", version: "1" }, function* () {
    return yield* all([childWorkflow(kid, true), childWorkflow(kid, false)]);
  });
  const runner = new LocalRunner({ workflows: [both, kid] });
  const failedTasks: unknown[] = [];
  runner.onEvent((e) => {
    if (e.kind === "decisionTaskFailed") failedTasks.push(e.error);
  });
  const h = await runner.start(both, undefined);
  const err = await h.result().then(
    () => assert.unreachable("must fail"),
    (e: unknown) => e,
  );
  assert.is((err as { closeStatus?: string }).closeStatus, "FAILED");
  const events = h.history();
  // the cancel request for the second child and the close went out in the same decision task
  assert.is(events.at(-1)?.eventType, "WorkflowExecutionFailed");
  assert.is(events.at(-2)?.eventType, "RequestCancelExternalWorkflowExecutionInitiated");
  const second = events.at(-2)?.requestCancelExternalWorkflowExecutionInitiatedEventAttributes?.workflowId as string;
  await runner
    .getHandle(second)
    .result()
    .then(
      () => assert.unreachable("the second child was asked to cancel"),
      (e: unknown) => assert.is((e as { closeStatus?: string }).closeStatus, "CANCELED"),
    );
  assert.equal(failedTasks, []);
});

// ─── correct workflows pass ──────────────────────────────────────────────────────────────────────────────────────

test("a sequence with a parallel fan-out and compensation passes, and ends both ways", async () => {
  const report = await checkWorkflow(checkout, { activities, inputs: orders, seed: 1 });
  assert.is(report.runs, defaultRuns());
  assert.ok((report.outcomes.COMPLETED ?? 0) > 0, JSON.stringify(report.outcomes));
  assert.ok((report.outcomes.FAILED ?? 0) > 0, JSON.stringify(report.outcomes));
});

test("a race with a timer passes; both the activity and the timer win sometimes", async () => {
  const winners = new Set<unknown>();
  await checkWorkflow(deadline, {
    activities,
    input: "book",
    outcomes: { failure: 0, timeout: 0.1, wait: 0.2 },
    seed: 2,
    check: (r) => {
      if (r.status === "COMPLETED") winners.add(r.result);
    },
  });
  assert.equal([...winners].sort(), ["label-for-book", "too late"]);
});

test("a signal with a timeout passes; the signal comes in time or the wait times out", async () => {
  const results = new Set<unknown>();
  const report = await checkWorkflow(approval, {
    activities,
    input: "a laptop",
    signals: [{ name: "approve", input: fc.boolean() }],
    seed: 3,
    check: (r) => {
      if (r.status === "COMPLETED") results.add(typeof r.result);
    },
  });
  assert.equal([...results].sort(), ["boolean", "string"]);
  assert.ok(report.outcomes.COMPLETED);
});

test("a retry with backoff passes; failures and timeouts are retried on durable timers", async () => {
  const attempts = new Set<number>();
  await checkWorkflow(payWithRetry, {
    activities,
    inputs: fc.nat({ max: 100 }),
    outcomes: { failure: 0.3, timeout: 0.2 },
    seed: 4,
    check: (r) => {
      attempts.add(r.history.filter((e) => e.eventType === "ActivityTaskScheduled").length);
    },
  });
  assert.ok(attempts.has(1) && [...attempts].some((n) => n >= 3), [...attempts].join());
});

test("child workflows and cancel requests: the parent cleans up and ends cancelled", async () => {
  const report = await checkWorkflow(parent, {
    activities,
    workflows: [child],
    input: ["book", "pen"],
    cancel: 0.5,
    seed: 5,
  });
  assert.ok(report.outcomes.CANCELED, JSON.stringify(report.outcomes));
  assert.ok(report.outcomes.COMPLETED, JSON.stringify(report.outcomes));
});

// ─── what it catches ─────────────────────────────────────────────────────────────────────────────────────────────

const checkFailure = (p: Promise<unknown>) => rejection(p, WorkflowCheckError, "the check passed");

let calls = 0;
/** Non-deterministic: it branches on state kept between replays. */
const counting = defineWorkflow({ name: "counting", version: "1" }, function* (cents: number) {
  calls++;
  if (calls % 2 === 0) yield* activity(charge, { orderId: "c", cents });
  else yield* activity(notify, "charging");
  yield* sleep("1h");
  return "done";
});

test("a workflow branching on module state is caught: property, seed, path and scenario in words", async () => {
  const err = await checkFailure(checkWorkflow(counting, { activities, input: 5 }));
  assert.is(err.code, "YF_WORKFLOW_CHECK");
  assert.is(err.property, "prefix-replay");
  assert.type(err.seed, "number");
  assert.type(err.path, "string");
  const m = err.message;
  assert.match(m, 'counting@1: property "prefix-replay" failed');
  assert.match(
    m,
    /replaying the history up to the decision task started at event \d+ \(\+\S+\) (threw NondeterminismError|decides schedule activity)/,
  );
  assert.match(m, /schedule activity (charge|notify)@1 \(id activity-1\)/);
  assert.match(m, `seed ${err.seed}, path "${err.path}"`);
  assert.match(m, "counting@1 started with input 5");
  assert.match(m, /\+1h +timer timer-2 \(1h\) fired/);
  assert.match(m, `reproduce it with checkWorkflow(…, { seed: ${err.seed}, path: "${err.path}" })`);
});

/** Math.random in workflow code: deterministic under the determinism guard (on by default), not without it. */
const diceBody = function* () {
  const which = Math.random() < 0.5 ? "heads" : "tails";
  yield* activity(notify, which);
  yield* activity(notify, "again");
  return which;
};
const dice = defineWorkflow({ name: "dice", version: "1", determinismGuard: false }, diceBody);
const guardedDice = defineWorkflow({ name: "dice", version: "2" }, diceBody);

test("a workflow using Math.random without the determinism guard is caught", async () => {
  const err = await checkFailure(checkWorkflow(dice, { activities }));
  assert.ok(["prefix-replay", "incremental-equals-full"].includes(err.property), err.property);
  assert.match(err.message, "dice@1");
  assert.match(err.message, "not deterministic");
});

test("under the determinism guard (the default) Math.random is the run's seeded stream: the same workflow passes", async () => {
  const report = await checkWorkflow(guardedDice, { activities, numRuns: 10 });
  assert.is(report.runs, 10); // every scenario replayed deterministically (a failure would have rejected)
});

test("the printed seed and path reproduce the same failure, told the same way", async () => {
  const first = await checkFailure(checkWorkflow(counting, { activities, input: 5, seed: 42 }));
  calls = 0;
  const again = await checkFailure(checkWorkflow(counting, { activities, input: 5, seed: 42, path: first.path }));
  assert.is(again.property, first.property);
  assert.is(again.story, first.story);
});

test("a failure only some outcomes reach is shrunk to a scenario told in words", async () => {
  // a bug in the compensation path: only reached when charge fails or times out
  const buggy = defineWorkflow({ name: "buggy", version: "1" }, function* (cents: number) {
    yield* activity(notify, "start");
    try {
      return yield* activity(charge, { orderId: "b", cents });
    } catch (err) {
      if (!(err instanceof ActivityFailure) && !(err instanceof TimeoutFailure)) throw err;
      const refund = undefined as unknown as { id: string };
      return refund.id; // TypeError: a bug, not a Failure
    }
  });
  const err = await checkFailure(checkWorkflow(buggy, { activities, input: 7, seed: 9 }));
  assert.is(err.property, "decision-task");
  assert.match(err.problem, "TypeError");
  assert.match(
    err.story,
    /activity charge \(activity-2\) (failed after \S+ with Error: injected failure|timed out \(START_TO_CLOSE\) after \S+)/,
  );
  assert.match(err.story, /activity notify \(activity-1\) completed after \S+\n/);
  assert.match(err.story, "a decision task failed");
});

test("signal arrival times are told in words", async () => {
  // a bug only when the signal comes before the timer
  const early = defineWorkflow({ name: "early", version: "1" }, function* () {
    const got = yield* race([signal<string>("go"), sleepThen("1h", "late")]);
    if (got !== "late") throw new TypeError(`early signal ${got}`);
    return got;
  });
  const err = await checkFailure(
    checkWorkflow(early, { activities, signals: [{ name: "go", input: fc.constantFrom("a", "b") }], seed: 10 }),
  );
  assert.is(err.property, "decision-task");
  assert.match(err.story, /\+\S+ +signal go arrived with "[ab]"/);
});

test("a workflow waiting for a signal nobody sends is reported as waiting for ever", async () => {
  const waits = defineWorkflow({ name: "waits", version: "1" }, function* () {
    yield* activity(notify, "asked");
    return yield* signal<boolean>("approve");
  });
  const err = await checkFailure(checkWorkflow(waits, { activities, signals: [{ name: "approve" }], seed: 11 }));
  assert.is(err.property, "terminates");
  assert.match(err.problem, "waits for ever");
  assert.match(err.problem, "count: { min: 1 }");
  // declared as always arriving, it passes
  await checkWorkflow(waits, { activities, signals: [{ name: "approve", input: fc.boolean(), count: { min: 1 } }] });
});

test("a workflow that never ends is reported within maxEvents", async () => {
  const loop = defineWorkflow({ name: "loop", version: "1" }, function* () {
    for (;;) yield* sleep("1h");
  });
  const err = await checkFailure(checkWorkflow(loop, { activities, maxEvents: 200, numRuns: 5 }));
  assert.is(err.property, "terminates");
  assert.match(err.problem, "did not end within 200 history events");
  assert.match(err.story, "more …");
});

test("an activity implementation that never settles is reported, not waited for", async () => {
  const hang = defineActivity<void, void>({
    taskList: "default",
    name: "hang",
    version: "1",
    timeouts: { startToClose: "1m" },
  });
  const wf = defineWorkflow({ name: "hangs", version: "1" }, function* () {
    yield* activity(hang, undefined);
  });
  const err = await checkFailure(
    checkWorkflow(wf, {
      activities: [implement(hang, () => new Promise<void>(() => {}))],
      outcomes: { failure: 0, timeout: 0, wait: 0 },
      activityWallTimeoutMs: 20,
      numRuns: 1,
    }),
  );
  assert.is(err.property, "activity-settles");
  assert.match(err.problem, "activity hang (activity-1) did not settle within 20 ms");
});

test("the check callback fails a scenario with property 'check'", async () => {
  const err = await checkFailure(
    checkWorkflow(checkout, {
      activities,
      inputs: orders,
      check: (r) => assert.is(r.status, "COMPLETED"),
      seed: 12,
    }),
  );
  assert.is(err.property, "check");
  assert.match(err.problem, /expected "COMPLETED", got "(FAILED|TIMED_OUT|CANCELED)"/);
  assert.match(err.story, /failed with (ActivityFailure|TimeoutFailure)/);
});

// ─── composing your own property ─────────────────────────────────────────────────────────────────────────────────

test("scenarioArbitrary + runScenario in a fc.assert of your own", async () => {
  await fc.assert(
    fc.asyncProperty(scenarioArbitrary({ inputs: orders, outcomes: { failure: 0.2 } }), async (s) => {
      const r = await runScenario(checkout, s, { activities });
      if (r.status === "COMPLETED") {
        const { labels } = r.result as { labels: string[] };
        assert.equal(
          labels,
          s.input.items.map((i) => `label-for-${i}`),
        );
      } else assert.is(r.status, "FAILED");
      assert.ok(r.checkedRuns >= 1);
    }),
    { numRuns: 20, seed: 6 },
  );
});

test("no false alarms: random correct programs (branches, races, try/catch, children, signals) pass every check", async () => {
  const scenarios = scenarioArbitrary({ signals: [{ name: "s1", input: fc.nat() }, { name: "s2" }], cancel: 0.1 });
  await fc.assert(
    fc.asyncProperty(programArb, scenarios, async (steps, s) => {
      // every activity step, nested ones (in any(), handles, retries) included
      const activities = implementations(steps);
      try {
        await runScenario(toWorkflow(steps), s, { activities, workflows: [kid] });
      } catch (err) {
        // a program may wait for a signal without a timeout: that one is right to be reported
        if (!(err instanceof WorkflowCheckError && err.property === "terminates" && /waits for ever/.test(err.problem)))
          throw err;
      }
    }),
    { numRuns: RUNS },
  );
});

test("runScenario: no choices means every activity completes at once with its implementation's result", async () => {
  const s: Scenario<{ id: string; items: string[]; cents: number }> = {
    input: { id: "o-9", items: ["ink"], cents: 3 },
    signals: [],
    cancelAt: undefined,
    steps: [],
  };
  const r = await runScenario(checkout, s, { activities });
  assert.is(r.status, "COMPLETED");
  assert.equal(r.result, { chargeId: "ch-o-9", labels: ["label-for-ink"] });
  assert.match(r.story, 'activity ship (activity-3) completed after 0s with "label-for-ink"');
});

test("runScenario: a timeout step lets the chosen timeout happen on the virtual clock", async () => {
  const s: Scenario<string> = {
    input: "book",
    signals: [{ name: "approve", input: true, at: 4 * 86_400_000 }],
    cancelAt: undefined,
    steps: [{ pick: 0, outcome: "timeout", delay: 0 }],
  };
  const r = await runScenario(approval, s, { activities });
  // notify has only startToClose: it times out after 1m; the workflow fails with the TimeoutFailure
  assert.is(r.status, "FAILED");
  assert.match(r.story, "activity notify (activity-1) timed out (START_TO_CLOSE) after 1m");
  assert.match(r.story, /\+4d +signal approve would have arrived here: not sent, the scenario had ended/);
});

test("defaults: YIELDFLOW_PROP_RUNS sets the number of runs; durations read as people write them", () => {
  const saved = process.env.YIELDFLOW_PROP_RUNS;
  try {
    process.env.YIELDFLOW_PROP_RUNS = "7";
    assert.is(defaultRuns(), 7);
    delete process.env.YIELDFLOW_PROP_RUNS;
    assert.is(defaultRuns(), 50);
  } finally {
    if (saved !== undefined) process.env.YIELDFLOW_PROP_RUNS = saved;
  }
  assert.is(formatDuration(0), "0s");
  assert.is(formatDuration(250), "250ms");
  assert.is(formatDuration(1500), "1.5s");
  assert.is(formatDuration(7 * 86_400_000), "7d");
  assert.is(formatDuration(90_061_000), "1d1h1m1s");
});

test("bad probabilities are an InvalidArgumentError", async () => {
  for (const bad of [{ outcomes: { failure: 1.5 } }, { outcomes: { failure: 0.6, timeout: 0.6 } }, { cancel: -1 }]) {
    const err = await checkWorkflow(checkout, { activities, ...bad }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.is((err as { code?: string }).code, "YF_INVALID_ARGUMENT", JSON.stringify(bad));
  }
});

test("a Failure thrown on purpose is an outcome, not a bug", async () => {
  const strict = defineWorkflow({ name: "strict", version: "1" }, function* (n: number) {
    yield* activity(notify, "x");
    if (n % 2) throw new ApplicationFailure("Odd", "odd numbers fail");
    return n;
  });
  const report = await checkWorkflow(strict, { activities, inputs: fc.nat(), seed: 8 });
  assert.ok(report.outcomes.FAILED && report.outcomes.COMPLETED);
});

test.run();
