/** `simulate`: runs a workflow with the real interpreter against outcomes a policy chooses, recording as SWF would. */
import {
  ActivityFailure,
  ApplicationFailure,
  activity,
  defineActivity,
  defineWorkflow,
  signal,
  sleep,
} from "@yieldflow/core";
import { checkReplay, type Happening, HistoryBuilder, inOrder, nextTimer, simulate } from "@yieldflow/core/testing";
import { suite } from "uvu";
import * as assert from "uvu/assert";

const add = defineActivity<number, number>({ name: "add", version: "1" });
const twoSteps = defineWorkflow({ name: "two-steps", version: "1" }, function* (n: number) {
  const a = yield* activity(add, n);
  yield* sleep("1m");
  return (a as number) + (yield* activity(add, n + 1));
});

const s = suite("simulate");

s("runs to the close with the default policy (inOrder); each decided task is recorded and replays", () => {
  const sim = simulate(twoSteps, { input: 1 });
  assert.is(sim.ended, "closed");
  assert.equal(sim.status, { status: "completed", result: 0 }); // inOrder completes activities with null
  assert.is(sim.events.at(-1)?.eventType, "WorkflowExecutionCompleted");
  assert.is(sim.tasks.length, 4);
  for (const t of sim.tasks) assert.is(sim.events[t.startedEventId - 1]?.eventType, "DecisionTaskStarted");
  assert.is(sim.builder.events, sim.events);
  checkReplay(twoSteps, sim);
});

s("outcomes come from the policy, payloads through the serializer", () => {
  const sim = simulate(twoSteps, {
    input: 1,
    next: (b): Happening[] => {
      const act = b.activities.values().next().value;
      if (act) return [{ kind: "activityCompleted", activityId: act.activityId, result: 10 }];
      const timer = nextTimer(b);
      return timer ? [{ kind: "timerFired", timerId: timer }] : [];
    },
  });
  assert.equal(sim.status, { status: "completed", result: 20 });
});

s("an activity failure the workflow does not catch fails it", () => {
  const sim = simulate(twoSteps, {
    input: 1,
    next: (b) => {
      const act = b.activities.values().next().value;
      return act
        ? [{ kind: "activityFailed", activityId: act.activityId, error: new ApplicationFailure("Declined", "no") }]
        : [];
    },
  });
  assert.is(sim.ended, "closed");
  assert.is(sim.status.status, "failed");
  assert.instance((sim.status as { error: unknown }).error, ActivityFailure);
  assert.is(sim.events.at(-1)?.eventType, "WorkflowExecutionFailed");
});

s("stuck when nothing can happen any more; budget when the decision tasks run out", () => {
  const waits = defineWorkflow({ name: "waits", version: "1" }, function* () {
    return yield* signal<string>("go");
  });
  const stuck = simulate(waits);
  assert.is(stuck.ended, "stuck");
  assert.equal(stuck.status, { status: "running" });
  const budget = simulate(twoSteps, { input: 1, maxDecisionTasks: 2 });
  assert.is(budget.ended, "budget");
  assert.is(budget.tasks.length, 2);
});

s("incremental replay decides the same as full replay", () => {
  const full = simulate(twoSteps, { input: 3 });
  const incremental = simulate(twoSteps, { input: 3, replay: "incremental" });
  assert.equal(incremental.events, full.events);
});

s("a decision task that times out is scheduled again and the run goes on", () => {
  let timedOut = false;
  const sim = simulate(twoSteps, {
    input: 1,
    next: (b, step) => {
      if (!timedOut && step > 0) {
        timedOut = true;
        return [{ kind: "signal", name: "noise" }, { kind: "decisionTaskTimedOut" }];
      }
      return inOrder(b);
    },
  });
  assert.is(sim.ended, "closed");
  assert.ok(sim.events.some((e) => e.eventType === "DecisionTaskTimedOut"));
  checkReplay(twoSteps, sim);
});

const policies = suite("policies: inOrder and nextTimer");

policies("nextTimer picks the earliest deadline, the first started on a tie; inOrder prefers activities", () => {
  const b = new HistoryBuilder({ workflowType: { name: "w", version: "1" } });
  b.decisionTask();
  b.completeDecisionTask([
    { decisionType: "StartTimer", startTimerDecisionAttributes: { timerId: "late", startToFireTimeout: "60" } },
    { decisionType: "StartTimer", startTimerDecisionAttributes: { timerId: "soon-a", startToFireTimeout: "5" } },
    { decisionType: "StartTimer", startTimerDecisionAttributes: { timerId: "soon-b", startToFireTimeout: "5" } },
    {
      decisionType: "ScheduleActivityTask",
      scheduleActivityTaskDecisionAttributes: { activityType: { name: "add", version: "1" }, activityId: "a1" },
    },
  ]);
  assert.is(nextTimer(b), "soon-a");
  assert.equal(inOrder(b), [{ kind: "activityCompleted", activityId: "a1", result: null }]);
});

s.run();
policies.run();
