/**
 * Step tests of every effect constructor (redux-saga style): iterating an effect yields one EffectRequest whose
 * `effect` is plain data, and the value sent back is what `yield*` returns. Plus argument validation.
 */
import {
  ActivityFailure,
  activity,
  all,
  any,
  type Branch,
  cancel,
  childWorkflow,
  continueAsNew,
  defineActivity,
  defineWorkflow,
  deprecatePatch,
  type Effect,
  type EffectRequest,
  type Handle,
  InvalidArgumentError,
  log,
  now,
  patched,
  race,
  random,
  requestCancelExternal,
  retry,
  sideEffect,
  signal,
  signalExternal,
  sleep,
  start,
  TimeoutFailure,
  toSeconds,
  uuid,
  workflowInfo,
} from "@yieldflow/core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { throwsCode } from "../support.ts";

const charge = defineActivity<{ cents: number }, { id: string }>({
  name: "charge",
  version: "2",
  taskList: "payments",
  timeouts: { startToClose: "30s", scheduleToClose: "5m", heartbeat: 10 },
  taskPriority: 3,
});
const child = defineWorkflow(
  { name: "child", version: "1", taskList: "kids", timeouts: { executionStartToClose: "1h", taskStartToClose: 20 } },
  function* (n: number) {
    yield* sleep(n);
    return n;
  },
);

/** The first request an effect yields, and the iterator (to send a value back). */
function firstRequest<T>(effect: Effect<T> | Generator<EffectRequest, T, unknown>) {
  const it = effect[Symbol.iterator]();
  const first = it.next();
  assert.is(first.done, false);
  const request = first.value as EffectRequest;
  assert.is(request.type, "yieldflow/request");
  return { it, request, effect: request.effect as unknown as Record<string, unknown> };
}

/** Sends `value` back and returns what `yield*` would produce. */
function finish<T>(it: Iterator<EffectRequest, T, unknown>, value: unknown): T {
  const r = it.next(value);
  assert.is(r.done, true, "an effect yields exactly one request");
  return r.value as T;
}

const step = suite("effect step");

step("activity: descriptor holds the definition, input and resolved scheduling; result comes back", () => {
  const { it, effect } = firstRequest(activity(charge, { cents: 5 }));
  assert.is(effect.kind, "activity");
  assert.is((effect.activity as { name: string }).name, "charge");
  assert.equal(effect.input, { cents: 5 });
  assert.is(effect.id, undefined);
  assert.equal(effect.scheduling, {
    taskList: "payments",
    taskPriority: 3,
    scheduleToStart: undefined,
    startToClose: 30,
    scheduleToClose: 300,
    heartbeat: 10,
  });
  assert.equal(finish(it, { id: "c1" }), { id: "c1" });
});

step("a step of a workflow keeps its result: later steps change nothing in it, and requests compare as data", () => {
  const wf = defineWorkflow({ name: "two-steps", version: "1" }, function* () {
    const a = yield* activity(charge, { cents: 1 });
    const b = yield* activity(charge, { cents: 2 });
    return [a.id, b.id];
  });
  const g = wf.body(undefined) as Generator<EffectRequest, unknown, unknown>;
  const r1 = g.next();
  const saved = JSON.stringify(r1); // a result that referred to itself could not be written out
  const r2 = g.next({ id: "A" });
  assert.is(r1.done, false);
  assert.is(JSON.stringify(r1), saved, "the first result did not change when the workflow went on");
  assert.is.not(r1, r2);
  assert.is(((r2.value as EffectRequest).effect as unknown as { input: { cents: number } }).input.cents, 2);
  assert.equal(g.next({ id: "B" }), { value: ["A", "B"], done: true });
  // two runs of the same code yield requests equal as data (a step test compares them with a deep equal)
  const first = () => (wf.body(undefined) as Generator<EffectRequest, unknown, unknown>).next().value;
  assert.equal(first(), first());
});

step("activity: call options override the definition's defaults", () => {
  const { effect } = firstRequest(
    activity(
      charge,
      { cents: 1 },
      { id: "pay-1", taskList: "fast", taskPriority: -2, timeouts: { startToClose: "1m", scheduleToStart: "2h" } },
    ),
  );
  assert.is(effect.id, "pay-1");
  assert.equal(effect.scheduling, {
    taskList: "fast",
    taskPriority: -2,
    scheduleToStart: 7200,
    startToClose: 60,
    scheduleToClose: 300,
    heartbeat: 10,
  });
});

step("activity: each iteration is a fresh request of the same descriptor (retry re-runs effects)", () => {
  const e = activity(charge, { cents: 1 });
  const a = firstRequest(e).request;
  const b = firstRequest(e).request;
  assert.is(a.effect, b.effect);
});

step("sleep: seconds rounded up, optional id", () => {
  assert.equal(firstRequest(sleep("1h30m")).effect, { kind: "timer", seconds: 5400, id: undefined });
  assert.equal(firstRequest(sleep(1.2, { id: "t" })).effect, { kind: "timer", seconds: 2, id: "t" });
  assert.equal(firstRequest(sleep(0)).effect, { kind: "timer", seconds: 0, id: undefined });
  const { it } = firstRequest(sleep("1s"));
  assert.is(finish(it, undefined), undefined);
});

step("sideEffect: carries the function uncalled", () => {
  let calls = 0;
  const fn = () => ++calls;
  const { it, effect } = firstRequest(sideEffect(fn, { id: "coupon" }));
  assert.equal(effect, { kind: "sideEffect", fn, id: "coupon" });
  assert.is(calls, 0, "the constructor must not call the function");
  assert.is(finish(it, 42), 42);
});

step("childWorkflow: defaults from the definition, overridable per call", () => {
  const d = firstRequest(childWorkflow(child, 7)).effect;
  assert.is(d.kind, "child");
  assert.is((d.workflow as { name: string }).name, "child");
  assert.is(d.input, 7);
  assert.is(d.workflowId, undefined);
  assert.is(d.taskList, "kids");
  assert.is(d.executionStartToClose, 3600);
  assert.is(d.taskStartToClose, 20);
  const o = firstRequest(
    childWorkflow(child, 8, {
      workflowId: "kid-8",
      taskList: "other",
      timeouts: { executionStartToClose: "2d", taskStartToClose: "1m" },
      childPolicy: "ABANDON",
      tagList: ["a"],
    }),
  ).effect;
  assert.is(o.workflowId, "kid-8");
  assert.is(o.taskList, "other");
  assert.is(o.executionStartToClose, 172800);
  assert.is(o.taskStartToClose, 60);
  assert.is(o.childPolicy, "ABANDON");
  assert.equal(o.tagList, ["a"]);
});

step("signal: name and timeout in seconds", () => {
  assert.equal(firstRequest(signal("approve")).effect, { kind: "signal", name: "approve", timeoutSeconds: undefined });
  assert.equal(firstRequest(signal("approve", { timeout: "7d" })).effect, {
    kind: "signal",
    name: "approve",
    timeoutSeconds: 604800,
  });
});

step("signalExternal and requestCancelExternal", () => {
  assert.equal(firstRequest(signalExternal("other-wf", "poke", { n: 1 }, { runId: "r9" })).effect, {
    kind: "signalExternal",
    workflowId: "other-wf",
    runId: "r9",
    signalName: "poke",
    input: { n: 1 },
  });
  assert.equal(firstRequest(requestCancelExternal("other-wf")).effect, {
    kind: "cancelExternal",
    workflowId: "other-wf",
    runId: undefined,
  });
});

step("all / race / any: carry their branches unstarted", () => {
  const a = sleep(1);
  function* branch(): Generator<EffectRequest, number, unknown> {
    yield* sleep(2);
    return 1;
  }
  const g = branch();
  for (const [make, kind] of [
    [all, "all"],
    [race, "race"],
    [any, "any"],
  ] as const) {
    const e = firstRequest((make as (b: readonly Branch[]) => Effect<unknown>)([a, g])).effect;
    assert.is(e.kind, kind);
    assert.is((e.branches as unknown[])[0], a);
    assert.is((e.branches as unknown[])[1], g);
  }
  assert.equal(firstRequest(all([])).effect, { kind: "all", branches: [] });
});

step("start and cancel", () => {
  const a = sleep(1);
  assert.equal(firstRequest(start(a)).effect, { kind: "start", branch: a });
  const fakeHandle = { op: { id: "x" } } as unknown as Handle<unknown>;
  assert.equal(firstRequest(cancel(fakeHandle)).effect, { kind: "cancel", op: { id: "x" } });
});

step("now / random / uuid / workflowInfo / log", () => {
  assert.equal(firstRequest(now()).effect, { kind: "info", what: "now" });
  assert.equal(firstRequest(random()).effect, { kind: "info", what: "random" });
  assert.equal(firstRequest(uuid()).effect, { kind: "info", what: "uuid" });
  assert.equal(firstRequest(workflowInfo()).effect, { kind: "info", what: "workflowInfo" });
  assert.equal(firstRequest(log("warn", "careful", { a: 1 })).effect, {
    kind: "info",
    what: "log",
    args: ["warn", "careful", { a: 1 }],
  });
  const d = new Date(0);
  assert.is(finish(firstRequest(now()).it, d), d);
});

step("continueAsNew: input and resolved options", () => {
  assert.equal(firstRequest(continueAsNew({ cursor: 3 })).effect, {
    kind: "continueAsNew",
    input: { cursor: 3 },
    workflowTypeVersion: undefined,
    taskList: undefined,
    executionStartToClose: undefined,
    taskStartToClose: undefined,
    childPolicy: undefined,
    tagList: undefined,
  });
  const e = firstRequest(
    continueAsNew(1, {
      workflowTypeVersion: "2",
      taskList: "tl",
      timeouts: { executionStartToClose: "1d", taskStartToClose: "10s" },
      childPolicy: "REQUEST_CANCEL",
      tagList: ["t"],
    }),
  ).effect;
  assert.is(e.workflowTypeVersion, "2");
  assert.is(e.executionStartToClose, 86400);
  assert.is(e.taskStartToClose, 10);
  assert.is(e.childPolicy, "REQUEST_CANCEL");
});

step("patched / deprecatePatch", () => {
  assert.equal(firstRequest(patched("sms")).effect, { kind: "patch", patchId: "sms", deprecated: false });
  assert.equal(firstRequest(deprecatePatch("sms")).effect, { kind: "patch", patchId: "sms", deprecated: true });
});

step("retry: the first request is the wrapped effect, marked attempt 1; success returns its value", () => {
  const e = activity(charge, { cents: 1 });
  const it = retry(e, { maximumAttempts: 2, initialInterval: "3s" });
  assert.equal((it.next().value as EffectRequest).effect, { ...(e as object), attempt: 1 });
  const r = it.next({ id: "ok" });
  assert.is(r.done, true);
  assert.equal(r.value, { id: "ok" });
});

step.run();

const retrySteps = suite("retry steps");

retrySteps("retryable failure → sleep(backoff) → same effect again; last failure rethrown", () => {
  const e = activity(charge, { cents: 1 });
  const it = retry(e, { maximumAttempts: 3, initialInterval: "3s", backoffCoefficient: 2 });
  assert.equal((it.next().value as EffectRequest).effect, { ...(e as object), attempt: 1 });
  const fail = () => new ActivityFailure("activity-1", { name: "charge", version: "2" }, { name: "E", message: "m" });
  let r = it.throw(fail());
  assert.equal((r.value as EffectRequest).effect, { kind: "timer", seconds: 3, id: undefined });
  r = it.next(undefined);
  assert.equal((r.value as EffectRequest).effect, { ...(e as object), attempt: 2 });
  r = it.throw(fail());
  assert.equal((r.value as EffectRequest).effect, { kind: "timer", seconds: 6, id: undefined });
  r = it.next(undefined);
  assert.equal((r.value as EffectRequest).effect, { ...(e as object), attempt: 3 });
  const last = fail();
  try {
    it.throw(last);
    assert.unreachable("the third failure must be rethrown");
  } catch (err) {
    assert.is(err, last);
  }
});

retrySteps("retry with jitter asks for random() before sleeping", () => {
  const it = retry(activity(charge, { cents: 1 }), { maximumAttempts: 2, initialInterval: 10, jitter: 0.5 });
  it.next();
  let r = it.throw(new ActivityFailure("a", { name: "charge", version: "2" }, { name: "E", message: "m" }));
  assert.equal((r.value as EffectRequest).effect, { kind: "info", what: "random" });
  r = it.next(1); // the maximum jitter takes half of the wait off
  assert.equal((r.value as EffectRequest).effect, { kind: "timer", seconds: 5, id: undefined });
});

retrySteps("retry(make): make is called with the 1-based attempt number", () => {
  const seen: number[] = [];
  const it = retry(
    (n) => {
      seen.push(n);
      return signal("ack", { timeout: n * 10 });
    },
    { maximumAttempts: 2, initialInterval: 1 },
  );
  assert.equal((it.next().value as EffectRequest).effect, { kind: "signal", name: "ack", timeoutSeconds: 10 });
  it.throw(new TimeoutFailure({ kind: "signal", id: "timer-1" }, "SIGNAL", "no ack"));
  const r = it.next(undefined);
  assert.equal((r.value as EffectRequest).effect, { kind: "signal", name: "ack", timeoutSeconds: 20 });
  assert.equal(seen, [1, 2]);
});

retrySteps.run();

// ─── argument validation ─────────────────────────────────────────────────────────────────────────────────────

const invalid = suite("argument validation → InvalidArgumentError (YF_INVALID_ARGUMENT)");
const bad = (fn: () => unknown) => throwsCode(fn, InvalidArgumentError, "YF_INVALID_ARGUMENT");

const BAD_IDS: [string, unknown][] = [
  ["empty", ""],
  ["colon", "a:b"],
  ["slash", "a/b"],
  ["pipe", "a|b"],
  ["control char", "a\u0007b"],
  ["DEL", "a\u007fb"],
  ["C1 control", "a\u0085b"],
  ["literal arn", "arn"],
  ["257 chars", "x".repeat(257)],
  ["not a string", 42],
];

for (const [what, id] of BAD_IDS) {
  invalid(
    `bad id (${what}) rejected by activity, sleep, sideEffect, childWorkflow, signalExternal, requestCancelExternal`,
    () => {
      bad(() => activity(charge, { cents: 1 }, { id: id as string }));
      bad(() => sleep(1, { id: id as string }));
      bad(() => sideEffect(() => 1, { id: id as string }));
      bad(() => childWorkflow(child, 1, { workflowId: id as string }));
      bad(() => signalExternal(id as string, "s"));
      bad(() => requestCancelExternal(id as string));
    },
  );
}

invalid("ids at the limits are accepted: 256 chars, 'arn' inside a longer id, unicode", () => {
  activity(charge, { cents: 1 }, { id: "x".repeat(256) });
  sleep(1, { id: "arn-1" });
  sideEffect(() => 1, { id: "café-ü" });
});

invalid("bad names: activity, workflow, versions, signal, patch ids", () => {
  bad(() => defineActivity({ name: "", version: "1" }));
  bad(() => defineActivity({ name: "a/b", version: "1" }));
  bad(() => defineActivity({ name: "x".repeat(257), version: "1" }));
  bad(() => defineActivity({ name: "ok", version: "v".repeat(65) }));
  bad(() => defineActivity({ name: "ok", version: "" }));
  bad(() => defineActivity(undefined as never));
  defineActivity({ name: "x".repeat(256), version: "v".repeat(64) });
  bad(() => defineWorkflow({ name: "a:b", version: "1" }, function* () {}));
  bad(() => defineWorkflow({ name: "ok", version: "1|2" }, function* () {}));
  bad(() => defineWorkflow({ name: "ok", version: "1" }, "not a function" as never));
  bad(() => signal(""));
  bad(() => signal("a/b"));
  bad(() => signalExternal("wf", "a|b"));
  bad(() => patched("x".repeat(201)));
  bad(() => deprecatePatch("p:1"));
  patched("x".repeat(200));
  bad(() => continueAsNew(1, { workflowTypeVersion: "v".repeat(65) }));
});

// the casts stand for JavaScript callers: in TypeScript these do not compile (see duration.types.ts)
invalid("bad durations: sleep, activity timeouts, definition timeouts, signal timeout, continueAsNew", () => {
  for (const d of [-1, Number.NaN, Number.POSITIVE_INFINITY, "abc", "", "10x", "5 minutes", "1h-2m", "s", null, {}]) {
    bad(() => sleep(d as never));
  }
  bad(() => activity(charge, { cents: 1 }, { timeouts: { startToClose: "soon" as never } }));
  bad(() => defineActivity({ name: "a", version: "1", timeouts: { heartbeat: -5 } }));
  bad(() =>
    defineWorkflow({ name: "w", version: "1", timeouts: { taskStartToClose: "1y" as never } }, function* () {}),
  );
  bad(() => signal("s", { timeout: "later" as never }));
  bad(() => continueAsNew(1, { timeouts: { executionStartToClose: "x" as never } }));
  bad(() => childWorkflow(child, 1, { timeouts: { executionStartToClose: -1 } }));
});

invalid("toSeconds: units, combinations, rounding up", () => {
  const cases: [string | number, number][] = [
    [0, 0],
    [1.2, 2],
    ["90", 90],
    ["90s", 90],
    ["5m", 300],
    ["2h", 7200],
    ["7d", 604800],
    ["1w", 604800],
    ["1h30m", 5400],
    ["1h 30m", 5400],
    ["500ms", 1],
    ["1500ms", 2],
    ["1.5m", 90],
    ["1s500ms", 2],
  ];
  for (const [input, seconds] of cases) assert.is(toSeconds(input), seconds, `toSeconds(${JSON.stringify(input)})`);
});

invalid("definitions, branches, handles and functions must be the right things", () => {
  bad(() => activity({ name: "fake", version: "1" } as never, 1));
  bad(() => activity(child as never, 1));
  bad(() => childWorkflow(charge as never, 1));
  bad(() => sideEffect("value" as never));
  bad(() => all("nope" as never));
  bad(() => race([]));
  bad(() => any([]));
  function* branch(): Generator<EffectRequest, void, unknown> {}
  bad(() => all([sleep(1), branch as never]));
  bad(() => race([42 as never]));
  bad(() => start(branch as never));
  bad(() => cancel({} as never));
  bad(() => cancel(sleep(1) as never));
});

invalid("retry policy is checked when the retry starts", () => {
  const e = sleep(1);
  bad(() => retry(e, { maximumAttempts: 0 }).next());
  bad(() => retry(e, { backoffCoefficient: 0.5 }).next());
  bad(() => retry(e, { jitter: 2 }).next());
  bad(() => retry(() => 42 as never).next());
});

invalid.run();
