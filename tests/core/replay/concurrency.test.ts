/**
 * Bounded concurrency: `all(branches, { concurrency })` and `map(items, fn, { concurrency })` against histories.
 * Results in input order, at most N running, the next branch starts when one settles, failure and cancellation as
 * for `all`, ids given in start order.
 */
import {
  activity,
  all,
  CancelledFailure,
  defineActivity,
  defineWorkflow,
  type EffectRequest,
  InvalidArgumentError,
  map,
  now,
  race,
  sleep,
} from "@yieldflow/core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { attrs, Driver, describeCaught, resultOf, types } from "../support.ts";

const act = defineActivity<string, string>({ name: "act", version: "1" });
const fail = (reason: string) => JSON.stringify({ name: reason, message: `${reason}!` });
const scheduled = (r: { decisions: readonly unknown[] }) =>
  (r.decisions as never[])
    .filter((d: { decisionType: string }) => d.decisionType === "ScheduleActivityTask")
    .map((d) => attrs(d).input as string);

const c = suite("all(branches, { concurrency })");

c("starts N, the next in input order as each settles; results in input order", () => {
  const wf = defineWorkflow({ name: "cc1", version: "1" }, function* () {
    return yield* all(
      ["a", "b", "c", "d", "e"].map((x) => activity(act, x)),
      { concurrency: 2 },
    );
  });
  const d = new Driver(wf);
  assert.equal(scheduled(d.decide()), ['"a"', '"b"']);
  d.b.activityCompleted("activity-2", '"B"');
  assert.equal(scheduled(d.decide()), ['"c"']);
  d.b.activityCompleted("activity-3", '"C"');
  d.b.activityCompleted("activity-1", '"A"');
  const r = d.decide();
  assert.equal(scheduled(r), ['"d"', '"e"']);
  assert.equal(
    r.decisions.map((x) => attrs(x).activityId),
    ["activity-4", "activity-5"],
  );
  d.b.activityCompleted("activity-5", '"E"');
  d.b.activityCompleted("activity-4", '"D"');
  assert.equal(resultOf(d.decide().decisions), ["A", "B", "C", "D", "E"]);
});

c("a failure cancels the running branches and starts no more", () => {
  const wf = defineWorkflow({ name: "cc2", version: "1" }, function* () {
    try {
      return yield* all(
        ["a", "b", "c", "d"].map((x) => activity(act, x)),
        { concurrency: 2 },
      );
    } catch (err) {
      return describeCaught(err);
    }
  });
  const d = new Driver(wf);
  d.decide();
  d.b.activityFailed("activity-1", "Boom", fail("Boom"));
  const r = d.decide();
  assert.equal(types(r.decisions), ["RequestCancelActivityTask", "CompleteWorkflowExecution"]);
  assert.is(attrs(r.decisions[0]).activityId, "activity-2");
  assert.is((resultOf(r.decisions) as Record<string, unknown>).class, "ActivityFailure");
});

c("generator branches: never more than N running, cancelled with the combinator (race lost)", () => {
  const wf = defineWorkflow({ name: "cc3", version: "1" }, function* () {
    let running = 0;
    let most = 0;
    function* lane(x: string): Generator<EffectRequest, string, unknown> {
      running++;
      most = Math.max(most, running);
      try {
        const a = yield* activity(act, x);
        yield* sleep(1);
        return a;
      } finally {
        running--;
      }
    }
    const won = yield* race([all(["a", "b", "c", "d", "e", "f"].map(lane), { concurrency: 3 }), sleep(3600)]);
    return { won: won ?? "timer", most, running };
  });
  const d = new Driver(wf);
  const r = d.decide();
  assert.equal(scheduled(r), ['"a"', '"b"', '"c"']);
  const raceTimer = attrs(r.decisions.find((x) => x.decisionType === "StartTimer")).timerId as string;
  const first = attrs(r.decisions.find((x) => x.decisionType === "ScheduleActivityTask")).activityId as string;
  d.b.activityCompleted(first, '"A"');
  const lap = d.decide();
  d.b.timerFired(attrs(lap.decisions[0]).timerId as string);
  assert.equal(scheduled(d.decide()), ['"d"']);
  d.b.timerFired(raceTimer); // the race's timer: the lanes are cancelled, the rest never start
  const end = d.decide();
  assert.equal(types(end.decisions), [
    "RequestCancelActivityTask",
    "RequestCancelActivityTask",
    "RequestCancelActivityTask",
    "CompleteWorkflowExecution",
  ]);
  assert.equal(resultOf(end.decisions), { won: "timer", most: 3, running: 0 });
});

c("branches that settle as they start (now()) do not stall the limit", () => {
  const wf = defineWorkflow({ name: "cc4", version: "1" }, function* () {
    const times = yield* all([now(), now(), now(), now()], { concurrency: 1 });
    return times.length;
  });
  assert.is(resultOf(new Driver(wf).decide().decisions), 4);
});

c("concurrency ≥ the number of branches schedules exactly what all() without it does", () => {
  const body = (opts?: { concurrency: number }) =>
    defineWorkflow({ name: "cc5", version: "1" }, function* () {
      return yield* all([activity(act, "a"), sleep(5), activity(act, "b")], opts);
    });
  const plain = new Driver(body()).decide().decisions;
  const wide = new Driver(body({ concurrency: 3 })).decide().decisions;
  assert.equal(wide, plain);
});

c("a bad limit is refused at the call", () => {
  for (const bad of [0, -1, 1.5, Number.NaN, "2"]) {
    assert.throws(
      () => all([], { concurrency: bad as number }),
      (err: unknown) => err instanceof InvalidArgumentError && /concurrency must be an integer/.test(String(err)),
      String(bad),
    );
  }
});

c("cancelling the workflow cancels the running branches; none starts after", () => {
  const wf = defineWorkflow({ name: "cc6", version: "1" }, function* () {
    try {
      return yield* all(
        ["a", "b", "c"].map((x) => activity(act, x)),
        { concurrency: 1 },
      );
    } catch (err) {
      if (err instanceof CancelledFailure) yield* activity(act, "cleanup");
      throw err;
    }
  });
  const d = new Driver(wf);
  d.decide();
  d.b.cancelRequested();
  const r = d.decide();
  assert.equal(types(r.decisions), ["RequestCancelActivityTask", "ScheduleActivityTask"]);
  assert.is(attrs(r.decisions[1]).input, '"cleanup"');
});

c.run();

const m = suite("map(items, fn, { concurrency })");

m("maps items to branches, results in item order", () => {
  const wf = defineWorkflow({ name: "mp1", version: "1" }, function* (items: string[]) {
    return yield* map(items, (x, i) => activity(act, `${x}${i}`), { concurrency: 2 });
  });
  const d = new Driver(wf, ["p", "q", "r"]);
  assert.equal(scheduled(d.decide()), ['"p0"', '"q1"']);
  d.b.activityCompleted("activity-2", '"Q"');
  assert.equal(scheduled(d.decide()), ['"r2"']);
  d.b.activityCompleted("activity-3", '"R"');
  d.b.activityCompleted("activity-1", '"P"');
  assert.equal(resultOf(d.decide().decisions), ["P", "Q", "R"]);
});

m("fn may be a generator function", () => {
  const wf = defineWorkflow({ name: "mp2", version: "1" }, function* () {
    return yield* map(["x", "y"], function* (s) {
      const a = yield* activity(act, s);
      return `${a}!`;
    });
  });
  const d = new Driver(wf);
  d.decide();
  d.b.activityCompleted("activity-1", '"X"');
  d.b.activityCompleted("activity-2", '"Y"');
  assert.equal(resultOf(d.decide().decisions), ["X!", "Y!"]);
});

m("bad arguments", () => {
  const invalid = (err: unknown) => err instanceof InvalidArgumentError;
  assert.throws(() => map("abc" as never, () => now()), invalid);
  assert.throws(() => map([1], 5 as never), invalid);
  assert.throws(() => map([1], () => 5 as never), invalid);
});

m.run();
