/**
 * Issue 7, defect 2: the local runner did not enforce SWF's 25,000-event cap, so a run-away loop ran on locally
 * and would only fail in production. SWF terminates such an execution with cause EVENT_LIMIT_EXCEEDED; the runner
 * records it the same way, and result() rejects with a typed error that says what happened and what to do.
 */
import { defineWorkflow, sideEffect, sleep } from "@yieldflow/core";
import { LocalRunner, WorkflowExecutionError } from "@yieldflow/local-runner";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rejection, within } from "../../fixtures/promises.ts";

test("a workflow that loops for ever is terminated at 25,000 events with cause EVENT_LIMIT_EXCEEDED", async () => {
  const forever = defineWorkflow({ name: "forever", version: "1" }, function* () {
    for (;;) {
      for (let j = 0; j < 50; j++) yield* sideEffect(() => j); // many events per decision task: a quick test
      yield* sleep(60);
    }
  });
  const runner = new LocalRunner({ workflows: [forever] });
  try {
    const handle = await runner.start(forever, undefined);
    const err = await rejection(
      within(handle.result(), 15_000, () => `still running: ${handle.history().length} events`),
    );
    assert.instance(err, WorkflowExecutionError, String(err));
    const e = err as WorkflowExecutionError;
    assert.is(e.code, "YF_WORKFLOW_TERMINATED");
    assert.is(e.terminateCause, "EVENT_LIMIT_EXCEEDED");
    assert.match(e.message, /25,000 events/);
    assert.match(e.message, /continueAsNew/);
    const events = handle.history();
    // terminated right after the event that reached the cap (a response's own events are recorded together)
    const before = events.length - 1;
    assert.ok(before >= 24_999 && before < 24_999 + 110, `${events.length} events`);
    const last = events[events.length - 1];
    assert.is(last?.eventType, "WorkflowExecutionTerminated");
    assert.is(last?.workflowExecutionTerminatedEventAttributes?.cause, "EVENT_LIMIT_EXCEEDED");
    assert.is(last?.eventId, events.length);
    assert.is(handle.status().status, "TERMINATED");
  } finally {
    runner.close();
  }
});

test.run();
