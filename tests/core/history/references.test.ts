/**
 * Issue 7, defect 5: corrupted references were accepted silently and changed the outcome: a TimerFired with an
 * unknown timerId; an ActivityTaskCompleted whose scheduledEventId is "constructor", "__proto__" or "toString" (ids
 * were looked up in plain objects, so they resolved through Object.prototype); an ActivityTaskScheduled whose
 * activityType is garbage replayed as a match. Every reference is checked (the referenced event exists, is of the
 * right kind, and belongs to the same effect) and every lookup keyed by history data is prototype-free.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decide, type HistoryEvent, NondeterminismError, Replayer, YieldflowError } from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { greet } from "../../fixtures/workflows.ts";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "histories");
const greetHistory = (JSON.parse(readFileSync(join(dir, "greet.json"), "utf8")) as { events: HistoryEvent[] }).events;
const ids = { workflowId: "greet-ada", runId: "run-1" };

/** The greet history with `patch` applied to the attributes of event `eventId`. */
function mutated(eventId: number, patch: Record<string, unknown>): HistoryEvent[] {
  const events = structuredClone(greetHistory);
  const e = events[eventId - 1] as Record<string, unknown>;
  const key = Object.keys(e).find((k) => k.endsWith("EventAttributes")) as string;
  Object.assign(e[key] as object, patch);
  return events;
}

/** What decide and an incremental Replayer make of `events`: both must refuse them with a typed error. */
function refused(events: HistoryEvent[], code?: string): void {
  for (const run of [
    () => decide(greet, events, ids),
    () => {
      const r = new Replayer(greet, ids);
      for (let i = 0; i < events.length; i += 3) r.advance(events.slice(i, i + 3), { partial: true });
    },
  ]) {
    try {
      run();
      assert.unreachable("the corrupted history was accepted");
    } catch (err) {
      assert.instance(err, YieldflowError, String(err));
      if (code) assert.is((err as YieldflowError).code, code, (err as Error).message);
    }
  }
}

test("control: the untouched greet history replays", () => {
  assert.is(decide(greet, greetHistory, ids).status.status, "completed");
});

test("TimerFired with an unknown timerId", () => {
  refused(mutated(12, { timerId: "timer-99" }), "YF_HISTORY_UNKNOWN_REFERENCE");
});

test("TimerFired whose startedEventId is the ActivityTaskScheduled event", () => {
  refused(mutated(12, { startedEventId: 5 }), "YF_HISTORY_UNKNOWN_REFERENCE");
});

for (const key of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
  test(`ActivityTaskCompleted with scheduledEventId ${JSON.stringify(key)}`, () => {
    refused(mutated(7, { scheduledEventId: key }));
    refused(mutated(6, { scheduledEventId: key }));
    assert.is(Object.getPrototypeOf({}), Object.prototype);
    assert.is(({} as Record<string, unknown>).polluted, undefined);
  });
}

test("a reference past the id index's end never reads Array.prototype (the index is two lists indexed by event id)", () => {
  const proto = Array.prototype as unknown as Record<number, unknown>;
  proto[99] = "ActivityTaskScheduled";
  try {
    for (const run of [
      () => decide(greet, mutated(6, { scheduledEventId: 99 }), ids),
      () => new Replayer(greet, ids).advance(mutated(6, { scheduledEventId: 99 })),
    ]) {
      try {
        run();
        assert.unreachable("an ActivityTaskStarted for event 99 was accepted");
      } catch (err) {
        assert.instance(err, YieldflowError, String(err));
        assert.is((err as YieldflowError).code, "YF_HISTORY_UNKNOWN_REFERENCE");
        assert.match(
          (err as Error).message,
          "ActivityTaskStarted.scheduledEventId is 99, which is not an event of this history that can be referred to",
        );
      }
    }
  } finally {
    delete proto[99];
  }
});

test("ActivityTaskCompleted whose scheduledEventId is a TimerStarted event", () => {
  refused(mutated(7, { scheduledEventId: 11 }), "YF_HISTORY_UNKNOWN_REFERENCE");
});

test("ActivityTaskCompleted whose startedEventId is not its activity's ActivityTaskStarted", () => {
  refused(mutated(7, { startedEventId: 5 }), "YF_HISTORY_UNKNOWN_REFERENCE");
  refused(mutated(7, { startedEventId: 99 }), "YF_HISTORY_UNKNOWN_REFERENCE");
});

for (const activityType of [null, {}, { name: 5, version: "1" }, [], "makeGreeting", { name: "other", version: "1" }]) {
  test(`ActivityTaskScheduled with activityType ${JSON.stringify(activityType)} never replays as a match`, () => {
    const events = mutated(5, { activityType });
    try {
      decide(greet, events, ids);
      assert.unreachable("replayed as a match");
    } catch (err) {
      assert.instance(err, YieldflowError, String(err));
      if ((activityType as { name?: unknown } | null)?.name === "other") assert.instance(err, NondeterminismError);
    }
  });
}

test('a marker named "__proto__" is recorded as its own marker and never touches a prototype', () => {
  const events = structuredClone(greetHistory);
  // a MarkerRecorded "__proto__" right after the first DecisionTaskCompleted (ids shifted by one after it)
  events.splice(4, 0, {
    eventId: 5,
    eventType: "MarkerRecorded",
    eventTimestamp: greetHistory[4]?.eventTimestamp,
    markerRecordedEventAttributes: {
      markerName: "__proto__",
      details: '{"polluted":1}',
      decisionTaskCompletedEventId: 4,
    },
  });
  const renumber = (n: number) => (n >= 5 ? n + 1 : n);
  for (const [i, e] of events.entries()) {
    e.eventId = i + 1;
    const a = Object.values(e).find((v) => typeof v === "object" && v !== null) as Record<string, unknown>;
    for (const k of ["scheduledEventId", "startedEventId", "decisionTaskCompletedEventId"])
      if (typeof a[k] === "number" && i !== 4) a[k] = renumber(a[k] as number);
  }
  try {
    decide(greet, events, ids);
  } catch (err) {
    assert.instance(err, NondeterminismError, String(err)); // the code records no such marker
  }
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

test.run();
