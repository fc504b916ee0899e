/**
 * Issue 7, defect 6: values that JSON cannot produce (BigInt, Symbol) in an in-process history crashed while the
 * error message was being built (`JSON.stringify(1n)` throws), and so did other untrusted values: objects without a
 * prototype, getters that throw, cyclic objects, a Symbol thrown by workflow code. Formatting an error never throws:
 * each case here ends in yieldflow's own typed error.
 */
import {
  decide,
  defineWorkflow,
  describeError,
  describeValue,
  encodeRemoteError,
  HistoryError,
  type HistoryEvent,
  InvalidYieldError,
  sleep,
  WorkflowTaskError,
  YieldflowError,
} from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";

const wf = defineWorkflow({ name: "wf", version: "1" }, function* () {
  yield* sleep(1);
  return 1;
});

function start(overrides: Record<string, unknown> = {}, attrs: Record<string, unknown> = {}): unknown[] {
  return [
    {
      eventId: 1,
      eventType: "WorkflowExecutionStarted",
      eventTimestamp: 1_700_000_000,
      workflowExecutionStartedEventAttributes: {
        workflowType: { name: "wf", version: "1" },
        taskList: { name: "t" },
        childPolicy: "TERMINATE",
        ...attrs,
      },
      ...overrides,
    },
    {
      eventId: 2,
      eventType: "DecisionTaskScheduled",
      eventTimestamp: 1_700_000_000,
      decisionTaskScheduledEventAttributes: { taskList: { name: "t" } },
    },
    {
      eventId: 3,
      eventType: "DecisionTaskStarted",
      eventTimestamp: 1_700_000_000,
      decisionTaskStartedEventAttributes: { scheduledEventId: 2 },
    },
  ];
}

const throwing = () => {
  throw new Error("getter exploded");
};

/** `history` with the start event's attribute `field` made a getter that throws. */
function withGetter(history: unknown[], field: string): unknown[] {
  const a = (history[0] as Record<string, object>).workflowExecutionStartedEventAttributes as object;
  Object.defineProperty(a, field, { get: throwing, enumerable: true });
  return history;
}

const cyclic: Record<string, unknown> = { a: 1 };
cyclic.self = cyclic;

const cases: [string, unknown[]][] = [
  ["eventId 1n", start({ eventId: 1n })],
  ["eventId Symbol()", start({ eventId: Symbol("id") })],
  ["eventType Symbol()", start({ eventType: Symbol("t") })],
  ["eventType 1n", start({ eventType: 1n })],
  ["eventTimestamp 1n", start({ eventTimestamp: 1n })],
  ["eventTimestamp Symbol()", start({ eventTimestamp: Symbol("time") })],
  ["eventTimestamp a cyclic object", start({ eventTimestamp: cyclic })],
  ["input 1n", start({}, { input: 1n })],
  ["input Symbol()", start({}, { input: Symbol("in") })],
  ["workflowType.name 1n", start({}, { workflowType: { name: 1n, version: "1" } })],
  ["taskList a cyclic object with a BigInt", start({}, { taskList: { name: 5n, self: cyclic } })],
  ["an attribute whose getter throws", withGetter(start(), "input")],
  ["an event whose getter throws", [Object.defineProperty({}, "eventId", { get: throwing, enumerable: true })]],
  ["a Symbol as the event", [Symbol("event")]],
  ["a BigInt as the event", [5n]],
];

for (const [name, history] of cases) {
  test(`${name}: a HistoryError, not a crash while formatting it`, () => {
    try {
      decide(wf, history);
      assert.unreachable("accepted");
    } catch (err) {
      assert.instance(err, HistoryError, `${name}: ${String((err as Error).message)}`);
      assert.type((err as HistoryError).message, "string");
    }
  });
}

/**
 * The fold checks an event's fields where they are (no copy), then reads the ones it uses again while applying it:
 * a getter that answers the check and throws on the next read is a HistoryError too.
 */
function throwsOnSecondRead(target: object, field: string): void {
  const value = (target as Record<string, unknown>)[field];
  let reads = 0;
  Object.defineProperty(target, field, {
    enumerable: true,
    get() {
      if (reads++ > 0) throw new Error("getter exploded on its second read");
      return value;
    },
  });
}

for (const field of ["input", "workflowType.name"]) {
  test(`an attribute getter that throws on its second read (${field}): a HistoryError`, () => {
    const history = start({}, { input: '"x"' });
    const attrs = (history[0] as Record<string, Record<string, object>>).workflowExecutionStartedEventAttributes;
    if (field === "input") throwsOnSecondRead(attrs as object, "input");
    else throwsOnSecondRead(attrs?.workflowType as object, "name");
    try {
      decide(wf, history);
      assert.unreachable("accepted");
    } catch (err) {
      assert.instance(err, HistoryError, String((err as Error).message));
      assert.is((err as HistoryError).code, "YF_HISTORY_BAD_EVENT");
      assert.match((err as HistoryError).message, /getter exploded on its second read/);
    }
  });
}

test("an event and attributes without a prototype are read like any other (and accepted when valid)", () => {
  const events = start().map((e) => Object.assign(Object.create(null), e)) as HistoryEvent[];
  const a = events[0] as unknown as Record<string, unknown>;
  a.workflowExecutionStartedEventAttributes = Object.assign(
    Object.create(null),
    a.workflowExecutionStartedEventAttributes,
  );
  assert.is(decide(wf, events).decisions[0]?.decisionType, "StartTimer");
});

for (const [name, value] of [
  ["a Symbol", Symbol("boom")],
  ["a BigInt", 12n],
  ["an object without a prototype", Object.create(null)],
  ["an error whose message getter throws", Object.defineProperty(new Error("x"), "message", { get: throwing })],
  ["a cyclic object", cyclic],
] as const) {
  test(`workflow code throws ${name}: WorkflowTaskError with a message`, () => {
    const bad = defineWorkflow({ name: "bad", version: "1" }, function* () {
      yield* sleep(0);
      throw value;
    });
    const events = start({}, { workflowType: { name: "bad", version: "1" } });
    try {
      decide(bad, [...events]);
      // the first task only starts the timer; make the throw happen in the first task instead
    } catch (err) {
      assert.instance(err, YieldflowError, String(err));
    }
    const immediate = defineWorkflow({ name: "bad", version: "1" }, function* () {
      if (value !== undefined) throw value;
      yield* sleep(0);
    });
    try {
      decide(immediate, events);
      assert.unreachable("no error");
    } catch (err) {
      assert.instance(err, WorkflowTaskError, String(err));
      assert.type((err as WorkflowTaskError).message, "string");
    }
    assert.type(encodeRemoteError(value).details, "string");
  });
}

test("yield 10n or a cyclic object (a bare yield): InvalidYieldError, with a message", () => {
  for (const value of [10n, Symbol("s"), cyclic]) {
    const bare = defineWorkflow({ name: "bare", version: "1" }, function* () {
      yield value as never;
    } as never);
    try {
      decide(bare, start({}, { workflowType: { name: "bare", version: "1" } }));
      assert.unreachable("no error");
    } catch (err) {
      assert.instance(err, InvalidYieldError, String(err));
    }
  }
});

test("describeValue and describeError never throw", () => {
  const proxy = new Proxy(
    {},
    {
      get: throwing,
      getPrototypeOf: throwing,
      ownKeys: throwing,
    },
  );
  for (const v of [1n, Symbol("x"), cyclic, Object.create(null), proxy, { toJSON: throwing }, "x".repeat(10_000)]) {
    assert.type(describeValue(v), "string");
    assert.type(describeError(v), "string");
  }
  assert.is(describeValue(1n), "1n");
});

test.run();
