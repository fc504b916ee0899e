/**
 * The runner's SWF-style service driven the way a decider in another process drives it (the foundation of the dev
 * server): events that arrive while a decision task is open make a close fail with UNHANDLED_DECISION and a new task
 * follow; a decider that never answers has its task time out and another one offered; a worker picking up an
 * activity task (ActivityTaskStarted) is not an event SWF makes a decision task for, whether a decision task is
 * scheduled or started at that moment.
 */
import {
  type ActivityDefinition,
  type Decision,
  decide,
  defineActivity,
  defineWorkflow,
  type HistoryEvent,
  makeDecision,
  signal,
} from "@yieldflow/core";
import { VirtualClock, WorkflowService } from "@yieldflow/local-runner";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Registry } from "../../../packages/local-runner/src/runner/registry.ts";

const collect = defineWorkflow({ name: "collect", version: "1", timeouts: { taskStartToClose: "10s" } }, function* () {
  return yield* signal<string>("item");
});

/** Registered, run by no one in process: the test polls its tasks as a remote worker would. */
const work = defineActivity<string, string>({ name: "work", version: "1", taskList: "work" });

function service() {
  const clock = new VirtualClock();
  const svc = new WorkflowService(
    clock,
    new Registry({ workflows: [collect], activityTypes: [work as ActivityDefinition<unknown, unknown>] }),
    {
      changed: () => {},
      activityCancelRequested: () => {},
      activityClosed: () => {},
      runChanged: () => {},
      emit: () => {},
    },
  );
  const run = svc.startWorkflowExecution({
    workflow: collect,
    workflowId: "c-1",
    input: undefined,
    taskList: undefined,
    executionStartToCloseTimeout: undefined,
    taskStartToCloseTimeout: "10",
    childPolicy: undefined,
    tagList: undefined,
  });
  return { clock, svc, run };
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("expected a decision task");
  return value;
}

const types = (events: readonly HistoryEvent[]) => events.map((e) => e.eventType);
const ids = (runId: string) => ({ workflowId: "c-1", runId });

test("a signal that arrives while the close is decided: UNHANDLED_DECISION, a new task, and the close decided again", () => {
  const { svc, run } = service();
  svc.signalWorkflowExecution("c-1", "item", '"first"');
  const task = must(svc.pollForDecisionTask("remote"));
  const decisions = decide(collect, task.events, ids(run.runId)).decisions;
  assert.is(decisions.at(-1)?.decisionType, "CompleteWorkflowExecution");
  svc.signalWorkflowExecution("c-1", "item", '"late"'); // arrives while the decider works
  svc.respondDecisionTaskCompleted(task.taskToken, decisions);
  const events = svc.run("c-1").recorder.events;
  assert.equal(types(events).slice(-3), [
    "DecisionTaskCompleted",
    "CompleteWorkflowExecutionFailed",
    "DecisionTaskScheduled",
  ]);
  const again = must(svc.pollForDecisionTask("remote"));
  const r = decide(collect, again.events, ids(run.runId));
  assert.equal(
    r.decisions.map((d) => d.decisionType),
    ["CompleteWorkflowExecution"],
  );
  assert.ok(
    r.warnings.some((w) => w.includes('"item"')),
    "the late signal is reported, not dropped silently",
  );
  svc.respondDecisionTaskCompleted(again.taskToken, r.decisions);
  assert.is(types(svc.run("c-1").recorder.events).at(-1), "WorkflowExecutionCompleted");
});

test("a decision task nobody answers times out after taskStartToClose and another is offered", () => {
  const { clock, svc } = service();
  const task = must(svc.pollForDecisionTask("silent"));
  clock.advance(9_000);
  assert.not.ok(svc.fireDue(clock.now()), "not yet");
  clock.advance(1_000);
  assert.ok(svc.fireDue(clock.now()));
  assert.equal(types(svc.run("c-1").recorder.events).slice(-2), ["DecisionTaskTimedOut", "DecisionTaskScheduled"]);
  assert.throws(() => svc.respondDecisionTaskCompleted(task.taskToken, []), /not open/);
  assert.ok(svc.pollForDecisionTask("next"), "the next poll gets the new task");
});

const schedule = (activityId: string): Decision =>
  makeDecision("ScheduleActivityTask", {
    activityType: { name: "work", version: "1" },
    activityId,
    taskList: { name: "work" },
    scheduleToCloseTimeout: "600",
    scheduleToStartTimeout: "600",
    startToCloseTimeout: "60",
    heartbeatTimeout: "NONE",
  });

test("ActivityTaskStarted schedules no decision task: not while one is scheduled, nor while one is started (no UNHANDLED_DECISION, no extra task)", () => {
  const { svc } = service();
  const events = () => svc.run("c-1").recorder.events;
  const count = (type: string) => events().filter((e) => e.eventType === type).length;
  const pollActivity = (activityId: string) =>
    assert.ok(
      svc.pollForActivityTask((q) => q.activityId === activityId, "worker"),
      `activity ${activityId} polled`,
    );

  const first = must(svc.pollForDecisionTask("remote"));
  svc.respondDecisionTaskCompleted(first.taskToken, [schedule("a"), schedule("b"), schedule("c")]);
  assert.is(count("DecisionTaskScheduled"), 1);

  // a decision task is scheduled (a signal came) when a worker starts activity a
  svc.signalWorkflowExecution("c-1", "item", '"one"');
  pollActivity("a");
  assert.equal(types(events()).slice(-2), ["DecisionTaskScheduled", "ActivityTaskStarted"]);
  assert.is(count("DecisionTaskScheduled"), 2, "the scheduled task is the only one");

  // a decision task is started when a worker starts activity b; the decider then starts a timer
  const second = must(svc.pollForDecisionTask("remote"));
  pollActivity("b");
  svc.respondDecisionTaskCompleted(second.taskToken, [
    makeDecision("StartTimer", { timerId: "t", startToFireTimeout: "100" }),
  ]);
  assert.equal(types(events()).slice(-3), ["ActivityTaskStarted", "DecisionTaskCompleted", "TimerStarted"]);
  assert.is(count("DecisionTaskScheduled"), 2, "no decision task follows: nothing new needs deciding");

  // a decision task is started when a worker starts activity c; the decider closes the execution
  svc.signalWorkflowExecution("c-1", "item", '"two"');
  const third = must(svc.pollForDecisionTask("remote"));
  pollActivity("c");
  svc.respondDecisionTaskCompleted(third.taskToken, [makeDecision("CompleteWorkflowExecution", { result: '"done"' })]);
  assert.equal(types(events()).slice(-3), [
    "ActivityTaskStarted",
    "DecisionTaskCompleted",
    "WorkflowExecutionCompleted",
  ]);
  assert.is(count("CompleteWorkflowExecutionFailed"), 0);
});

test.run();
