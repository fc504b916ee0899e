/** HistoryBuilder records what SWF records for refused continue-as-new, cancel requests with an origin, terminations. */
import { continueAsNew, decide, defineWorkflow, sleep } from "@yieldflow/core";
import { HistoryBuilder } from "@yieldflow/core/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";

test("continue-as-new to an unregistered version: ContinueAsNewWorkflowExecutionFailed, and a new decision task", () => {
  const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
    yield* continueAsNew(1, { workflowTypeVersion: "9" });
  });
  const b = new HistoryBuilder({ workflowType: { name: "w", version: "1" } });
  b.decisionTask();
  b.completeDecisionTask(decide(wf, b.events).decisions, { workflowTypeExists: (t) => t.version === "1" });
  const last = b.events.slice(-2);
  assert.equal(
    last.map((e) => e.eventType),
    ["ContinueAsNewWorkflowExecutionFailed", "DecisionTaskScheduled"],
  );
  assert.is(last[0]?.continueAsNewWorkflowExecutionFailedEventAttributes?.cause, "WORKFLOW_TYPE_DOES_NOT_EXIST");
  // the workflow then fails, saying why
  b.startDecisionTask();
  const r = decide(wf, b.events);
  assert.is(r.decisions[0]?.decisionType, "FailWorkflowExecution");
  assert.is(r.status.status, "failed");
});

test("cancelRequested records who asked, or the child policy", () => {
  const b = new HistoryBuilder({ workflowType: { name: "w", version: "1" } });
  b.cancelRequested({ workflowId: "parent", runId: "r1", initiatedEventId: 7 });
  b.cancelRequested(undefined, "CHILD_POLICY_APPLIED");
  const [a, c] = b.events.filter((e) => e.eventType === "WorkflowExecutionCancelRequested");
  assert.equal(a?.workflowExecutionCancelRequestedEventAttributes, {
    externalWorkflowExecution: { workflowId: "parent", runId: "r1" },
    externalInitiatedEventId: 7,
  });
  assert.equal(c?.workflowExecutionCancelRequestedEventAttributes, { cause: "CHILD_POLICY_APPLIED" });
});

test("terminated records reason, details and cause; nothing can follow", () => {
  const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
    yield* sleep(10);
  });
  const b = new HistoryBuilder({ workflowType: { name: "w", version: "1" } });
  b.decisionTask();
  b.completeDecisionTask(decide(wf, b.events).decisions);
  b.terminated("ops", "OPERATOR_INITIATED", "by hand");
  assert.equal(b.events.at(-1)?.workflowExecutionTerminatedEventAttributes, {
    childPolicy: "TERMINATE",
    reason: "ops",
    details: "by hand",
    cause: "OPERATOR_INITIATED",
  });
  assert.throws(() => b.signal("x"));
  decide(wf, b.events); // a terminated history replays
});

test.run();
