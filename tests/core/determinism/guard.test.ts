/**
 * The determinism guard: during each step of workflow code, Math.random / Date.now / new Date() give the run's
 * deterministic values, and timers, queueMicrotask and fetch throw a DeterminismGuardError saying what to use
 * instead. The globals are restored after every step (also when it throws); between steps (side-effect functions,
 * serializers) nothing is guarded; a workflow definition or a decide option turns it off.
 */
import {
  activity,
  DeterminismGuardError,
  decide,
  defineActivity,
  defineWorkflow,
  now,
  random,
  sideEffect,
  WorkflowTaskError,
} from "@yieldflow/core";
import { DEFAULT_START_TIME } from "@yieldflow/core/testing";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Driver, resultOf, thrown } from "../support.ts";

const act = defineActivity<unknown, unknown>({ name: "act", version: "1" });
const g = globalThis as unknown as Record<string, unknown>;
const originals = () => ({
  Date: g.Date,
  dateNow: Date.now,
  random: Math.random,
  setTimeout: g.setTimeout,
  setInterval: g.setInterval,
  setImmediate: g.setImmediate,
  queueMicrotask: g.queueMicrotask,
  fetch: g.fetch,
});
const before = originals();
const assertRestored = (what: string) => assert.equal(originals(), before, `globals restored ${what}`);

const values = suite("deterministic values");

values(
  "Math.random() is seeded from the run: the same on every replay, another run differs; random() is unshifted",
  () => {
    const wf = defineWorkflow({ name: "g1", version: "1" }, function* () {
      const a = Math.random();
      const r = yield* random();
      yield* activity(act, a);
      const b = Math.random();
      return { a, b, r };
    });
    const plain = defineWorkflow({ name: "g1", version: "1" }, function* () {
      const r = yield* random();
      yield* activity(act, 0);
      return { r };
    });
    const run = (w: typeof wf, runId: string) => {
      const d = new Driver(w, undefined, { runId });
      d.decide();
      d.b.activityCompleted("activity-1", "null");
      return resultOf(d.decide().decisions) as { a: number; b: number; r: number };
    };
    const one = run(wf, "run-1");
    assert.equal(run(wf, "run-1"), one, "the same run replays the same values");
    assert.ok(one.a >= 0 && one.a < 1 && one.a !== one.b);
    assert.is.not(run(wf, "run-2").a, one.a, "another run, another stream");
    assert.is(run(plain as never, "run-1").r, one.r, "Math.random() takes nothing from random()'s stream");
    assertRestored("after decide");
  },
);

values("Date.now(), new Date() and Date() are workflow time; new Date(x), Date.UTC and instanceof still work", () => {
  const wf = defineWorkflow({ name: "g2", version: "1" }, function* () {
    const t = (yield* now()).getTime();
    const d = new Date();
    return {
      now: Date.now() === t,
      newDate: d.getTime() === t,
      call: Date() === new Date(t).toString(),
      instance: d instanceof Date && new Date(5) instanceof Date,
      given: new Date(86_400_000).toISOString(),
      utc: Date.UTC(2020, 0, 1),
      t,
    };
  });
  const r = resultOf(new Driver(wf).decide().decisions) as Record<string, unknown>;
  assert.equal(r, {
    now: true,
    newDate: true,
    call: true,
    instance: true,
    given: "1970-01-02T00:00:00.000Z",
    utc: 1577836800000,
    t: DEFAULT_START_TIME,
  });
  assertRestored("after decide");
});

values("side-effect functions run unguarded: sideEffect(() => Date.now()) records the wall clock", () => {
  const wf = defineWorkflow({ name: "g3", version: "1" }, function* () {
    const wall = yield* sideEffect(() => Date.now());
    return wall - Date.now(); // wall clock minus workflow time (2026-01-01)
  });
  // the function reads the wall clock, so an incremental replay deciding the same task again would record another
  // value: compare nothing but this one decision
  const gap = resultOf(new Driver(wf, undefined, { incremental: false }).decide().decisions) as number;
  assert.ok(Math.abs(gap - (before.dateNow() - DEFAULT_START_TIME)) < 60_000, `gap ${gap}`);
});

values(
  "between steps nothing is guarded: a serializer called during a decide sees the wall clock and real timers",
  () => {
    const seen: { now: number; date: string; random: number; sameDate: boolean }[] = [];
    const serializer = {
      serialize(value: unknown) {
        // the engine serializes the activity input after the step that asked for it, inside the same decide
        const timer = setTimeout(() => {}, 1_000);
        clearTimeout(timer);
        seen.push({
          now: Date.now(),
          date: new Date().toISOString(),
          random: Math.random(),
          sameDate: Date === before.Date,
        });
        return JSON.stringify(value);
      },
      deserialize: (data: string | undefined) => (data === undefined ? undefined : JSON.parse(data)),
    };
    const wf = defineWorkflow({ name: "g7", version: "1" }, function* () {
      const inside = Date.now(); // workflow time
      yield* activity(act, inside);
      return inside;
    });
    const d = new Driver(wf, undefined, { serializer, incremental: false });
    d.decide();
    assert.ok(seen.length > 0, "the serializer ran");
    const wall = before.dateNow();
    for (const s of seen) {
      assert.ok(Math.abs(s.now - wall) < 60_000, "Date.now(): the wall clock");
      assert.ok(Math.abs(Date.parse(s.date) - wall) < 60_000, "new Date(): the wall clock");
      assert.ok(s.sameDate, "Date is the real Date between steps");
    }
    d.b.activityCompleted("activity-1", "null");
    assert.is(resultOf(d.decide().decisions), DEFAULT_START_TIME, "in the step: workflow time");
    assertRestored("after decide");
  },
);

values.run();

const forbidden = suite("forbidden calls");

forbidden("setTimeout, setInterval, setImmediate, queueMicrotask, fetch throw, saying what to use instead", () => {
  const cases: [string, () => unknown, RegExp][] = [
    ["setTimeout", () => setTimeout(() => {}, 1), /yield\* sleep\(duration\)/],
    ["setInterval", () => setInterval(() => {}, 1), /sleep/],
    ["setImmediate", () => setImmediate(() => {}), /step by step/],
    ["queueMicrotask", () => queueMicrotask(() => {}), /step by step/],
    ["fetch", () => fetch("http://127.0.0.1:9/"), /activity/],
  ];
  for (const [name, call, hint] of cases) {
    const wf = defineWorkflow({ name: `g4-${name}`, version: "1" }, function* () {
      call();
      yield* activity(act, 1);
    });
    const err = thrown(() => new Driver(wf).decide()) as WorkflowTaskError;
    assert.instance(err, WorkflowTaskError, name);
    const cause = err.cause as DeterminismGuardError;
    assert.instance(cause, DeterminismGuardError, name);
    assert.is(cause.code, "YF_DETERMINISM_GUARD");
    assert.is(cause.call, name);
    assert.match(cause.message, hint, name);
    assert.match(err.message, `${name}() was called in workflow code`);
    assertRestored(`after a step that threw (${name})`);
  }
});

forbidden("workflow code can catch it (the error is thrown where the call is made)", () => {
  const wf = defineWorkflow({ name: "g5", version: "1" }, function* () {
    try {
      setTimeout(() => {}, 10);
      return "no error";
    } catch (err) {
      return (err as DeterminismGuardError).code;
    }
  });
  assert.is(resultOf(new Driver(wf).decide().decisions), "YF_DETERMINISM_GUARD");
});

forbidden("globals are restored when a step throws a bug", () => {
  const wf = defineWorkflow({ name: "g6", version: "1" }, function* () {
    yield* activity(act, 1);
    throw new TypeError("x is undefined");
  });
  const d = new Driver(wf);
  d.decide();
  d.b.activityCompleted("activity-1", "null");
  assert.instance(
    thrown(() => d.decide()),
    WorkflowTaskError,
  );
  assertRestored("after a bug");
});

forbidden.run();

const off = suite("opting out");

off(
  "defineWorkflow({ determinismGuard: false }) and decide(…, { determinismGuard: false }) leave the globals alone",
  () => {
    const body = function* () {
      yield* now();
      return {
        realRandom: Math.random === before.random,
        realDate: (globalThis as unknown as Record<string, unknown>).Date === before.Date,
        realTimer: (globalThis as unknown as Record<string, unknown>).setTimeout === before.setTimeout,
      };
    };
    const all = { realRandom: true, realDate: true, realTimer: true };
    const none = { realRandom: false, realDate: false, realTimer: false };
    const guarded = defineWorkflow({ name: "g7", version: "1" }, body);
    const unguarded = defineWorkflow({ name: "g7", version: "1", determinismGuard: false }, body);
    assert.equal(resultOf(new Driver(guarded).decide().decisions), none);
    assert.equal(resultOf(new Driver(unguarded).decide().decisions), all);
    assert.equal(resultOf(new Driver(guarded, undefined, { determinismGuard: false }).decide().decisions), all);
    const d = new Driver(guarded);
    d.decideOpen();
    assert.equal(resultOf(decide(guarded, d.events, { runId: "run-1", determinismGuard: false }).decisions), all);
    assert.equal(resultOf(decide(guarded, d.events, { runId: "run-1" }).decisions), none);
  },
);

off.run();
