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
  type Handle,
  HistoryError,
  now,
  Replayer,
  race,
  sideEffect,
  signal,
  sleep,
  start,
  uuid,
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

// ─── second review ──────────────────────────────────────────────────────────────────────────────────────────

test("a cancelled saga branch gets its compensation's result (a fiber is cancelled once)", () => {
  const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
    let saga = "not compensated";
    try {
      yield* all([
        (function* () {
          try {
            return yield* activity(act, 1);
          } catch {
            saga = `compensated: ${yield* activity(act, 2)}`;
            return saga;
          }
        })(),
        sleep(100),
      ]);
    } catch (err) {
      return `${saga} (${(err as Error).name})`;
    }
    return saga;
  });
  const d = driver(wf);
  d.step();
  d.b.cancelRequested();
  const r2 = d.step();
  assert.equal(types(r2.decisions), ["RequestCancelActivityTask", "CancelTimer", "ScheduleActivityTask"]);
  d.b.activityCompleted("activity-3", "20");
  assert.equal(d.step().status, { status: "completed", result: "compensated: 20 (CancelledFailure)" });
});

test("a branch cancelled by a sibling while it is runnable sees the cancellation at its next wait", () => {
  const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
    const h = yield* start(activity(act, 1));
    let hA: Handle<string> | undefined;
    const hB = yield* start(
      (function* () {
        try {
          yield* h;
        } catch {}
        yield* cancel(hA as Handle<string>);
        return "B";
      })(),
    );
    hA = yield* start(
      (function* () {
        try {
          yield* h;
        } catch {}
        yield* signal("never");
        return "A finished";
      })(),
    );
    yield* hB;
    try {
      return yield* hA;
    } catch (err) {
      return `A: ${(err as Error).name}`;
    }
  });
  const d = driver(wf);
  d.step();
  d.b.activityFailed("activity-1", "boom");
  assert.equal(d.step().status, { status: "completed", result: "A: CancelledFailure" });
});

test("a signal read through a handle is not given back when the handle loses a race", () => {
  const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
    yield* sleep(10);
    const h = yield* start(signal<string>("a"));
    yield* race([sideEffect(() => "x"), h]);
    const first = yield* h;
    const second = yield* race([signal<string>("a"), sleep(3600)]);
    return { first, second: second ?? "(none)" };
  });
  const d = driver(wf);
  d.step();
  d.b.signal("a", '"A"');
  d.b.timerFired("timer-1");
  const r = d.step();
  assert.is(r.status.status, "running", "only one signal was sent: the second race waits");
  d.b.timerFired([...d.b.timers.keys()][0] as string);
  assert.equal(d.step().status, { status: "completed", result: { first: "A", second: "(none)" } });
});

test("a buffered signal taken inside an all() that loses a race goes back to the mailbox", () => {
  const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
    yield* sleep(10);
    const r = yield* race([all([signal<string>("approve"), activity(act, 1)]), sleep(3600)]);
    if (r !== undefined) return "approved together";
    return yield* signal<string>("approve", { timeout: 60 });
  });
  const d = driver(wf);
  d.step();
  d.b.signal("approve", '"yes"');
  d.b.timerFired("timer-1");
  d.step();
  d.b.timerFired([...d.b.timers.keys()].find((t) => t.startsWith("timer-")) as string);
  assert.equal(d.step().status, { status: "completed", result: "yes" });
});

test("a marker held back by the byte budget holds back everything after it", () => {
  let calls = 0;
  const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
    let last = "";
    for (let i = 0; i < 30; i++) last = yield* sideEffect(() => `${calls++}:`.padEnd(30_000, "x"));
    yield* sleep(5, { id: `after-${last.split(":")[0]}` });
    return last.split(":")[0];
  });
  const b = new HistoryBuilder({ workflowType: { name: "w", version: "1" } });
  b.scheduleDecisionTask();
  const started = b.startDecisionTask();
  const r1 = decide(wf, b.events, opts);
  assert.equal(
    r1.decisions
      .filter((x) => x.decisionType !== "RecordMarker")
      .map((x) => (x as { startTimerDecisionAttributes?: { timerId: string } }).startTimerDecisionAttributes?.timerId),
    [`wakeup-${started}`],
  );
  b.completeDecisionTask(r1.decisions);
  b.timerFired(`wakeup-${started}`);
  b.startDecisionTask();
  const r2 = decide(wf, b.events, opts); // a fresh replay: the 30th value is recomputed, nothing used the old one
  assert.equal(types(r2.decisions), ["RecordMarker", "StartTimer"]);
});

test("the response budget counts UTF-8 bytes of the JSON, not characters", () => {
  const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
    for (let i = 0; i < 27; i++) yield* sideEffect(() => "€".repeat(32_000));
    return "done";
  });
  const b = new HistoryBuilder({ workflowType: { name: "w", version: "1" } });
  b.decisionTask();
  const r = decide(wf, b.events, opts);
  assert.ok(Buffer.byteLength(JSON.stringify({ decisions: r.decisions }), "utf8") < 1_000_000);
  assert.is(r.decisions.at(-1)?.decisionType, "StartTimer");
});

test("a Replayer advanced with nothing first still derives the run id from the start event", () => {
  const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
    const id = yield* uuid();
    yield* sleep(1, { id: `t-${id.slice(0, 8)}` });
    return id;
  });
  const b = new HistoryBuilder({ workflowType: { name: "w", version: "1" } });
  b.decisionTask();
  const replayer = new Replayer(wf);
  assert.equal(replayer.advance([]).decisions, []);
  assert.equal(replayer.advance(b.events).decisions, decide(wf, b.events).decisions);
});

test.run();
