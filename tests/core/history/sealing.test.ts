/**
 * When a completed decision task joins `tasks`: SWF records a response's events right after its DecisionTaskCompleted,
 * so the fold keeps the task `completing` through the events its decisions recorded (of every kind of command) and
 * seals it at the first event of any other kind.
 */
import { type EventType, eventAttributesKey, foldHistory, type HistoryEvent } from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";

const T0 = 1_767_225_600;
function E(eventId: number, eventType: EventType, attributes: Record<string, unknown>): HistoryEvent {
  return {
    eventId,
    eventType,
    eventTimestamp: T0 + eventId,
    [eventAttributesKey(eventType)]: attributes,
  } as HistoryEvent;
}
const wf = { name: "wf", version: "1" };
/** Events 1..4: started, a decision task scheduled, started and completed. */
const completedTask = (): HistoryEvent[] => [
  E(1, "WorkflowExecutionStarted", { workflowType: wf, taskList: { name: "tl" }, childPolicy: "TERMINATE" }),
  E(2, "DecisionTaskScheduled", { taskList: { name: "tl" } }),
  E(3, "DecisionTaskStarted", { scheduledEventId: 2 }),
  E(4, "DecisionTaskCompleted", { scheduledEventId: 2, startedEventId: 3 }),
];
/** One event recorded by a decision of each kind of command (the task completed at event 4). */
const decided = (id: number): HistoryEvent[] => [
  E(id, "ActivityTaskScheduled", {
    activityType: { name: "a", version: "1" },
    activityId: "a1",
    taskList: { name: "tl" },
    decisionTaskCompletedEventId: 4,
  }),
  E(id + 1, "TimerStarted", { timerId: "t1", startToFireTimeout: "5", decisionTaskCompletedEventId: 4 }),
  E(id + 2, "MarkerRecorded", { markerName: "m", decisionTaskCompletedEventId: 4 }),
  E(id + 3, "StartChildWorkflowExecutionInitiated", {
    workflowId: "c1",
    workflowType: wf,
    childPolicy: "TERMINATE",
    taskList: { name: "tl" },
    decisionTaskCompletedEventId: 4,
  }),
  E(id + 4, "SignalExternalWorkflowExecutionInitiated", {
    workflowId: "x",
    signalName: "s",
    decisionTaskCompletedEventId: 4,
  }),
  E(id + 5, "CompleteWorkflowExecutionFailed", { cause: "UNHANDLED_DECISION", decisionTaskCompletedEventId: 4 }),
];

test("the events a task's decisions recorded (one of each kind of command) keep it completing", () => {
  const state = foldHistory([...completedTask(), ...decided(5)]);
  assert.is(state.tasks.length, 0);
  assert.equal(
    state.completing?.recorded.map((r) => r.eventType),
    decided(5).map((e) => e.eventType),
  );
});

test("any other event seals it: an outcome, a signal, a new decision task, a close", () => {
  const others: HistoryEvent[] = [
    E(11, "ActivityTaskStarted", { scheduledEventId: 5 }),
    E(11, "TimerFired", { timerId: "t1", startedEventId: 6 }),
    E(11, "ChildWorkflowExecutionStarted", {
      workflowExecution: { workflowId: "c1", runId: "r" },
      workflowType: wf,
      initiatedEventId: 8,
    }),
    E(11, "WorkflowExecutionSignaled", { signalName: "s" }),
    E(11, "ExternalWorkflowExecutionSignaled", {
      workflowExecution: { workflowId: "x", runId: "r" },
      initiatedEventId: 9,
    }),
    E(11, "WorkflowExecutionCancelRequested", {}),
    E(11, "DecisionTaskScheduled", { taskList: { name: "tl" } }),
    E(11, "WorkflowExecutionTerminated", { childPolicy: "TERMINATE" }),
  ];
  for (const other of others) {
    const state = foldHistory([...completedTask(), ...decided(5), other]);
    assert.is(state.completing, null, other.eventType);
    assert.is(state.tasks.length, 1, other.eventType);
    assert.is(state.tasks[0]?.recorded.length, 6, other.eventType);
  }
});

test.run();
