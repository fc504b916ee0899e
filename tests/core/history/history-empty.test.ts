/**
 * BUG (replay/replayer.ts decide, history/fold.ts): `decide(workflow, [])` returns `{ decisions: [], status:
 * running }` instead of throwing. An empty history is never a valid decision-task history (SWF always sends at
 * least WorkflowExecutionStarted, DecisionTaskScheduled, DecisionTaskStarted), and the error code for it,
 * `YF_HISTORY_EMPTY`, is declared in errors.ts (HistoryErrorCode) but never thrown anywhere. A driver that lost
 * its history (an empty page, a failed fetch) silently answers with no decisions.
 */
import { decide, defineWorkflow, HistoryError, sleep } from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";

const wf = defineWorkflow({ name: "wf", version: "1" }, function* () {
  yield* sleep(10);
});

test("decide(workflow, []) → HistoryError YF_HISTORY_EMPTY", () => {
  try {
    decide(wf, []);
    assert.unreachable("an empty history must be rejected");
  } catch (err) {
    assert.instance(err, HistoryError);
    assert.is((err as HistoryError).code, "YF_HISTORY_EMPTY");
  }
});

test.run();
