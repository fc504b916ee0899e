/**
 * Retry policies declared on an activity (`defineActivity({ retry })`) or on the call (`activity(def, x, { retry })`)
 * apply to every call: plain `yield*` calls and activities passed as branches. `retry: false` opts out; inside
 * `retry(...)` the activity's attempts are retry's (no double retry). Driven by histories with support.ts's Driver
 * (full replay checked against incremental replay at every decision task).
 */
import {
  activity,
  all,
  defineActivity,
  defineWorkflow,
  type EffectRequest,
  encodeRemoteError,
  InvalidArgumentError,
  race,
  retry,
  sleep,
  start,
} from "@yieldflow/core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { attrs, Driver, describeCaught, resultOf, types } from "../support.ts";

const flaky = defineActivity<string, string>({
  name: "flaky",
  version: "1",
  retry: { maximumAttempts: 3, initialInterval: "5s", backoffCoefficient: 2 },
});
const once = defineActivity<string, string>({ name: "once", version: "1" });
const failure = (message: string) => encodeRemoteError(new Error(message));

/** Fails the scheduled activity of `decisions` and fires the backoff timer that follows; returns the next decision. */
function failAndBackOff(d: Driver, activityId: string): { wait: unknown; next: ReturnType<Driver["decide"]> } {
  const { reason, details } = failure(`attempt of ${activityId}`);
  d.b.activityFailed(activityId, reason, details);
  const backoff = d.decide();
  assert.equal(types(backoff.decisions), ["StartTimer"]);
  const timer = attrs(backoff.decisions[0]);
  d.b.timerFired(timer.timerId as string);
  return { wait: timer.startToFireTimeout, next: d.decide() };
}

const plain = suite("a plain yield* activity(x) retries under its definition's policy");

plain("fails twice, succeeds the third time: fresh ids, durable backoff timers, the attempt in control", () => {
  const wf = defineWorkflow({ name: "p1", version: "1" }, function* () {
    return yield* activity(flaky, "x");
  });
  const d = new Driver(wf);
  let r = d.decide();
  const ids: string[] = [];
  const controls: unknown[] = [];
  const waits: unknown[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    assert.equal(types(r.decisions), ["ScheduleActivityTask"]);
    const a = attrs(r.decisions[0]);
    ids.push(a.activityId as string);
    controls.push(JSON.parse(a.control as string));
    if (attempt === 3) break;
    const { wait, next } = failAndBackOff(d, a.activityId as string);
    waits.push(wait);
    r = next;
  }
  assert.equal(ids, ["activity-1", "activity-3", "activity-5"]);
  assert.equal(controls, [{ attempt: 1 }, { attempt: 2 }, { attempt: 3 }]);
  assert.equal(waits, ["5", "10"]);
  d.b.activityCompleted("activity-5", '"done"');
  assert.is(resultOf(d.decide().decisions), "done");
});

plain("a call that succeeds keeps the ids it had without a policy (the same decisions but for control)", () => {
  const body = (opts: { retry?: false }) =>
    function* (): Generator<EffectRequest, string, unknown> {
      const a = yield* activity(flaky, "a", opts);
      yield* sleep(10);
      const b = yield* activity(flaky, "b", opts);
      return a + b;
    };
  const run = (opts: { retry?: false }) => {
    const d = new Driver(defineWorkflow({ name: "p2", version: "1" }, body(opts)));
    const ids: unknown[] = [];
    let r = d.decide();
    for (;;) {
      const a = attrs(r.decisions[0]);
      if (r.decisions[0]?.decisionType === "CompleteWorkflowExecution") break;
      ids.push(a.activityId ?? a.timerId);
      if (a.activityId) d.b.activityCompleted(a.activityId as string, '"v"');
      else d.b.timerFired(a.timerId as string);
      r = d.decide();
    }
    return { ids, result: resultOf(r.decisions) };
  };
  assert.equal(run({}), run({ retry: false }));
  assert.equal(run({}).ids, ["activity-1", "timer-2", "activity-3"]);
});

plain("attempts run out: the last failure reaches workflow code", () => {
  const wf = defineWorkflow({ name: "p3", version: "1" }, function* () {
    try {
      return yield* activity(flaky, "x");
    } catch (err) {
      return describeCaught(err);
    }
  });
  const d = new Driver(wf);
  let r = d.decide();
  for (const id of ["activity-1", "activity-3"]) {
    assert.is(attrs(r.decisions[0]).activityId, id);
    r = failAndBackOff(d, id).next;
  }
  d.b.activityTimedOut("activity-5", "START_TO_CLOSE");
  const caught = resultOf(d.decide().decisions) as Record<string, unknown>;
  assert.is(caught.class, "TimeoutFailure");
  assert.equal(caught.subject, { kind: "activity", id: "activity-5" });
});

plain.run();

const call = suite("per-call override and opt-out");

call("{ retry: policy } replaces the definition's policy for that call", () => {
  const wf = defineWorkflow({ name: "c1", version: "1" }, function* () {
    try {
      return yield* activity(flaky, "x", { retry: { maximumAttempts: 2, initialInterval: 7 } });
    } catch (err) {
      return describeCaught(err);
    }
  });
  const d = new Driver(wf);
  d.decide();
  const { wait, next } = failAndBackOff(d, "activity-1");
  assert.is(wait, "7");
  const { reason, details } = failure("second");
  d.b.activityFailed(attrs(next.decisions[0]).activityId as string, reason, details);
  assert.is((resultOf(d.decide().decisions) as Record<string, unknown>).class, "ActivityFailure");
});

call("{ retry: policy } makes an activity without a definition policy retry", () => {
  const wf = defineWorkflow({ name: "c2", version: "1" }, function* () {
    return yield* activity(once, "x", { retry: { maximumAttempts: 2, initialInterval: 3 } });
  });
  const d = new Driver(wf);
  d.decide();
  const { wait, next } = failAndBackOff(d, "activity-1");
  assert.is(wait, "3");
  assert.is(attrs(next.decisions[0]).activityId, "activity-3");
});

call('{ retry: false } and { retry: "none" } run the activity once: its failure is thrown at once', () => {
  for (const opt of [false, "none"] as const) {
    const wf = defineWorkflow({ name: "c3", version: "1" }, function* () {
      try {
        return yield* activity(flaky, "x", { retry: opt });
      } catch (err) {
        return describeCaught(err);
      }
    });
    const d = new Driver(wf);
    const r = d.decide();
    assert.is(attrs(r.decisions[0]).control, undefined, "not an attempt of a retry");
    const { reason, details } = failure("no");
    d.b.activityFailed("activity-1", reason, details);
    const end = d.decide();
    assert.equal(types(end.decisions), ["CompleteWorkflowExecution"], String(opt));
    assert.is((resultOf(end.decisions) as Record<string, unknown>).class, "ActivityFailure");
  }
});

call("a bad policy is refused where it is declared", () => {
  assert.throws(
    () => defineActivity({ name: "bad", version: "1", retry: { maximumAttempts: 0 } }),
    (err: unknown) => err instanceof InvalidArgumentError && /activity bad retry: maximumAttempts/.test(String(err)),
  );
  assert.throws(
    () => activity(once, "x", { retry: { backoffCoefficient: 0.5 } }),
    (err: unknown) =>
      err instanceof InvalidArgumentError && /activity once retry: backoffCoefficient/.test(String(err)),
  );
});

call.run();

const compose = suite("retry(activity(x)): no double retry");

compose("retry's policy governs the attempts: 2 attempts in all, not 2 × 3", () => {
  const wf = defineWorkflow({ name: "r1", version: "1" }, function* () {
    try {
      return yield* retry(activity(flaky, "x"), { maximumAttempts: 2, initialInterval: 1 });
    } catch (err) {
      return describeCaught(err);
    }
  });
  const d = new Driver(wf);
  d.decide();
  const { wait, next } = failAndBackOff(d, "activity-1");
  assert.is(wait, "1");
  const second = attrs(next.decisions[0]);
  assert.equal(JSON.parse(second.control as string), { attempt: 2 });
  const { reason, details } = failure("second");
  d.b.activityFailed(second.activityId as string, reason, details);
  const end = d.decide();
  assert.equal(types(end.decisions), ["CompleteWorkflowExecution"], "no third attempt, no inner backoff");
});

compose("retry(activity(x)) without a policy uses the call's policy, else the definition's", () => {
  const wf = defineWorkflow({ name: "r2", version: "1" }, function* () {
    return yield* retry(activity(flaky, "x", { retry: { maximumAttempts: 2, initialInterval: 9 } }));
  });
  const d = new Driver(wf);
  d.decide();
  assert.is(failAndBackOff(d, "activity-1").wait, "9");
});

compose.run();

const branches = suite("activities as branches retry too, with the ids they had");

branches("all([flaky, sleep]): the activity keeps id activity-1, retries inside all, all gets its result", () => {
  const wf = defineWorkflow({ name: "b1", version: "1" }, function* () {
    return yield* all([activity(flaky, "x"), sleep(100)]);
  });
  const d = new Driver(wf);
  const r = d.decide();
  assert.equal(types(r.decisions), ["ScheduleActivityTask", "StartTimer"]);
  assert.is(attrs(r.decisions[0]).activityId, "activity-1");
  assert.is(attrs(r.decisions[1]).timerId, "timer-2");
  const { wait, next } = failAndBackOff(d, "activity-1");
  assert.is(wait, "5");
  assert.is(attrs(next.decisions[0]).activityId, "activity-4");
  d.b.activityCompleted("activity-4", '"ok"');
  d.decide();
  d.b.timerFired("timer-2");
  assert.equal(resultOf(d.decide().decisions), ["ok", undefined]); // sleep returns undefined
});

branches("start(activity) then more effects: the ids do not shift; the handle's id is the first attempt's", () => {
  const wf = defineWorkflow({ name: "b2", version: "1" }, function* () {
    const h = yield* start(activity(flaky, "x"));
    yield* sleep(1);
    return [h.id, yield* h];
  });
  const d = new Driver(wf);
  const r = d.decide();
  assert.equal(types(r.decisions), ["ScheduleActivityTask", "StartTimer"]);
  assert.is(attrs(r.decisions[0]).activityId, "activity-1");
  assert.is(attrs(r.decisions[1]).timerId, "timer-2");
  d.b.timerFired("timer-2");
  d.b.activityCompleted("activity-1", '"ok"');
  assert.equal(resultOf(d.decide().decisions), ["activity-1", "ok"]);
});

branches(
  "a retrying activity that loses a race is cancelled (RequestCancelActivityTask), also between attempts",
  () => {
    const wf = defineWorkflow({ name: "b3", version: "1" }, function* () {
      return yield* race([activity(flaky, "x"), sleep(60)]);
    });
    const d = new Driver(wf);
    d.decide();
    d.b.timerFired("timer-2");
    const r = d.decide();
    assert.equal(types(r.decisions), ["RequestCancelActivityTask", "CompleteWorkflowExecution"]);
    assert.is(attrs(r.decisions[0]).activityId, "activity-1");

    const d2 = new Driver(wf);
    d2.decide();
    const { reason, details } = failure("first");
    d2.b.activityFailed("activity-1", reason, details);
    const backoff = d2.decide();
    assert.equal(types(backoff.decisions), ["StartTimer"]);
    d2.b.timerFired("timer-2");
    const end = d2.decide();
    assert.equal(types(end.decisions), ["CancelTimer", "CompleteWorkflowExecution"], "the backoff timer is cancelled");
  },
);

branches("a bad argument of a retrying branch is thrown at the caller, as for any effect", () => {
  const wf = defineWorkflow({ name: "b4", version: "1" }, function* () {
    yield* start(activity(flaky, "x", { id: "same" }));
    try {
      yield* all([activity(flaky, "y", { id: "same" })]);
    } catch (err) {
      return describeCaught(err);
    }
    return "no error";
  });
  const d = new Driver(wf);
  const caught = resultOf(d.decide().decisions) as Record<string, unknown>;
  assert.is(caught.class, "InvalidArgumentError");
});

branches.run();
