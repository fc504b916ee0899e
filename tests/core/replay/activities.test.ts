/** History → decisions for activities: scheduling fields, every outcome, SWF's refusal, cancellation. */
import {
  ActivityFailure,
  ApplicationFailure,
  activity,
  cancel,
  defineActivity,
  defineWorkflow,
  encodeRemoteError,
  sleep,
  start,
} from "@yieldflow/core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { attrs, Driver, describeCaught, only, resultOf, types } from "../support.ts";

const charge = defineActivity<{ cents: number }, { chargeId: string }>({
  name: "chargeCard",
  version: "3",
  taskList: "payments",
  timeouts: { startToClose: "30s", scheduleToStart: "1m", scheduleToClose: "2m", heartbeat: 10 },
  taskPriority: 5,
});
const plain = defineActivity<string, string>({ name: "plain", version: "1" });

/** Runs `charge` once; returns its result or a description of what was thrown. */
const once = defineWorkflow({ name: "once", version: "1" }, function* (cents: number) {
  try {
    return { ok: yield* activity(charge, { cents }) };
  } catch (err) {
    return { caught: describeCaught(err) };
  }
});

const t = suite("activities");

t("ScheduleActivityTask carries type, id, input, task list, priority and timeouts as SWF strings", () => {
  const d = new Driver(once, 250);
  const r = d.decide();
  assert.equal(types(r.decisions), ["ScheduleActivityTask"]);
  assert.equal(attrs(r.decisions[0]), {
    activityType: { name: "chargeCard", version: "3" },
    activityId: "activity-1",
    input: '{"cents":250}',
    taskList: { name: "payments" },
    taskPriority: "5",
    scheduleToStartTimeout: "60",
    startToCloseTimeout: "30",
    scheduleToCloseTimeout: "120",
    heartbeatTimeout: "10",
  });
  assert.equal(r.status, { status: "running" });
});

t("optional fields left unset are absent, not undefined", () => {
  const wf = defineWorkflow({ name: "plain-wf", version: "1" }, function* () {
    yield* activity(plain, undefined as unknown as string);
  });
  const a = attrs(new Driver(wf).decide().decisions[0]);
  assert.equal(Object.keys(a).sort(), ["activityId", "activityType"]);
});

t("ActivityTaskCompleted → the result (deserialized) comes back; the workflow completes", () => {
  const d = new Driver(once, 1);
  d.decide();
  d.b.activityCompleted("activity-1", '{"chargeId":"ch_1"}');
  const r = d.decide();
  assert.equal(resultOf(r.decisions), { ok: { chargeId: "ch_1" } });
  assert.equal(r.status, { status: "completed", result: { ok: { chargeId: "ch_1" } } });
});

t("ActivityTaskCompleted without a result → undefined", () => {
  const d = new Driver(once, 1);
  d.decide();
  d.b.activityCompleted("activity-1");
  assert.equal(resultOf(d.decide().decisions), { ok: undefined });
});

t("ActivityTaskFailed → ActivityFailure with the decoded remote error", () => {
  const d = new Driver(once, 1);
  d.decide();
  const { reason, details } = encodeRemoteError(
    new ApplicationFailure("CardDeclined", "insufficient funds", { code: 51 }, { nonRetryable: true }),
  );
  d.b.activityFailed("activity-1", reason, details);
  const caught = (resultOf(d.decide().decisions) as { caught: Record<string, unknown> }).caught;
  assert.is(caught.class, "ActivityFailure");
  assert.is(caught.code, "YF_ACTIVITY_FAILED");
  assert.is(caught.activityId, "activity-1");
  assert.is(caught.reason, "CardDeclined");
  const error = caught.error as Record<string, unknown>;
  assert.is(error.name, "CardDeclined");
  assert.is(error.message, "insufficient funds");
  assert.equal(error.details, { code: 51 });
  assert.is(error.nonRetryable, true);
});

t("ActivityTaskFailed with foreign (non-JSON) details keeps them as the message", () => {
  const d = new Driver(once, 1);
  d.decide();
  d.b.activityFailed("activity-1", "java.lang.RuntimeException", "boom at line 3");
  const caught = (resultOf(d.decide().decisions) as { caught: Record<string, unknown> }).caught;
  assert.equal(caught.error, { name: "java.lang.RuntimeException", message: "boom at line 3" });
});

for (const timeoutType of ["START_TO_CLOSE", "SCHEDULE_TO_START", "SCHEDULE_TO_CLOSE", "HEARTBEAT"] as const) {
  t(`ActivityTaskTimedOut ${timeoutType} → TimeoutFailure.timeoutType ${timeoutType}`, () => {
    const d = new Driver(once, 1);
    d.decide();
    d.b.activityTimedOut("activity-1", timeoutType, timeoutType === "HEARTBEAT" ? '"50%"' : undefined);
    const caught = (resultOf(d.decide().decisions) as { caught: Record<string, unknown> }).caught;
    assert.is(caught.class, "TimeoutFailure");
    assert.is(caught.code, "YF_TIMEOUT");
    assert.is(caught.timeoutType, timeoutType);
    assert.equal(caught.subject, { kind: "activity", id: "activity-1" });
    if (timeoutType === "HEARTBEAT") assert.is(caught.lastHeartbeat, '"50%"');
  });
}

t("ActivityTaskCanceled that the workflow did not ask for → CancelledFailure thrown into the workflow", () => {
  const d = new Driver(once, 1);
  d.decide();
  d.b.activityStarted("activity-1");
  d.b.activityCanceled("activity-1");
  const caught = (resultOf(d.decide().decisions) as { caught: Record<string, unknown> }).caught;
  assert.is(caught.class, "CancelledFailure");
  assert.is(caught.code, "YF_CANCELLED");
  assert.is(caught.target, "activity-1");
});

for (const cause of ["ACTIVITY_TYPE_DOES_NOT_EXIST", "ACTIVITY_TYPE_DEPRECATED", "OPEN_ACTIVITIES_LIMIT_EXCEEDED"]) {
  t(`ScheduleActivityTaskFailed ${cause} → ScheduleFailure with that cause`, () => {
    const d = new Driver(once, 1);
    const { completedEventId } = d.decideAndRecord(() => false);
    d.b.add("ScheduleActivityTaskFailed", {
      activityType: { name: "chargeCard", version: "3" },
      activityId: "activity-1",
      cause: cause as "ACTIVITY_TYPE_DOES_NOT_EXIST",
      decisionTaskCompletedEventId: completedEventId,
    });
    d.b.scheduleDecisionTask();
    const caught = (resultOf(d.decide().decisions) as { caught: Record<string, unknown> }).caught;
    assert.is(caught.class, "ScheduleFailure");
    assert.is(caught.code, "YF_SCHEDULE_FAILED");
    assert.is(caught.cause, cause);
    assert.is(caught.eventType, "ScheduleActivityTaskFailed");
    assert.is(caught.id, "activity-1");
  });
}

t("ScheduleActivityTaskFailed as the HistoryBuilder records it for an unregistered type", () => {
  const d = new Driver(once, 1);
  d.decide({ activityTypeExists: () => false });
  assert.is(d.events[d.events.length - 2]?.eventType, "ScheduleActivityTaskFailed");
  const caught = (resultOf(d.decide().decisions) as { caught: Record<string, unknown> }).caught;
  assert.is(caught.cause, "ACTIVITY_TYPE_DOES_NOT_EXIST");
});

t("an uncaught ActivityFailure fails the workflow with reason = the failure's error name", () => {
  const wf = defineWorkflow({ name: "uncaught", version: "1" }, function* () {
    return yield* activity(plain, "x");
  });
  const d = new Driver(wf);
  d.decide();
  d.b.activityFailed("activity-1", "TypeError", JSON.stringify({ name: "TypeError", message: "x is undefined" }));
  const r = d.decide();
  const fail = only(r.decisions, "FailWorkflowExecution");
  assert.is(fail.reason, "ActivityFailure");
  const details = JSON.parse(fail.details as string) as { name: string; message: string };
  assert.is(details.name, "ActivityFailure");
  assert.match(details.message, "plain@1");
  assert.match(details.message, "x is undefined");
  assert.is(r.status.status, "failed");
  assert.instance((r.status as { error: unknown }).error, ActivityFailure);
});

t("a late completion of an activity the workflow stopped waiting for is ignored", () => {
  const wf = defineWorkflow({ name: "late", version: "1" }, function* () {
    const h = yield* start(activity(plain, "x"));
    yield* cancel(h);
    yield* sleep(5);
    return h.isReady();
  });
  const d = new Driver(wf);
  const first = d.decide();
  // cancelled before its decision went out: the ScheduleActivityTask is withdrawn, nothing is scheduled
  assert.equal(types(first.decisions), ["StartTimer"]);
  d.b.timerFired("timer-2");
  assert.equal(resultOf(d.decide().decisions), true);
});

t("cancelling a scheduled activity → RequestCancelActivityTask; the handle then throws CancelledFailure", () => {
  const wf = defineWorkflow({ name: "cancel-act", version: "1" }, function* () {
    const h = yield* start(activity(plain, "x"));
    yield* sleep(5);
    yield* cancel(h);
    try {
      return yield* h;
    } catch (err) {
      return describeCaught(err);
    }
  });
  const d = new Driver(wf);
  assert.equal(types(d.decide().decisions), ["ScheduleActivityTask", "StartTimer"]);
  d.b.activityStarted("activity-1");
  d.b.timerFired("timer-2");
  const r = d.decide();
  assert.equal(types(r.decisions), ["RequestCancelActivityTask", "CompleteWorkflowExecution"]);
  assert.equal(attrs(r.decisions[0]), { activityId: "activity-1" });
  const caught = resultOf(r.decisions) as Record<string, unknown>;
  assert.is(caught.class, "CancelledFailure");
  assert.is(caught.target, "activity-1");
});

t("several activities in one task get consecutive ids; completions are delivered in history order", () => {
  const wf = defineWorkflow({ name: "seq", version: "1" }, function* () {
    const a = yield* start(activity(plain, "a"));
    const b = yield* start(activity(plain, "b"));
    const order: string[] = [];
    const first = yield* activity(plain, "c");
    order.push(first);
    order.push(yield* b, yield* a);
    return order;
  });
  const d = new Driver(wf);
  const r = d.decide();
  assert.equal(
    r.decisions.map((x) => attrs(x).activityId),
    ["activity-1", "activity-2", "activity-3"],
  );
  d.b.activityCompleted("activity-2", '"B"');
  d.b.activityCompleted("activity-3", '"C"');
  d.b.activityCompleted("activity-1", '"A"');
  assert.equal(resultOf(d.decide().decisions), ["C", "B", "A"]);
});

t("a user-supplied activity id still open is refused: InvalidArgumentError thrown into the workflow", () => {
  const wf = defineWorkflow({ name: "dup-id", version: "1" }, function* () {
    yield* start(activity(plain, "a", { id: "same" }));
    try {
      yield* activity(plain, "b", { id: "same" });
      return "no error";
    } catch (err) {
      return describeCaught(err);
    }
  });
  const r = new Driver(wf).decide();
  assert.equal(types(r.decisions), ["ScheduleActivityTask", "CompleteWorkflowExecution"]);
  assert.equal(resultOf(r.decisions), { class: "InvalidArgumentError", code: "YF_INVALID_ARGUMENT" });
});

t("a generated activity id that an open user-supplied id took is refused with the same error, either way round", () => {
  // `activity-N` ids from the run's sequence never clash with each other, only with an id the code gave
  const messageOf = (err: unknown) => (err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err));
  const userFirst = defineWorkflow({ name: "user-first", version: "1" }, function* () {
    yield* start(activity(plain, "a", { id: "activity-2" })); // takes number 1 of the sequence
    try {
      yield* activity(plain, "b"); // number 2: activity-2
      return "no error";
    } catch (err) {
      return messageOf(err);
    }
  });
  const generatedFirst = defineWorkflow({ name: "generated-first", version: "1" }, function* () {
    yield* start(activity(plain, "a")); // activity-1
    try {
      yield* activity(plain, "b", { id: "activity-1" });
      return "no error";
    } catch (err) {
      return messageOf(err);
    }
  });
  for (const [wf, id] of [
    [userFirst, "activity-2"],
    [generatedFirst, "activity-1"],
  ] as const) {
    const r = new Driver(wf).decide();
    assert.equal(types(r.decisions), ["ScheduleActivityTask", "CompleteWorkflowExecution"]);
    assert.equal(attrs(r.decisions[0]).activityId, id);
    assert.is(
      resultOf(r.decisions),
      `InvalidArgumentError: activity id "${id}" is already used by an open activity of this execution`,
    );
  }
});

t("a generated activity id clashes with a user-supplied one opened in an earlier, replayed task", () => {
  const messageOf = (err: unknown) => (err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err));
  const wf = defineWorkflow({ name: "clash-later", version: "1" }, function* () {
    yield* start(activity(plain, "a", { id: "activity-3" })); // number 1 of the sequence
    yield* activity(plain, "b"); // activity-2
    try {
      yield* activity(plain, "c"); // number 3, while the given activity-3 is still open
      return "no error";
    } catch (err) {
      return messageOf(err);
    }
  });
  const d = new Driver(wf);
  assert.equal(
    d.decide().decisions.map((x) => attrs(x).activityId),
    ["activity-3", "activity-2"],
  );
  d.b.activityCompleted("activity-2", '"B"');
  const r = d.decide(); // replays the first task, then runs the second
  assert.equal(types(r.decisions), ["CompleteWorkflowExecution"]);
  assert.is(
    resultOf(r.decisions),
    'InvalidArgumentError: activity id "activity-3" is already used by an open activity of this execution',
  );
});

t("a user-supplied activity id can be reused once the first activity closed (as SWF allows)", () => {
  const wf = defineWorkflow({ name: "reuse-id", version: "1" }, function* () {
    const a = yield* activity(plain, "a", { id: "same" });
    const b = yield* activity(plain, "b", { id: "same" });
    return [a, b];
  });
  const d = new Driver(wf);
  d.decide();
  d.b.activityCompleted("same", '"A"');
  assert.is(attrs(d.decide().decisions[0]).activityId, "same");
  d.b.activityCompleted("same", '"B"');
  assert.equal(resultOf(d.decide().decisions), ["A", "B"]);
});

t.run();
