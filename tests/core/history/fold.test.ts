/**
 * The history fold and the event checks: what a history folds to (tasks, inputs, recorded events, refs, markers),
 * incrementality, decision-task time-outs, and garbage input → HistoryError with the right code and eventId.
 */
import {
  decide,
  defineWorkflow,
  type EventType,
  emptyHistoryState,
  eventAttributesKey,
  foldHistory,
  foldHistoryInPlace,
  HistoryError,
  type HistoryEvent,
  newHistoryState,
  now,
  startedTask as openStarted,
  refAt,
  sleep,
  timestampToMillis,
} from "@yieldflow/core";
import { HistoryBuilder, simulate } from "@yieldflow/core/testing";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { thrown } from "../support.ts";

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z, epoch seconds

/** A hand-written wire-JSON event. */
function E(eventId: number, eventType: string, attributes: Record<string, unknown>, ts = T0 + eventId): HistoryEvent {
  const key = eventAttributesKey(eventType as EventType);
  return { eventId, eventType, eventTimestamp: ts, [key]: attributes } as HistoryEvent;
}
const started = (type = { name: "wf", version: "1" }) =>
  E(1, "WorkflowExecutionStarted", { workflowType: type, taskList: { name: "tl" }, childPolicy: "TERMINATE" });
const scheduled = (id: number) => E(id, "DecisionTaskScheduled", { taskList: { name: "tl" } });
const startedTask = (id: number, scheduledEventId: number) => E(id, "DecisionTaskStarted", { scheduledEventId });
const completed = (id: number, scheduledEventId: number, startedEventId: number) =>
  E(id, "DecisionTaskCompleted", { scheduledEventId, startedEventId });
/** Events 1..3: started, decision task scheduled and started. */
const prefix = () => [started(), scheduled(2), startedTask(3, 2)];

const wf = defineWorkflow({ name: "wf", version: "1" }, function* () {
  yield* sleep(10);
  return "done";
});

function historyError(fn: () => unknown, code: string, eventId: number | undefined): HistoryError {
  const err = thrown(fn);
  assert.instance(err, HistoryError);
  const h = err as HistoryError;
  assert.is(h.code, code, h.message);
  assert.is(h.eventId, eventId, `eventId of: ${h.message}`);
  return h;
}

// ─── what a history folds to ──────────────────────────────────────────────────────────────────────────────────

const fold = suite("fold");

fold("an empty batch folds to the same state object", () => {
  assert.is(foldHistory([]), emptyHistoryState);
  const s = foldHistory(prefix());
  assert.is(foldHistory([], s), s);
});

fold("started info, the open task and its inputs", () => {
  const s = foldHistory([
    E(1, "WorkflowExecutionStarted", {
      workflowType: { name: "wf", version: "1" },
      taskList: { name: "tl" },
      childPolicy: "TERMINATE",
      input: '"in"',
      continuedExecutionRunId: "prev-run",
      parentWorkflowExecution: { workflowId: "parent", runId: "prun" },
      parentInitiatedEventId: 7,
    }),
    scheduled(2),
    startedTask(3, 2),
  ]);
  assert.equal(s.started, {
    eventId: 1,
    time: T0 * 1000 + 1000,
    workflowType: { name: "wf", version: "1" },
    input: '"in"',
    taskList: "tl",
    continuedExecutionRunId: "prev-run",
    parent: { workflowId: "parent", runId: "prun" },
  });
  assert.is(s.lastEventId, 3);
  assert.is(s.tasks.length, 0);
  assert.is(s.open?.scheduledEventId, 2);
  assert.is(openStarted(s)?.startedEventId, 3);
  assert.is(openStarted(s)?.time, (T0 + 3) * 1000, "workflow time is the DecisionTaskStarted timestamp");
  assert.equal(openStarted(s)?.inputs, [{ type: "workflowStarted", eventId: 1 }]);
  assert.equal(s.undelivered, []);
});

fold("a completed task records its decisions' events; outcomes go to undelivered, then to the next task", () => {
  const s = foldHistory([
    ...prefix(),
    completed(4, 2, 3),
    E(5, "ActivityTaskScheduled", {
      activityType: { name: "a", version: "1" },
      activityId: "activity-1",
      taskList: { name: "tl" },
      decisionTaskCompletedEventId: 4,
    }),
    E(6, "TimerStarted", { timerId: "timer-2", startToFireTimeout: "5", decisionTaskCompletedEventId: 4 }),
    E(7, "MarkerRecorded", { markerName: "m", details: '"x"', decisionTaskCompletedEventId: 4 }),
    E(8, "ActivityTaskStarted", { scheduledEventId: 5 }),
    E(9, "ActivityTaskCompleted", { scheduledEventId: 5, startedEventId: 8, result: "1" }),
    E(10, "TimerFired", { timerId: "timer-2", startedEventId: 6 }),
    E(11, "WorkflowExecutionSignaled", { signalName: "go", input: '"y"' }),
  ]);
  assert.is(s.tasks.length, 1);
  const t = s.tasks[0];
  assert.is(t?.completedEventId, 4);
  assert.equal(
    t?.recorded.map((r) => [r.eventId, r.eventType, r.decisionType, r.id, r.name, r.version]),
    [
      [5, "ActivityTaskScheduled", "ScheduleActivityTask", "activity-1", "a", "1"],
      [6, "TimerStarted", "StartTimer", "timer-2", undefined, undefined],
      [7, "MarkerRecorded", "RecordMarker", "m", undefined, undefined],
    ],
  );
  assert.equal(
    Array.from({ length: 13 }, (_, n) => refAt(s.refs, n)),
    [
      ...[0, 1, 2, 3, 4].map(() => undefined),
      { kind: "ActivityTaskScheduled", id: "activity-1" },
      { kind: "TimerStarted", id: "timer-2" },
      undefined,
      { kind: "ActivityTaskStarted", id: "activity-1" },
      ...[9, 10, 11, 12].map(() => undefined),
    ],
  );
  // a state that went through JSON (holes become null) reads and folds on the same
  const revived = JSON.parse(JSON.stringify(s)) as typeof s;
  assert.equal(refAt(revived.refs, 7), undefined);
  assert.equal(refAt(revived.refs, 8), { kind: "ActivityTaskStarted", id: "activity-1" });
  assert.equal({ ...s.markers }, { m: '"x"' });
  assert.equal(s.undelivered, [
    { type: "activityCompleted", eventId: 9, id: "activity-1", result: "1" },
    { type: "timerFired", eventId: 10, id: "timer-2" },
    { type: "signal", eventId: 11, name: "go", input: '"y"' },
  ]);
  assert.is(s.open, null);
  const next = foldHistory([scheduled(12), startedTask(13, 12)], s);
  assert.equal(
    openStarted(next)?.inputs.map((i) => i.eventId),
    [9, 10, 11],
  );
  assert.equal(next.undelivered, []);
});

fold("the first marker of a name wins; a marker without details folds to null", () => {
  const s = foldHistory([
    ...prefix(),
    completed(4, 2, 3),
    E(5, "MarkerRecorded", { markerName: "m", details: "1", decisionTaskCompletedEventId: 4 }),
    E(6, "MarkerRecorded", { markerName: "m", details: "2", decisionTaskCompletedEventId: 4 }),
    E(7, "MarkerRecorded", { markerName: "patch.p", decisionTaskCompletedEventId: 4 }),
  ]);
  assert.equal({ ...s.markers }, { m: "1", "patch.p": null });
});

fold("incremental: folding a history in pieces equals folding it at once, whatever the cut", () => {
  const sim = simulate(wf, { input: null });
  assert.is(sim.ended, "closed");
  const all = foldHistory(sim.events);
  for (let cut = 0; cut <= sim.events.length; cut++) {
    const a = foldHistory(sim.events.slice(0, cut));
    assert.equal(foldHistory(sim.events.slice(cut), a), all, `cut at ${cut}`);
  }
  assert.equal(all.closed, { eventId: sim.events.length, eventType: "WorkflowExecutionCompleted" });
});

fold("folding never mutates the previous state (immer)", () => {
  const a = foldHistory(prefix());
  const snapshot = JSON.stringify(a);
  foldHistory([completed(4, 2, 3), E(5, "WorkflowExecutionSignaled", { signalName: "s" })], a);
  assert.is(JSON.stringify(a), snapshot);
  assert.ok(Object.isFrozen(a), "folded state is frozen");
});

fold("DecisionTaskTimedOut (START_TO_CLOSE): what the task was shown is shown again to the next task", () => {
  const s = foldHistory([
    ...prefix(),
    E(4, "DecisionTaskTimedOut", { timeoutType: "START_TO_CLOSE", scheduledEventId: 2, startedEventId: 3 }),
    E(5, "WorkflowExecutionSignaled", { signalName: "late" }),
    scheduled(6),
    startedTask(7, 6),
  ]);
  assert.is(s.tasks.length, 0);
  assert.equal(
    openStarted(s)?.inputs.map((i) => [i.type, i.eventId]),
    [
      ["workflowStarted", 1],
      ["signal", 5],
    ],
  );
  assert.is(openStarted(s)?.time, (T0 + 7) * 1000, "time of the new task, not the timed-out one");
});

fold("DecisionTaskTimedOut (SCHEDULE_TO_START) of a task that never started", () => {
  const s = foldHistory([
    started(),
    scheduled(2),
    E(3, "DecisionTaskTimedOut", { timeoutType: "SCHEDULE_TO_START", scheduledEventId: 2, startedEventId: 0 }),
    scheduled(4),
    startedTask(5, 4),
  ]);
  assert.equal(
    openStarted(s)?.inputs.map((i) => i.eventId),
    [1],
  );
});

fold("a closed execution records its closing event", () => {
  for (const [type, extra] of [
    ["WorkflowExecutionCompleted", { result: "1" }],
    ["WorkflowExecutionFailed", { reason: "R" }],
    ["WorkflowExecutionCanceled", {}],
  ] as const) {
    const s = foldHistory([...prefix(), completed(4, 2, 3), E(5, type, { decisionTaskCompletedEventId: 4, ...extra })]);
    assert.equal(s.closed, { eventId: 5, eventType: type });
    assert.is(s.tasks[0]?.recorded[0]?.eventType, type);
  }
  const t = foldHistory([...prefix(), E(4, "WorkflowExecutionTerminated", { childPolicy: "TERMINATE" })]);
  assert.equal(t.closed, { eventId: 4, eventType: "WorkflowExecutionTerminated" });
});

fold.run();

// ─── timestamps ────────────────────────────────────────────────────────────────────────────────────────────────

const time = suite("timestamps");

time("Date, epoch seconds (with fraction), numeric string and ISO string give the same millis", () => {
  const ms = Date.UTC(2026, 2, 4, 5, 6, 7, 890);
  assert.is(timestampToMillis(new Date(ms)), ms);
  assert.is(timestampToMillis(ms / 1000), ms);
  assert.is(timestampToMillis(String(ms / 1000)), ms);
  assert.is(timestampToMillis(new Date(ms).toISOString()), ms);
  assert.is(timestampToMillis("2026-03-04T05:06:07.890+00:00"), ms);
});

time("bad timestamps → YF_HISTORY_BAD_TIMESTAMP with the event's id", () => {
  for (const bad of ["yesterday", "", true, null, undefined, {}, Number.NaN, Number.POSITIVE_INFINITY, "2026-13-45"]) {
    const events = [started(), { ...scheduled(2), eventTimestamp: bad }];
    historyError(() => foldHistory(events), "YF_HISTORY_BAD_TIMESTAMP", 2);
  }
});

time("the same history in the three forms folds to equal states", () => {
  const b = new HistoryBuilder({ workflowType: { name: "wf", version: "1" } });
  b.decisionTask();
  b.completeDecisionTask(decide(wf, b.events).decisions);
  b.advance(10_500);
  b.timerFired("timer-1");
  b.decisionTask();
  const wire = JSON.parse(JSON.stringify(b.events)) as HistoryEvent[];
  const asDate = wire.map((e) => ({ ...e, eventTimestamp: new Date((e.eventTimestamp as number) * 1000) }));
  const asIso = wire.map((e) => ({
    ...e,
    eventTimestamp: new Date((e.eventTimestamp as number) * 1000).toISOString(),
  }));
  const s = foldHistory(wire);
  assert.equal(foldHistory(asDate), s);
  assert.equal(foldHistory(asIso), s);
});

time.run();

// ─── garbage in → HistoryError ──────────────────────────────────────────────────────────────────────────────────

const garbage = suite("garbage → HistoryError");

garbage("not an array → YF_HISTORY_NOT_AN_ARRAY (fold and decide)", () => {
  for (const h of ["events", null, undefined, 42, { events: prefix() }]) {
    historyError(() => foldHistory(h as never), "YF_HISTORY_NOT_AN_ARRAY", undefined);
    historyError(() => decide(wf, h as never), "YF_HISTORY_NOT_AN_ARRAY", undefined);
  }
});

garbage("null / non-object / id-less events → YF_HISTORY_BAD_EVENT naming the index", () => {
  for (const [bad, index] of [
    [null, 0],
    ["event", 0],
    [7, 0],
    [{}, 0],
  ] as const) {
    const err = historyError(() => decide(wf, [bad]), "YF_HISTORY_BAD_EVENT", undefined);
    assert.match(err.message, `history[${index}]`);
  }
  const err = historyError(() => decide(wf, [started(), null]), "YF_HISTORY_BAD_EVENT", undefined);
  assert.match(err.message, "history[1]");
  for (const id of [0, -1, 1.5, "1", null]) {
    historyError(() => foldHistory([{ ...started(), eventId: id }]), "YF_HISTORY_BAD_EVENT", undefined);
  }
});

garbage("unknown or missing eventType → YF_HISTORY_UNKNOWN_EVENT_TYPE with the event id", () => {
  historyError(
    () => foldHistory([started(), { ...scheduled(2), eventType: "Bogus" }]),
    "YF_HISTORY_UNKNOWN_EVENT_TYPE",
    2,
  );
  historyError(
    () => foldHistory([started(), { ...scheduled(2), eventType: undefined }]),
    "YF_HISTORY_UNKNOWN_EVENT_TYPE",
    2,
  );
  // Event type names are case-sensitive, as in SWF
  historyError(
    () => foldHistory([started(), { ...scheduled(2), eventType: "decisionTaskScheduled" }]),
    "YF_HISTORY_UNKNOWN_EVENT_TYPE",
    2,
  );
});

garbage("missing attributes object or required field → YF_HISTORY_MISSING_ATTRIBUTES naming the field", () => {
  historyError(
    () => foldHistory([started(), { eventId: 2, eventType: "DecisionTaskScheduled", eventTimestamp: T0 }]),
    "YF_HISTORY_MISSING_ATTRIBUTES",
    2,
  );
  historyError(
    () => foldHistory([started(), { ...scheduled(2), decisionTaskScheduledEventAttributes: null } as never]),
    "YF_HISTORY_MISSING_ATTRIBUTES",
    2,
  );
  const err = historyError(
    () => foldHistory([E(1, "WorkflowExecutionStarted", { taskList: { name: "tl" }, childPolicy: "TERMINATE" })]),
    "YF_HISTORY_MISSING_ATTRIBUTES",
    1,
  );
  assert.match(err.message, "workflowType");
  const err2 = historyError(
    () =>
      foldHistory([
        ...prefix(),
        completed(4, 2, 3),
        E(5, "ActivityTaskScheduled", {
          activityType: { name: "a", version: "1" },
          taskList: { name: "tl" },
          decisionTaskCompletedEventId: 4,
        }),
      ]),
    "YF_HISTORY_MISSING_ATTRIBUTES",
    5,
  );
  assert.match(err2.message, "activityId");
  // attributes under the wrong key (a misspelt key, as in PySWF) count as missing
  historyError(
    () =>
      foldHistory([
        started(),
        { eventId: 2, eventType: "DecisionTaskScheduled", eventTimestamp: T0, decisionTaskScheduled: { taskList: {} } },
      ]),
    "YF_HISTORY_MISSING_ATTRIBUTES",
    2,
  );
});

garbage("gapped, duplicated or out-of-order ids → YF_HISTORY_OUT_OF_ORDER at the offending event", () => {
  const [e1, e2, e3] = prefix();
  historyError(() => foldHistory([e1, e3]), "YF_HISTORY_OUT_OF_ORDER", 3);
  historyError(() => foldHistory([e1, e1]), "YF_HISTORY_OUT_OF_ORDER", 1);
  historyError(() => foldHistory([e1, e3, e2]), "YF_HISTORY_OUT_OF_ORDER", 3);
  // a history that lacks its first page
  historyError(() => foldHistory([e2, e3]), "YF_HISTORY_OUT_OF_ORDER", 2);
  // a second batch that does not continue the first
  const s = foldHistory([e1, e2]);
  historyError(() => foldHistory([completed(4, 2, 3)], s), "YF_HISTORY_OUT_OF_ORDER", 4);
});

garbage("an id going backwards gets the reverseOrder hint", () => {
  const [e1, e2, e3] = prefix();
  const err = historyError(() => foldHistory([e1, e2, e3, e2]), "YF_HISTORY_OUT_OF_ORDER", 2);
  assert.match(err.message, "reverse");
});

garbage("first event not WorkflowExecutionStarted → YF_HISTORY_NOT_STARTED", () => {
  historyError(
    () => foldHistory([E(1, "DecisionTaskScheduled", { taskList: { name: "tl" } })]),
    "YF_HISTORY_NOT_STARTED",
    1,
  );
  historyError(() => decide(wf, [E(1, "WorkflowExecutionSignaled", { signalName: "s" })]), "YF_HISTORY_NOT_STARTED", 1);
});

garbage("a second WorkflowExecutionStarted, or any event after the close → YF_HISTORY_BAD_EVENT", () => {
  historyError(() => foldHistory([started(), { ...started(), eventId: 2 }]), "YF_HISTORY_BAD_EVENT", 2);
  historyError(
    () =>
      foldHistory([
        ...prefix(),
        completed(4, 2, 3),
        E(5, "WorkflowExecutionCompleted", { decisionTaskCompletedEventId: 4 }),
        E(6, "WorkflowExecutionSignaled", { signalName: "late" }),
      ]),
    "YF_HISTORY_BAD_EVENT",
    6,
  );
});

garbage("references to events the history does not contain → YF_HISTORY_UNKNOWN_REFERENCE", () => {
  const base = [...prefix(), completed(4, 2, 3)];
  const cases: [string, Record<string, unknown>][] = [
    ["ActivityTaskStarted", { scheduledEventId: 99 }],
    ["ActivityTaskCompleted", { scheduledEventId: 99, startedEventId: 98 }],
    ["ActivityTaskFailed", { scheduledEventId: 99, startedEventId: 98 }],
    ["ActivityTaskTimedOut", { scheduledEventId: 99, startedEventId: 98, timeoutType: "HEARTBEAT" }],
    ["ActivityTaskCanceled", { scheduledEventId: 99, startedEventId: 98 }],
    ["TimerFired", { timerId: "t", startedEventId: 99 }],
    [
      "ChildWorkflowExecutionStarted",
      {
        workflowExecution: { workflowId: "c", runId: "r" },
        workflowType: { name: "c", version: "1" },
        initiatedEventId: 99,
      },
    ],
    [
      "ChildWorkflowExecutionCompleted",
      {
        workflowExecution: { workflowId: "c", runId: "r" },
        workflowType: { name: "c", version: "1" },
        initiatedEventId: 99,
        startedEventId: 98,
      },
    ],
    ["ExternalWorkflowExecutionSignaled", { workflowExecution: { workflowId: "x", runId: "r" }, initiatedEventId: 99 }],
    [
      "ExternalWorkflowExecutionCancelRequested",
      { workflowExecution: { workflowId: "x", runId: "r" }, initiatedEventId: 99 },
    ],
  ];
  for (const [type, attributes] of cases) {
    const err = historyError(() => foldHistory([...base, E(5, type, attributes)]), "YF_HISTORY_UNKNOWN_REFERENCE", 5);
    assert.match(err.message, "99", type);
  }
  // pointing at an event that exists but is not a scheduling event is just as unknown
  historyError(
    () => foldHistory([...base, E(5, "ActivityTaskCompleted", { scheduledEventId: 2, startedEventId: 3 })]),
    "YF_HISTORY_UNKNOWN_REFERENCE",
    5,
  );
});

garbage("decision-task bookkeeping that does not add up → YF_HISTORY_BAD_DECISION_TASK", () => {
  historyError(() => foldHistory([started(), scheduled(2), scheduled(3)]), "YF_HISTORY_BAD_DECISION_TASK", 3);
  historyError(() => foldHistory([started(), scheduled(2), startedTask(3, 1)]), "YF_HISTORY_BAD_DECISION_TASK", 3);
  historyError(() => foldHistory([started(), startedTask(2, 1)]), "YF_HISTORY_BAD_DECISION_TASK", 2);
  historyError(() => foldHistory([...prefix(), completed(4, 2, 2)]), "YF_HISTORY_BAD_DECISION_TASK", 4);
  // an event saying it was decided by a DecisionTaskCompleted that is not the latest one
  historyError(
    () =>
      foldHistory([
        ...prefix(),
        completed(4, 2, 3),
        E(5, "TimerStarted", { timerId: "t", startToFireTimeout: "1", decisionTaskCompletedEventId: 3 }),
      ]),
    "YF_HISTORY_BAD_DECISION_TASK",
    5,
  );
  // a scheduling event before any decision task completed
  historyError(
    () =>
      foldHistory([
        started(),
        E(2, "TimerStarted", { timerId: "t", startToFireTimeout: "1", decisionTaskCompletedEventId: 1 }),
      ]),
    "YF_HISTORY_BAD_DECISION_TASK",
    2,
  );
});

garbage("Lambda events → YF_HISTORY_UNSUPPORTED_EVENT", () => {
  const base = [...prefix(), completed(4, 2, 3)];
  const lambda: [string, Record<string, unknown>][] = [
    ["LambdaFunctionScheduled", { id: "l", name: "f", decisionTaskCompletedEventId: 4 }],
    ["LambdaFunctionStarted", { scheduledEventId: 4 }],
    ["LambdaFunctionCompleted", { scheduledEventId: 4, startedEventId: 4 }],
    ["LambdaFunctionFailed", { scheduledEventId: 4, startedEventId: 4 }],
    ["LambdaFunctionTimedOut", { scheduledEventId: 4, startedEventId: 4 }],
    [
      "ScheduleLambdaFunctionFailed",
      { id: "l", name: "f", cause: "ID_ALREADY_IN_USE", decisionTaskCompletedEventId: 4 },
    ],
    ["StartLambdaFunctionFailed", {}],
  ];
  for (const [type, attributes] of lambda) {
    const err = historyError(() => decide(wf, [...base, E(5, type, attributes)]), "YF_HISTORY_UNSUPPORTED_EVENT", 5);
    assert.match(err.message, "Lambda");
  }
});

garbage("a history of another workflow type or version → YF_HISTORY_WRONG_WORKFLOW_TYPE at event 1", () => {
  const other = [started({ name: "other", version: "1" }), scheduled(2), startedTask(3, 2)];
  const err = historyError(() => decide(wf, other), "YF_HISTORY_WRONG_WORKFLOW_TYPE", 1);
  assert.match(err.message, "other@1");
  assert.match(err.message, "wf@1");
  const v2 = [started({ name: "wf", version: "2" }), scheduled(2), startedTask(3, 2)];
  const err2 = historyError(() => decide(wf, v2), "YF_HISTORY_WRONG_WORKFLOW_TYPE", 1);
  assert.match(err2.message, "wf@2");
  assert.match(err2.message, "version");
});

garbage("the HistoryError message names the event", () => {
  const err = historyError(
    () => foldHistory([started(), { ...scheduled(2), eventType: "Nope" }]),
    "YF_HISTORY_UNKNOWN_EVENT_TYPE",
    2,
  );
  assert.match(err.message, /^event 2: /);
  assert.match(err.message, "Nope");
  assert.is(err.name, "HistoryError");
});

garbage("foldHistoryInPlace on an empty state: a malformed event later in the batch empties it again", () => {
  const state = newHistoryState();
  const events = [...prefix(), completed(4, 2, 3), { ...scheduled(5), eventType: "Nope" }];
  historyError(() => foldHistoryInPlace(events, state), "YF_HISTORY_UNKNOWN_EVENT_TYPE", 5);
  assert.equal(state, newHistoryState());
  // the shared frozen empty state is never written to: the check's error, not a TypeError
  historyError(() => foldHistoryInPlace(events, emptyHistoryState), "YF_HISTORY_UNKNOWN_EVENT_TYPE", 5);
  assert.is(emptyHistoryState.lastEventId, 0);
});

garbage.run();

// ─── regressions found by the code review (moved from regressions/review.test.ts) ───
{
  const review = suite("fold: code review regressions");

  review("an event between DecisionTaskCompleted and the closing event folds (no TypeError)", () => {
    const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
      return (yield* now()) ? 1 : 0;
    });
    const b = new HistoryBuilder({ workflowType: { name: "w", version: "1" } });
    const s = b.decisionTask();
    const dtc = b.add("DecisionTaskCompleted", { scheduledEventId: s - 1, startedEventId: s });
    b.add("WorkflowExecutionSignaled", { signalName: "x" });
    b.add("WorkflowExecutionCompleted", { decisionTaskCompletedEventId: dtc, result: "1" });
    assert.equal(
      foldHistory(b.events).tasks.map((t) => t.startedEventId),
      [s],
    );
    assert.equal(decide(wf, b.events).status, { status: "completed", result: 1 });
  });

  review.run();
}
