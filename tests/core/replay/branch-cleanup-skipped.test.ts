/**
 * BUG (replay/engine.ts drain / finishFiber) vs the documented contract of `all` ("If a branch fails, `all` fails
 * with that failure at once and cancels the branches still running (their cleanup code runs)") and of `cancel`
 * ("a branch generator [gets] a `CancelledFailure` thrown in … so its `finally` and `catch` blocks run"):
 * when the workflow body finishes in the same step as the cancellation (it rethrows the failure, or returns),
 * the cancelled branch is never resumed: the root fiber was queued first, it finishes, `finished` is set and
 * `drain` drops the rest of the run queue. The branch's `finally`/`catch` never runs, so a saga compensation
 * written there is silently skipped (no ScheduleActivityTask for it) and the workflow closes. If the workflow waits
 * for anything before finishing, the same cleanup does run, so the outcome depends on an unrelated detail.
 */
import {
  type AnyWorkflow,
  activity,
  all,
  defineActivity,
  defineWorkflow,
  type EffectRequest,
  sleep,
} from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { attrs, Driver } from "../support.ts";

const act = defineActivity<string, string>({ name: "act", version: "1" });
const undo = defineActivity<string, void>({ name: "undo", version: "1" });

function* reserve(item: string): Generator<EffectRequest, string, unknown> {
  try {
    return yield* activity(act, item);
  } finally {
    yield* activity(undo, item); // compensation (runs on cancellation)
  }
}

/** The decisions after the seat's activity started and the payment failed (all() then fails and cancels the seat). */
function afterPayDeclined(wf: AnyWorkflow) {
  const d = new Driver(wf);
  const r1 = d.decide();
  const idOf = (input: string) => attrs(r1.decisions.find((x) => attrs(x).input === input)).activityId as string;
  d.b.activityStarted(idOf('"seat"'));
  d.b.activityFailed(idOf('"pay"'), "Declined", JSON.stringify({ name: "Declined", message: "no" }));
  return d.decideOpen();
}

test("all() fails and the workflow rethrows: the cancelled branch's compensation is still scheduled", () => {
  const wf = defineWorkflow({ name: "saga", version: "1" }, function* () {
    return yield* all([reserve("seat"), activity(act, "pay")]);
  });
  const r2 = afterPayDeclined(wf);
  const undoScheduled = r2.decisions.some(
    (x) => x.decisionType === "ScheduleActivityTask" && (attrs(x).activityType as { name: string }).name === "undo",
  );
  assert.ok(undoScheduled, `decisions: ${r2.decisions.map((x) => x.decisionType).join(", ")}`);
});

test("control: when the workflow waits once before finishing, the same compensation is scheduled", () => {
  const wf = defineWorkflow({ name: "saga-wait", version: "1" }, function* () {
    try {
      return yield* all([reserve("seat"), activity(act, "pay")]);
    } catch (err) {
      yield* sleep(1);
      throw err;
    }
  });
  const r2 = afterPayDeclined(wf);
  assert.ok(r2.decisions.some((x) => (attrs(x).activityType as { name: string } | undefined)?.name === "undo"));
});

test.run();
