/**
 * BUG (workflow.ts defineActivity / effects/activity.ts, decisions/validate.ts): `taskPriority` is never checked.
 * SWF's taskPriority is a string holding an integer in the Java int range (-2147483648 … 2147483647); yieldflow
 * sends whatever `String(number)` gives, e.g. "1.5", "NaN", "Infinity", "30000000000", and validateDecision
 * accepts any string ("abc"). SWF rejects the whole RespondDecisionTaskCompleted call (a validation error, not a
 * `…Failed` event), so the decision task times out again and again. Expected: InvalidArgumentError when the
 * priority is given, or InvalidDecisionError from validateDecision.
 */
import {
  activity,
  decide,
  defineActivity,
  defineWorkflow,
  InvalidArgumentError,
  InvalidDecisionError,
  makeDecision,
  validateDecision,
} from "@yieldflow/core";
import { HistoryBuilder } from "@yieldflow/core/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";

for (const priority of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 3e10]) {
  test(`taskPriority ${priority} never reaches a decision`, () => {
    try {
      const act = defineActivity<string, string>({ name: "act", version: "1", taskPriority: priority });
      const wf = defineWorkflow({ name: "prio", version: "1" }, function* () {
        return yield* activity(act, "x");
      });
      const b = new HistoryBuilder({ workflowType: { name: "prio", version: "1" } });
      b.decisionTask();
      const d = decide(wf, b.events).decisions[0];
      assert.unreachable(`sent ${JSON.stringify(d)}`);
    } catch (err) {
      assert.ok(err instanceof InvalidArgumentError || err instanceof InvalidDecisionError, String(err));
    }
  });
}

test("validateDecision rejects a taskPriority that is not an integer string", () => {
  const d = makeDecision("ScheduleActivityTask", {
    activityType: { name: "a", version: "1" },
    activityId: "x",
    taskPriority: "abc",
  });
  try {
    validateDecision(d);
    assert.unreachable('accepted taskPriority "abc"');
  } catch (err) {
    assert.instance(err, InvalidDecisionError);
    assert.is((err as InvalidDecisionError).field, "taskPriority");
  }
});

test.run();
