/** History → decisions for timers, StartTimerFailed, markers and sideEffect. */
import { defineWorkflow, race, sideEffect, signal, sleep, WorkflowTaskError } from "@yieldflow/core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { attrs, Driver, describeCaught, only, resultOf, thrown, types } from "../support.ts";

const timers = suite("timers");

timers("sleep → StartTimer with whole seconds; TimerFired resumes the workflow", () => {
  const wf = defineWorkflow({ name: "nap", version: "1" }, function* () {
    yield* sleep("1m30s");
    yield* sleep(0.2, { id: "tiny" });
    return "woke";
  });
  const d = new Driver(wf);
  const r1 = d.decide();
  assert.equal(types(r1.decisions), ["StartTimer"]);
  assert.equal(attrs(r1.decisions[0]), { timerId: "timer-1", startToFireTimeout: "90" });
  d.b.timerFired("timer-1");
  const r2 = d.decide();
  assert.equal(attrs(r2.decisions[0]), { timerId: "tiny", startToFireTimeout: "1" });
  d.b.timerFired("tiny");
  assert.is(resultOf(d.decide().decisions), "woke");
});

timers("race: the loser timer gets CancelTimer, in the same response as what follows", () => {
  const wf = defineWorkflow({ name: "race-timer", version: "1" }, function* () {
    const v = yield* race([signal<string>("go"), sleep("1h")]);
    return v ?? "timeout";
  });
  const d = new Driver(wf);
  const timerId = only(d.decide().decisions, "StartTimer").timerId;
  d.b.signal("go", '"now"');
  const r = d.decide();
  assert.equal(types(r.decisions), ["CancelTimer", "CompleteWorkflowExecution"]);
  assert.equal(attrs(r.decisions[0]), { timerId });
  assert.is(resultOf(r.decisions), "now");
  // the recorded TimerCanceled replays cleanly
  assert.is(d.events.at(-2)?.eventType, "TimerCanceled");
});

timers("race won by the timer: result undefined, nothing to cancel (a signal wait has no SWF command)", () => {
  const wf = defineWorkflow({ name: "race-timer2", version: "1" }, function* () {
    const v = yield* race([signal<string>("go"), sleep("1h")]);
    return v ?? "timeout";
  });
  const d = new Driver(wf);
  const timerId = only(d.decide().decisions, "StartTimer").timerId as string;
  d.b.timerFired(timerId);
  const r = d.decide();
  assert.equal(types(r.decisions), ["CompleteWorkflowExecution"]);
  assert.is(resultOf(r.decisions), "timeout");
});

for (const cause of [
  "TIMER_ID_ALREADY_IN_USE",
  "OPEN_TIMERS_LIMIT_EXCEEDED",
  "TIMER_CREATION_RATE_EXCEEDED",
] as const) {
  timers(`StartTimerFailed ${cause} → ScheduleFailure thrown from sleep`, () => {
    const wf = defineWorkflow({ name: "tfail", version: "1" }, function* () {
      try {
        yield* sleep(10);
        return "slept";
      } catch (err) {
        return describeCaught(err);
      }
    });
    const d = new Driver(wf);
    const { completedEventId } = d.decideAndRecord(() => false);
    d.b.add("StartTimerFailed", { timerId: "timer-1", cause, decisionTaskCompletedEventId: completedEventId });
    d.b.scheduleDecisionTask();
    const caught = resultOf(d.decide().decisions) as Record<string, unknown>;
    assert.is(caught.class, "ScheduleFailure");
    assert.is(caught.cause, cause);
    assert.is(caught.eventType, "StartTimerFailed");
    assert.is(caught.id, "timer-1");
  });
}

timers.run();

const markers = suite("markers and sideEffect");

markers("sideEffect: called once, recorded in a marker, replayed from the marker without calling the function", () => {
  let calls = 0;
  const wf = defineWorkflow({ name: "se", version: "1" }, function* () {
    const v = yield* sideEffect(() => {
      calls++;
      return { n: calls * 100 };
    });
    yield* sleep(1);
    return v;
  });
  const d = new Driver(wf, undefined, { incremental: false });
  const r1 = d.decide();
  assert.equal(types(r1.decisions), ["RecordMarker", "StartTimer"]);
  assert.equal(attrs(r1.decisions[0]), { markerName: "sideEffect-1", details: '{"n":100}' });
  const callsAfterFirst = calls;
  assert.ok(callsAfterFirst >= 1);
  d.b.timerFired("timer-2");
  const r2 = d.decide();
  assert.is(calls, callsAfterFirst, "replay must not call the function again");
  assert.equal(resultOf(r2.decisions), { n: 100 }, "the value recorded the first time, not a new one");
});

markers("sideEffect replays the recorded value even when the function would now return something else", () => {
  let value = "first";
  const wf = defineWorkflow({ name: "se2", version: "1" }, function* () {
    const v = yield* sideEffect(() => value, { id: "pick" });
    yield* sleep(1);
    return v;
  });
  const d = new Driver(wf, undefined, { incremental: false });
  assert.equal(attrs(d.decide().decisions[0]), { markerName: "pick", details: '"first"' });
  value = "second";
  d.b.timerFired(only(d.last?.decisions ?? [], "StartTimer").timerId as string);
  assert.is(resultOf(d.decide().decisions), "first");
});

markers("sideEffect returning undefined: marker without details, replays as undefined", () => {
  const wf = defineWorkflow({ name: "se3", version: "1" }, function* () {
    const v = yield* sideEffect(() => undefined);
    yield* sleep(1);
    return v === undefined ? "undefined" : "defined";
  });
  const d = new Driver(wf);
  assert.equal(attrs(d.decide().decisions[0]), { markerName: "sideEffect-1" });
  d.b.timerFired("timer-2");
  assert.is(resultOf(d.decide().decisions), "undefined");
});

markers("the workflow sees the value as it comes back from the serializer (a Date stays a Date)", () => {
  const wf = defineWorkflow({ name: "se4", version: "1" }, function* () {
    const v = yield* sideEffect(() => new Date(Date.UTC(2026, 0, 2)));
    return v instanceof Date ? v.toISOString() : typeof v;
  });
  const d = new Driver(wf);
  assert.is(resultOf(d.decide().decisions), "2026-01-02T00:00:00.000Z");
});

markers("sideEffect that throws → WorkflowTaskError (YF_WORKFLOW_TASK), nothing recorded", () => {
  const wf = defineWorkflow({ name: "se5", version: "1" }, function* () {
    return yield* sideEffect(() => {
      throw new RangeError("no entropy");
    });
  });
  const d = new Driver(wf);
  const err = thrown(() => d.decideOpen());
  assert.instance(err, WorkflowTaskError);
  assert.is((err as WorkflowTaskError).code, "YF_WORKFLOW_TASK");
  assert.is((err as WorkflowTaskError).eventId, 3);
  assert.instance((err as Error).cause, RangeError);
});

markers("sideEffect returning a Promise → WorkflowTaskError", () => {
  const wf = defineWorkflow({ name: "se6", version: "1" }, function* () {
    return yield* sideEffect(() => Promise.resolve(1));
  });
  const err = thrown(() => new Driver(wf).decideOpen()) as WorkflowTaskError;
  assert.is(err.code, "YF_WORKFLOW_TASK");
  assert.match(err.message, "Promise");
});

markers("RecordMarkerFailed: a warning, and the value is recomputed on replay", () => {
  let calls = 0;
  const wf = defineWorkflow({ name: "se7", version: "1" }, function* () {
    const v = yield* sideEffect(() => ++calls);
    yield* sleep(1);
    return v;
  });
  const d = new Driver(wf, undefined, { incremental: false });
  const { result, completedEventId } = d.decideAndRecord(() => false);
  assert.equal(types(result.decisions), ["RecordMarker", "StartTimer"]);
  const callsLive = calls;
  // SWF records the decisions' events in order: the marker's failure, then the timer
  d.b.add("RecordMarkerFailed", {
    markerName: "sideEffect-1",
    cause: "OPERATION_NOT_PERMITTED",
    decisionTaskCompletedEventId: completedEventId,
  });
  d.b.add("TimerStarted", {
    timerId: attrs(result.decisions[1]).timerId as string,
    startToFireTimeout: "1",
    decisionTaskCompletedEventId: completedEventId,
  });
  d.b.scheduleDecisionTask();
  const r = d.decideOpen();
  assert.ok(
    r.warnings.some((w) => w.includes("sideEffect-1") && w.includes("OPERATION_NOT_PERMITTED")),
    r.warnings.join("; "),
  );
  assert.is(calls, callsLive + 1, "no marker: the replay had to call the function again");
  assert.equal(r.decisions, [], "nothing new to decide");
});

markers.run();
