import {
  type ActivityContext,
  ActivityFailure,
  activity,
  all,
  decide,
  defineActivity,
  defineWorkflow,
  implement,
  retry,
  ScheduleFailure,
  sleep,
  WorkflowTaskError,
} from "@yieldflow/core";
import { LocalRunner, WorkflowExecutionError } from "@yieldflow/local-runner";
import { test } from "uvu";
import * as assert from "uvu/assert";

const double = defineActivity<number, number>({
  taskList: "default",
  name: "double",
  version: "1",
  timeouts: { startToClose: "10s" },
});
const boom = defineActivity<string, never>({ taskList: "default", name: "boom", version: "1" });
const doubleImpl = implement(double, async (n) => n * 2);
const boomImpl = implement(boom, async (msg) => {
  const err = new Error(msg);
  err.name = "BoomError";
  throw err;
});

function types(events: readonly { eventType?: string }[]): string[] {
  return events.map((e) => e.eventType as string);
}

test("runs a workflow with an activity and a timer; records a real SWF history", async () => {
  const wf = defineWorkflow({ name: "basic", version: "1" }, function* (n: number) {
    const d = yield* activity(double, n);
    yield* sleep("1h");
    return d + 1;
  });
  const runner = new LocalRunner({ workflows: [wf], activities: [doubleImpl] });
  const h = await runner.start(wf, 20, { workflowId: "basic-1" });
  assert.is(await h.result(), 41);
  assert.is(h.workflowId, "basic-1");
  assert.ok(h.runId.length > 0 && h.runId.length <= 64);
  const events = h.history();
  assert.equal(types(events), [
    "WorkflowExecutionStarted",
    "DecisionTaskScheduled",
    "DecisionTaskStarted",
    "DecisionTaskCompleted",
    "ActivityTaskScheduled",
    "ActivityTaskStarted",
    "ActivityTaskCompleted",
    "DecisionTaskScheduled",
    "DecisionTaskStarted",
    "DecisionTaskCompleted",
    "TimerStarted",
    "TimerFired",
    "DecisionTaskScheduled",
    "DecisionTaskStarted",
    "DecisionTaskCompleted",
    "WorkflowExecutionCompleted",
  ]);
  assert.equal(
    events.map((e) => e.eventId),
    events.map((_, i) => i + 1),
  );
  const fired = events.find((e) => e.eventType === "TimerFired");
  const started = events.find((e) => e.eventType === "TimerStarted");
  assert.is((fired?.eventTimestamp as number) - (started?.eventTimestamp as number), 3600);
  assert.is(h.status().status, "COMPLETED");
});

test("exportHistory is GetWorkflowExecutionHistory JSON and replays with core's decide", async () => {
  const wf = defineWorkflow({ name: "exported", version: "1" }, function* () {
    const [a, b] = yield* all([activity(double, 1), activity(double, 2)]);
    yield* sleep(60);
    return a + b;
  });
  const runner = new LocalRunner({ workflows: [wf], activities: [doubleImpl] });
  const h = await runner.start(wf, undefined);
  assert.is(await h.result(), 6);
  const parsed = JSON.parse(h.exportHistory()) as { events: unknown[] };
  assert.equal(Object.keys(parsed), ["events"]);
  assert.ok(Array.isArray(parsed.events));
  for (const e of parsed.events as Record<string, unknown>[]) {
    assert.type(e.eventTimestamp, "number");
    assert.type(e.eventId, "number");
  }
  const replayed = decide(wf, parsed.events, { workflowId: h.workflowId, runId: h.runId });
  assert.equal(replayed.status, { status: "completed", result: 6 });
  assert.equal(replayed.decisions, []);
});

test("activities run in parallel, bounded by maxConcurrentActivities", async () => {
  for (const [max, expected] of [
    [10, 3],
    [1, 1],
  ] as const) {
    let running = 0;
    let peak = 0;
    const slow = implement(double, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return n * 2;
    });
    const wf = defineWorkflow({ name: "fanout", version: "1" }, function* () {
      return yield* all([activity(double, 1), activity(double, 2), activity(double, 3)]);
    });
    const runner = new LocalRunner({ workflows: [wf], activities: [slow], maxConcurrentActivities: max });
    const h = await runner.start(wf, undefined);
    assert.equal(await h.result(), [2, 4, 6]);
    assert.is(peak, expected, `peak concurrency with max ${max}`);
  }
});

test("an activity failure reaches workflow code as ActivityFailure; uncaught, it fails the workflow", async () => {
  const caught = defineWorkflow({ name: "caught", version: "1" }, function* () {
    try {
      yield* activity(boom, "no luck");
      return "unreachable";
    } catch (err) {
      return err instanceof ActivityFailure ? `${err.reason}: ${err.error.message}` : "other";
    }
  });
  const uncaught = defineWorkflow({ name: "uncaught", version: "1" }, function* () {
    yield* activity(boom, "fatal");
  });
  const runner = new LocalRunner({ workflows: [caught, uncaught], activities: [boomImpl] });
  assert.is(await (await runner.start(caught, undefined)).result(), "BoomError: no luck");
  const h = await runner.start(uncaught, undefined);
  try {
    await h.result();
    assert.unreachable("should have failed");
  } catch (err) {
    assert.instance(err, WorkflowExecutionError);
    const e = err as WorkflowExecutionError;
    assert.is(e.code, "YF_WORKFLOW_FAILED");
    assert.is(e.closeStatus, "FAILED");
    assert.is(e.workflowId, h.workflowId);
    assert.is(e.error?.message.includes("fatal"), true);
  }
  const failed = h.history().find((e) => e.eventType === "ActivityTaskFailed");
  assert.is(failed?.activityTaskFailedEventAttributes?.reason, "BoomError");
  assert.is(h.status().status, "FAILED");
});

test("retried activities: failures, durable backoff timers, then success", async () => {
  let calls = 0;
  const flaky = implement(double, async (n) => {
    calls++;
    if (calls < 3) throw new Error(`attempt ${calls} failed`);
    return n * 2;
  });
  const wf = defineWorkflow({ name: "retrying", version: "1" }, function* () {
    return yield* retry(activity(double, 5), { maximumAttempts: 5, initialInterval: "10s" });
  });
  const runner = new LocalRunner({ workflows: [wf], activities: [flaky] });
  const h = await runner.start(wf, undefined);
  assert.is(await h.result(), 10);
  const t = types(h.history());
  assert.is(t.filter((x) => x === "ActivityTaskScheduled").length, 3);
  assert.is(t.filter((x) => x === "ActivityTaskFailed").length, 2);
  assert.is(t.filter((x) => x === "TimerFired").length, 2);
});

test("an unregistered activity type → ScheduleActivityTaskFailed → ScheduleFailure in workflow code", async () => {
  const ghost = defineActivity<void, void>({ taskList: "default", name: "ghost", version: "1" });
  const wf = defineWorkflow({ name: "ghostly", version: "1" }, function* () {
    try {
      yield* activity(ghost, undefined);
      return "scheduled?";
    } catch (err) {
      return err instanceof ScheduleFailure ? err.cause : "other";
    }
  });
  const runner = new LocalRunner({ workflows: [wf], activities: [doubleImpl] });
  const h = await runner.start(wf, undefined);
  assert.is(await h.result(), "ACTIVITY_TYPE_DOES_NOT_EXIST");
  const failed = h.history().find((e) => e.eventType === "ScheduleActivityTaskFailed");
  assert.is(failed?.scheduleActivityTaskFailedEventAttributes?.cause, "ACTIVITY_TYPE_DOES_NOT_EXIST");
});

test("stubs replace implementations by activity type name", async () => {
  const wf = defineWorkflow({ name: "stubbed", version: "1" }, function* () {
    return yield* activity(double, 4);
  });
  const stub = implement(
    defineActivity<number, number>({ taskList: "default", name: "double", version: "2" }),
    async (n) => n * 100,
  );
  const runner = new LocalRunner({ workflows: [wf], activities: [doubleImpl], stubs: [stub] });
  assert.is(await (await runner.start(wf, undefined)).result(), 400);
});

test("the activity context carries ids; the input and result go through JSON", async () => {
  let seen: ActivityContext | undefined;
  const echo = defineActivity<{ a: number[] }, { b: string }>({ taskList: "default", name: "echo", version: "1" });
  const wf = defineWorkflow({ name: "echoing", version: "1" }, function* () {
    return yield* activity(echo, { a: [1, 2] });
  });
  const runner = new LocalRunner({
    workflows: [wf],
    activities: [
      implement(echo, (input, ctx) => {
        seen = ctx;
        return { b: JSON.stringify(input) };
      }),
    ],
  });
  const h = await runner.start(wf, undefined, { workflowId: "echo-1" });
  assert.equal(await h.result(), { b: '{"a":[1,2]}' });
  assert.is(seen?.workflowExecution.workflowId, "echo-1");
  assert.is(seen?.workflowExecution.runId, h.runId);
  assert.equal(seen?.activityType, { name: "echo", version: "1" });
  assert.is(seen?.signal.aborted, false);
});

test("a workflow that throws a plain Error: DecisionTaskTimedOut recorded, result() rejects, run stays open", async () => {
  const buggy = defineWorkflow({ name: "buggy", version: "1" }, function* () {
    yield* sleep(1);
    throw new TypeError("x is undefined");
  });
  const runner = new LocalRunner({ workflows: [buggy] });
  const notices: string[] = [];
  runner.onEvent((e) => {
    if (e.kind === "decisionTaskFailed") notices.push(`${e.attempt}/${e.maxAttempts} retry=${e.willRetry}`);
  });
  const h = await runner.start(buggy, undefined);
  try {
    await h.result();
    assert.unreachable("should have rejected");
  } catch (err) {
    assert.instance(err, WorkflowTaskError);
    assert.is((err as WorkflowTaskError).code, "YF_WORKFLOW_TASK");
  }
  assert.equal(notices, ["1/1 retry=false"]);
  const t = types(h.history());
  assert.ok(t.includes("DecisionTaskTimedOut"));
  const status = h.status();
  assert.is(status.status, "OPEN");
  assert.is(status.stuck?.attempts, 1);
  // the stuck run can still be terminated
  await h.terminate("stuck");
  assert.is(h.status().status, "TERMINATED");
});

test("progress listener sees every recorded event with its execution", async () => {
  const wf = defineWorkflow({ name: "listened", version: "1" }, function* () {
    return yield* activity(double, 1);
  });
  const runner = new LocalRunner({ workflows: [wf], activities: [doubleImpl] });
  const seen: string[] = [];
  const off = runner.onEvent((e) => {
    if (e.kind === "event") seen.push(`${e.workflowId}:${e.eventId}:${e.eventType}`);
  });
  const h = await runner.start(wf, undefined, { workflowId: "w" });
  await h.result();
  off();
  assert.equal(
    seen,
    h.history().map((e) => `w:${e.eventId}:${e.eventType}`),
  );
});

test("start rejects a workflow id that is already open", async () => {
  const wf = defineWorkflow({ name: "waiter", version: "1" }, function* () {
    yield* sleep("1d");
  });
  const runner = new LocalRunner({ workflows: [wf] });
  await runner.start(wf, undefined, { workflowId: "same" });
  try {
    await runner.start(wf, undefined, { workflowId: "same" });
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, "YF_WORKFLOW_ALREADY_STARTED");
  }
});

test("decisionTaskAttempts: a failing decision task is retried after taskStartToClose, then the run is stuck", async () => {
  let calls = 0;
  const flaky = defineWorkflow({ name: "flakyDecider", version: "1" }, function* () {
    calls++;
    if (calls < 100) throw new Error(`bug #${calls}`);
    yield* sleep(1);
  });
  const runner = new LocalRunner({ workflows: [flaky], decisionTaskAttempts: 2 });
  const notices: string[] = [];
  runner.onEvent((e) => {
    if (e.kind === "decisionTaskFailed") notices.push(`${e.attempt}/${e.maxAttempts} retry=${e.willRetry}`);
  });
  const h = await runner.start(flaky, undefined, { timeouts: { taskStartToClose: "10s" } });
  try {
    await h.result();
    assert.unreachable();
  } catch (err) {
    assert.instance(err, WorkflowTaskError);
    assert.match((err as Error).message, /bug #2/);
  }
  assert.equal(notices, ["1/2 retry=true", "2/2 retry=false"]);
  const timedOut = h.history().filter((e) => e.eventType === "DecisionTaskTimedOut");
  assert.is(timedOut.length, 2);
  assert.is((timedOut[1]?.eventTimestamp as number) - (timedOut[0]?.eventTimestamp as number), 10);
});

test.run();
