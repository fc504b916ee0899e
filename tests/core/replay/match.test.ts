/**
 * Non-determinism detection: hand-made divergences between a recorded history and today's code, and the
 * matcher's building blocks (signatureOf, describeSignature, matchDecisions).
 */
import {
  activity,
  childWorkflow,
  decide,
  defineActivity,
  defineWorkflow,
  describeSignature,
  type HistoryEvent,
  makeDecision,
  NondeterminismError,
  signal,
  signatureOf,
  sleep,
  start,
} from "@yieldflow/core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Driver, thrown } from "../support.ts";

const a1 = defineActivity<string, string>({ name: "reserve", version: "1" });
const a2 = defineActivity<string, string>({ name: "reserve", version: "2" });
const b1 = defineActivity<string, string>({ name: "charge", version: "1" });

const original = defineWorkflow({ name: "order", version: "1" }, function* () {
  yield* activity(a1, "x");
  yield* sleep(60);
  yield* activity(b1, "y");
  return "done";
});

/** The complete history of `original`, every activity completing and every timer firing. */
function recorded(): HistoryEvent[] {
  const d = new Driver(original, undefined, { runId: "run-nd" });
  while (!d.b.closedBy) {
    d.decide();
    const act = d.b.activities.keys().next().value;
    if (act) d.b.activityCompleted(act, '"ok"');
    else {
      const timer = d.b.timers.keys().next().value;
      if (timer) d.b.timerFired(timer);
    }
  }
  return d.events;
}

const idOf = (events: HistoryEvent[], pred: (e: HistoryEvent) => boolean) => events.find(pred)?.eventId;

function divergence(wf: Parameters<typeof decide>[0], events: HistoryEvent[]): NondeterminismError {
  const err = thrown(() => decide(wf, events, { runId: "run-nd" }));
  assert.instance(err, NondeterminismError);
  const e = err as NondeterminismError;
  assert.is(e.code, "YF_NONDETERMINISM");
  assert.is(e.workflowType, "order");
  assert.is(e.runId, "run-nd");
  assert.match(e.message, "patched(");
  assert.match(e.message, `event ${e.eventId}`);
  return e;
}

const nd = suite("non-determinism");

nd("the unchanged code replays its own history", () => {
  const events = recorded();
  assert.equal(decide(original, events, { runId: "run-nd" }).status, { status: "completed", result: "done" });
});

nd("changed activity name → error at its ActivityTaskScheduled, naming both", () => {
  const events = recorded();
  const changed = defineWorkflow({ name: "order", version: "1" }, function* () {
    yield* activity(b1, "x");
    yield* sleep(60);
    yield* activity(b1, "y");
    return "done";
  });
  const e = divergence(changed, events);
  assert.is(
    e.eventId,
    idOf(events, (x) => x.eventType === "ActivityTaskScheduled"),
  );
  assert.match(e.recorded, "reserve@1");
  assert.match(e.recorded, "ActivityTaskScheduled");
  assert.match(e.produced, "charge@1");
});

nd("changed activity version → error naming both versions", () => {
  const events = recorded();
  const changed = defineWorkflow({ name: "order", version: "1" }, function* () {
    yield* activity(a2, "x");
    yield* sleep(60);
    yield* activity(b1, "y");
    return "done";
  });
  const e = divergence(changed, events);
  assert.match(e.recorded, "reserve@1");
  assert.match(e.produced, "reserve@2");
});

nd("reordered activities → error at the first scheduled event", () => {
  const both = defineWorkflow({ name: "order", version: "1" }, function* () {
    const x = yield* start(activity(a1, "x"));
    const y = yield* start(activity(b1, "y"));
    return [yield* x, yield* y];
  });
  const d = new Driver(both, undefined, { runId: "run-nd" });
  d.decide();
  d.b.activityCompleted("activity-1", "1");
  d.b.activityCompleted("activity-2", "2");
  d.b.scheduleDecisionTask();
  const reordered = defineWorkflow({ name: "order", version: "1" }, function* () {
    const y = yield* start(activity(b1, "y"));
    const x = yield* start(activity(a1, "x"));
    return [yield* x, yield* y];
  });
  d.b.startDecisionTask();
  const e = divergence(reordered, d.events);
  assert.is(
    e.eventId,
    idOf(d.events, (x) => x.eventType === "ActivityTaskScheduled"),
  );
  assert.match(e.recorded, "reserve@1");
  assert.match(e.produced, "charge@1");
});

nd("removed activity → the recorded event the code no longer makes; produced says nothing more", () => {
  const events = recorded();
  const removed = defineWorkflow({ name: "order", version: "1" }, function* () {
    yield* activity(a1, "x");
    yield* sleep(60);
    return "done";
  });
  const e = divergence(removed, events);
  const chargeEvent = idOf(events, (x) => x.activityTaskScheduledEventAttributes?.activityType?.name === "charge");
  assert.is(e.eventId, chargeEvent);
  assert.match(e.recorded, "charge@1");
  assert.match(e.produced, "complete the workflow");
  // removed, and the code now waits instead: it produced nothing at that point
  const waits = defineWorkflow({ name: "order", version: "1" }, function* () {
    yield* activity(a1, "x");
    yield* sleep(60);
    return yield* signal("never");
  });
  const e2 = divergence(waits, events);
  assert.is(e2.eventId, chargeEvent);
  assert.match(e2.produced, "nothing more");
});

nd("added activity → error at the DecisionTaskCompleted that made fewer decisions", () => {
  const events = recorded();
  const added = defineWorkflow({ name: "order", version: "1" }, function* () {
    yield* activity(a1, "x");
    yield* start(activity(b1, "extra"));
    yield* sleep(60);
    yield* activity(b1, "y");
    return "done";
  });
  const e = divergence(added, events);
  // the second task (after reserve completed) recorded only the TimerStarted; the code now makes two decisions
  const secondCompleted = events.filter((x) => x.eventType === "DecisionTaskCompleted")[1]?.eventId;
  const timerStarted = idOf(events, (x) => x.eventType === "TimerStarted");
  assert.ok(e.eventId === timerStarted || e.eventId === secondCompleted, `eventId ${e.eventId}`);
  assert.match(e.produced, "charge@1");
});

nd("a timer's duration or an activity's input changing is NOT a divergence (only ids, kinds and names count)", () => {
  const events = recorded();
  const retimed = defineWorkflow({ name: "order", version: "1" }, function* () {
    yield* activity(a1, "a different input");
    yield* sleep("2h");
    yield* activity(b1, "y", { taskList: "elsewhere", timeouts: { startToClose: 5 } });
    return "done";
  });
  assert.equal(decide(retimed, events).status, { status: "completed", result: "done" });
});

nd("a different kind at the same point (timer instead of activity) → error naming both kinds", () => {
  const events = recorded();
  const kind = defineWorkflow({ name: "order", version: "1" }, function* () {
    yield* sleep(1);
    return "done";
  });
  const e = divergence(kind, events);
  assert.match(e.recorded, "schedule activity");
  assert.match(e.produced, "start timer");
});

nd("the history recorded a completion the code no longer makes", () => {
  const events = recorded();
  const longer = defineWorkflow({ name: "order", version: "1" }, function* () {
    yield* activity(a1, "x");
    yield* sleep(60);
    yield* activity(b1, "y");
    yield* sleep(5);
    return "done";
  });
  const e = divergence(longer, events);
  assert.is(
    e.eventId,
    idOf(events, (x) => x.eventType === "WorkflowExecutionCompleted"),
  );
  assert.match(e.recorded, "WorkflowExecutionCompleted");
  assert.match(e.recorded, "complete the workflow");
  assert.match(e.produced, "start timer");
});

nd("a user-supplied id that changed is a divergence", () => {
  const events = recorded();
  const renamed = defineWorkflow({ name: "order", version: "1" }, function* () {
    yield* activity(a1, "x", { id: "reserve-x" });
    yield* sleep(60);
    yield* activity(b1, "y");
    return "done";
  });
  const e = divergence(renamed, events);
  assert.match(e.recorded, "activity-1");
  assert.match(e.produced, "reserve-x");
});

nd("a partial history (cut after a completed task) diverges the same way as the full one", () => {
  const events = recorded();
  const cut = events.findIndex((x) => x.eventType === "TimerStarted") + 1;
  const changed = defineWorkflow({ name: "order", version: "1" }, function* () {
    yield* activity(a1, "x");
    yield* sleep(60, { id: "other-timer" });
    return "done";
  });
  const e = divergence(changed, events.slice(0, cut));
  assert.is(e.eventId, cut);
  assert.match(e.recorded, "start timer");
});

nd.run();

const sig = suite("signatures");

sig("signatureOf each decision type, and describeSignature in words", () => {
  const cases: [Parameters<typeof signatureOf>[0], string][] = [
    [
      makeDecision("ScheduleActivityTask", {
        activityType: { name: "chargeCard", version: "1" },
        activityId: "activity-3",
      }),
      "schedule activity chargeCard@1 (id activity-3)",
    ],
    [makeDecision("RequestCancelActivityTask", { activityId: "activity-3" }), "cancel activity (id activity-3)"],
    [makeDecision("StartTimer", { timerId: "timer-1", startToFireTimeout: "5" }), "start timer (id timer-1)"],
    [makeDecision("CancelTimer", { timerId: "timer-1" }), "cancel timer (id timer-1)"],
    [makeDecision("RecordMarker", { markerName: "patch.x" }), "record marker (id patch.x)"],
    [
      makeDecision("StartChildWorkflowExecution", { workflowType: { name: "ship", version: "2" }, workflowId: "c-1" }),
      "start child workflow ship@2 (id c-1)",
    ],
    [
      makeDecision("SignalExternalWorkflowExecution", { workflowId: "w", signalName: "poke", control: "signal-4" }),
      "signal external workflow poke (id signal-4)",
    ],
    [makeDecision("RequestCancelExternalWorkflowExecution", { workflowId: "w" }), "cancel external workflow (id w)"],
    [makeDecision("CompleteWorkflowExecution", {}), "complete the workflow"],
    [makeDecision("FailWorkflowExecution", {}), "fail the workflow"],
    [makeDecision("CancelWorkflowExecution", {}), "cancel the workflow"],
    [makeDecision("ContinueAsNewWorkflowExecution", {}), "continue as new"],
  ];
  for (const [d, words] of cases) assert.is(describeSignature(signatureOf(d)), words);
});

sig("child workflow renamed → divergence naming both types", () => {
  const c1 = defineWorkflow({ name: "kid", version: "1" }, function* () {
    yield* sleep(1);
  });
  const c2 = defineWorkflow({ name: "kid2", version: "1" }, function* () {
    yield* sleep(1);
  });
  const p1 = defineWorkflow({ name: "order", version: "1" }, function* () {
    yield* childWorkflow(c1, null, { workflowId: "kid-1" });
  });
  const p2 = defineWorkflow({ name: "order", version: "1" }, function* () {
    yield* childWorkflow(c2, null, { workflowId: "kid-1" });
  });
  const d = new Driver(p1, undefined, { runId: "run-nd" });
  d.decide();
  d.b.childClosed("kid-1", "COMPLETED");
  d.b.startDecisionTask();
  const e = divergence(p2, d.events);
  assert.match(e.recorded, "kid@1");
  assert.match(e.produced, "kid2@1");
});

sig.run();
