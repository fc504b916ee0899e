/**
 * BUG (replay/handlers/side-effect.ts sideEffect; history/fold.ts markers "first marker of a name wins"): two `sideEffect`s with
 * the same user-supplied id are accepted. Live, each calls its function and records its own marker (two
 * MarkerRecorded events named "x", details 1 and 102), and the workflow sees [1, 102]. On replay both read the
 * first marker, and the workflow sees [1, 1]. So the workflow's values differ between the run that recorded the
 * history and every replay of it, and between a decider's cached (incremental) state and a full replay; the
 * matcher cannot notice (same marker names). Expected: a repeated sideEffect id is rejected
 * (InvalidArgumentError, as for two open activities with one id), or replay returns what the run saw.
 */
import { decide, defineWorkflow, Replayer, sideEffect, sleep, YieldflowError } from "@yieldflow/core";
import { HistoryBuilder } from "@yieldflow/core/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";

test("two sideEffects with one id: replay sees what the live run saw (or the id is rejected)", () => {
  let n = 0;
  const wf = defineWorkflow({ name: "dup-se", version: "1" }, function* () {
    const a = yield* sideEffect(() => ++n, { id: "x" });
    const b = yield* sideEffect(() => ++n + 100, { id: "x" });
    yield* sleep(1);
    return [a, b];
  });
  const b = new HistoryBuilder({ workflowType: { name: "dup-se", version: "1" } });
  b.decisionTask();
  const live = new Replayer(wf, { runId: "r" });
  let first: ReturnType<Replayer["advance"]>;
  try {
    first = live.advance(b.events);
  } catch (err) {
    assert.instance(err, YieldflowError, "rejecting the repeated id is an acceptable fix");
    return;
  }
  const seen = b.events.length;
  b.completeDecisionTask(first.decisions);
  b.timerFired(b.timers.keys().next().value as string);
  b.decisionTask();
  const cached = live.advance(b.events.slice(seen)).status;
  const replayed = decide(wf, b.events, { runId: "r" }).status;
  assert.equal(cached, { status: "completed", result: [1, 102] }, "what the live run computed");
  assert.equal(replayed, cached, "a full replay must agree with the run that recorded the history");
});

test.run();
