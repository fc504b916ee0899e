/**
 * Regressions from the code review: each test reproduces a bug the review found (and the fix holds).
 */
import {
  activity,
  all,
  CancelledFailure,
  cancel,
  childWorkflow,
  type Decision,
  decide,
  defineActivity,
  defineWorkflow,
  foldHistory,
  HistoryError,
  now,
  Replayer,
  race,
  sideEffect,
  signal,
  sleep,
  start,
  type WorkflowDefinition,
} from "@yieldflow/core";
import { checkReplay, findDuplicateIds, HistoryBuilder, simulate } from "@yieldflow/core/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";

const act = defineActivity<number, number>({ name: "a", version: "1", taskList: "t" });
const kid = defineWorkflow({ name: "kid", version: "1" }, function* () {
  yield* sleep(1);
  return 1;
});
const types = (ds: readonly Decision[]) => ds.map((d) => d.decisionType);
const opts = { workflowId: "wf", runId: "run-1" };

function driver(wf: WorkflowDefinition<unknown, unknown>, extra: object = {}) {
  const b = new HistoryBuilder({ workflowType: { name: wf.name, version: wf.version } });
  b.scheduleDecisionTask();
  return {
    b,
    step() {
      b.startDecisionTask();
      const r = decide(wf, b.events, { ...opts, ...extra });
      b.completeDecisionTask(r.decisions);
      return r;
    },
  };
}

test("race over signals that were already buffered gives the loser's signal back (never dropped)", () => {
  const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
    yield* sleep(10);
    const first = yield* race([signal<string>("a"), signal<string>("b")]);
    const second = yield* race([signal<string>("b"), sleep(3600)]);
    return [first, second ?? "lost"];
  });
  const d = driver(wf);
  d.step();
  d.b.signal("a", '"A"').signal("b", '"B"');
  d.b.timerFired("timer-1");
  const r = d.step();
  assert.equal(r.status, { status: "completed", result: ["A", "B"] });
});

test("ids SWF sees (wake-up timers, child cancel requests) do not move when code is wrapped in all()", () => {
  const make = (wrap: boolean) =>
    defineWorkflow({ name: "w", version: "1" }, function* () {
      if (wrap) yield* all([activity(act, 0)]);
      else yield* activity(act, 0);
      const h = yield* start(childWorkflow(kid, null));
      for (let i = 0; i < 4; i++) yield* start(activity(act, i));
      yield* sleep(5);
      yield* cancel(h);
      yield* sleep(5);
    });
  const d = driver(make(true), { maxDecisionsPerResponse: 3 });
  d.step();
  d.b.activityCompleted("activity-1", "1");
  for (let i = 0; i < 6 && !d.b.closedBy; i++) {
    const timer = [...d.b.timers.keys()].sort()[0];
    if (timer) d.b.timerFired(timer);
    if (!d.b.decisionTaskScheduled) break;
    d.step();
  }
  const kinds = d.b.events.map((e) => e.eventType);
  assert.ok(kinds.includes("RequestCancelExternalWorkflowExecutionInitiated"), kinds.join(","));
  assert.ok(d.b.events.some((e) => e.timerStartedEventAttributes?.timerId?.startsWith("wakeup-")));
  decide(make(false), d.b.events, { ...opts, maxDecisionsPerResponse: 3 }); // no NondeterminismError
});

test("a cancel request reaches a workflow waiting on a started branch that handles its own cancellation", () => {
  function* step() {
    try {
      yield* activity(act, 1);
      return "done";
    } catch (err) {
      if (err instanceof CancelledFailure) return "cleaned-up";
      throw err;
    }
  }
  const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
    const h = yield* start(step());
    const r = yield* h;
    yield* sleep(60);
    return r;
  });
  const d = driver(wf);
  d.step();
  d.b.cancelRequested();
  const r = d.step();
  assert.equal(types(r.decisions), ["RequestCancelActivityTask", "CancelWorkflowExecution"]);
  assert.is(r.status.status, "canceled");
});

test("a branch cancelled before it first ran starts nothing", () => {
  function* loser() {
    yield* start(activity(act, 1));
    yield* sleep(100);
    return "loser";
  }
  const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
    const w = yield* race([sideEffect(() => "winner"), loser()]);
    yield* sleep(1000);
    return w;
  });
  assert.equal(types(driver(wf).step().decisions), ["RecordMarker", "StartTimer"]);
});

test("a close SWF refuses for a lasting cause is retried on a timer, not in a hot loop", () => {
  const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
    return yield* activity(act, 1);
  });
  let refusals = 0;
  const sim = simulate(wf, {
    maxDecisionTasks: 50,
    record: {
      failDecision: (d) =>
        d.decisionType === "CompleteWorkflowExecution" && refusals++ < 3 ? "OPERATION_NOT_PERMITTED" : undefined,
    },
  });
  assert.is(sim.ended, "closed");
  const retries = sim.events.filter((e) => e.timerStartedEventAttributes?.timerId?.startsWith("close-retry-"));
  assert.is(retries.length, 3);
  assert.ok(retries.every((e) => e.timerStartedEventAttributes?.startToFireTimeout === "60"));
  checkReplay(wf, sim);
});

test("an event between DecisionTaskCompleted and the closing event folds (no TypeError)", () => {
  const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
    return (yield* now()) ? 1 : 0;
  });
  const b = new HistoryBuilder({ workflowType: { name: "w", version: "1" } });
  const s = b.decisionTask();
  const dtc = b.add("DecisionTaskCompleted", { scheduledEventId: s - 1, startedEventId: s });
  b.add("WorkflowExecutionSignaled", { signalName: "x" });
  b.add("WorkflowExecutionCompleted", { decisionTaskCompletedEventId: dtc, result: "1" });
  assert.equal(
    foldHistory(b.events).tasks.map((t) => t.startedEventId),
    [s],
  );
  assert.equal(decide(wf, b.events).status, { status: "completed", result: 1 });
});

test("a value the serializer cannot carry is thrown into workflow code where the effect was called", () => {
  const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
    try {
      yield* activity(act, 10n as unknown as number);
      return "sent";
    } catch (err) {
      return `caught ${(err as Error).name}: ${(err as Error).message.slice(0, 20)}`;
    }
  });
  const r = driver(wf).step();
  assert.is(r.status.status, "completed");
  assert.match(String((r.status as { result: string }).result), "caught InvalidArgumentError: activity a input");
});

test("without run ids, two executions still get different child workflow ids and uuids", () => {
  const wf = defineWorkflow({ name: "w", version: "1" }, function* (n: number) {
    yield* start(childWorkflow(kid, null));
    return n;
  });
  const ids = [1, 2].map((n) => {
    const b = new HistoryBuilder({ workflowType: { name: "w", version: "1" }, input: String(n) });
    b.decisionTask();
    const d = decide(wf, b.events).decisions[0] as {
      startChildWorkflowExecutionDecisionAttributes?: { workflowId: string };
    };
    return d.startChildWorkflowExecutionDecisionAttributes?.workflowId;
  });
  assert.ok(ids[0] && ids[1] && ids[0] !== ids[1], JSON.stringify(ids));
});

test("reusing an id after its operation closed is legal; reusing it while open is flagged", () => {
  const seq = defineWorkflow({ name: "w", version: "1" }, function* () {
    for (let i = 0; i < 2; i++) yield* sleep(60, { id: "poll" });
    return "ok";
  });
  const run = simulate(seq, {});
  assert.equal(findDuplicateIds(run.events), []);
  checkReplay(seq, run);
  const b = new HistoryBuilder({ workflowType: { name: "w", version: "1" } });
  b.decisionTask();
  const dtc = b.add("DecisionTaskCompleted", { scheduledEventId: 2, startedEventId: 3 });
  b.add("TimerStarted", { timerId: "t", startToFireTimeout: "5", decisionTaskCompletedEventId: dtc });
  b.add("TimerStarted", { timerId: "t", startToFireTimeout: "5", decisionTaskCompletedEventId: dtc });
  assert.is(findDuplicateIds(b.events).length, 1);
});

test("a Replayer given a history of another workflow type refuses to go on", () => {
  const mine = defineWorkflow({ name: "mine", version: "1" }, function* () {
    return yield* activity(act, 1);
  });
  const b = new HistoryBuilder({ workflowType: { name: "other", version: "7" } });
  b.decisionTask();
  const r = new Replayer(mine, opts);
  assert.throws(
    () => r.advance(b.events),
    (e: unknown) => e instanceof HistoryError && e.code === "YF_HISTORY_WRONG_WORKFLOW_TYPE",
  );
  assert.throws(
    () => r.advance([]),
    (e: unknown) => (e as { code?: string }).code === "YF_REPLAYER_POISONED",
  );
});

test.run();
