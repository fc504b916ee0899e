/**
 * BUG (replay/engine.ts cancelScheduled / resolve): when the loser of a race (or a sibling of a failed all) has
 * already closed *in the same batch of events*, later in the history than the winner, the engine still emits a
 * cancel decision for it: RequestCancelActivityTask for an activity whose ActivityTaskCompleted is in this very
 * task's inputs, CancelTimer for a timer whose TimerFired is too. The cancel is queued when the winner's event is
 * delivered and never withdrawn when the loser's own closing event is delivered right after. SWF answers
 * RequestCancelActivityTaskFailed / CancelTimerFailed (ACTIVITY_ID_UNKNOWN / TIMER_ID_UNKNOWN) and schedules a
 * needless extra decision task; the history gains a `…Failed` event for every such race.
 * Expected: a cancel command whose target closes before the response goes out is dropped from the outbox.
 */
import { activity, defineActivity, defineWorkflow, race, signal, sleep } from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Driver, only, types } from "../support.ts";

const act = defineActivity<string, string>({ name: "act", version: "1" });

test("race of two activities that both completed in the batch: no RequestCancelActivityTask", () => {
  const wf = defineWorkflow({ name: "race-both", version: "1" }, function* () {
    return yield* race([activity(act, "a"), activity(act, "b")]);
  });
  const d = new Driver(wf);
  d.decide();
  d.b.activityCompleted("activity-1", '"A"');
  d.b.activityCompleted("activity-2", '"B"');
  assert.equal(types(d.decide().decisions), ["CompleteWorkflowExecution"]);
  assert.not.ok(
    d.events.some((e) => e.eventType === "RequestCancelActivityTaskFailed"),
    "SWF refused a cancel of a closed activity",
  );
});

test("signal and timer in the same batch, signal first: no CancelTimer for the timer that fired", () => {
  const wf = defineWorkflow({ name: "race-fired", version: "1" }, function* () {
    return (yield* race([signal<string>("go"), sleep(60)])) ?? "timeout";
  });
  const d = new Driver(wf);
  const timerId = only(d.decide().decisions, "StartTimer").timerId as string;
  d.b.signal("go", '"go"');
  d.b.timerFired(timerId);
  assert.equal(types(d.decide().decisions), ["CompleteWorkflowExecution"]);
});

test.run();
