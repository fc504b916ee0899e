/**
 * BUG (decisions/outbox.ts take; replay/replayer.ts options): `maxDecisionsPerResponse` is not validated. With 1, 0
 * or a negative number the per-response budget (`maxPerResponse - 1`) is ≤ 0, so every command is deferred and each
 * decision task answers with nothing but a new zero-second wake-up timer: the execution loops through decision tasks
 * forever without ever scheduling its first activity. Expected: values below 2 (and non-integers) are rejected with
 * InvalidArgumentError, or the emitter still makes progress.
 */
import { activity, defineActivity, defineWorkflow, InvalidArgumentError } from "@yieldflow/core";
import { simulate } from "@yieldflow/core/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";

const act = defineActivity<string, string>({ name: "act", version: "1" });
const wf = defineWorkflow({ name: "budget", version: "1" }, function* () {
  return yield* activity(act, "x");
});

for (const max of [1, 0, -5]) {
  test(`maxDecisionsPerResponse ${max}: rejected, or the workflow still makes progress`, () => {
    let sim: ReturnType<typeof simulate>;
    try {
      sim = simulate(wf, { maxDecisionsPerResponse: max, maxDecisionTasks: 20 });
    } catch (err) {
      assert.instance(err, InvalidArgumentError);
      return;
    }
    assert.ok(
      sim.events.some((e) => e.eventType === "ActivityTaskScheduled"),
      `after ${sim.tasks.length} decision tasks: ${[...new Set(sim.events.map((e) => e.eventType))].join(", ")}`,
    );
  });
}

test.run();
