/**
 * BUG (replay/handlers/commands.ts: was one map of open operations keyed by bare id, now `commands[kind]`;
 * checkUnused): SWF keeps activity ids, timer ids and
 * child workflow ids in separate namespaces (an activityId may equal a timerId), and `activity(..., { id })` is
 * documented as "must be unique among this execution's open activities". The engine instead refuses a timer whose
 * user-supplied id equals an open activity's id (InvalidArgumentError "timer id "step-1" is already in use by an
 * open operation"), and it resolves every history event by bare id, so the kinds could not share an id anyway.
 * Expected: ids are unique per kind, as in SWF (e.g. key pending operations by kind and id).
 */
import { activity, defineActivity, defineWorkflow, sleep, start } from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Driver, types } from "../support.ts";

const act = defineActivity<string, string>({ name: "act", version: "1" });

test("an open activity and a timer may share a user-supplied id", () => {
  const wf = defineWorkflow({ name: "ns", version: "1" }, function* () {
    const h = yield* start(activity(act, "a", { id: "step-1" }));
    yield* sleep(5, { id: "step-1" });
    return yield* h;
  });
  const d = new Driver(wf);
  assert.equal(types(d.decide().decisions), ["ScheduleActivityTask", "StartTimer"]);
  d.b.timerFired("step-1");
  assert.equal(d.decide().decisions, [], "the timer fired; the activity is still open");
  d.b.activityCompleted("step-1", '"A"');
  assert.equal(types(d.decide().decisions), ["CompleteWorkflowExecution"]);
});

test.run();
