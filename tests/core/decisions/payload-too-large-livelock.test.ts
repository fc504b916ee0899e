/**
 * Issue 7, defect 1: an activity input of about 1 MB made the per-response byte budget defer the decision before the
 * 32,768-character field check ran, so every decision task answered with nothing but the zero-second wake-up timer,
 * for ever. A field that can never fit fails at once, naming the effect (since the payload pipeline landed: a
 * PayloadTooLargeError at the one encode point, failing the decision task, unless a store takes the value out of
 * band); a deferral is only ever for something that fits in a later response.
 */
import {
  activity,
  all,
  childWorkflow,
  defineActivity,
  defineWorkflow,
  sideEffect,
  sleep,
  YieldflowError,
} from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rejection, within } from "../../fixtures/promises.ts";
import { attrs, Driver, thrown } from "../support.ts";

const big = "x".repeat(1_000_000);
const upload = defineActivity<string, number>({ name: "upload", version: "1" });

test("decide: a 1 MB activity input fails the decision task with YF_PAYLOAD_TOO_LARGE naming the activity", () => {
  const wf = defineWorkflow({ name: "big-input", version: "1" }, function* () {
    return yield* activity(upload, big);
  });
  const d = new Driver(wf);
  const err = tooLarge(thrown(() => d.decideOpen()));
  assert.match(err.message, /activity upload input/);
});

/** The too-large error behind `err` (the decision task's error, or its cause): typed, with its code. */
function tooLarge(err: unknown): Error {
  assert.instance(err, YieldflowError, String(err));
  const cause = (err as { cause?: unknown }).cause;
  const found = [err, cause].find((e) => (e as { code?: unknown } | null)?.code === "YF_PAYLOAD_TOO_LARGE");
  assert.ok(found, `no YF_PAYLOAD_TOO_LARGE in ${String(err)}`);
  return found as Error;
}

test("decide: a 1 MB workflow result, child input and side-effect value fail at once too", () => {
  const child = defineWorkflow({ name: "child", version: "1" }, function* (_s: string) {
    yield* sleep(1);
    return 1;
  });
  const cases = [
    defineWorkflow({ name: "big-result", version: "1" }, function* () {
      yield* sideEffect(() => 1); // a marker does not wait: the result goes out in this decision task
      return big;
    }),
    defineWorkflow({ name: "big-child", version: "1" }, function* () {
      return yield* childWorkflow(child, big);
    }),
    defineWorkflow({ name: "big-marker", version: "1" }, function* () {
      return yield* sideEffect(() => big);
    }),
  ];
  for (const wf of cases) {
    const d = new Driver(wf);
    tooLarge(thrown(() => d.decideOpen()));
  }
});

test("local runner: result() rejects with YF_PAYLOAD_TOO_LARGE after one decision task, not a wake-up loop", async () => {
  const wf = defineWorkflow({ name: "big-input-run", version: "1" }, function* () {
    return yield* activity(upload, big);
  });
  const runner = new LocalRunner({ workflows: [wf], activities: [] });
  try {
    const handle = await runner.start(wf, undefined);
    const err = await rejection(
      within(handle.result(), 3000, () => `still running after 3 s: ${handle.history().length} events`),
    );
    tooLarge(err);
    const events = handle.history();
    assert.ok(events.length < 10, `${events.length} events`);
    assert.not.ok(events.some((e) => e.eventType === "TimerStarted"));
  } finally {
    runner.close();
  }
});

test("a deferral is only for what fits later: 40 activity inputs of 30,000 characters go out over two tasks", () => {
  const wf = defineWorkflow({ name: "many-large", version: "1" }, function* () {
    return yield* all(Array.from({ length: 40 }, (_, i) => activity(upload, `${i}`.padEnd(30_000, "y"))));
  });
  const d = new Driver(wf);
  const first = d.decide().decisions;
  const scheduled = first.filter((x) => x.decisionType === "ScheduleActivityTask").length;
  assert.ok(scheduled > 0 && scheduled < 40, `${scheduled} scheduled in the first response`);
  assert.is(first[first.length - 1]?.decisionType, "StartTimer");
  d.b.timerFired(attrs(first[first.length - 1]).timerId as string);
  const second = d.decideOpen().decisions;
  assert.is(second.filter((x) => x.decisionType === "ScheduleActivityTask").length, 40 - scheduled);
});

test.run();
