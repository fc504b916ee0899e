/** `replay`, `checkReplay` and `findDuplicateIds`: the replay checks of the testing kit. */

import { activity, defineActivity, defineWorkflow, NondeterminismError, sleep } from "@yieldflow/core";
import {
  checkReplay,
  findDuplicateIds,
  HistoryBuilder,
  ReplayCheckError,
  replay,
  simulate,
} from "@yieldflow/core/testing";
import { suite } from "uvu";
import * as assert from "uvu/assert";

const step = defineActivity<number, number>({ name: "step", version: "1" });
const v1 = defineWorkflow({ name: "steps", version: "1" }, function* () {
  yield* activity(step, 1);
  yield* sleep(5);
  return yield* activity(step, 2);
});
/** v1 with its sleep removed: a change that breaks running executions. */
const v2 = defineWorkflow({ name: "steps", version: "1" }, function* () {
  yield* activity(step, 1);
  return yield* activity(step, 2);
});

const check = suite("checkReplay");

check("a run decided live passes every replay property", () => {
  checkReplay(v1, simulate(v1));
  checkReplay(v1, simulate(v1), { sample: 1 });
});

check("decisions that the code no longer makes fail prefix-replay, naming the decision task", () => {
  const run = simulate(v1);
  const err = (() => {
    try {
      checkReplay(v2, run);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  assert.instance(err, ReplayCheckError);
  assert.is((err as ReplayCheckError).code, "YF_REPLAY_CHECK");
  assert.is((err as ReplayCheckError).property, "prefix-replay");
});

check("replay: a recorded history replays against compatible code, and throws NondeterminismError otherwise", () => {
  const { events } = simulate(v1);
  assert.equal(replay(v1, events).status.status, "completed");
  assert.equal(replay(v1, { events }).status.status, "completed");
  assert.throws(
    () => replay(v2, events),
    (e: unknown) => e instanceof NondeterminismError,
  );
});

check.run();

// ─── regressions found by the code review (moved from regressions/review.test.ts) ───
{
  const review = suite("replay-check: code review regressions");

  review("reusing an id after its operation closed is legal; reusing it while open is flagged", () => {
    const seq = defineWorkflow({ name: "w", version: "1" }, function* () {
      for (let i = 0; i < 2; i++) yield* sleep(60, { id: "poll" });
      return "ok";
    });
    const run = simulate(seq, {});
    assert.equal(findDuplicateIds(run.events), []);
    checkReplay(seq, run);
    const b = new HistoryBuilder({ workflowType: { name: "w", version: "1" } });
    b.decisionTask();
    const dtc = b.add("DecisionTaskCompleted", { scheduledEventId: 2, startedEventId: 3 });
    b.add("TimerStarted", { timerId: "t", startToFireTimeout: "5", decisionTaskCompletedEventId: dtc });
    b.add("TimerStarted", { timerId: "t", startToFireTimeout: "5", decisionTaskCompletedEventId: dtc });
    assert.is(findDuplicateIds(b.events).length, 1);
  });

  review.run();
}
