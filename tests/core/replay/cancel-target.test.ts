/**
 * BUG (replay/engine.ts, deliver "cancelRequested" → cancelFiber): when the execution is asked to cancel, workflow
 * code never sees the CancelledFailure that says so (target "workflow", message "the workflow execution was asked
 * to cancel"). cancelFiber first cancels the ops the workflow owns; the op the workflow waits on settles with its
 * own CancelledFailure (target "activity-1" / "timer-1" / "signal:x", message "… was cancelled with workflow"),
 * which wakes the fiber first, and the workflow's failure is dropped (the fiber is already queued with a
 * cancellation). So:
 * - `catch (e) { if (e.target === "workflow") … }` never matches; a workflow cannot tell "my execution is being
 *   cancelled" from "this activity was cancelled on its own" (a worker's RespondActivityTaskCanceled gives the same
 *   class with the same target);
 * - the CancelWorkflowExecution details are `"timer-1 was cancelled with workflow"` instead of the workflow's reason.
 */
import { activity, type CancelledFailure, defineActivity, defineWorkflow, sleep } from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { attrs, Driver, resultOf, types } from "../support.ts";

const work = defineActivity<string, string>({ name: "work", version: "1" });

test("the failure thrown into a workflow waiting on an activity targets the workflow", () => {
  const wf = defineWorkflow({ name: "cancel-target", version: "1" }, function* () {
    try {
      return yield* activity(work, "x");
    } catch (err) {
      return { target: (err as CancelledFailure).target };
    }
  });
  const d = new Driver(wf);
  d.decide();
  d.b.activityStarted("activity-1");
  d.b.cancelRequested();
  assert.equal(resultOf(d.decide().decisions), { target: "workflow" });
});

test("CancelWorkflowExecution details carry the workflow's cancellation, not a timer's", () => {
  const wf = defineWorkflow({ name: "cancel-details", version: "1" }, function* () {
    yield* sleep("1d");
  });
  const d = new Driver(wf);
  d.decide();
  d.b.cancelRequested();
  const r = d.decide();
  assert.equal(types(r.decisions), ["CancelTimer", "CancelWorkflowExecution"]);
  const details = attrs(r.decisions[1]).details as string;
  assert.not.match(details, "timer-");
  assert.match(details, "asked to cancel");
});

test.run();
