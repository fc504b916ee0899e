/**
 * The history field check's generated fast path (packages/core/src/history/event-checks.ts) against the generic
 * check it stands in front of: for every field SWF declares on every event type (nested shapes included), a
 * well-typed value and a set of wrong ones give the same outcome (accepted, or the same HistoryError code and
 * message) with the fast path as without it. And prototype pollution turns the fast path off.
 *
 * Internal modules are imported here on purpose: the property is about two code paths of one internal check.
 */
import { foldHistoryInPlace, HistoryError, newHistoryState } from "@yieldflow/core";
import { HistoryBuilder } from "@yieldflow/core/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fastAttributeChecks } from "../../../packages/core/src/history/event-checks.ts";
import {
  type CheckedEvent,
  checkEventInto,
  eventAttributesKey,
  plainFieldsAreOwn,
} from "../../../packages/core/src/history/events.ts";
import { type EventType, EventTypeValues, eventShapeFields } from "../../../packages/core/src/history/swf-types.ts";

/** A value of `kind` that the check accepts, for field `field`; nested shapes filled in completely. */
function valid(kind: string, field: string): unknown {
  if (kind === "string") return "s";
  if (kind === "number") return field.endsWith("EventId") ? 3 : 1.5;
  if (kind === "string[]") return ["a", "b"];
  const out: Record<string, unknown> = {};
  for (const [f, k] of eventShapeFields[kind] ?? []) out[f] = valid(k, f);
  return out;
}

const WRONG: readonly unknown[] = [undefined, null, true, 7, -1, 2.5, Number.NaN, Infinity, "x", {}, [], [1], ["a", 2]];

/** Every path to a declared field of `shape`, nested shapes included. */
function paths(shape: string, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [f, k] of eventShapeFields[shape] ?? []) {
    out.push([...prefix, f]);
    if (eventShapeFields[k]) out.push(...paths(k, [...prefix, f]));
  }
  return out;
}

function withValue(attributes: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(attributes);
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return copy;
}

/** What the check says of `attributes` as the event of `type`: "ok" (and what it read), or the error's code and message. */
function outcome(
  type: EventType,
  attributes: unknown,
  plain: boolean,
  eventId: unknown = 9,
  stamp: unknown = 1_767_225_600,
): string {
  const into: CheckedEvent = { eventId: 0, eventType: "WorkflowExecutionStarted", attributes: undefined, time: 0 };
  const event = { eventId, eventType: type, eventTimestamp: stamp, [eventAttributesKey(type)]: attributes };
  try {
    checkEventInto(event, 0, into, plain);
    // the fast path hands the attributes on as they are; the generic one a prototype-free copy of the declared fields
    if (plain) assert.is(into.attributes, attributes);
    else {
      assert.is(Object.getPrototypeOf(into.attributes), null);
      assert.equal(JSON.parse(JSON.stringify(into.attributes)), JSON.parse(JSON.stringify(attributes)));
    }
    return `ok ${into.eventId} ${into.eventType} ${into.time}`;
  } catch (err) {
    assert.instance(err, HistoryError);
    return `${(err as HistoryError).code}: ${(err as Error).message}`;
  }
}

test("every event type: a complete, well-typed event passes the fast path and the generic check", () => {
  for (const type of EventTypeValues) {
    const attributes = valid(`${type}EventAttributes`, "") as Record<string, unknown>;
    assert.ok(fastAttributeChecks[type](attributes), `${type}: the fast path refused a well-typed event`);
    assert.is(outcome(type, attributes, false), `ok 9 ${type} 1767225600000`, type);
    assert.is(outcome(type, attributes, true), `ok 9 ${type} 1767225600000`, type);
  }
});

test("every declared field set to a wrong value: the same outcome with the fast path as with the generic check", () => {
  let compared = 0;
  let refused = 0;
  for (const type of EventTypeValues) {
    const attributes = valid(`${type}EventAttributes`, "") as Record<string, unknown>;
    for (const path of paths(`${type}EventAttributes`)) {
      for (const wrong of WRONG) {
        const a = withValue(attributes, path, wrong);
        const generic = outcome(type, a, false);
        assert.is(outcome(type, a, true), generic, `${type} ${path.join(".")} = ${String(wrong)}`);
        // the fast path never accepts what the generic check refuses
        const ok = generic.startsWith("ok");
        if (!ok) assert.not.ok(fastAttributeChecks[type](a), `${type} ${path.join(".")}`);
        if (!ok) refused++;
        compared++;
      }
    }
  }
  assert.ok(compared > 3000, `${compared} cases compared`);
  assert.ok(refused > 2000, `${refused} cases refused`);
});

test("event ids and timestamps of every form: the same outcome with the fast path as with the generic check", () => {
  const ids: unknown[] = [1, 9, 0, -1, 1.5, "3", null, undefined, Number.NaN];
  const stamps: unknown[] = [
    1_767_225_600,
    1_767_225_600.123,
    "1767225600",
    "2026-01-01T00:00:00Z",
    new Date(0),
    Number.NaN,
    Infinity,
    1e301,
    "yesterday",
    null,
    undefined,
  ];
  for (const type of EventTypeValues) {
    const attributes = valid(`${type}EventAttributes`, "");
    for (const id of ids)
      for (const stamp of stamps)
        assert.is(
          outcome(type, attributes, true, id, stamp),
          outcome(type, attributes, false, id, stamp),
          `${type} ${String(id)} ${String(stamp)}`,
        );
  }
});

test("attributes with another prototype, or built on a null prototype, take the generic check", () => {
  const type = "ActivityTaskCompleted";
  const inherited = Object.assign(Object.create({ scheduledEventId: 5 }), { startedEventId: 6 });
  assert.not.ok(fastAttributeChecks[type](inherited));
  assert.match(outcome(type, inherited, true), /^YF_HISTORY_MISSING_ATTRIBUTES: .*scheduledEventId is missing/);
  const bare = Object.assign(Object.create(null), { scheduledEventId: 5, startedEventId: 6 });
  assert.is(outcome(type, bare, true), `ok 9 ${type} 1767225600000`);
});

test("a getter of another prototype that throws is never read as the event's field: the generic check decides", () => {
  // the fast path reads a field (here `result`, ActivityTaskCompleted's first) before it asks for the prototype
  class Attributes {
    scheduledEventId = 5;
    startedEventId = 6;
    get result(): string {
      throw new Error("not a field of this event");
    }
  }
  const type = "ActivityTaskCompleted";
  const attributes = new Attributes();
  assert.not.ok(fastAttributeChecks[type](Object.assign(Object.create({ result: "inherited" }), attributes)));
  const into: CheckedEvent = { eventId: 0, eventType: "WorkflowExecutionStarted", attributes: undefined, time: 0 };
  const event = { eventId: 9, eventType: type, eventTimestamp: 1, activityTaskCompletedEventAttributes: attributes };
  checkEventInto(event, 0, into, true);
  assert.equal({ ...(into.attributes as object) }, { scheduledEventId: 5, startedEventId: 6 });
});

test("a field SWF declares defined on Object.prototype turns the fast path off: inherited is still missing", () => {
  assert.ok(plainFieldsAreOwn());
  const proto = Object.prototype as Record<string, unknown>;
  proto.scheduledEventId = 5;
  try {
    assert.not.ok(plainFieldsAreOwn());
    const history = [
      {
        eventId: 1,
        eventType: "ActivityTaskCompleted",
        eventTimestamp: 1_767_225_600,
        activityTaskCompletedEventAttributes: { startedEventId: 6 },
      },
    ];
    let err: unknown;
    try {
      foldHistoryInPlace(history, newHistoryState());
    } catch (e) {
      err = e;
    }
    assert.instance(err, HistoryError);
    assert.is((err as HistoryError).code, "YF_HISTORY_MISSING_ATTRIBUTES");
    assert.match((err as Error).message, /scheduledEventId is missing/);
  } finally {
    delete proto.scheduledEventId;
  }
  assert.ok(plainFieldsAreOwn());
});

/**
 * A history whose one activity completed with the attributes `completed` gives (from its scheduled and started event
 * ids); the ActivityTaskStarted seals the decision task, so a replayer's onSealed runs before the completion is folded.
 * `splitAt`: where the first decision task started (the rest can be folded as a later batch).
 */
function oneActivity(completed: (scheduled: number, started: number) => Record<string, unknown>) {
  const b = new HistoryBuilder({ workflowType: { name: "w", version: "1" } });
  const s = b.decisionTask();
  const dtc = b.add("DecisionTaskCompleted", { scheduledEventId: s - 1, startedEventId: s });
  const scheduled = b.add("ActivityTaskScheduled", {
    activityType: { name: "a", version: "1" },
    activityId: "a1",
    taskList: { name: "q" },
    decisionTaskCompletedEventId: dtc,
  });
  const started = b.add("ActivityTaskStarted", { scheduledEventId: scheduled });
  b.add("ActivityTaskCompleted", completed(scheduled, started) as never);
  return { events: b.events as unknown[], splitAt: s, scheduled };
}

test("Object.prototype polluted by code run inside the fold (onSealed) turns the fast path off for what follows", () => {
  // no scheduledEventId of its own
  const { events, scheduled } = oneActivity((_, started) => ({ startedEventId: started }));
  const proto = Object.prototype as Record<string, unknown>;
  let sealed = 0;
  let err: unknown;
  try {
    // workflow code replayed through onSealed (as the Replayer does) pollutes the prototype after the fold began
    foldHistoryInPlace(events, newHistoryState(), () => {
      sealed++;
      proto.scheduledEventId = scheduled;
    });
  } catch (e) {
    err = e;
  } finally {
    delete proto.scheduledEventId;
  }
  assert.is(sealed, 1);
  assert.instance(err, HistoryError);
  assert.is((err as HistoryError).code, "YF_HISTORY_MISSING_ATTRIBUTES");
  assert.match((err as Error).message, /scheduledEventId is missing/);
  assert.ok(plainFieldsAreOwn());
});

/** The completion's result as the fold recorded it, with `Object.prototype.result` defined by `pollute` when it runs. */
function foldedResult(pollute: "before" | "in onSealed", batch: boolean): unknown {
  // no result (an optional field): the completion waits for the next decision task
  const { events, splitAt } = oneActivity((scheduledEventId, startedEventId) => ({ scheduledEventId, startedEventId }));
  const proto = Object.prototype as Record<string, unknown>;
  const state = newHistoryState();
  try {
    if (pollute === "before") proto.result = "inherited";
    if (batch) foldHistoryInPlace(events.slice(0, splitAt), state); // the rest is then a later batch
    foldHistoryInPlace(batch ? events.slice(splitAt) : events, state, () => {
      proto.result = "inherited";
    });
  } finally {
    delete proto.result;
  }
  assert.ok(plainFieldsAreOwn());
  const completed = state.undelivered.find((i) => i.type === "activityCompleted") as { result: unknown } | undefined;
  assert.ok(completed, "the completion was folded");
  return completed.result;
}

test("an optional field a polluted Object.prototype carries is still missing when the fold applies the event", () => {
  for (const pollute of ["before", "in onSealed"] as const)
    for (const batch of [false, true])
      assert.is(foldedResult(pollute, batch), undefined, `polluted ${pollute}, ${batch ? "a later batch" : "cold"}`);
});

test("an eventType named like a member of Object.prototype is an unknown type, on both paths", () => {
  for (const type of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
    for (const plain of [true, false]) {
      assert.is(
        outcome(type as EventType, {}, plain),
        `YF_HISTORY_UNKNOWN_EVENT_TYPE: event 9: unknown eventType ${JSON.stringify(type)}; SWF has 54 event types (ActivityTaskScheduled, TimerFired, …)`,
      );
    }
  }
});

test.run();
