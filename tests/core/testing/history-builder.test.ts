/** HistoryBuilder: records events the way SWF does (ids, times, decisions → events, SWF's refusals). */
import { foldHistory, type HistoryEvent, InvalidArgumentError, makeDecision, startedTask } from "@yieldflow/core";
import { DEFAULT_START_TIME, HistoryBuilder } from "@yieldflow/core/testing";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { thrown } from "../support.ts";

const start = () => new HistoryBuilder({ workflowType: { name: "wf", version: "1" }, input: '"x"' });
const typesOf = (events: HistoryEvent[]) => events.map((e) => e.eventType);
const bad = (fn: () => unknown) => assert.instance(thrown(fn), InvalidArgumentError);

const b = suite("HistoryBuilder");

b(
  "starts with WorkflowExecutionStarted; contiguous ids; epoch-second timestamps; a clock that only moves forward",
  () => {
    const h = start();
    assert.is(h.events[0]?.eventType, "WorkflowExecutionStarted");
    assert.is(h.events[0]?.eventTimestamp, DEFAULT_START_TIME / 1000);
    h.advance(1500).decisionTask();
    assert.equal(
      h.events.map((e) => e.eventId),
      [1, 2, 3],
    );
    assert.is(h.events[2]?.eventTimestamp, DEFAULT_START_TIME / 1000 + 1.5);
    h.at(DEFAULT_START_TIME); // never backwards
    assert.is(h.time, DEFAULT_START_TIME + 1500);
    bad(() => h.advance(-1));
    assert.ok(startedTask(foldHistory(h.events)), "folds cleanly");
  },
);

b("each decision becomes its event, referring to the DecisionTaskCompleted", () => {
  const h = start();
  h.decisionTask();
  const dtc = h.completeDecisionTask([
    makeDecision("ScheduleActivityTask", { activityType: { name: "a", version: "1" }, activityId: "a1", input: "1" }),
    makeDecision("StartTimer", { timerId: "t1", startToFireTimeout: "10" }),
    makeDecision("RecordMarker", { markerName: "m", details: "d" }),
    makeDecision("StartChildWorkflowExecution", { workflowType: { name: "c", version: "1" }, workflowId: "c1" }),
    makeDecision("SignalExternalWorkflowExecution", { workflowId: "o", signalName: "s", control: "k" }),
    makeDecision("RequestCancelExternalWorkflowExecution", { workflowId: "o" }),
  ]);
  assert.equal(typesOf(h.events.slice(dtc)), [
    "ActivityTaskScheduled",
    "TimerStarted",
    "MarkerRecorded",
    "StartChildWorkflowExecutionInitiated",
    "SignalExternalWorkflowExecutionInitiated",
    "RequestCancelExternalWorkflowExecutionInitiated",
  ]);
  for (const e of h.events.slice(dtc)) {
    const attrs = Object.entries(e).find(([k]) => k.endsWith("EventAttributes"))?.[1] as Record<string, unknown>;
    assert.is(attrs.decisionTaskCompletedEventId, dtc, String(e.eventType));
  }
  assert.ok(h.activities.has("a1"));
  assert.ok(h.timers.has("t1"));
  assert.ok(h.children.has("c1"));
  assert.is(h.externals.size, 2);
  assert.is(h.decisionTaskOpen, false, "nothing asked for a new decision task");
  foldHistory(h.events);
});

b("outcomes: started/completed, timer fired at its deadline, each schedules one decision task", () => {
  const h = start();
  h.decisionTask();
  h.completeDecisionTask([
    makeDecision("ScheduleActivityTask", { activityType: { name: "a", version: "1" }, activityId: "a1" }),
    makeDecision("StartTimer", { timerId: "t1", startToFireTimeout: "60" }),
  ]);
  const before = h.events.length;
  h.activityCompleted("a1", '"r"');
  h.timerFired("t1");
  assert.equal(typesOf(h.events.slice(before)), [
    "ActivityTaskStarted",
    "ActivityTaskCompleted",
    "DecisionTaskScheduled",
    "TimerFired",
  ]);
  assert.is(h.events.at(-1)?.eventTimestamp, DEFAULT_START_TIME / 1000 + 60);
  bad(() => h.activityCompleted("a1"));
  bad(() => h.timerFired("t1"));
});

b("SWF's refusals: ids in use, unknown ids to cancel, a closing decision that is not last", () => {
  const h = start();
  h.decisionTask();
  h.completeDecisionTask([
    makeDecision("ScheduleActivityTask", { activityType: { name: "a", version: "1" }, activityId: "a1" }),
    makeDecision("ScheduleActivityTask", { activityType: { name: "a", version: "1" }, activityId: "a1" }),
    makeDecision("StartTimer", { timerId: "t1", startToFireTimeout: "60" }),
    makeDecision("StartTimer", { timerId: "t1", startToFireTimeout: "60" }),
    makeDecision("CancelTimer", { timerId: "nope" }),
    makeDecision("RequestCancelActivityTask", { activityId: "nope" }),
  ]);
  const failed = h.events.filter((e) => String(e.eventType).endsWith("Failed"));
  assert.equal(
    failed.map((e) => [
      e.eventType,
      (Object.values(e).find((v) => typeof v === "object" && v !== null && "cause" in v) as { cause: string }).cause,
    ]),
    [
      ["ScheduleActivityTaskFailed", "ACTIVITY_ID_ALREADY_IN_USE"],
      ["StartTimerFailed", "TIMER_ID_ALREADY_IN_USE"],
      ["CancelTimerFailed", "TIMER_ID_UNKNOWN"],
      ["RequestCancelActivityTaskFailed", "ACTIVITY_ID_UNKNOWN"],
    ],
  );
  assert.ok(h.decisionTaskScheduled, "a refusal schedules a new decision task");
  h.startDecisionTask();
  bad(() =>
    h.completeDecisionTask([
      makeDecision("CompleteWorkflowExecution", {}),
      makeDecision("CancelTimer", { timerId: "t1" }),
    ]),
  );
});

b("cancelling an activity that never started: ActivityTaskCanceled at once", () => {
  const h = start();
  h.decisionTask();
  h.completeDecisionTask([
    makeDecision("ScheduleActivityTask", { activityType: { name: "a", version: "1" }, activityId: "a1" }),
  ]);
  h.signal("s");
  h.startDecisionTask();
  const dtc = h.completeDecisionTask([makeDecision("RequestCancelActivityTask", { activityId: "a1" })]);
  assert.equal(typesOf(h.events.slice(dtc)), [
    "ActivityTaskCancelRequested",
    "ActivityTaskCanceled",
    "DecisionTaskScheduled",
  ]);
  assert.not.ok(h.activities.has("a1"));
});

b("a closing decision while new events arrived → …Failed UNHANDLED_DECISION and a new task; then it closes", () => {
  const h = start();
  h.decisionTask();
  h.signal("late");
  h.completeDecisionTask([makeDecision("CompleteWorkflowExecution", { result: "1" })]);
  assert.equal(typesOf(h.events.slice(-2)), ["CompleteWorkflowExecutionFailed", "DecisionTaskScheduled"]);
  assert.is(h.closedBy, undefined);
  h.startDecisionTask();
  h.completeDecisionTask([makeDecision("CompleteWorkflowExecution", { result: "1" })]);
  assert.is(h.closedBy, "WorkflowExecutionCompleted");
  bad(() => h.signal("after close"));
  foldHistory(h.events);
});

b("fault injection: failDecision records the refusal with the chosen cause", () => {
  const h = start();
  h.decisionTask();
  h.completeDecisionTask([makeDecision("StartTimer", { timerId: "t", startToFireTimeout: "1" })], {
    failDecision: (d) => (d.decisionType === "StartTimer" ? "TIMER_CREATION_RATE_EXCEEDED" : undefined),
  });
  const e = h.events.find((x) => x.eventType === "StartTimerFailed");
  assert.is(e?.startTimerFailedEventAttributes?.cause, "TIMER_CREATION_RATE_EXCEEDED");
  assert.not.ok(h.timers.has("t"));
});

b("decision task time-out, termination and workflow time-out", () => {
  const h = start();
  h.decisionTask();
  h.timeOutDecisionTask();
  assert.equal(typesOf(h.events.slice(-2)), ["DecisionTaskTimedOut", "DecisionTaskScheduled"]);
  h.terminated("operator said so", "OPERATOR_INITIATED");
  assert.is(h.closedBy, "WorkflowExecutionTerminated");
  const t = start();
  t.timedOut();
  assert.is(t.closedBy, "WorkflowExecutionTimedOut");
  foldHistory(h.events);
  foldHistory(t.events);
});

b.run();
