/** History → decisions for signals (buffering, FIFO, timeouts) and requests to other executions. */

import {
  activity,
  all,
  decide,
  defineActivity,
  defineWorkflow,
  PayloadError,
  race,
  requestCancelExternal,
  sideEffect,
  signal,
  signalExternal,
  sleep,
  start,
} from "@yieldflow/core";
import { HistoryBuilder } from "@yieldflow/core/testing";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { attrs, Driver, describeCaught, only, resultOf, thrown, types } from "../support.ts";

const s = suite("signals");

s("a signal waited for resumes the workflow with its (deserialized) input", () => {
  const wf = defineWorkflow({ name: "wait", version: "1" }, function* () {
    return yield* signal<{ ok: boolean }>("approve");
  });
  const d = new Driver(wf);
  assert.equal(d.decide().decisions, [], "waiting for a signal needs no SWF command");
  d.b.signal("other", '"ignored"');
  assert.equal(d.decide().decisions, [], "a signal of another name does not wake it");
  d.b.signal("approve", '{"ok":true}');
  assert.equal(resultOf(d.decide().decisions), { ok: true });
});

s("a signal that arrives while nobody waits is buffered, not dropped", () => {
  const wf = defineWorkflow({ name: "buffer", version: "1" }, function* () {
    yield* sleep(60);
    return yield* signal<string>("go");
  });
  const d = new Driver(wf);
  d.decide();
  d.b.signal("go", '"early"');
  assert.equal(d.decide().decisions, []);
  d.b.timerFired("timer-1");
  assert.is(resultOf(d.decide().decisions), "early");
});

s("signals of one name are delivered FIFO, across and within decision tasks; without input → undefined", () => {
  const wf = defineWorkflow({ name: "fifo", version: "1" }, function* () {
    yield* sleep(60);
    const got: unknown[] = [];
    for (let i = 0; i < 4; i++) got.push((yield* signal("n")) ?? null);
    return got;
  });
  const d = new Driver(wf);
  d.decide();
  d.b.signal("n", "1");
  d.b.signal("n", "2");
  d.decide();
  d.b.signal("n");
  d.b.timerFired("timer-1");
  d.b.signal("n", "4");
  assert.equal(resultOf(d.decide().decisions), [1, 2, null, 4]);
});

s("two waiters of one name are served in the order they started waiting", () => {
  const wf = defineWorkflow({ name: "waiters", version: "1" }, function* () {
    const first = yield* start(signal<string>("n"));
    const second = yield* start(signal<string>("n"));
    return [yield* second, yield* first];
  });
  const d = new Driver(wf);
  d.decide();
  d.b.signal("n", '"a"');
  d.b.signal("n", '"b"');
  assert.equal(resultOf(d.decide().decisions), ["b", "a"]);
});

s("signal with timeout: no signal → TimeoutFailure SIGNAL when its timer fires", () => {
  const wf = defineWorkflow({ name: "sig-timeout", version: "1" }, function* () {
    try {
      return yield* signal<string>("ack", { timeout: "10m" });
    } catch (err) {
      return describeCaught(err);
    }
  });
  const d = new Driver(wf);
  const r = d.decide();
  const timer = only(r.decisions, "StartTimer");
  assert.is(timer.startToFireTimeout, "600");
  d.b.timerFired(timer.timerId as string);
  const caught = resultOf(d.decide().decisions) as Record<string, unknown>;
  assert.is(caught.class, "TimeoutFailure");
  assert.is(caught.code, "YF_TIMEOUT");
  assert.is(caught.timeoutType, "SIGNAL");
  assert.equal(caught.subject, { kind: "signal", id: timer.timerId });
});

s("signal with timeout: the signal in time cancels the timeout timer", () => {
  const wf = defineWorkflow({ name: "sig-ok", version: "1" }, function* () {
    return yield* signal<string>("ack", { timeout: "10m" });
  });
  const d = new Driver(wf);
  const timerId = only(d.decide().decisions, "StartTimer").timerId;
  d.b.signal("ack", '"yes"');
  const r = d.decide();
  assert.equal(types(r.decisions), ["CancelTimer", "CompleteWorkflowExecution"]);
  assert.equal(attrs(r.decisions[0]), { timerId });
  assert.is(resultOf(r.decisions), "yes");
});

s("signal and its timeout in the same batch: whichever comes first in the history wins", () => {
  const wf = defineWorkflow({ name: "sig-tie", version: "1" }, function* () {
    try {
      return yield* signal<string>("ack", { timeout: 5 });
    } catch (err) {
      return describeCaught(err).timeoutType;
    }
  });
  const first = new Driver(wf);
  const timerId = only(first.decide().decisions, "StartTimer").timerId as string;
  first.b.signal("ack", '"sig"');
  first.b.timerFired(timerId);
  assert.is(resultOf(first.decide().decisions), "sig");
  const second = new Driver(wf);
  second.decide();
  second.b.timerFired(timerId);
  second.b.signal("ack", '"sig"');
  assert.is(resultOf(second.decide().decisions), "SIGNAL");
});

s("a buffered signal satisfies a wait with timeout at once: no timer is started", () => {
  const wf = defineWorkflow({ name: "sig-buffered-timeout", version: "1" }, function* () {
    yield* sleep(1);
    return yield* signal<string>("ack", { timeout: 5 });
  });
  const d = new Driver(wf);
  d.decide();
  d.b.signal("ack", '"early"');
  d.b.timerFired("timer-1");
  const r = d.decide();
  assert.equal(types(r.decisions), ["CompleteWorkflowExecution"]);
  assert.is(resultOf(r.decisions), "early");
});

s(
  "a signal whose input is not JSON → decide throws PayloadError (YF_PAYLOAD): the task fails, not the workflow",
  () => {
    const wf = defineWorkflow({ name: "bad-signal", version: "1" }, function* () {
      return yield* signal("s");
    });
    const d = new Driver(wf);
    d.decide();
    d.b.signal("s", "hello");
    const err = thrown(() => d.decideOpen()) as PayloadError;
    assert.instance(err, PayloadError);
    assert.is(err.code, "YF_PAYLOAD");
  },
);

s("a signal in the first batch (signal-with-start) reaches the first wait", () => {
  const wf = defineWorkflow({ name: "sws", version: "1" }, function* () {
    return yield* signal<string>("go");
  });
  const d = new Driver(wf);
  d.b.signal("go", '"at start"');
  assert.equal(resultOf(d.decide().decisions), "at start");
});

s("a signal that comes after its wait timed out (or lost a race) is kept for the next wait", () => {
  const wf = defineWorkflow({ name: "late-signal", version: "1" }, function* () {
    let first: string;
    try {
      first = yield* signal<string>("s", { timeout: 10 });
    } catch {
      first = "timed out";
    }
    const lost = yield* race([signal<string>("s"), sleep(10)]);
    yield* sleep(60);
    const later = yield* signal<string>("s");
    return [first, lost ?? "lost", later];
  });
  const d = new Driver(wf);
  d.b.timerFired(only(d.decide().decisions, "StartTimer").timerId as string);
  d.b.timerFired(only(d.decide().decisions, "StartTimer").timerId as string);
  const sleeping = only(d.decide().decisions, "StartTimer").timerId as string;
  d.b.signal("s", '"late"');
  assert.equal(d.decide().decisions, []);
  d.b.timerFired(sleeping);
  assert.equal(resultOf(d.decide().decisions), ["timed out", "lost", "late"]);
});

s.run();

const ext = suite("signalExternal and requestCancelExternal");

ext("signalExternal → SignalExternalWorkflowExecution; Initiated + ExternalWorkflowExecutionSignaled resumes", () => {
  const wf = defineWorkflow({ name: "sig-ext", version: "1" }, function* () {
    yield* signalExternal("other-wf", "poke", { n: 1 }, { runId: "r-9" });
    return "delivered";
  });
  const d = new Driver(wf);
  const r = d.decide();
  const a = only(r.decisions, "SignalExternalWorkflowExecution");
  assert.is(a.workflowId, "other-wf");
  assert.is(a.runId, "r-9");
  assert.is(a.signalName, "poke");
  assert.is(a.input, '{"n":1}');
  assert.type(a.control, "string", "the control carries the effect id");
  const initiated = d.events.findIndex((e) => e.eventType === "SignalExternalWorkflowExecutionInitiated") + 1;
  assert.ok(initiated > 0);
  d.b.externalDelivered(initiated);
  assert.is(resultOf(d.decide().decisions), "delivered");
});

ext("SignalExternalWorkflowExecutionFailed → ScheduleFailure UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION", () => {
  const wf = defineWorkflow({ name: "sig-ext-fail", version: "1" }, function* () {
    try {
      yield* signalExternal("ghost", "poke");
      return "delivered";
    } catch (err) {
      return describeCaught(err);
    }
  });
  const d = new Driver(wf);
  d.decide();
  const initiated = d.events.findIndex((e) => e.eventType === "SignalExternalWorkflowExecutionInitiated") + 1;
  d.b.externalDelivered(initiated, "run", "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION");
  const caught = resultOf(d.decide().decisions) as Record<string, unknown>;
  assert.is(caught.class, "ScheduleFailure");
  assert.is(caught.cause, "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION");
  assert.is(caught.eventType, "SignalExternalWorkflowExecutionFailed");
});

ext(
  "requestCancelExternal → RequestCancelExternalWorkflowExecution; ExternalWorkflowExecutionCancelRequested resumes",
  () => {
    const wf = defineWorkflow({ name: "cancel-ext", version: "1" }, function* () {
      yield* requestCancelExternal("victim");
      return "asked";
    });
    const d = new Driver(wf);
    const a = only(d.decide().decisions, "RequestCancelExternalWorkflowExecution");
    assert.is(a.workflowId, "victim");
    assert.is(a.runId, undefined);
    const initiated = d.events.findIndex((e) => e.eventType === "RequestCancelExternalWorkflowExecutionInitiated") + 1;
    d.b.externalDelivered(initiated);
    assert.is(d.events.at(-2)?.eventType, "ExternalWorkflowExecutionCancelRequested");
    assert.is(resultOf(d.decide().decisions), "asked");
  },
);

ext("RequestCancelExternalWorkflowExecutionFailed → ScheduleFailure with the cause", () => {
  const wf = defineWorkflow({ name: "cancel-ext-fail", version: "1" }, function* () {
    try {
      yield* requestCancelExternal("ghost");
      return "asked";
    } catch (err) {
      return describeCaught(err);
    }
  });
  const d = new Driver(wf);
  d.decide();
  const initiated = d.events.findIndex((e) => e.eventType === "RequestCancelExternalWorkflowExecutionInitiated") + 1;
  d.b.externalDelivered(initiated, "run", "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION");
  const caught = resultOf(d.decide().decisions) as Record<string, unknown>;
  assert.is(caught.cause, "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION");
  assert.is(caught.eventType, "RequestCancelExternalWorkflowExecutionFailed");
});

ext("two external signals in one task are told apart by their control ids", () => {
  const wf = defineWorkflow({ name: "sig-ext-2", version: "1" }, function* () {
    yield* all([signalExternal("a", "s"), signalExternal("b", "s")]);
    return "both";
  });
  const d = new Driver(wf);
  const r = d.decide();
  const controls = r.decisions.map((x) => attrs(x).control);
  assert.is(new Set(controls).size, 2);
  const initiated = d.events.flatMap((e) =>
    e.eventType === "SignalExternalWorkflowExecutionInitiated" ? [e.eventId] : [],
  );
  d.b.externalDelivered(initiated[1] as number);
  assert.equal(d.decide().decisions, []);
  d.b.externalDelivered(initiated[0] as number);
  assert.is(resultOf(d.decide().decisions), "both");
});

ext.run();

// ─── regressions found by the code review (moved from regressions/review.test.ts) ───
{
  const act = defineActivity<number, number>({ name: "a", version: "1", taskList: "t" });
  const opts = { workflowId: "wf", runId: "run-1" };
  const review = suite("signals: code review regressions");

  review("race over signals that were already buffered gives the loser's signal back (never dropped)", () => {
    const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
      yield* sleep(10);
      const first = yield* race([signal<string>("a"), signal<string>("b")]);
      const second = yield* race([signal<string>("b"), sleep(3600)]);
      return [first, second ?? "lost"];
    });
    const d = new Driver(wf);
    d.decide();
    d.b.signal("a", '"A"').signal("b", '"B"');
    d.b.timerFired("timer-1");
    const r = d.decide();
    assert.equal(r.status, { status: "completed", result: ["A", "B"] });
  });

  review("a buffered signal taken inside an all() that loses a race goes back to the mailbox", () => {
    const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
      yield* sleep(10);
      const r = yield* race([all([signal<string>("approve"), activity(act, 1)]), sleep(3600)]);
      if (r !== undefined) return "approved together";
      return yield* signal<string>("approve", { timeout: 60 });
    });
    const d = new Driver(wf);
    d.decide();
    d.b.signal("approve", '"yes"');
    d.b.timerFired("timer-1");
    d.decide();
    d.b.timerFired([...d.b.timers.keys()].find((t) => t.startsWith("timer-")) as string);
    assert.equal(d.decide().status, { status: "completed", result: "yes" });
  });

  review("an all() of buffered signals that loses a race gives every signal back, in arrival order", () => {
    const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
      yield* sleep(10);
      // all three are buffered: the race's first branch settles first and wins; the all() settled too, unread
      const won = yield* race([signal<string>("x"), all([signal<string>("a"), signal<string>("a")])]);
      const again = [yield* signal<string>("a"), yield* signal<string>("a")];
      return [won, ...again];
    });
    const d = new Driver(wf);
    d.decide();
    d.b.signal("a", '"A1"').signal("x", '"X"').signal("a", '"A2"');
    d.b.timerFired("timer-1");
    assert.equal(d.decide().status, { status: "completed", result: ["X", "A1", "A2"] });
  });

  review("a marker held back by the byte budget holds back everything after it", () => {
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
        .map(
          (x) => (x as { startTimerDecisionAttributes?: { timerId: string } }).startTimerDecisionAttributes?.timerId,
        ),
      [`wakeup-${started}`],
    );
    b.completeDecisionTask(r1.decisions);
    b.timerFired(`wakeup-${started}`);
    b.startDecisionTask();
    const r2 = decide(wf, b.events, opts); // a fresh replay: the 30th value is recomputed, nothing used the old one
    assert.equal(types(r2.decisions), ["RecordMarker", "StartTimer"]);
  });

  review.run();
}
