/** all / race / any semantics against histories, and handles (start / isReady / cancel). */
import {
  activity,
  all,
  any,
  cancel,
  defineActivity,
  defineWorkflow,
  type EffectRequest,
  race,
  signal,
  sleep,
  start,
} from "@yieldflow/core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { attrs, Driver, describeCaught, resultOf, types } from "../support.ts";

const act = defineActivity<string, string>({ name: "act", version: "1" });
const fail = (reason: string) => JSON.stringify({ name: reason, message: `${reason}!` });

const c = suite("combinators");

c("all: results in branch order, whatever order the history completes them in", () => {
  const wf = defineWorkflow({ name: "all1", version: "1" }, function* () {
    return yield* all([activity(act, "a"), activity(act, "b"), activity(act, "c")]);
  });
  const d = new Driver(wf);
  assert.equal(types(d.decide().decisions), ["ScheduleActivityTask", "ScheduleActivityTask", "ScheduleActivityTask"]);
  d.b.activityCompleted("activity-3", '"C"');
  d.b.activityCompleted("activity-1", '"A"');
  assert.equal(d.decide().decisions, []);
  d.b.activityCompleted("activity-2", '"B"');
  assert.equal(resultOf(d.decide().decisions), ["A", "B", "C"]);
});

c("all([]) → [] at once; all of generator branches", () => {
  function* twice(x: string): Generator<EffectRequest, string, unknown> {
    const a = yield* activity(act, x);
    return a + a;
  }
  const wf = defineWorkflow({ name: "all2", version: "1" }, function* () {
    const none = yield* all([]);
    const two = yield* all([twice("p"), twice("q")]);
    return { none, two };
  });
  const d = new Driver(wf);
  const r = d.decide();
  const ids = r.decisions.map((x) => attrs(x).activityId as string);
  assert.is(ids.length, 2);
  d.b.activityCompleted(ids[1] as string, '"Q"');
  d.b.activityCompleted(ids[0] as string, '"P"');
  assert.equal(resultOf(d.decide().decisions), { none: [], two: ["PP", "QQ"] });
});

c("all fails fast: the first failure in the history is thrown, the still-running siblings are cancelled", () => {
  function* timed(): Generator<EffectRequest, string, unknown> {
    yield* sleep(600);
    return "slept";
  }
  const wf = defineWorkflow({ name: "all3", version: "1" }, function* () {
    try {
      return yield* all([activity(act, "a"), activity(act, "b"), timed()]);
    } catch (err) {
      return describeCaught(err);
    }
  });
  const d = new Driver(wf);
  const r1 = d.decide();
  assert.equal(types(r1.decisions), ["ScheduleActivityTask", "ScheduleActivityTask", "StartTimer"]);
  const [a, b] = r1.decisions.map((x) => attrs(x).activityId as string);
  const timerId = attrs(r1.decisions[2]).timerId;
  d.b.activityStarted(a as string);
  d.b.activityFailed(b as string, "Boom", fail("Boom"));
  const r2 = d.decide();
  assert.equal(types(r2.decisions), ["RequestCancelActivityTask", "CancelTimer", "CompleteWorkflowExecution"]);
  assert.equal(attrs(r2.decisions[0]), { activityId: a });
  assert.equal(attrs(r2.decisions[1]), { timerId });
  const caught = resultOf(r2.decisions) as Record<string, unknown>;
  assert.is(caught.class, "ActivityFailure");
  assert.is(caught.activityId, b);
});

c("race: whoever completes first in the history wins; the loser is cancelled", () => {
  const wf = defineWorkflow({ name: "race1", version: "1" }, function* () {
    return yield* race([activity(act, "a"), activity(act, "b")]);
  });
  for (const [first, second, expected] of [
    ["activity-1", "activity-2", "A"],
    ["activity-2", "activity-1", "B"],
  ] as const) {
    const d = new Driver(wf);
    const ids = d.decide().decisions.map((x) => attrs(x).activityId as string);
    assert.equal(ids, ["activity-1", "activity-2"]);
    d.b.activityStarted(second);
    d.b.activityCompleted(first, first === "activity-1" ? '"A"' : '"B"');
    const r = d.decide();
    assert.equal(types(r.decisions), ["RequestCancelActivityTask", "CompleteWorkflowExecution"]);
    assert.equal(attrs(r.decisions[0]), { activityId: second });
    assert.is(resultOf(r.decisions), expected);
  }
});

c("race: both complete in the same batch → the earlier event wins, on every replay", () => {
  const wf = defineWorkflow({ name: "race2", version: "1" }, function* () {
    return yield* race([activity(act, "a"), activity(act, "b")]);
  });
  for (const order of [
    ["activity-1", "activity-2"],
    ["activity-2", "activity-1"],
  ]) {
    const d = new Driver(wf);
    d.decide();
    for (const id of order) d.b.activityCompleted(id, JSON.stringify(id));
    const r = d.decide();
    assert.is(r.decisions.at(-1)?.decisionType, "CompleteWorkflowExecution");
    assert.is(resultOf(r.decisions), order[0]);
  }
});

c("race: a failure that settles first is thrown", () => {
  const wf = defineWorkflow({ name: "race3", version: "1" }, function* () {
    try {
      return yield* race([activity(act, "a"), sleep(60)]);
    } catch (err) {
      return describeCaught(err).reason;
    }
  });
  const d = new Driver(wf);
  const r1 = d.decide();
  d.b.activityFailed(attrs(r1.decisions[0]).activityId as string, "Nope", fail("Nope"));
  const r = d.decide();
  assert.equal(types(r.decisions), ["CancelTimer", "CompleteWorkflowExecution"]);
  assert.is(resultOf(r.decisions), "Nope");
});

c("any: the first success wins even after failures; the rest are cancelled", () => {
  const wf = defineWorkflow({ name: "any1", version: "1" }, function* () {
    return yield* any([activity(act, "a"), activity(act, "b"), activity(act, "c")]);
  });
  const d = new Driver(wf);
  const ids = d.decide().decisions.map((x) => attrs(x).activityId as string);
  d.b.activityFailed(ids[0] as string, "E1", fail("E1"));
  assert.equal(d.decide().decisions, [], "one failure is not the end of any()");
  d.b.activityStarted(ids[2] as string);
  d.b.activityCompleted(ids[1] as string, '"B"');
  const r = d.decide();
  assert.equal(types(r.decisions), ["RequestCancelActivityTask", "CompleteWorkflowExecution"]);
  assert.equal(attrs(r.decisions[0]), { activityId: ids[2] });
  assert.is(resultOf(r.decisions), "B");
});

c("any: all branches fail → AllFailedFailure with every failure, in branch order", () => {
  const wf = defineWorkflow({ name: "any2", version: "1" }, function* () {
    try {
      return yield* any([activity(act, "a"), activity(act, "b")]);
    } catch (err) {
      return describeCaught(err);
    }
  });
  const d = new Driver(wf);
  const ids = d.decide().decisions.map((x) => attrs(x).activityId as string);
  d.b.activityTimedOut(ids[1] as string, "SCHEDULE_TO_START");
  d.b.activityFailed(ids[0] as string, "E1", fail("E1"));
  const caught = resultOf(d.decide().decisions) as Record<string, unknown>;
  assert.is(caught.class, "AllFailedFailure");
  assert.is(caught.code, "YF_ALL_FAILED");
  const failures = caught.failures as Record<string, unknown>[];
  assert.equal(
    failures.map((f) => f.class),
    ["ActivityFailure", "TimeoutFailure"],
  );
});

c("nested: race of an all and a timer", () => {
  const wf = defineWorkflow({ name: "nested", version: "1" }, function* () {
    const r = yield* race([all([activity(act, "a"), activity(act, "b")]), sleep("1h")]);
    return r ?? "late";
  });
  const d = new Driver(wf);
  const r1 = d.decide();
  assert.equal(types(r1.decisions), ["ScheduleActivityTask", "ScheduleActivityTask", "StartTimer"]);
  const [a, b] = r1.decisions.map((x) => attrs(x).activityId as string);
  d.b.activityCompleted(a as string, '"A"');
  d.b.activityCompleted(b as string, '"B"');
  const r = d.decide();
  assert.equal(types(r.decisions), ["CancelTimer", "CompleteWorkflowExecution"]);
  assert.equal(resultOf(r.decisions), ["A", "B"]);
});

c("race with a branch already settled (a buffered signal): settles at once, the other branch never goes out", () => {
  const wf = defineWorkflow({ name: "race-buffered", version: "1" }, function* () {
    yield* sleep(1);
    return yield* race([signal<string>("s"), sleep(10)]);
  });
  const d = new Driver(wf);
  const t = attrs(d.decide().decisions[0]).timerId as string;
  d.b.signal("s", '"v"');
  d.b.timerFired(t);
  const r = d.decide();
  assert.equal(types(r.decisions), ["CompleteWorkflowExecution"], "no StartTimer, no CancelTimer");
  assert.is(resultOf(r.decisions), "v");
});

c("structured concurrency: all() fails only after its cancelled branches have finished their cleanup", () => {
  const undo = defineActivity<string, void>({ name: "undo", version: "1" });
  function* reserve(item: string): Generator<EffectRequest, string, unknown> {
    try {
      return yield* activity(act, item);
    } finally {
      yield* activity(undo, item); // compensation, run when the branch is cancelled
    }
  }
  const wf = defineWorkflow({ name: "saga", version: "1" }, function* () {
    try {
      return yield* all([reserve("seat"), activity(act, "pay")]);
    } catch (err) {
      return `caught ${describeCaught(err).code}`;
    }
  });
  const d = new Driver(wf);
  const r1 = d.decide();
  const idOf = (input: string) => attrs(r1.decisions.find((x) => attrs(x).input === input)).activityId as string;
  d.b.activityStarted(idOf('"seat"'));
  d.b.activityFailed(idOf('"pay"'), "Declined", fail("Declined"));
  const r2 = d.decide();
  assert.equal(types(r2.decisions), ["RequestCancelActivityTask", "ScheduleActivityTask"]);
  assert.is((attrs(r2.decisions[1]).activityType as { name: string }).name, "undo");
  d.b.activityCanceled(idOf('"seat"'));
  assert.equal(d.decide().decisions, [], "still cleaning up: the workflow has not seen the failure yet");
  d.b.activityCompleted(attrs(r2.decisions[1]).activityId as string);
  assert.is(resultOf(d.decide().decisions), "caught YF_ACTIVITY_FAILED");
});

c.run();

const h = suite("handles");

h("start: runs now, waits later; isReady reflects the history; yield* handle returns the result", () => {
  const wf = defineWorkflow({ name: "h1", version: "1" }, function* () {
    const handle = yield* start(activity(act, "slow"));
    const readyBefore = handle.isReady();
    yield* activity(act, "fast");
    const readyAfter = handle.isReady();
    return { id: handle.id, readyBefore, readyAfter, value: yield* handle };
  });
  const d = new Driver(wf);
  const r1 = d.decide();
  assert.equal(types(r1.decisions), ["ScheduleActivityTask", "ScheduleActivityTask"], "both go out in one task");
  const [slow, fast] = r1.decisions.map((x) => attrs(x).activityId as string);
  d.b.activityCompleted(slow as string, '"S"');
  d.b.activityCompleted(fast as string, '"F"');
  assert.equal(resultOf(d.decide().decisions), { id: slow, readyBefore: false, readyAfter: true, value: "S" });
});

h("isReady is false while the started operation is pending", () => {
  const wf = defineWorkflow({ name: "h2", version: "1" }, function* () {
    const handle = yield* start(activity(act, "slow"));
    yield* activity(act, "fast");
    const ready = handle.isReady();
    yield* handle;
    return ready;
  });
  const d = new Driver(wf);
  const [slow, fast] = d.decide().decisions.map((x) => attrs(x).activityId as string);
  d.b.activityCompleted(fast as string, '"F"');
  assert.equal(d.decide().decisions, []);
  d.b.activityCompleted(slow as string, '"S"');
  assert.is(resultOf(d.decide().decisions), false);
});

h("cancel(handle) of a generator branch: CancelledFailure at its wait, its finally runs (with effects)", () => {
  const undo = defineActivity<string, void>({ name: "undo", version: "1" });
  function* branch(): Generator<EffectRequest, string, unknown> {
    try {
      yield* sleep(600);
      return "done";
    } finally {
      yield* activity(undo, "b");
    }
  }
  const wf = defineWorkflow({ name: "h3", version: "1" }, function* () {
    const handle = yield* start(branch());
    yield* sleep(5);
    yield* cancel(handle);
    try {
      return yield* handle;
    } catch (err) {
      return describeCaught(err);
    }
  });
  const d = new Driver(wf);
  const r1 = d.decide();
  assert.equal(types(r1.decisions), ["StartTimer", "StartTimer"]);
  const short = r1.decisions.find((x) => attrs(x).startToFireTimeout === "5");
  const long = r1.decisions.find((x) => attrs(x).startToFireTimeout === "600");
  d.b.timerFired(attrs(short).timerId as string);
  const r2 = d.decide();
  assert.equal(types(r2.decisions), ["CancelTimer", "ScheduleActivityTask"]);
  assert.equal(attrs(r2.decisions[0]), { timerId: attrs(long).timerId });
  d.b.activityCompleted(attrs(r2.decisions[1]).activityId as string);
  const caught = resultOf(d.decide().decisions) as Record<string, unknown>;
  assert.is(caught.class, "CancelledFailure");
});

h("cancelling a settled handle does nothing", () => {
  const wf = defineWorkflow({ name: "h4", version: "1" }, function* () {
    const handle = yield* start(activity(act, "x"));
    const v = yield* handle;
    yield* cancel(handle);
    return { v, again: yield* handle };
  });
  const d = new Driver(wf);
  d.decide();
  d.b.activityCompleted("activity-1", '"X"');
  const r = d.decide();
  assert.equal(types(r.decisions), ["CompleteWorkflowExecution"]);
  assert.equal(resultOf(r.decisions), { v: "X", again: "X" });
});

h("a started branch that fails unawaited: the workflow completes, with a warning", () => {
  const wf = defineWorkflow({ name: "h5", version: "1" }, function* () {
    yield* start(activity(act, "doomed"));
    yield* sleep(10);
    return "ok";
  });
  const d = new Driver(wf);
  d.decide();
  d.b.activityFailed("activity-1", "Lost", fail("Lost"));
  d.b.timerFired("timer-2");
  const r = d.decide();
  assert.is(resultOf(r.decisions), "ok");
  assert.ok(
    r.warnings.some((w) => w.includes("activity-1")),
    `warnings: ${r.warnings.join("; ")}`,
  );
});

h("handles to signals", () => {
  const wf = defineWorkflow({ name: "h6", version: "1" }, function* () {
    const approval = yield* start(signal<boolean>("approve"));
    yield* sleep(10);
    return approval.isReady() ? yield* approval : "pending";
  });
  const d = new Driver(wf);
  const timerId = attrs(d.decide().decisions[0]).timerId as string;
  d.b.signal("approve", "true");
  d.b.timerFired(timerId);
  assert.is(resultOf(d.decide().decisions), true);
});

h.run();
