/**
 * BUG (replay/engine.ts finishFiber → errors.ts encodeRemoteError): when a workflow does not catch an
 * ActivityFailure, the FailWorkflowExecution details the engine builds contain the remote error twice (the
 * ActivityFailure's message embeds the remote message, and `cause` repeats the remote error with its stack). An
 * activity failure whose details are well within SWF's limit (22,060 of 32,768 chars here) yields 40,171 chars of
 * failure details, so `decide` throws InvalidDecisionError YF_PAYLOAD_TOO_LARGE on every decision task: the
 * execution can never close (it is stuck until it times out), although nothing the workflow or the activity did
 * broke a limit. Expected: the engine's own failure encoding always fits the Data limit (e.g. by shortening the
 * duplicated message / dropping the nested stack), and the workflow closes as failed.
 */
import { activity, defineActivity, defineWorkflow } from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Driver, only } from "../support.ts";

const act = defineActivity<string, string>({ name: "act", version: "1" });

test("an uncaught activity failure with 22k-char details still fails the workflow", () => {
  const wf = defineWorkflow({ name: "big-fail", version: "1" }, function* () {
    return yield* activity(act, "x");
  });
  const d = new Driver(wf);
  d.decide();
  const details = JSON.stringify({
    name: "ValidationError",
    message: `bad rows: ${"row 1234 invalid; ".repeat(1000)}`,
    stack: "    at validate (/srv/app/rows.js:1:1)\n".repeat(100),
  });
  assert.ok(details.length < 32_768, `${details.length}`);
  d.b.activityFailed("activity-1", "ValidationError", details);
  const r = d.decideOpen();
  const fail = only(r.decisions, "FailWorkflowExecution");
  assert.ok((fail.details as string).length <= 32_768);
  assert.is(r.status.status, "failed");
});

test.run();
