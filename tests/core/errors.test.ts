/** Error and failure classes: codes, fields, hierarchy, messages; encoding and decoding remote errors. */
import {
  ActivityFailure,
  AllFailedFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  decodeRemoteError,
  encodeRemoteError,
  Failure,
  HistoryError,
  InvalidArgumentError,
  InvalidDecisionError,
  InvalidYieldError,
  NondeterminismError,
  ScheduleFailure,
  TimeoutFailure,
  WorkflowTaskError,
  YieldflowError,
} from "@yieldflow/core";
import { suite } from "uvu";
import * as assert from "uvu/assert";

const classes = suite("classes");

classes("engine errors are YieldflowErrors with stable codes and their class name as name", () => {
  const cases: [YieldflowError, string][] = [
    [new InvalidArgumentError("m"), "YF_INVALID_ARGUMENT"],
    [new InvalidYieldError("m"), "YF_INVALID_YIELD"],
    [new HistoryError("YF_HISTORY_BAD_EVENT", "m", 3), "YF_HISTORY_BAD_EVENT"],
    [
      new NondeterminismError({ workflowType: "w", runId: "r", eventId: 1, recorded: "a", produced: "b" }),
      "YF_NONDETERMINISM",
    ],
    [new WorkflowTaskError("w", "r", 3, new Error("x")), "YF_WORKFLOW_TASK"],
    [new InvalidDecisionError("YF_PAYLOAD_TOO_LARGE", "StartTimer", "control", "m"), "YF_PAYLOAD_TOO_LARGE"],
  ];
  for (const [err, code] of cases) {
    assert.instance(err, YieldflowError);
    assert.instance(err, Error);
    assert.not.instance(err, Failure, "an engine error is never a Failure (it must not fail the workflow)");
    assert.is(err.code, code);
    assert.is(err.name, err.constructor.name);
  }
});

classes("failures are Failures (never YieldflowErrors) with stable codes", () => {
  const cases: [Failure, string][] = [
    [new ApplicationFailure("T", "m"), "YF_APPLICATION"],
    [new ActivityFailure("a-1", { name: "a", version: "1" }, { name: "E", message: "m" }), "YF_ACTIVITY_FAILED"],
    [new TimeoutFailure({ kind: "activity", id: "a-1" }, "HEARTBEAT", "m"), "YF_TIMEOUT"],
    [new ScheduleFailure("StartTimerFailed", "t", "TIMER_ID_ALREADY_IN_USE"), "YF_SCHEDULE_FAILED"],
    [new ChildWorkflowFailure("FAILED", { name: "c", version: "1" }, "c-1", "r"), "YF_CHILD_WORKFLOW_FAILED"],
    [new CancelledFailure("timer-1"), "YF_CANCELLED"],
    [new AllFailedFailure([]), "YF_ALL_FAILED"],
  ];
  for (const [f, code] of cases) {
    assert.instance(f, Failure);
    assert.not.instance(f, YieldflowError);
    assert.is(f.code, code);
    assert.is(f.name, f.constructor.name);
  }
});

classes("HistoryError: eventId field and an 'event N:' prefix only when an event is to blame", () => {
  const a = new HistoryError("YF_HISTORY_OUT_OF_ORDER", "expected 2", 5);
  assert.is(a.eventId, 5);
  assert.match(a.message, /^event 5: expected 2/);
  const b = new HistoryError("YF_HISTORY_NOT_AN_ARRAY", "nope");
  assert.is(b.eventId, undefined);
  assert.is(b.message, "nope");
});

classes("NondeterminismError: every field, and a message that says what to do", () => {
  const e = new NondeterminismError({
    workflowType: "order",
    runId: "run-1",
    eventId: 17,
    recorded: "ActivityTaskScheduled at event 17: schedule activity chargeCard@1 (id activity-3)",
    produced: "schedule activity refund@1 (id activity-3)",
  });
  assert.is(e.workflowType, "order");
  assert.is(e.runId, "run-1");
  assert.is(e.eventId, 17);
  assert.match(e.message, "order");
  assert.match(e.message, "run-1");
  assert.match(e.message, "event 17");
  assert.match(e.message, "chargeCard@1");
  assert.match(e.message, "refund@1");
  assert.match(e.message, "patched(");
  assert.match(e.message, "Math.random");
});

classes("WorkflowTaskError keeps the cause and says the task will be retried", () => {
  const cause = new TypeError("x is undefined");
  const e = new WorkflowTaskError("order", "run-1", 9, cause);
  assert.is(e.cause, cause);
  assert.is(e.eventId, 9);
  assert.match(e.message, "TypeError: x is undefined");
  assert.match(e.message, "ApplicationFailure");
  const s = new WorkflowTaskError("order", "", 9, "a string");
  assert.match(s.message, "a string");
  assert.match(s.message, "run ?");
});

classes("InvalidDecisionError names the decision type and field", () => {
  const e = new InvalidDecisionError("YF_INVALID_DECISION", "StartTimer", "timerId", "is required");
  assert.is(e.decisionType, "StartTimer");
  assert.is(e.field, "timerId");
  assert.is(e.message, "StartTimer.timerId: is required");
});

classes("failures carry their subject", () => {
  const a = new ActivityFailure("activity-3", { name: "charge", version: "2" }, { name: "Declined", message: "no" });
  assert.is(a.reason, "Declined");
  assert.is(a.activityId, "activity-3");
  assert.match(a.message, "charge@2");
  assert.match(a.message, "Declined: no");
  const t = new TimeoutFailure({ kind: "signal", id: "timer-4" }, "SIGNAL", "no ack", undefined);
  assert.equal(t.subject, { kind: "signal", id: "timer-4" });
  assert.is(t.timeoutType, "SIGNAL");
  const s = new ScheduleFailure("ScheduleActivityTaskFailed", "activity-1", "ACTIVITY_TYPE_DOES_NOT_EXIST");
  assert.is(s.cause, "ACTIVITY_TYPE_DOES_NOT_EXIST");
  assert.is(s.eventType, "ScheduleActivityTaskFailed");
  assert.is(s.id, "activity-1");
  for (const status of ["FAILED", "TIMED_OUT", "TERMINATED", "CANCELED"] as const) {
    const c = new ChildWorkflowFailure(status, { name: "c", version: "1" }, "c-1", undefined);
    assert.is(c.status, status);
    assert.match(c.message, "c@1");
  }
  const all = new AllFailedFailure([new Error("a"), new Error("b")]);
  assert.is(all.failures.length, 2);
  assert.match(all.message, "2");
  const app = new ApplicationFailure("T", "m", { x: 1 }, { nonRetryable: true });
  assert.is(app.type, "T");
  assert.equal(app.details, { x: 1 });
  assert.is(app.nonRetryable, true);
  assert.is(new ApplicationFailure("T", "m").nonRetryable, false);
});

classes.run();

const remote = suite("remote errors");

remote("encode: reason = error name (or ApplicationFailure type), details = JSON with name and message", () => {
  const plain = encodeRemoteError(new RangeError("too far"));
  assert.is(plain.reason, "RangeError");
  const body = JSON.parse(plain.details) as Record<string, unknown>;
  assert.is(body.name, "RangeError");
  assert.is(body.message, "too far");
  const app = encodeRemoteError(
    new ApplicationFailure("Declined", "card declined", { code: 51 }, { nonRetryable: true }),
  );
  assert.is(app.reason, "Declined");
  const appBody = JSON.parse(app.details) as Record<string, unknown>;
  assert.equal(appBody.details, { code: 51 });
  assert.is(appBody.nonRetryable, true);
  const str = encodeRemoteError("not an error");
  assert.is(str.reason, "Error");
  assert.is((JSON.parse(str.details) as { message: string }).message, "not an error");
});

remote("encode → decode round-trips name, message, details and nonRetryable", () => {
  const { reason, details } = encodeRemoteError(new ApplicationFailure("T", "m", [1, 2], { nonRetryable: true }));
  const back = decodeRemoteError(reason, details);
  assert.is(back.name, "T");
  assert.is(back.message, "m");
  assert.equal(back.details, [1, 2]);
  assert.is(back.nonRetryable, true);
});

remote("decode never throws: foreign, empty or malformed details", () => {
  assert.equal(decodeRemoteError("Boom", "not json"), { name: "Boom", message: "not json" });
  assert.equal(decodeRemoteError(undefined, undefined), { name: "Error", message: "" });
  assert.equal(decodeRemoteError("R", undefined), { name: "R", message: "R" });
  assert.equal(decodeRemoteError("R", '{"no":"message"}'), { name: "R", message: '{"no":"message"}' });
  assert.equal(decodeRemoteError("R", "null"), { name: "R", message: "null" });
  assert.equal(decodeRemoteError("R", '{"message":"m"}'), { name: "R", message: "m" });
  assert.equal(decodeRemoteError("R", '{"name":5,"message":"m","stack":7}'), { name: "R", message: "m" });
});

remote.run();
