/** retry: which failures are retried (isRetryable), the backoff, and retries driven by a history. */
import {
  ActivityFailure,
  ApplicationFailure,
  activity,
  backoffSeconds,
  CancelledFailure,
  ChildWorkflowFailure,
  defineActivity,
  defineWorkflow,
  type EffectRequest,
  encodeRemoteError,
  InvalidArgumentError,
  isRetryable,
  retry,
  ScheduleFailure,
  signal,
  TimeoutFailure,
} from "@yieldflow/core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { attrs, Driver, describeCaught, resultOf, types } from "../support.ts";

const act = (name = "E", extra: Record<string, unknown> = {}) =>
  new ActivityFailure("activity-1", { name: "a", version: "1" }, { name, message: "m", ...extra });
const timeout = (t: "START_TO_CLOSE" | "HEARTBEAT" | "SIGNAL") =>
  new TimeoutFailure({ kind: "activity", id: "activity-1" }, t, "m");

const r = suite("isRetryable / backoffSeconds");

r("isRetryable table", () => {
  const cases: [unknown, Parameters<typeof isRetryable>[1], boolean, string][] = [
    [act(), {}, true, "an activity failure"],
    [timeout("START_TO_CLOSE"), {}, true, "a timeout"],
    [new Error("bug"), {}, false, "a plain Error (a bug)"],
    ["string", {}, false, "not an error"],
    [new CancelledFailure("x"), {}, false, "a cancellation"],
    [
      new ApplicationFailure("T", "m", undefined, { nonRetryable: true }),
      {},
      false,
      "non-retryable ApplicationFailure",
    ],
    [new ApplicationFailure("T", "m"), {}, true, "retryable ApplicationFailure"],
    [act("E", { nonRetryable: true }), {}, false, "an activity that threw a non-retryable failure"],
    [
      new ScheduleFailure("ScheduleActivityTaskFailed", "a", "ACTIVITY_TYPE_DOES_NOT_EXIST"),
      {},
      false,
      "permanent cause",
    ],
    [new ScheduleFailure("StartChildWorkflowExecutionFailed", "c", "WORKFLOW_ALREADY_RUNNING"), {}, false, "permanent"],
    [
      new ScheduleFailure("ScheduleActivityTaskFailed", "a", "ACTIVITY_CREATION_RATE_EXCEEDED"),
      {},
      true,
      "transient cause",
    ],
    [new ScheduleFailure("ScheduleActivityTaskFailed", "a", "OPEN_ACTIVITIES_LIMIT_EXCEEDED"), {}, true, "transient"],
    [act("CardDeclined"), { nonRetryableErrorNames: ["CardDeclined"] }, false, "listed error name"],
    [act("Other"), { nonRetryableErrorNames: ["CardDeclined"] }, true, "unlisted error name"],
    [new ApplicationFailure("CardDeclined", "m"), { nonRetryableErrorNames: ["CardDeclined"] }, false, "listed type"],
    [
      new ChildWorkflowFailure("FAILED", { name: "c", version: "1" }, "c", "r", { name: "Bad", message: "m" }),
      { nonRetryableErrorNames: ["Bad"] },
      false,
      "listed child error",
    ],
    [act(), { retryOn: ["YF_TIMEOUT"] }, false, "retryOn excludes activity failures"],
    [timeout("HEARTBEAT"), { retryOn: ["YF_TIMEOUT"] }, true, "retryOn includes timeouts"],
    [timeout("HEARTBEAT"), { timeoutTypes: ["START_TO_CLOSE"] }, false, "timeoutTypes excludes HEARTBEAT"],
    [timeout("START_TO_CLOSE"), { timeoutTypes: ["START_TO_CLOSE"] }, true, "timeoutTypes includes it"],
  ];
  for (const [failure, policy, expected, what] of cases) assert.is(isRetryable(failure, policy), expected, what);
});

r("backoffSeconds: initial × coefficient^(attempt-1), capped by maximumInterval (default 100 × initial)", () => {
  assert.equal(
    [1, 2, 3, 4].map((n) => backoffSeconds({ initialInterval: "2s", backoffCoefficient: 3 }, n)),
    [2, 6, 18, 54],
  );
  assert.equal(
    [1, 2, 3].map((n) => backoffSeconds({}, n)),
    [1, 2, 4],
  );
  assert.is(backoffSeconds({ initialInterval: 1 }, 20), 100);
  assert.is(backoffSeconds({ initialInterval: "1m", maximumInterval: "5m" }, 10), 300);
  assert.is(backoffSeconds({ initialInterval: 10, backoffCoefficient: 1 }, 7), 10);
});

r.run();

const flaky = defineActivity<string, string>({
  name: "flaky",
  version: "1",
  retry: { maximumAttempts: 3, initialInterval: "5s", backoffCoefficient: 2 },
});
const fail = (err: Error) => encodeRemoteError(err);

const h = suite("retry against a history");

h("fails twice, succeeds the third time: fresh id per attempt, durable backoff timers, attempt in control", () => {
  const wf = defineWorkflow({ name: "retry1", version: "1" }, function* () {
    return yield* retry(activity(flaky, "x")); // the definition's default policy
  });
  const d = new Driver(wf);
  const ids: string[] = [];
  const controls: unknown[] = [];
  const waits: unknown[] = [];
  let r1 = d.decide();
  for (let attempt = 1; attempt <= 3; attempt++) {
    assert.equal(types(r1.decisions), ["ScheduleActivityTask"]);
    const a = attrs(r1.decisions[0]);
    ids.push(a.activityId as string);
    controls.push(a.control === undefined ? undefined : JSON.parse(a.control as string));
    if (attempt === 3) {
      d.b.activityCompleted(a.activityId as string, '"finally"');
      break;
    }
    const { reason, details } = fail(new Error(`attempt ${attempt}`));
    d.b.activityFailed(a.activityId as string, reason, details);
    const backoff = d.decide();
    assert.equal(types(backoff.decisions), ["StartTimer"]);
    waits.push(attrs(backoff.decisions[0]).startToFireTimeout);
    d.b.timerFired(attrs(backoff.decisions[0]).timerId as string);
    r1 = d.decide();
  }
  assert.is(new Set(ids).size, 3, `fresh ids: ${ids}`);
  assert.equal(waits, ["5", "10"]);
  assert.equal(controls, [{ attempt: 1 }, { attempt: 2 }, { attempt: 3 }]);
  assert.is(resultOf(d.decide().decisions), "finally");
});

h("attempts run out: the last failure is thrown", () => {
  const wf = defineWorkflow({ name: "retry2", version: "1" }, function* () {
    try {
      return yield* retry(activity(flaky, "x"), { maximumAttempts: 2, initialInterval: 1 });
    } catch (err) {
      return describeCaught(err);
    }
  });
  const d = new Driver(wf);
  let r1 = d.decide();
  const { reason, details } = fail(new Error("first"));
  d.b.activityFailed(attrs(r1.decisions[0]).activityId as string, reason, details);
  const t = d.decide();
  d.b.timerFired(attrs(t.decisions[0]).timerId as string);
  r1 = d.decide();
  const last = attrs(r1.decisions[0]).activityId as string;
  d.b.activityTimedOut(last, "START_TO_CLOSE");
  const caught = resultOf(d.decide().decisions) as Record<string, unknown>;
  assert.is(caught.class, "TimeoutFailure");
  assert.equal(caught.subject, { kind: "activity", id: last });
});

h("a non-retryable failure is thrown at once, without a backoff timer", () => {
  const wf = defineWorkflow({ name: "retry3", version: "1" }, function* () {
    try {
      return yield* retry(activity(flaky, "x"));
    } catch (err) {
      return describeCaught(err);
    }
  });
  const d = new Driver(wf);
  const r1 = d.decide();
  const { reason, details } = fail(new ApplicationFailure("Declined", "no", undefined, { nonRetryable: true }));
  d.b.activityFailed(attrs(r1.decisions[0]).activityId as string, reason, details);
  const r2 = d.decide();
  assert.equal(types(r2.decisions), ["CompleteWorkflowExecution"]);
  assert.is((resultOf(r2.decisions) as Record<string, unknown>).reason, "Declined");
});

h("retry(make) of a signal with a timeout: each attempt waits longer", () => {
  const wf = defineWorkflow({ name: "retry4", version: "1" }, function* () {
    return yield* retry((n) => signal<string>("ack", { timeout: n * 60 }), { maximumAttempts: 2, initialInterval: 1 });
  });
  const d = new Driver(wf);
  const r1 = d.decide();
  assert.is(attrs(r1.decisions[0]).startToFireTimeout, "60");
  d.b.timerFired(attrs(r1.decisions[0]).timerId as string);
  const backoff = d.decide();
  assert.is(attrs(backoff.decisions[0]).startToFireTimeout, "1");
  d.b.timerFired(attrs(backoff.decisions[0]).timerId as string);
  const r2 = d.decide();
  assert.is(attrs(r2.decisions[0]).startToFireTimeout, "120");
  d.b.signal("ack", '"ok"');
  const r3 = d.decide();
  assert.equal(types(r3.decisions), ["CancelTimer", "CompleteWorkflowExecution"]);
  assert.is(resultOf(r3.decisions), "ok");
});

h.run();

const g = suite("retry arguments");

g("retry(started generator) is refused: a generator cannot be run again, a factory can", () => {
  const one = defineActivity<number, number>({ name: "one", version: "1" });
  function* step(): Generator<EffectRequest, number, unknown> {
    return yield* activity(one, 1);
  }
  const it = retry(step() as never);
  assert.throws(
    () => it.next(),
    (err: unknown) => err instanceof InvalidArgumentError && /factory/.test((err as Error).message),
  );
});

g.run();
