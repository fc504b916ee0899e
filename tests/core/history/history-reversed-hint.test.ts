/**
 * BUG (history/fold.ts applyEvent): a whole history fetched with reverseOrder=true (newest first, as
 * GetWorkflowExecutionHistory returns it with `reverseOrder: true`) gets the hint "(a page of the history is
 * missing?)" instead of "(a history fetched with reverseOrder=true must be reversed first)". The reverse hint is
 * only given when an id goes *backwards* after the first event, but a reversed history fails on its very first
 * event, whose id is the largest (> 1), so the "missing page" branch is taken. The hint that exists for exactly
 * this mistake never shows for it.
 */
import { decide, defineWorkflow, HistoryError, sleep } from "@yieldflow/core";
import { HistoryBuilder } from "@yieldflow/core/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";

const wf = defineWorkflow({ name: "wf", version: "1" }, function* () {
  yield* sleep(10);
});

test("a reversed history is diagnosed as reversed", () => {
  const b = new HistoryBuilder({ workflowType: { name: "wf", version: "1" } });
  b.decisionTask();
  b.completeDecisionTask(decide(wf, b.events).decisions);
  b.timerFired("timer-1");
  b.decisionTask();
  const reversed = [...b.events].reverse();
  try {
    decide(wf, reversed);
    assert.unreachable("must throw");
  } catch (err) {
    assert.instance(err, HistoryError);
    assert.is((err as HistoryError).code, "YF_HISTORY_OUT_OF_ORDER");
    assert.match((err as Error).message, "reverseOrder");
  }
});

test.run();
