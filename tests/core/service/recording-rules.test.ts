/**
 * SWF's recording rules (`@yieldflow/core/service`): refused continue-as-new, cancel requests with an origin,
 * terminations, how an activity closes, and refusals recorded the same way whoever refuses.
 */
import { continueAsNew, decide, defineWorkflow, makeDecision, sleep } from "@yieldflow/core";
import { HistoryRecorder } from "@yieldflow/core/service";
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

const scheduleA1 = makeDecision("ScheduleActivityTask", {
  activityType: { name: "a", version: "1" },
  activityId: "a1",
  startToCloseTimeout: "10",
});

test("the recorder alone plays SWF: decision task, activity scheduled, started, cancelled in SWF's order", () => {
  const r = new HistoryRecorder({ workflowType: { name: "w", version: "1" } });
  r.scheduleDecisionTask();
  r.startDecisionTask("d");
  r.completeDecisionTask([scheduleA1]);
  r.activityStarted("a1", "worker-1");
  r.scheduleDecisionTask();
  r.startDecisionTask("d");
  r.completeDecisionTask([makeDecision("RequestCancelActivityTask", { activityId: "a1" })]);
  r.activityCanceled("a1", "stopped");
  // the closing event comes before the decision task it causes, as SWF records it
  assert.equal(
    r.events.slice(-2).map((e) => e.eventType),
    ["ActivityTaskCanceled", "DecisionTaskScheduled"],
  );
  assert.equal(r.events.at(-2)?.activityTaskCanceledEventAttributes, {
    scheduledEventId: 5,
    startedEventId: 6,
    details: "stopped",
  });
  assert.is(r.activities.size, 0);
});

test("a refusal is recorded the same way whether SWF's rules or an injected fault refuse", () => {
  const ruled = new HistoryRecorder({ workflowType: { name: "w", version: "1" } });
  ruled.scheduleDecisionTask();
  ruled.startDecisionTask();
  ruled.completeDecisionTask([scheduleA1, scheduleA1]);
  const injected = new HistoryRecorder({ workflowType: { name: "w", version: "1" } });
  injected.scheduleDecisionTask();
  injected.startDecisionTask();
  injected.completeDecisionTask([scheduleA1, scheduleA1], {
    failDecision: (() => {
      let n = 0;
      return () => (n++ === 1 ? "ACTIVITY_ID_ALREADY_IN_USE" : undefined);
    })(),
  });
  assert.equal(injected.events, ruled.events);
  assert.equal(ruled.events.at(-2)?.scheduleActivityTaskFailedEventAttributes, {
    activityType: { name: "a", version: "1" },
    activityId: "a1",
    cause: "ACTIVITY_ID_ALREADY_IN_USE",
    decisionTaskCompletedEventId: 4,
  });
});

test("an undeliverable external signal is refused with the request's fields and its initiated event", () => {
  const r = new HistoryRecorder({ workflowType: { name: "w", version: "1" } });
  r.scheduleDecisionTask();
  r.startDecisionTask();
  r.completeDecisionTask([
    makeDecision("SignalExternalWorkflowExecution", { workflowId: "other", signalName: "go", control: "c" }),
  ]);
  r.externalDelivered(5, undefined, "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION");
  assert.equal(r.events.at(-2)?.signalExternalWorkflowExecutionFailedEventAttributes, {
    workflowId: "other",
    cause: "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION",
    initiatedEventId: 5,
    decisionTaskCompletedEventId: 4,
    control: "c",
  });
});

test.run();
