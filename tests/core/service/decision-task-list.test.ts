/**
 * The decision task list override (RespondDecisionTaskCompleted's `taskList` and `taskListScheduleToStartTimeout`)
 * as `HistoryRecorder` records it: later decision tasks go to the override; with a schedule-to-start timeout, one
 * nobody starts times out (SCHEDULE_TO_START) and the execution goes back to its own task list.
 */
import { HistoryRecorder } from "@yieldflow/core/service";
import { test } from "uvu";
import * as assert from "uvu/assert";

const scheduled = (r: HistoryRecorder) =>
  r.events
    .filter((e) => e.eventType === "DecisionTaskScheduled")
    .map((e) => [
      e.decisionTaskScheduledEventAttributes?.taskList?.name,
      e.decisionTaskScheduledEventAttributes?.scheduleToStartTimeout,
    ]);

test("an override without a timeout is permanent", () => {
  const r = new HistoryRecorder({ workflowType: { name: "w", version: "1" }, taskList: "own" });
  r.scheduleDecisionTask();
  r.startDecisionTask();
  r.overrideDecisionTaskList("host-1");
  r.completeDecisionTask([]);
  assert.is(r.decisionTaskList, "host-1");
  r.signal("s", undefined);
  r.scheduleDecisionTask();
  assert.is(r.decisionTaskList, "host-1");
  assert.equal(scheduled(r), [
    ["own", undefined],
    ["host-1", undefined],
  ]);
});

test("a decision task nobody starts in time times out SCHEDULE_TO_START and goes back to the own task list", () => {
  const r = new HistoryRecorder({ workflowType: { name: "w", version: "1" }, taskList: "own" });
  r.scheduleDecisionTask();
  r.startDecisionTask();
  r.overrideDecisionTaskList("host-1", "5");
  r.completeDecisionTask([]);
  r.signal("s", undefined);
  r.scheduleDecisionTask();
  const waiting = r.scheduledDecisionTaskId;
  r.timeOutScheduledDecisionTask();
  const timedOut = r.events.find((e) => e.eventType === "DecisionTaskTimedOut")?.decisionTaskTimedOutEventAttributes;
  assert.equal(timedOut, { timeoutType: "SCHEDULE_TO_START", scheduledEventId: waiting, startedEventId: 0 });
  assert.equal(scheduled(r), [
    ["own", undefined],
    ["host-1", "5"],
    ["own", undefined],
  ]);
  assert.is(r.decisionTaskList, "own");
  assert.throws(() => {
    r.startDecisionTask();
    r.timeOutScheduledDecisionTask();
  }, /no scheduled decision task/);
});

test.run();
