/**
 * The decision emitter's rules, through `decide`: decisions per response (the rest deferred with a zero-second
 * wake-up timer), open-item limits (the rest held until a slot frees), markers never held, one closing decision,
 * always last and never while commands wait.
 */

import {
  activity,
  childWorkflow,
  decide,
  defineActivity,
  defineWorkflow,
  race,
  SWF_LIMITS,
  sideEffect,
  signal,
  sleep,
  start,
} from "@yieldflow/core";
import { HistoryBuilder } from "@yieldflow/core/testing";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { attrs, countingSerializer, Driver, types } from "../support.ts";

const act = defineActivity<number, number>({ name: "act", version: "1" });
const bigAct = defineActivity<string, string>({ name: "bigAct", version: "1" });

/** Starts `n` activities at once, then waits for all of them and returns how many completed. */
const fanOut = defineWorkflow({ name: "fan-out", version: "1" }, function* (n: number) {
  const handles = [];
  for (let i = 0; i < n; i++) handles.push(yield* start(activity(act, i)));
  let done = 0;
  for (const h of handles) {
    yield* h;
    done++;
  }
  return done;
});

const count = (decisions: { decisionType: string }[], type: string) =>
  decisions.filter((d) => d.decisionType === type).length;

const o = suite("decisions per response");

o(`${SWF_LIMITS.maxDecisionsPerResponse} is the default budget`, () => {
  assert.is(SWF_LIMITS.maxDecisionsPerResponse, 100);
});

o("more than 100 commands: 99 go out with a zero-second wake-up timer; the rest in the next task", () => {
  const d = new Driver(fanOut, 150);
  const r1 = d.decide();
  assert.is(r1.decisions.length, 100);
  assert.is(count(r1.decisions, "ScheduleActivityTask"), 99);
  const wake = r1.decisions[99];
  assert.is(wake?.decisionType, "StartTimer");
  assert.is(attrs(wake).startToFireTimeout, "0");
  assert.equal(
    r1.decisions.slice(0, 99).map((x) => attrs(x).input),
    Array.from({ length: 99 }, (_, i) => String(i)),
    "in the order the code made them",
  );
  d.b.timerFired(attrs(wake).timerId as string);
  const r2 = d.decide();
  assert.equal(types(r2.decisions), Array(51).fill("ScheduleActivityTask"));
  assert.equal(
    r2.decisions.map((x) => attrs(x).input),
    Array.from({ length: 51 }, (_, i) => String(99 + i)),
  );
  const ids = [...r1.decisions.slice(0, 99), ...r2.decisions].map((x) => attrs(x).activityId);
  assert.is(new Set(ids).size, 150, "no id scheduled twice");
});

o("exactly 99 commands fit in one response without a wake-up timer; 100 do not", () => {
  const r99 = new Driver(fanOut, 99).decideOpen();
  assert.equal(types(r99.decisions), Array(99).fill("ScheduleActivityTask"));
  const r100 = new Driver(fanOut, 100).decideOpen();
  assert.is(r100.decisions.length, 100);
  assert.is(r100.decisions[99]?.decisionType, "StartTimer");
});

o("a smaller budget (maxDecisionsPerResponse) is honoured, and the deferred tail replays", () => {
  const d = new Driver(fanOut, 7, { maxDecisionsPerResponse: 3 });
  const seen: unknown[] = [];
  for (let i = 0; i < 10 && !d.b.closedBy; i++) {
    const r = d.decide();
    assert.ok(r.decisions.length <= 3);
    for (const x of r.decisions) if (x.decisionType === "ScheduleActivityTask") seen.push(attrs(x).input);
    for (const x of r.decisions) {
      if (x.decisionType === "StartTimer") d.b.timerFired(attrs(x).timerId as string);
    }
    if (!d.b.decisionTaskScheduled) {
      const id = d.b.activities.keys().next().value;
      if (id) d.b.activityCompleted(id, "0");
    }
  }
  assert.equal(seen, ["0", "1", "2", "3", "4", "5", "6"]);
});

o("the closing decision never goes out while commands wait: it follows the last deferred command", () => {
  const wf = defineWorkflow({ name: "fire-and-forget", version: "1" }, function* (n: number) {
    for (let i = 0; i < n; i++) yield* start(activity(act, i));
    return "launched";
  });
  const d = new Driver(wf, 120);
  const r1 = d.decide();
  assert.is(count(r1.decisions, "CompleteWorkflowExecution"), 0);
  assert.is(r1.decisions.at(-1)?.decisionType, "StartTimer");
  d.b.timerFired(attrs(r1.decisions.at(-1)).timerId as string);
  const r2 = d.decide();
  assert.is(count(r2.decisions, "ScheduleActivityTask"), 21);
  assert.is(r2.decisions.at(-1)?.decisionType, "CompleteWorkflowExecution");
  assert.is(count(r2.decisions, "CompleteWorkflowExecution"), 1);
  assert.equal(d.last?.status, { status: "completed", result: "launched" });
});

o("markers are not held back by the decision cap (only by the byte budget); the other commands are", () => {
  const wf = defineWorkflow({ name: "markers", version: "1" }, function* () {
    const values: number[] = [];
    for (let i = 0; i < 5; i++) values.push(yield* sideEffect(() => i * 10));
    yield* start(activity(act, 1));
    yield* start(activity(act, 2));
    yield* start(activity(act, 3));
    yield* signal("never");
    return values;
  });
  const d = new Driver(wf, undefined, { maxDecisionsPerResponse: 3 });
  const r = d.decide();
  assert.equal(types(r.decisions), [
    ...Array(5).fill("RecordMarker"),
    "ScheduleActivityTask",
    "ScheduleActivityTask",
    "StartTimer",
  ]);
  const details = d.b.events.flatMap((e) =>
    e.markerRecordedEventAttributes ? [e.markerRecordedEventAttributes.details] : [],
  );
  assert.equal(details, ["0", "10", "20", "30", "40"]);
});

o("the byte budget holds markers back too: 40 markers of 30,000 characters go out in two responses", () => {
  const big = "x".repeat(30_000);
  const wf = defineWorkflow({ name: "big-markers", version: "1" }, function* () {
    for (let i = 0; i < 40; i++) yield* sideEffect(() => `${i}${big}`);
    yield* signal("never");
  });
  const d = new Driver(wf);
  const r1 = d.decide();
  const size = (ds: typeof r1.decisions) => JSON.stringify(ds).length;
  assert.ok(size(r1.decisions) < 1_000_000, `${size(r1.decisions)} bytes`);
  assert.is(r1.decisions.at(-1)?.decisionType, "StartTimer");
  const markers1 = r1.decisions.filter((x) => x.decisionType === "RecordMarker").length;
  assert.ok(markers1 > 20 && markers1 < 40, `${markers1}`);
  d.b.timerFired(attrs(r1.decisions.at(-1)).timerId as string);
  const r2 = d.decide();
  assert.is(r2.decisions.filter((x) => x.decisionType === "RecordMarker").length, 40 - markers1);
});

o("the byte budget holds activities back too, and every replay defers exactly what the live tasks deferred", () => {
  // a replayed task sizes the activities it recorded from the history (their inputs are not serialized again) and
  // serializes only those it did not record (the ones that waited), to size them
  const big = "y".repeat(30_000);
  const wf = defineWorkflow({ name: "big-inputs", version: "1" }, function* () {
    const handles = [];
    for (let i = 0; i < 40; i++) handles.push(yield* start(activity(bigAct, `${i}${big}`)));
    for (const h of handles) yield* h;
    return "done";
  });
  const d = new Driver(wf);
  const r1 = d.decide();
  assert.is(r1.decisions.at(-1)?.decisionType, "StartTimer");
  const first = count(r1.decisions, "ScheduleActivityTask");
  assert.ok(first > 20 && first < 40, `${first}`);
  d.b.timerFired(attrs(r1.decisions.at(-1)).timerId as string);
  const r2 = d.decide(); // replays the first task: the same activities go out, the same ones wait
  assert.is(count(r2.decisions, "ScheduleActivityTask"), 40 - first);
  assert.is(attrs(r2.decisions[0]).activityId, `activity-${first + 1}`);
  for (let i = 1; i <= 40; i++) d.b.activityCompleted(`activity-${i}`, '"ok"');
  d.b.startDecisionTask();
  const ser = countingSerializer();
  const r = decide(wf, d.events, { ...d.options, serializer: ser });
  assert.equal(types(r.decisions), ["CompleteWorkflowExecution"]);
  // the first task opened all 40 but recorded only the first ones: those that waited are serialized to be sized
  const deferred = Array.from({ length: 40 - first }, (_, k) => `${first + k}${big}`);
  assert.equal(ser.serialized, [...deferred, "done"]);
  assert.equal(types(d.decide().decisions), ["CompleteWorkflowExecution"]);
  assert.equal(d.last?.status, { status: "completed", result: "done" });
});

o.run();

const limits = suite("open-item limits");

limits("more than 1,000 open activities: the 1,001st waits until one closes (no wake-up timer)", () => {
  const d = new Driver(fanOut, SWF_LIMITS.maxOpenActivities + 1, {
    maxDecisionsPerResponse: 5000,
    incremental: false,
  });
  const r1 = d.decide();
  assert.is(count(r1.decisions, "ScheduleActivityTask"), 1000);
  assert.is(count(r1.decisions, "StartTimer"), 0, "held by the limit, not deferred: a completion will wake us");
  d.b.activityCompleted("activity-500", "0");
  const r2 = d.decide();
  assert.equal(types(r2.decisions), ["ScheduleActivityTask"]);
  assert.is(attrs(r2.decisions[0]).input, "1000");
  assert.not.ok(
    d.events.some((e) => e.eventType === "ScheduleActivityTaskFailed"),
    "SWF never saw more than 1,000 open",
  );
});

limits("timers: at most 999 open from workflow code (one slot kept for the wake-up timer)", () => {
  const wf = defineWorkflow({ name: "many-timers", version: "1" }, function* (n: number) {
    for (let i = 0; i < n; i++) yield* start(sleep(60 + i));
    yield* signal("never");
  });
  const d = new Driver(wf, 1000, { maxDecisionsPerResponse: 5000, incremental: false });
  const r1 = d.decide();
  assert.is(count(r1.decisions, "StartTimer"), 999);
  const first = attrs(r1.decisions[0]).timerId as string;
  d.b.timerFired(first);
  const r2 = d.decide();
  assert.equal(types(r2.decisions), ["StartTimer"]);
  assert.is(attrs(r2.decisions[0]).startToFireTimeout, String(60 + 999));
});

limits("children: at most 1,000 open; other kinds are not held back by a full kind", () => {
  const kid = defineWorkflow({ name: "kid", version: "1" }, function* () {
    yield* sleep(1);
  });
  const wf = defineWorkflow({ name: "many-kids", version: "1" }, function* (n: number) {
    for (let i = 0; i < n; i++) yield* start(childWorkflow(kid, i));
    yield* start(activity(act, -1));
    yield* signal("never");
  });
  const r = new Driver(wf, 1001, { maxDecisionsPerResponse: 5000, incremental: false }).decideOpen();
  assert.is(count(r.decisions, "StartChildWorkflowExecution"), 1000);
  assert.is(r.decisions.at(-1)?.decisionType, "ScheduleActivityTask", "the activity after the held child went out");
});

limits.run();

// ─── regressions found by the code review (moved from regressions/review.test.ts) ───
{
  const opts = { workflowId: "wf", runId: "run-1" };
  const review = suite("outbox: code review regressions");

  review("a signal read through a handle is not given back when the handle loses a race", () => {
    const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
      yield* sleep(10);
      const h = yield* start(signal<string>("a"));
      yield* race([sideEffect(() => "x"), h]);
      const first = yield* h;
      const second = yield* race([signal<string>("a"), sleep(3600)]);
      return { first, second: second ?? "(none)" };
    });
    const d = new Driver(wf);
    d.decide();
    d.b.signal("a", '"A"');
    d.b.timerFired("timer-1");
    const r = d.decide();
    assert.is(r.status.status, "running", "only one signal was sent: the second race waits");
    d.b.timerFired([...d.b.timers.keys()][0] as string);
    assert.equal(d.decide().status, { status: "completed", result: { first: "A", second: "(none)" } });
  });

  review("the response budget counts UTF-8 bytes of the JSON, not characters", () => {
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

  review.run();
}
