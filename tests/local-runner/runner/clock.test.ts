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
  await runner.idle();
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
  const hung = defineActivity<void, void>({
    taskList: "default",
    name: "hung",
    version: "1",
    timeouts: { startToClose: "1s" },
  });
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

test("virtual clock: activity code takes real time on the timeline, idle time is still skipped", async () => {
  const slow = defineActivity<number, number>({
    taskList: "default",
    name: "slow",
    version: "1",
    timeouts: { startToClose: "1s" },
  });
  const impl = implement(slow, (ms) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms)));
  const wf = defineWorkflow({ name: "work-then-wait", version: "1" }, function* () {
    const t0 = (yield* now()).getTime();
    yield* activity(slow, 150);
    const t1 = (yield* now()).getTime();
    yield* sleep("3d");
    const t2 = (yield* now()).getTime();
    try {
      yield* activity(slow, 1500); // longer than its 1 s startToClose: real time makes it time out
      return { worked: t1 - t0, slept: t2 - t1, late: "completed" };
    } catch (err) {
      return { worked: t1 - t0, slept: t2 - t1, late: err instanceof TimeoutFailure ? err.timeoutType : "other" };
    }
  });
  const started = performance.now();
  const runner = new LocalRunner({ workflows: [wf], activities: [impl] });
  const h = await runner.start(wf, undefined);
  const r = await h.result();
  const real = performance.now() - started;
  // lower bounds are the point (real time counted); upper bounds only rule out skipped time, and leave room for a
  // loaded machine. Lower bounds allow 10 ms: a timer may fire a millisecond early on the millisecond clock (seen: 149).
  assert.ok(r.worked >= 140 && r.worked < 5000, `the activity took ${r.worked} ms of workflow time`);
  assert.is(r.slept, 3 * 86_400_000);
  assert.is(r.late, "START_TO_CLOSE");
  assert.ok(real < 15_000, `took ${real} ms of real time`);
  const events = h.history();
  const at = (type: string, nth = 0) =>
    (events.filter((e) => e.eventType === type)[nth]?.eventTimestamp as number) * 1000;
  const activityMs = at("ActivityTaskCompleted") - at("ActivityTaskStarted");
  assert.ok(activityMs >= 140 && activityMs < 5000, `ActivityTaskStarted → Completed: ${activityMs} ms`);
  const timeoutMs = at("ActivityTaskTimedOut") - at("ActivityTaskStarted", 1);
  assert.ok(timeoutMs >= 990 && timeoutMs < 5000, `ActivityTaskStarted → TimedOut: ${timeoutMs} ms`);
});

test("fully virtual clock (activityTime: 'virtual'): activities take 0 ms and runs record identical histories", async () => {
  const slow = defineActivity<number, number>({ taskList: "default", name: "slow", version: "1" });
  const impl = implement(slow, (ms) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms)));
  const wf = defineWorkflow({ name: "frozen", version: "1" }, function* () {
    const t0 = (yield* now()).getTime();
    yield* activity(slow, 40);
    yield* activity(slow, 60);
    yield* sleep("1h");
    return (yield* now()).getTime() - t0;
  });
  const histories: string[] = [];
  for (let i = 0; i < 2; i++) {
    const clock = new VirtualClock(undefined, { activityTime: "virtual" });
    const runner = new LocalRunner({ workflows: [wf], activities: [impl], clock });
    const h = await runner.start(wf, undefined, { workflowId: "frozen" });
    assert.is(await h.result(), 3_600_000);
    histories.push(h.exportHistory());
    const stamps = h.history().map((e) => e.eventTimestamp as number);
    assert.is(stamps.filter((t) => t !== stamps[0]).length, 5, "only the timer's firing and what follows move time");
  }
  assert.is(histories[0], histories[1]);
});

test("VirtualClock: real time passes only while an activity runs, in whole milliseconds, never backwards", async () => {
  const clock = new VirtualClock(0);
  await new Promise((r) => setTimeout(r, 30));
  assert.is(clock.now(), 0, "idle: time stands still");
  clock.activityRunning(1);
  await new Promise((r) => setTimeout(r, 30));
  const busy = clock.now();
  assert.ok(busy >= 25 && busy < 10_000 && Number.isInteger(busy), `after 30 ms of activity: ${busy}`);
  clock.advanceTo(10); // behind: ignored
  assert.ok(clock.now() >= busy);
  clock.activityRunning(-1);
  const stopped = clock.now();
  await new Promise((r) => setTimeout(r, 30));
  assert.is(clock.now(), stopped, "idle again: time stands still");
  clock.advance(1000);
  assert.is(clock.now(), stopped + 1000);
});

test.run();
