/** The Replayer (incremental replay) against `decide` (full replay), and what a DecideResult reports. */
import {
  activity,
  decide,
  defineActivity,
  defineWorkflow,
  foldHistory,
  HistoryError,
  type HistoryEvent,
  NondeterminismError,
  Replayer,
  sideEffect,
  signal,
  sleep,
  uuid,
} from "@yieldflow/core";
import { HistoryBuilder, simulate } from "@yieldflow/core/testing";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { attrs, Driver, resultOf, thrown, types } from "../support.ts";

const act = defineActivity<string, string>({ name: "act", version: "1" });
const wf = defineWorkflow({ name: "rp", version: "1" }, function* () {
  const a = yield* activity(act, "a");
  yield* sleep(30);
  const s = yield* signal<string>("go");
  return [a, s];
});

/** A finished history of `wf` (the activity returned `result`). */
function finished(result = '"A"'): HistoryEvent[] {
  const d = new Driver(wf);
  d.decide();
  d.b.activityCompleted("activity-1", result);
  d.decide();
  d.b.timerFired("timer-2");
  d.decide();
  d.b.signal("go", '"G"');
  d.decide();
  assert.is(d.b.closedBy, "WorkflowExecutionCompleted");
  return d.events;
}

const r = suite("Replayer");

r("DecideResult: decisions, status, historyLength, decisionTaskStartedEventId, logs, warnings", () => {
  const b = new HistoryBuilder({ workflowType: { name: "rp", version: "1" } });
  b.decisionTask();
  const res = decide(wf, b.events);
  assert.equal(types(res.decisions), ["ScheduleActivityTask"]);
  assert.equal(res.status, { status: "running" });
  assert.is(res.historyLength, 3);
  assert.is(res.decisionTaskStartedEventId, 3);
  assert.equal(res.logs, []);
  assert.equal(res.warnings, []);
});

r("no open decision task: no decisions (scheduled but not started, or closed)", () => {
  const b = new HistoryBuilder({ workflowType: { name: "rp", version: "1" } });
  b.scheduleDecisionTask();
  const res = decide(wf, b.events);
  assert.equal(res.decisions, []);
  assert.is(res.decisionTaskStartedEventId, undefined);
  const closed = decide(wf, finished());
  assert.equal(closed.decisions, []);
  assert.equal(closed.status, { status: "completed", result: ["A", "G"] });
  assert.is(closed.decisionTaskStartedEventId, undefined);
});

r("fed one event at a time (partial), the Replayer ends where decide does", () => {
  const events = finished();
  for (let end = 3; end <= events.length; end++) {
    const prefix = events.slice(0, end);
    if (prefix.at(-1)?.eventType === "DecisionTaskCompleted") continue; // mid-response: not a history SWF serves
    const rp = new Replayer(wf);
    let last: ReturnType<Replayer["advance"]> | undefined;
    for (let i = 0; i < prefix.length; i++) last = rp.advance([prefix[i]], { partial: i < prefix.length - 1 });
    const full = decide(wf, prefix);
    assert.equal(last?.decisions, full.decisions, `prefix of ${end}`);
    assert.equal(last?.status, full.status, `prefix of ${end}`);
  }
});

r(
  "a side effect recorded with other details than decided live: the Replayer replays what was recorded, as decide does",
  () => {
    let calls = 0;
    const picky = defineWorkflow({ name: "picky", version: "1" }, function* () {
      const v = yield* sideEffect(() => `live-${++calls}`);
      yield* sleep(60);
      return v;
    });
    const b = new HistoryBuilder({ workflowType: { name: "picky", version: "1" } });
    b.decisionTask();
    const rp = new Replayer(picky);
    const live = rp.advance(b.events);
    const seen = b.events.length;
    assert.equal(types(live.decisions), ["RecordMarker", "StartTimer"]);
    b.completeDecisionTask(live.decisions);
    b.timerFired("timer-2");
    b.decisionTask();
    // the history says the side effect's value was "recorded", not what this replayer decided live
    const events = structuredClone(b.events);
    const marker = events.find((e) => e.eventType === "MarkerRecorded");
    (marker?.markerRecordedEventAttributes as { details: string }).details = JSON.stringify("recorded");
    const full = decide(picky, events);
    const incremental = rp.advance(events.slice(seen));
    assert.equal(full.status, { status: "completed", result: "recorded" });
    assert.equal(resultOf(full.decisions), "recorded");
    assert.equal(incremental.decisions, full.decisions);
  },
);

r("the Replayer's folded history equals foldHistory of everything fed", () => {
  const events = finished();
  const rp = new Replayer(wf);
  rp.advance(events.slice(0, 10), { partial: true });
  rp.advance(events.slice(10));
  assert.equal(rp.history, foldHistory(events));
});

r("advance([]) returns the decision already made for the open task, without re-running the code", () => {
  let runs = 0;
  const counting = defineWorkflow({ name: "rp", version: "1" }, function* () {
    runs++;
    yield* sleep(1);
  });
  const b = new HistoryBuilder({ workflowType: { name: "rp", version: "1" } });
  b.decisionTask();
  const rp = new Replayer(counting);
  const first = rp.advance(b.events);
  const again = rp.advance([]);
  assert.equal(again, first);
  assert.is(runs, 1);
});

r("a bad batch (events sent twice) is a HistoryError; the Replayer stays usable with the right continuation", () => {
  const d = new Driver(wf);
  d.decide();
  d.b.activityCompleted("activity-1", '"A"');
  d.b.scheduleDecisionTask();
  d.b.startDecisionTask();
  const rp = new Replayer(wf);
  rp.advance(d.events.slice(0, 3));
  const err = thrown(() => rp.advance(d.events.slice(0, 3)));
  assert.instance(err, HistoryError);
  assert.is((err as HistoryError).code, "YF_HISTORY_OUT_OF_ORDER");
  const res = rp.advance(d.events.slice(3));
  assert.equal(res.decisions, decide(wf, d.events).decisions);
});

r(
  "a fresh Replayer given a whole history with a malformed event after completed tasks: a HistoryError, then it is as new",
  () => {
    // an empty state is folded in one pass (each event applied as soon as it is checked, tasks replayed as they seal):
    // a malformed event must still leave nothing behind, neither folded events nor replayed tasks
    const events = finished();
    const bad = structuredClone(events);
    const last = bad[bad.length - 1] as Record<string, unknown>;
    last.eventTimestamp = "yesterday";
    const rp = new Replayer(wf);
    const err = thrown(() => rp.advance(bad));
    assert.instance(err, HistoryError);
    assert.is((err as HistoryError).code, "YF_HISTORY_BAD_TIMESTAMP");
    assert.is(rp.history.lastEventId, 0);
    assert.is(rp.history.tasks.length, 0);
    assert.is(rp.history.started, null);
    // another history, whose activity returned something else: nothing of the tasks replayed before the error remains
    const other = finished('"B"');
    const res = rp.advance(other);
    assert.equal(res, decide(wf, other));
    assert.equal(res.status, { status: "completed", result: ["B", "G"] });
  },
);

r("after a NondeterminismError the Replayer keeps reporting it (it never silently continues)", () => {
  const events = finished();
  const changed = defineWorkflow({ name: "rp", version: "1" }, function* () {
    yield* sleep(1);
  });
  const rp = new Replayer(changed);
  assert.instance(
    thrown(() => rp.advance(events.slice(0, 8))),
    NondeterminismError,
  );
  assert.instance(
    thrown(() => rp.advance(events.slice(8))),
    NondeterminismError,
  );
});

r("the open task the Replayer decided timed out: the next task is decided as a full replay would", () => {
  const b = new HistoryBuilder({ workflowType: { name: "rp", version: "1" } });
  b.decisionTask();
  const rp = new Replayer(wf);
  const first = rp.advance(b.events);
  const seen = b.events.length;
  b.timeOutDecisionTask();
  b.startDecisionTask();
  const second = rp.advance(b.events.slice(seen));
  assert.equal(second.decisions, first.decisions);
  assert.equal(second.decisions, decide(wf, b.events).decisions);
  b.completeDecisionTask(second.decisions);
  b.activityCompleted(attrs(second.decisions[0]).activityId as string, '"A"');
  b.decisionTask();
  assert.equal(rp.advance(b.events.slice(seen + 3)).decisions, decide(wf, b.events).decisions);
});

r("an event that arrives while a decision task runs is shown to the next task only", () => {
  const d = new Driver(wf);
  d.decide();
  d.b.activityCompleted("activity-1", '"A"');
  d.b.startDecisionTask();
  d.b.signal("go", '"early"'); // recorded after DecisionTaskStarted: not part of this task
  const mid = d.decideOpen();
  assert.equal(types(mid.decisions), ["StartTimer"]);
  d.b.completeDecisionTask(mid.decisions);
  d.b.timerFired(attrs(mid.decisions[0]).timerId as string);
  assert.equal(resultOf(d.decide().decisions), ["A", "early"]);
});

r("simulate (full and incremental) produces the same history", () => {
  const next = (b: HistoryBuilder) => {
    const a = b.activities.keys().next().value;
    if (a) return [{ kind: "activityCompleted" as const, activityId: a, result: "A" }];
    const t = b.timers.keys().next().value;
    if (t)
      return [
        { kind: "timerFired" as const, timerId: t },
        { kind: "signal" as const, name: "go", input: "G" },
      ];
    return [];
  };
  const full = simulate(wf, { next, replay: "full" });
  const inc = simulate(wf, { next, replay: "incremental" });
  assert.is(full.ended, "closed");
  assert.equal(inc.events, full.events);
  assert.equal(full.status, { status: "completed", result: ["A", "G"] });
});

r("decide is pure: the same answer twice, the input history untouched, deep-frozen input accepted", () => {
  const events = finished();
  const before = JSON.stringify(events);
  const a = decide(wf, events, { runId: "x" });
  const b = decide(wf, events, { runId: "x" });
  assert.equal(a, b);
  assert.is(JSON.stringify(events), before);
  const frozen = JSON.parse(before, (_k, v) => (v !== null && typeof v === "object" ? Object.freeze(v) : v));
  assert.equal(decide(wf, frozen, { runId: "x" }), a);
});

// A whole history given at once is replayed task by task while the fold goes on (bench/README.md): what the fold
// finds wrong still wins over what the replay finds wrong, and the workflow type is checked before any code runs.
const changed = defineWorkflow({ name: "rp", version: "1" }, function* () {
  yield* sleep(1); // the history's first decision scheduled an activity: every replay of task 1 disagrees
});

r("a whole history at once: a malformed event after a task that does not replay is the HistoryError reported", () => {
  const events: HistoryEvent[] = [
    ...finished().slice(0, 16), // three completed decision tasks (the first two replayed before the fold ends)
    {
      eventId: 17,
      eventType: "ActivityTaskCompleted",
      eventTimestamp: 1767225600,
      activityTaskCompletedEventAttributes: { scheduledEventId: 999, startedEventId: 998 },
    },
  ];
  for (const run of [() => decide(changed, events), () => new Replayer(changed).advance(events)]) {
    const err = thrown(run);
    assert.instance(err, HistoryError);
    assert.is((err as HistoryError).code, "YF_HISTORY_UNKNOWN_REFERENCE");
  }
  assert.instance(
    thrown(() => decide(changed, events.slice(0, 16))),
    NondeterminismError,
  );
});

r(
  "a whole history at once: a NondeterminismError leaves the Replayer broken (it reports it again), not poisoned",
  () => {
    const events = finished();
    const rp = new Replayer(changed);
    assert.instance(
      thrown(() => rp.advance(events.slice(0, 16), { partial: true })),
      NondeterminismError,
    );
    assert.instance(
      thrown(() => rp.advance(events.slice(16, 18))),
      NondeterminismError,
    );
  },
);

r("a whole history of another workflow type is refused before any of its code runs", () => {
  let runs = 0;
  const other = defineWorkflow({ name: "other", version: "1" }, function* () {
    runs++;
    yield* sleep(1);
  });
  const err = thrown(() => decide(other, finished()));
  assert.instance(err, HistoryError);
  assert.is((err as HistoryError).code, "YF_HISTORY_WRONG_WORKFLOW_TYPE");
  assert.is(runs, 0);
});

r.run();

// ─── regressions found by the code review (moved from regressions/review.test.ts) ───
{
  const act = defineActivity<number, number>({ name: "a", version: "1", taskList: "t" });
  const opts = { workflowId: "wf", runId: "run-1" };
  const review = suite("replayer: code review regressions");

  review("a Replayer given a history of another workflow type refuses to go on", () => {
    const mine = defineWorkflow({ name: "mine", version: "1" }, function* () {
      return yield* activity(act, 1);
    });
    const b = new HistoryBuilder({ workflowType: { name: "other", version: "7" } });
    b.decisionTask();
    const r = new Replayer(mine, opts);
    assert.throws(
      () => r.advance(b.events),
      (e: unknown) => e instanceof HistoryError && e.code === "YF_HISTORY_WRONG_WORKFLOW_TYPE",
    );
    assert.throws(
      () => r.advance([]),
      (e: unknown) => (e as { code?: string }).code === "YF_REPLAYER_POISONED",
    );
  });

  review("a Replayer advanced with nothing first still derives the run id from the start event", () => {
    const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
      const id = yield* uuid();
      yield* sleep(1, { id: `t-${id.slice(0, 8)}` });
      return id;
    });
    const b = new HistoryBuilder({ workflowType: { name: "w", version: "1" } });
    b.decisionTask();
    const replayer = new Replayer(wf);
    assert.equal(replayer.advance([]).decisions, []);
    assert.equal(replayer.advance(b.events).decisions, decide(wf, b.events).decisions);
  });

  review.run();
}
