/** `checkReplay` and `findDuplicateIds`: the replay checks of the testing kit. */

import { defineWorkflow, sleep } from "@yieldflow/core";
import { checkReplay, findDuplicateIds, HistoryBuilder, simulate } from "@yieldflow/core/testing";
import { suite } from "uvu";
import * as assert from "uvu/assert";

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
