/**
 * How a workflow ends (complete, fail, task error, continue-as-new, UNHANDLED_DECISION), versioning with patches,
 * decision-task time-outs, and the deterministic helpers (now, random, uuid, workflowInfo, log).
 */
import {
  ApplicationFailure,
  activity,
  all,
  continueAsNew,
  decide,
  defineActivity,
  defineWorkflow,
  deprecatePatch,
  type EffectRequest,
  type HistoryEvent,
  InvalidArgumentError,
  log,
  NondeterminismError,
  now,
  patched,
  random,
  signal,
  sleep,
  start,
  uuid,
  WorkflowTaskError,
  workflowInfo,
} from "@yieldflow/core";
import { checkReplay, HistoryBuilder, simulate } from "@yieldflow/core/testing";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { attrs, Driver, only, resultOf, thrown, types } from "../support.ts";

const act = defineActivity<string, string>({ name: "act", version: "1" });

// ─── closing ────────────────────────────────────────────────────────────────────────────────────────────────────

const close = suite("closing decisions");

close("a workflow that returns → CompleteWorkflowExecution, last, after the commands of the same task", () => {
  const wf = defineWorkflow({ name: "ret", version: "1" }, function* () {
    yield* start(activity(act, "fire-and-forget"));
    return { n: 1 };
  });
  const r = new Driver(wf).decide();
  assert.equal(types(r.decisions), ["ScheduleActivityTask", "CompleteWorkflowExecution"]);
  assert.equal(attrs(r.decisions[1]), { result: '{"n":1}' });
  assert.equal(r.status, { status: "completed", result: { n: 1 } });
});

close("returning undefined → CompleteWorkflowExecution without a result field", () => {
  const wf = defineWorkflow({ name: "ret-void", version: "1" }, function* () {
    yield* sleep(0);
  });
  const d = new Driver(wf);
  d.decide();
  d.b.timerFired("timer-1");
  const r = d.decide();
  assert.equal(r.decisions, [
    { decisionType: "CompleteWorkflowExecution", completeWorkflowExecutionDecisionAttributes: {} },
  ]);
});

close("throwing ApplicationFailure → FailWorkflowExecution with reason = type and JSON details", () => {
  const wf = defineWorkflow({ name: "app-fail", version: "1" }, function* (sku: string) {
    yield* sleep(1);
    throw new ApplicationFailure("OutOfStock", `item ${sku} is out of stock`, { sku });
  });
  const d = new Driver(wf, "sku-9");
  d.decide();
  d.b.timerFired("timer-1");
  const r = d.decide();
  assert.equal(types(r.decisions), ["FailWorkflowExecution"]);
  const a = only(r.decisions, "FailWorkflowExecution");
  assert.is(a.reason, "OutOfStock");
  const details = JSON.parse(a.details as string) as Record<string, unknown>;
  assert.is(details.name, "OutOfStock");
  assert.is(details.message, "item sku-9 is out of stock");
  assert.equal(details.details, { sku: "sku-9" });
  assert.is(r.status.status, "failed");
  assert.is((r.status as { reason: string }).reason, "OutOfStock");
  assert.is(d.b.closedBy, "WorkflowExecutionFailed");
});

close("a failure reason longer than 256 characters is shortened to a valid SWF reason", () => {
  const wf = defineWorkflow({ name: "long-reason", version: "1" }, function* () {
    yield* sleep(1);
    throw new ApplicationFailure("R".repeat(300), "m");
  });
  const d = new Driver(wf);
  d.decide();
  d.b.timerFired("timer-1");
  const reason = only(d.decide().decisions, "FailWorkflowExecution").reason as string;
  assert.ok(reason.length <= 256, `${reason.length}`);
  assert.ok(reason.startsWith("RRRR"));
});

close("the failure details are the same on every replay (no stack trace from the replaying code path)", () => {
  const wf = defineWorkflow({ name: "stable-details", version: "1" }, function* () {
    yield* sleep(1);
    throw new ApplicationFailure("Bad", "bad");
  });
  const d = new Driver(wf);
  d.decide();
  d.b.timerFired("timer-1");
  const first = d.decideOpen().decisions;
  const again = decide(wf, d.events, d.options).decisions;
  assert.equal(again, first);
});

for (const [label, thrownValue] of [
  ["a plain Error", () => new Error("oops")],
  ["a TypeError", () => new TypeError("x is not a function")],
  ["a string", () => "just a string"],
] as const) {
  close(`throwing ${label} → decide throws WorkflowTaskError (YF_WORKFLOW_TASK); the workflow is not failed`, () => {
    const wf = defineWorkflow({ name: "bug", version: "1" }, function* () {
      yield* sleep(1);
      throw thrownValue();
    });
    const d = new Driver(wf, undefined, { runId: "run-42" });
    d.decide();
    d.b.timerFired("timer-1");
    d.b.startDecisionTask();
    const err = thrown(() => decide(wf, d.events, d.options));
    assert.instance(err, WorkflowTaskError);
    const e = err as WorkflowTaskError;
    assert.is(e.code, "YF_WORKFLOW_TASK");
    assert.is(e.eventId, d.events.length, "the DecisionTaskStarted of the task during which it threw");
    assert.is(e.workflowType, "bug");
    assert.is(e.runId, "run-42");
    assert.match(e.message, "ApplicationFailure");
    if (typeof e.cause === "object") assert.instance(e.cause, Error);
    else assert.is(e.cause, "just a string");
  });
}

close("a plain Error thrown synchronously at the start of the body is a task error too", () => {
  const wf = defineWorkflow({ name: "bug-start", version: "1" }, function* (n: number) {
    if (n > 0) throw new RangeError("n too big");
    yield* sleep(1);
  });
  const err = thrown(() => new Driver(wf, 5).decideOpen()) as WorkflowTaskError;
  assert.is(err.code, "YF_WORKFLOW_TASK");
  assert.is(err.eventId, 3);
});

close("a body that is not a generator function → InvalidArgumentError from defineWorkflow, at once", () => {
  const err = thrown(() => defineWorkflow({ name: "not-gen", version: "1" }, (() => 42) as never));
  assert.instance(err, InvalidArgumentError);
});

for (const [closing, failedEvent, expected] of [
  ["complete", "CompleteWorkflowExecutionFailed", "CompleteWorkflowExecution"],
  ["fail", "FailWorkflowExecutionFailed", "FailWorkflowExecution"],
  ["continue", "ContinueAsNewWorkflowExecutionFailed", "ContinueAsNewWorkflowExecution"],
] as const) {
  close(`${failedEvent} (UNHANDLED_DECISION) → the close is decided again in the next task`, () => {
    const wf = defineWorkflow({ name: `unhandled-${closing}`, version: "1" }, function* () {
      yield* sleep(1);
      if (closing === "fail") throw new ApplicationFailure("Nope", "nope");
      if (closing === "continue") yield* continueAsNew("next");
      return "done";
    });
    const d = new Driver(wf);
    d.decide();
    d.b.timerFired("timer-1");
    const r1 = d.decideOpen();
    assert.is(r1.decisions.at(-1)?.decisionType, expected);
    d.b.signal("late", '"x"'); // arrives while the decision task is being decided
    d.b.completeDecisionTask(r1.decisions);
    assert.is(d.events.at(-2)?.eventType, failedEvent);
    const r2 = d.decide();
    assert.equal(types(r2.decisions), [expected]);
    assert.equal(r2.decisions, r1.decisions);
    assert.ok(
      r2.warnings.some((w) => w.includes("late")),
      "the unconsumed signal is reported",
    );
    assert.ok(d.b.closedBy, "closed on the second attempt");
  });
}

close("CancelWorkflowExecutionFailed (UNHANDLED_DECISION) → CancelWorkflowExecution is decided again", () => {
  const wf = defineWorkflow({ name: "unhandled-cancel", version: "1" }, function* () {
    yield* sleep("1d");
  });
  const d = new Driver(wf);
  d.decide();
  d.b.cancelRequested();
  const r1 = d.decideOpen();
  assert.equal(types(r1.decisions), ["CancelTimer", "CancelWorkflowExecution"]);
  d.b.signal("late");
  d.b.completeDecisionTask(r1.decisions);
  assert.is(d.events.at(-2)?.eventType, "CancelWorkflowExecutionFailed");
  const r2 = d.decide();
  assert.equal(types(r2.decisions), ["CancelWorkflowExecution"]);
  assert.is(d.b.closedBy, "WorkflowExecutionCanceled");
});

close("ContinueAsNewWorkflowExecutionFailed with a permanent cause → FailWorkflowExecution", () => {
  const wf = defineWorkflow({ name: "can-fail", version: "1" }, function* () {
    yield* continueAsNew(1);
  });
  const d = new Driver(wf);
  const { completedEventId } = d.decideAndRecord(() => false);
  d.b.add("ContinueAsNewWorkflowExecutionFailed", {
    cause: "WORKFLOW_TYPE_DEPRECATED",
    decisionTaskCompletedEventId: completedEventId,
  });
  d.b.scheduleDecisionTask();
  const r = d.decide();
  const a = only(r.decisions, "FailWorkflowExecution");
  assert.is(a.reason, "ContinueAsNewFailed");
  assert.match(a.details as string, "WORKFLOW_TYPE_DEPRECATED");
  assert.is(r.status.status, "failed");
});

close("continueAsNew → ContinueAsNewWorkflowExecution with input and options; nothing after it runs", () => {
  let after = false;
  const wf = defineWorkflow({ name: "can", version: "1" }, function* (cursor: number) {
    yield* sleep(1);
    yield* continueAsNew(cursor + 10, {
      workflowTypeVersion: "2",
      taskList: "next-tl",
      timeouts: { executionStartToClose: "1d", taskStartToClose: "1m" },
      childPolicy: "ABANDON",
      tagList: ["t1"],
    });
    after = true;
  });
  const d = new Driver(wf, 5);
  d.decide();
  d.b.timerFired("timer-1");
  const r = d.decide();
  assert.equal(r.decisions, [
    {
      decisionType: "ContinueAsNewWorkflowExecution",
      continueAsNewWorkflowExecutionDecisionAttributes: {
        input: "15",
        workflowTypeVersion: "2",
        taskList: { name: "next-tl" },
        executionStartToCloseTimeout: "86400",
        taskStartToCloseTimeout: "60",
        childPolicy: "ABANDON",
        tagList: ["t1"],
      },
    },
  ]);
  assert.equal(r.status, { status: "continuedAsNew", input: 15 });
  assert.is(after, false);
  assert.is(d.b.closedBy, "WorkflowExecutionContinuedAsNew");
});

close("the closing decision waits while commands are held back (open-activity limit) and goes out last", () => {
  const wf = defineWorkflow({ name: "close-held", version: "1" }, function* () {
    for (let i = 0; i < 3; i++) yield* start(activity(act, `a${i}`));
    return "done";
  });
  const r = new Driver(wf, undefined, { maxDecisionsPerResponse: 3 }).decideOpen();
  // 2 commands fit (one slot is kept for the wake-up timer), the third and the close wait
  assert.equal(types(r.decisions), ["ScheduleActivityTask", "ScheduleActivityTask", "StartTimer"]);
  assert.is(attrs(r.decisions[2]).startToFireTimeout, "0");
});

close("a plain Error thrown inside a concurrent branch is a task error too", () => {
  function* branch(): Generator<EffectRequest, void, unknown> {
    yield* sleep(1);
    throw new TypeError("oops in a branch");
  }
  const wf = defineWorkflow({ name: "branch-bug", version: "1" }, function* () {
    yield* all([branch(), sleep(5)]);
  });
  const d = new Driver(wf);
  const t = d.decide().decisions.find((x) => attrs(x).startToFireTimeout === "1");
  d.b.timerFired(attrs(t).timerId as string);
  const err = thrown(() => d.decideOpen()) as WorkflowTaskError;
  assert.instance(err, WorkflowTaskError);
  assert.match(err.message, "oops in a branch");
});

close.run();

// ─── versioning ─────────────────────────────────────────────────────────────────────────────────────────────────

const notify = defineActivity<string, void>({ name: "sendEmail", version: "1" });
const sms = defineActivity<string, void>({ name: "sendSms", version: "1" });

const v1 = defineWorkflow({ name: "notify", version: "1" }, function* (user: string) {
  yield* activity(notify, user);
  yield* sleep(60);
  yield* activity(notify, user);
  return "v1";
});
const v2 = defineWorkflow({ name: "notify", version: "1" }, function* (user: string) {
  yield* activity(notify, user);
  yield* sleep(60);
  if (yield* patched("use-sms")) {
    yield* activity(sms, user);
    return "v2-sms";
  }
  yield* activity(notify, user);
  return "v2-email";
});
const v3 = defineWorkflow({ name: "notify", version: "1" }, function* (user: string) {
  yield* activity(notify, user);
  yield* sleep(60);
  yield* deprecatePatch("use-sms");
  yield* activity(sms, user);
  return "v3";
});
const v4 = defineWorkflow({ name: "notify", version: "1" }, function* (user: string) {
  yield* activity(notify, user);
  yield* sleep(60);
  yield* activity(sms, user);
  return "v4";
});

/** Runs `wf` to completion, every activity completing at once; returns the driver. */
function runToEnd(wf: typeof v1): Driver {
  const d = new Driver(wf, "ann");
  for (let i = 0; i < 20 && !d.b.closedBy; i++) {
    d.decide();
    const act1 = d.b.activities.keys().next().value;
    if (act1) d.b.activityCompleted(act1);
    else {
      const timer = d.b.timers.keys().next().value;
      if (timer) d.b.timerFired(timer);
    }
  }
  assert.ok(d.b.closedBy, "ran to the end");
  return d;
}

const version = suite("patched / deprecatePatch");

version("a new execution records marker patch.<id> and takes the new path", () => {
  const d = runToEnd(v2);
  const markers = d.events.filter((e) => e.eventType === "MarkerRecorded");
  assert.equal(
    markers.map((e) => e.markerRecordedEventAttributes?.markerName),
    ["patch.use-sms"],
  );
  assert.ok(
    d.events.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === "sendSms"),
    "took the new path",
  );
  assert.equal(d.last?.status, { status: "completed", result: "v2-sms" });
});

version("patch ids do not shift the ids of other effects (adding patched() to a running workflow is safe)", () => {
  const old = runToEnd(v1);
  const patchedRun = runToEnd(v2);
  const ids = (d: Driver) =>
    d.events.flatMap((e) =>
      [e.activityTaskScheduledEventAttributes?.activityId ?? e.timerStartedEventAttributes?.timerId ?? []].flat(),
    );
  assert.equal(ids(patchedRun), ids(old));
});

version(
  "a running old execution reaching patched() live (not replaying) records the marker and takes the new path",
  () => {
    const d = new Driver(v1, "ann");
    d.decide();
    d.b.activityCompleted("activity-1");
    d.decide();
    d.b.timerFired("timer-2");
    d.b.startDecisionTask();
    const r = decide(v2, d.events, d.options);
    assert.equal(types(r.decisions), ["RecordMarker", "ScheduleActivityTask"]);
    assert.equal(attrs(r.decisions[0]), { markerName: "patch.use-sms" });
    assert.is((attrs(r.decisions[1]).activityType as { name: string }).name, "sendSms");
  },
);

version("an old history without the marker replays with patched() = false (the old path, no divergence)", () => {
  const old = runToEnd(v1);
  const r = decide(v2, old.events, old.options);
  assert.equal(r.decisions, []);
  assert.equal(r.status, { status: "completed", result: "v2-email" }, "replayed through the old path");
  // and part-way: the history up to the old path's activity being scheduled replays too
  const cut = old.events.findIndex((e) => e.eventType === "ActivityTaskScheduled" && (e.eventId ?? 0) > 6);
  const prefix = old.events.slice(0, cut + 1);
  assert.is(prefix.at(-1)?.activityTaskScheduledEventAttributes?.activityType?.name, "sendEmail");
  assert.equal(decide(v2, prefix, old.options).status, { status: "running" });
});

version("the patched history replays under deprecatePatch, and after removing the call altogether", () => {
  const d = runToEnd(v2);
  const r3 = decide(v3, d.events, d.options);
  assert.equal(r3.status, { status: "completed", result: "v3" });
  const r4 = decide(v4, d.events, d.options);
  assert.equal(r4.status, { status: "completed", result: "v4" });
});

version("deprecatePatch on a new execution records the marker (so older code can still replay it)", () => {
  const d = runToEnd(v3);
  assert.ok(d.events.some((e) => e.markerRecordedEventAttributes?.markerName === "patch.use-sms"));
  const r2 = decide(v2, d.events, d.options);
  assert.equal(r2.status, { status: "completed", result: "v2-sms" });
});

version("an old (unpatched) history under deprecatePatch code is a NondeterminismError: the old path is gone", () => {
  const old = runToEnd(v1);
  const err = thrown(() => decide(v3, old.events, old.options));
  assert.instance(err, NondeterminismError);
});

version("patched() is fixed per execution and patch id: asking twice gives the same answer, one marker", () => {
  const wf = defineWorkflow({ name: "twice", version: "1" }, function* () {
    const a = yield* patched("p");
    yield* sleep(1);
    const b = yield* patched("p");
    return [a, b];
  });
  const d = new Driver(wf);
  const r1 = d.decide();
  assert.equal(types(r1.decisions), ["RecordMarker", "StartTimer"]);
  assert.equal(attrs(r1.decisions[0]), { markerName: "patch.p" });
  d.b.timerFired(attrs(r1.decisions[1]).timerId as string);
  const r2 = d.decide();
  assert.equal(types(r2.decisions), ["CompleteWorkflowExecution"]);
  assert.equal(resultOf(r2.decisions), [true, true]);
});

version.run();

// ─── decision-task time-outs and timestamps ──────────────────────────────────────────────────────────────────────

const tasks = suite("decision tasks and time");

tasks("DecisionTaskTimedOut: its events are shown to the next decision task, which decides the same", () => {
  const wf = defineWorkflow({ name: "dtto", version: "1" }, function* () {
    const a = yield* activity(act, "a");
    const s = yield* signal<string>("go");
    return [a, s];
  });
  const d = new Driver(wf);
  d.decide();
  d.b.activityCompleted("activity-1", '"A"');
  d.b.signal("go", '"G"');
  d.b.startDecisionTask();
  const lost = decide(wf, d.events, d.options).decisions; // decided, but too late
  d.b.timeOutDecisionTask();
  const r = d.decide();
  assert.equal(r.decisions, lost);
  assert.equal(resultOf(r.decisions), ["A", "G"]);
});

tasks("DecisionTaskTimedOut followed by new events: the next task sees old and new inputs in history order", () => {
  const wf = defineWorkflow({ name: "dtto2", version: "1" }, function* () {
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push(yield* signal<string>("s"));
    return got;
  });
  const d = new Driver(wf);
  d.decide();
  d.b.signal("s", '"1"');
  d.b.startDecisionTask();
  d.b.timeOutDecisionTask();
  d.b.signal("s", '"2"');
  d.b.signal("s", '"3"');
  assert.equal(resultOf(d.decide().decisions), ["1", "2", "3"]);
});

tasks("now() is the DecisionTaskStarted timestamp of the task being replayed, constant within a task", () => {
  const wf = defineWorkflow({ name: "clock", version: "1" }, function* () {
    const t1 = yield* now();
    const t1b = yield* now();
    yield* sleep(3600);
    const t2 = yield* now();
    return [t1.toISOString(), t1b.toISOString(), t2.toISOString()];
  });
  const d = new Driver(wf, undefined, { start: { startTime: Date.UTC(2026, 4, 1, 12) } });
  d.b.advance(1234);
  d.decide();
  const firstStarted = d.events.find((e) => e.eventType === "DecisionTaskStarted");
  d.b.advance(5000);
  d.b.timerFired("timer-1");
  d.b.advance(777);
  d.b.startDecisionTask();
  const secondStarted = d.events.at(-1) as HistoryEvent;
  const result = resultOf(d.decide().decisions) as string[];
  const iso = (e: HistoryEvent | undefined) => new Date((e?.eventTimestamp as number) * 1000).toISOString();
  assert.equal(result, [iso(firstStarted), iso(firstStarted), iso(secondStarted)]);
  assert.is(result[0], "2026-05-01T12:00:01.234Z");
});

tasks("random() and uuid(): the same on every replay of a run, different across run ids", () => {
  const wf = defineWorkflow({ name: "rand", version: "1" }, function* () {
    const a = yield* random();
    const u = yield* uuid();
    yield* sleep(1);
    const b = yield* random();
    return { a, b, u };
  });
  const runOf = (runId: string) => {
    const d = new Driver(wf, undefined, { runId });
    d.decide();
    d.b.timerFired("timer-1");
    return resultOf(d.decide().decisions) as { a: number; b: number; u: string };
  };
  const x = runOf("run-A");
  const again = runOf("run-A");
  const y = runOf("run-B");
  assert.equal(again, x);
  assert.is.not(x.a, y.a);
  assert.is.not(x.u, y.u);
  assert.is.not(x.a, x.b, "successive values differ");
  for (const v of [x.a, x.b, y.a]) assert.ok(v >= 0 && v < 1);
  assert.match(x.u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

tasks("workflowInfo: ids, type, task list, parent, continued run, history length, isReplaying", () => {
  // isReplaying must not flow into decisions (full and incremental replay would differ): collect it outside
  const seen: { isReplaying: boolean; historyLength: number }[] = [];
  const wf = defineWorkflow({ name: "info", version: "7" }, function* () {
    const first = yield* workflowInfo();
    seen.push({ isReplaying: first.isReplaying, historyLength: first.historyLength });
    yield* sleep(1);
    const second = yield* workflowInfo();
    seen.push({ isReplaying: second.isReplaying, historyLength: second.historyLength });
    const { isReplaying: _a, historyLength: _b, ...rest } = first;
    return rest;
  });
  const d = new Driver(wf, undefined, {
    workflowId: "wf-info",
    runId: "run-info",
    start: {
      taskList: "deciders",
      parent: { workflowId: "p", runId: "pr", initiatedEventId: 5 },
      continuedExecutionRunId: "older-run",
    },
  });
  d.decide();
  d.b.timerFired("timer-1");
  seen.length = 0;
  const r = d.decide();
  assert.equal(resultOf(r.decisions), {
    workflowId: "wf-info",
    runId: "run-info",
    workflowType: { name: "info", version: "7" },
    taskList: "deciders",
    continuedExecutionRunId: "older-run",
    parent: { workflowId: "p", runId: "pr" },
  });
  // full replay: the first call is replayed, the second is live; then the incremental replayer continues live
  assert.equal(seen.slice(0, 2), [
    { isReplaying: true, historyLength: 3 },
    { isReplaying: false, historyLength: r.historyLength },
  ]);
});

tasks("log(): emitted once, for the live task only, never while replaying", () => {
  const wf = defineWorkflow({ name: "logs", version: "1" }, function* () {
    yield* log("info", "starting", { a: 1 });
    yield* sleep(1);
    yield* log("warn", "after sleep");
    return "ok";
  });
  const d = new Driver(wf);
  const r1 = d.decide();
  assert.equal(
    r1.logs.map((l) => [l.level, l.message, l.data]),
    [["info", "starting", { a: 1 }]],
  );
  d.b.timerFired("timer-1");
  const r2 = d.decide();
  assert.equal(
    r2.logs.map((l) => [l.level, l.message]),
    [["warn", "after sleep"]],
  );
});

tasks("timestamps in all three forms (Date, epoch seconds, ISO string) give the same decisions", () => {
  const wf = defineWorkflow({ name: "forms", version: "1" }, function* () {
    const t = yield* now();
    const r = yield* race2();
    return { t: t.getTime(), r };
  });
  function* race2() {
    yield* sleep(90);
    return yield* random();
  }
  const b = new HistoryBuilder({ workflowType: { name: "forms", version: "1" } });
  b.advance(1500);
  b.decisionTask();
  b.completeDecisionTask(decide(wf, b.events).decisions);
  b.advance(90_250);
  b.timerFired("timer-1");
  b.decisionTask();
  const wire = JSON.parse(JSON.stringify(b.events)) as HistoryEvent[];
  const forms = {
    wire,
    date: wire.map((e) => ({ ...e, eventTimestamp: new Date((e.eventTimestamp as number) * 1000) })),
    iso: wire.map((e) => ({ ...e, eventTimestamp: new Date((e.eventTimestamp as number) * 1000).toISOString() })),
  };
  const expected = decide(wf, forms.wire).decisions;
  assert.is(expected.at(-1)?.decisionType, "CompleteWorkflowExecution");
  assert.equal(decide(wf, forms.date).decisions, expected);
  assert.equal(decide(wf, forms.iso).decisions, expected);
});

tasks("a long history gets a warning that suggests continueAsNew", () => {
  const wf = defineWorkflow({ name: "long", version: "1" }, function* () {
    for (;;) yield* signal("tick");
  });
  const b = new HistoryBuilder({ workflowType: { name: "long", version: "1" } });
  b.scheduleDecisionTask();
  for (let i = 0; i < 10_000; i++) b.add("WorkflowExecutionSignaled", { signalName: "tick" });
  b.startDecisionTask();
  const r = decide(wf, b.events);
  assert.ok(r.warnings.some((w) => w.includes("continueAsNew")));
  const short = new HistoryBuilder({ workflowType: { name: "long", version: "1" } });
  short.decisionTask();
  assert.equal(decide(wf, short.events).warnings, []);
});

tasks.run();

// ─── regressions found by the code review (moved from regressions/review.test.ts) ───
{
  const act = defineActivity<number, number>({ name: "a", version: "1", taskList: "t" });
  const review = suite("lifecycle: code review regressions");

  review("a close SWF refuses for a lasting cause is retried on a timer, not in a hot loop", () => {
    const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
      return yield* activity(act, 1);
    });
    let refusals = 0;
    const sim = simulate(wf, {
      maxDecisionTasks: 50,
      record: {
        failDecision: (d) =>
          d.decisionType === "CompleteWorkflowExecution" && refusals++ < 3 ? "OPERATION_NOT_PERMITTED" : undefined,
      },
    });
    assert.is(sim.ended, "closed");
    const retries = sim.events.filter((e) => e.timerStartedEventAttributes?.timerId?.startsWith("close-retry-"));
    assert.is(retries.length, 3);
    assert.ok(retries.every((e) => e.timerStartedEventAttributes?.startToFireTimeout === "60"));
    checkReplay(wf, sim);
  });

  review.run();
}
