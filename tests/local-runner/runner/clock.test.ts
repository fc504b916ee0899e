import { activity, all, defineActivity, defineWorkflow, implement, now, sleep, TimeoutFailure } from "@yieldflow/core";
import { LocalRunner, VirtualClock } from "@yieldflow/local-runner";
import { test } from "uvu";
import * as assert from "uvu/assert";

test("virtual clock: a 30-day sleep finishes in well under a second, with 30 days in the history", async () => {
  const wf = defineWorkflow({ name: "month", version: "1" }, function* () {
    const before = yield* now();
    yield* sleep("30d");
    const after = yield* now();
    return after.getTime() - before.getTime();
  });
  const runner = new LocalRunner({ workflows: [wf] });
  const t0 = performance.now();
  const h = await runner.start(wf, undefined);
  const elapsed = await h.result();
  const realMs = performance.now() - t0;
  assert.is(elapsed, 30 * 86_400_000);
  assert.ok(realMs < 1000, `took ${realMs} ms`);
  const events = h.history();
  const span = (events.at(-1)?.eventTimestamp as number) - (events[0]?.eventTimestamp as number);
  assert.is(span, 30 * 86_400);
});

test("virtual clock is deterministic: two runs record identical histories", async () => {
  const wf = defineWorkflow({ name: "det", version: "1" }, function* () {
    yield* all([sleep("1h"), sleep("2h"), sleep(5)]);
    return (yield* now()).toISOString();
  });
  const histories = [];
  for (let i = 0; i < 2; i++) {
    const runner = new LocalRunner({ workflows: [wf] });
    const h = await runner.start(wf, undefined, { workflowId: "det" });
    await h.result();
    histories.push(h.exportHistory());
  }
  assert.is(histories[0], histories[1]);
});

test("timers with equal deadlines fire in the order they were started", async () => {
  const wf = defineWorkflow({ name: "ties", version: "1" }, function* () {
    yield* all([
      sleep(20),
      (function* () {
        yield* sleep(10);
        yield* sleep(10);
      })(),
      sleep(20),
    ]);
  });
  const runner = new LocalRunner({ workflows: [wf] });
  const h = await runner.start(wf, undefined);
  await h.result();
  const events = h.history();
  const startedAt = new Map<string, number>();
  const fired: string[] = [];
  for (const e of events) {
    if (e.eventType === "TimerStarted")
      startedAt.set(e.timerStartedEventAttributes?.timerId as string, e.eventId as number);
    if (e.eventType === "TimerFired") fired.push(e.timerFiredEventAttributes?.timerId as string);
  }
  // the three timers due at +20s: the two started first (at 0s) fire before the one started at +10s
  const last3 = fired.slice(-3);
  const order = last3.map((id) => startedAt.get(id) as number);
  assert.is(order.length, 3);
  assert.ok((order[0] as number) < (order[1] as number), `fired ${last3.join(", ")}`);
  assert.ok((order[1] as number) < (order[2] as number), `fired ${last3.join(", ")}`);
  const firedTimes = events.filter((e) => e.eventType === "TimerFired").map((e) => e.eventTimestamp);
  assert.equal(firedTimes.slice(-3), [firedTimes.at(-1), firedTimes.at(-1), firedTimes.at(-1)]);
});

test("time stands still until a result is awaited or advance() moves it", async () => {
  const wf = defineWorkflow({ name: "napper", version: "1" }, function* () {
    yield* sleep("1h");
    return "rested";
  });
  const clock = new VirtualClock(Date.UTC(2030, 0, 1));
  const runner = new LocalRunner({ workflows: [wf], clock });
  const h = await runner.start(wf, undefined);
  await runner.settle();
  assert.is(h.status().status, "OPEN");
  assert.is(h.status().open.timers, 1);
  assert.is(clock.now(), Date.UTC(2030, 0, 1));
  await runner.advance(30 * 60_000);
  assert.is(h.status().open.timers, 1);
  await runner.advance(30 * 60_000);
  assert.is(h.status().status, "COMPLETED");
  assert.is(clock.now(), Date.UTC(2030, 0, 1, 1));
  assert.is(await h.result(), "rested");
});

test("real clock waits for timers; on the virtual clock a hung activity still times out at the wall clock's pace", async () => {
  const wf = defineWorkflow({ name: "realnap", version: "1" }, function* (s: number) {
    yield* sleep(s);
    return s;
  });
  const hung = defineActivity<void, void>({ name: "hung", version: "1", timeouts: { startToClose: "1s" } });
  const stuck = defineWorkflow({ name: "stuck", version: "1" }, function* () {
    try {
      yield* activity(hung, undefined);
      return "finished";
    } catch (err) {
      return err instanceof TimeoutFailure ? err.timeoutType : "other";
    }
  });
  const real = new LocalRunner({ workflows: [wf], clock: "real" });
  const virtual = new LocalRunner({
    workflows: [stuck],
    activities: [
      implement(hung, (_, ctx) => new Promise((_r, reject) => ctx.signal.addEventListener("abort", reject))),
    ],
  });
  const t0 = performance.now();
  const [napped, timedOut] = await Promise.all([
    real.start(wf, 1).then((h) => h.result()),
    virtual.start(stuck, undefined).then((h) => h.result()),
  ]);
  const took = performance.now() - t0;
  assert.is(napped, 1);
  assert.is(timedOut, "START_TO_CLOSE");
  assert.ok(took >= 950 && took < 3000, `took ${took} ms`);
  const long = await real.start(wf, 3600);
  await real.advance(3_600_000);
  assert.is(await long.result(), 3600);
  real.close();
});

test.run();
