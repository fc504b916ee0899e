import {
  CancelledFailure,
  cancel,
  defineActivity,
  defineWorkflow,
  implement,
  activity as run,
  signal,
  sleep,
  start,
  TimeoutFailure,
} from "@yieldflow/core";
import { LocalRunner, WorkflowExecutionError } from "@yieldflow/local-runner";
import { test } from "uvu";
import * as assert from "uvu/assert";

/** Resolves when `signal` aborts: an activity that hangs until the runner gives up on it. */
function hang(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
}

const work = defineActivity<void, string>({ taskList: "default", name: "work", version: "1" });

/** A workflow that runs `work` with the given timeouts and returns how it ended. */
const timed = defineWorkflow(
  { name: "timed", version: "1" },
  function* (t: { startToClose?: number; scheduleToClose?: number; heartbeat?: number; scheduleToStart?: number }) {
    try {
      return yield* run(work, undefined, { timeouts: t, taskList: "work" });
    } catch (err) {
      if (err instanceof TimeoutFailure) return `${err.timeoutType}:${err.lastHeartbeat ?? "-"}`;
      throw err;
    }
  },
);

function timedOutEvent(events: readonly Record<string, unknown>[]) {
  const e = events.find((x) => x.eventType === "ActivityTaskTimedOut");
  return e?.activityTaskTimedOutEventAttributes as { timeoutType: string; details?: string } | undefined;
}

test("START_TO_CLOSE: a hung activity times out (advance moves virtual time) and its signal aborts", async () => {
  let aborted = false;
  const impl = implement(work, async (_, ctx) => {
    ctx.signal.addEventListener("abort", () => {
      aborted = true;
    });
    return hang(ctx.signal);
  });
  const runner = new LocalRunner({ workflows: [timed], activities: [impl] });
  const h = await runner.start(timed, { startToClose: 10 });
  await runner.advance(10_000);
  assert.is(await h.result(), "START_TO_CLOSE:-");
  assert.ok(aborted);
  const events = h.history() as Record<string, unknown>[];
  assert.is(timedOutEvent(events)?.timeoutType, "START_TO_CLOSE");
  const started = events.find((e) => e.eventType === "ActivityTaskStarted");
  const timedOut = events.find((e) => e.eventType === "ActivityTaskTimedOut");
  // the activity ran (hung) for real until its deadline, and the clock let that real time pass: the timeout is
  // recorded at the deadline, give or take the milliseconds the runner took to notice
  const took = (timedOut?.eventTimestamp as number) - (started?.eventTimestamp as number);
  assert.ok(took >= 10 && took < 12, `timed out after ${took} s`);
});

test("HEARTBEAT: heartbeats reset the timer; the last details are recorded when it runs out", async () => {
  const impl = implement(work, async (_, ctx) => {
    await ctx.heartbeat({ step: 1 });
    return hang(ctx.signal);
  });
  const runner = new LocalRunner({ workflows: [timed], activities: [impl] });
  const h = await runner.start(timed, { heartbeat: 5, startToClose: 60 });
  await runner.advance(4_000);
  assert.is(h.status().open.activities, 1, "not timed out after 4s");
  await runner.advance(1_000);
  assert.is(await h.result(), 'HEARTBEAT:{"step":1}');
  assert.equal(timedOutEvent(h.history() as Record<string, unknown>[]), {
    timeoutType: "HEARTBEAT",
    scheduledEventId: 5,
    startedEventId: 6,
    details: '{"step":1}',
  });
});

test("SCHEDULE_TO_CLOSE: counts from scheduling, before start-to-close", async () => {
  const impl = implement(work, async (_, ctx) => hang(ctx.signal));
  const runner = new LocalRunner({ workflows: [timed], activities: [impl] });
  const h = await runner.start(timed, { scheduleToClose: 3, startToClose: 10 });
  await runner.advance(3_000);
  assert.is(await h.result(), "SCHEDULE_TO_CLOSE:-");
});

test("SCHEDULE_TO_START: a task list nobody serves here times out, skipping virtual time", async () => {
  const runner = new LocalRunner({
    workflows: [timed],
    activityTypes: [work],
    activityTaskLists: ["default"],
  });
  const t0 = Date.now();
  const h = await runner.start(timed, { scheduleToStart: 3600 });
  assert.is(await h.result(), "SCHEDULE_TO_START:-");
  assert.ok(Date.now() - t0 < 1000);
  const events = h.history() as Record<string, unknown>[];
  assert.not.ok(events.some((e) => e.eventType === "ActivityTaskStarted"));
  assert.is(timedOutEvent(events)?.timeoutType, "SCHEDULE_TO_START");
  assert.equal(runner.queuedActivities(), []);
});

test("heartbeat cancellation: RequestCancelActivityTask → heartbeat returns true, signal aborts → ActivityTaskCanceled", async () => {
  const seen: string[] = [];
  const impl = implement(work, async (_, ctx) => {
    for (let i = 0; ; i++) {
      if (await ctx.heartbeat(i)) {
        seen.push(`cancel seen, aborted=${ctx.signal.aborted}`);
        throw new Error("stopping as asked");
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  });
  const wf = defineWorkflow({ name: "canceller", version: "1" }, function* () {
    const h = yield* start(run(work, undefined, { timeouts: { heartbeat: 60 } }));
    yield* signal("stop");
    yield* cancel(h);
    let outcome = "completed";
    try {
      yield* h;
    } catch (err) {
      outcome = err instanceof CancelledFailure ? "cancelled" : "other";
    }
    // core settles a cancelled handle at once; stay open so the activity's acknowledgement is recorded
    yield* sleep(1);
    return outcome;
  });
  const runner = new LocalRunner({ workflows: [wf], activities: [impl] });
  const h = await runner.start(wf, undefined);
  await runner.advance(0);
  assert.is(h.status().open.activities, 1);
  await h.signal("stop");
  assert.is(await h.result(), "cancelled");
  assert.equal(seen, ["cancel seen, aborted=true"]);
  const t = h.history().map((e) => e.eventType);
  assert.ok(t.indexOf("ActivityTaskCancelRequested") < t.indexOf("ActivityTaskCanceled"));
});

test("executionStartToClose: the workflow times out; result() rejects with TIMED_OUT", async () => {
  const wf = defineWorkflow(
    { name: "slowpoke", version: "1", timeouts: { executionStartToClose: "1h" } },
    function* () {
      yield* sleep("2h");
      return "late";
    },
  );
  const runner = new LocalRunner({ workflows: [wf] });
  const h = await runner.start(wf, undefined);
  try {
    await h.result();
    assert.unreachable();
  } catch (err) {
    assert.instance(err, WorkflowExecutionError);
    assert.is((err as WorkflowExecutionError).closeStatus, "TIMED_OUT");
  }
  const last = h.history().at(-1);
  assert.is(last?.eventType, "WorkflowExecutionTimedOut");
  assert.is((last?.eventTimestamp as number) - (h.history()[0]?.eventTimestamp as number), 3600);
});

test("cancel request aborts the signal without a heartbeat; returning afterwards also records ActivityTaskCanceled", async () => {
  const impl = implement(work, async (_, ctx) => {
    await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
    return "partial";
  });
  const wf = defineWorkflow({ name: "stopper", version: "1" }, function* () {
    const h = yield* start(run(work, undefined));
    yield* signal("stop");
    yield* cancel(h);
    yield* sleep(1);
    return "done";
  });
  const runner = new LocalRunner({ workflows: [wf], activities: [impl] });
  const h = await runner.start(wf, undefined);
  await runner.advance(0);
  await h.signal("stop");
  assert.is(await h.result(), "done");
  const canceled = h.history().find((e) => e.eventType === "ActivityTaskCanceled");
  assert.is(canceled?.activityTaskCanceledEventAttributes?.details, '"partial"');
  assert.not.ok(h.history().some((e) => e.eventType === "ActivityTaskCompleted"));
});

test.run();
