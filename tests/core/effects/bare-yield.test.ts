/** A bare `yield` (from JS, or cast past the types) makes `decide` throw InvalidYieldError naming `yield*`. */
import {
  activity,
  decide,
  defineActivity,
  defineWorkflow,
  InvalidYieldError,
  sleep,
  type WorkflowBody,
} from "@yieldflow/core";
import { HistoryBuilder } from "@yieldflow/core/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { throwsCode } from "../support.ts";

const greet = defineActivity<string, string>({ name: "greet", version: "1" });

function historyOf(name: string): HistoryBuilder {
  const b = new HistoryBuilder({ workflowType: { name, version: "1" }, input: '"x"' });
  b.decisionTask();
  return b;
}

// biome-ignore lint/suspicious/noExplicitAny: simulates plain JavaScript workflow code
const untyped = (body: (...args: any[]) => Generator<any, any, any>) =>
  body as unknown as WorkflowBody<string, unknown>;

test("bare `yield activity(...)` → InvalidYieldError (YF_INVALID_YIELD) whose message says `yield*`", () => {
  const wf = defineWorkflow(
    { name: "bare", version: "1" },
    untyped(function* (name: string) {
      yield activity(greet, name);
    }),
  );
  const b = historyOf("bare");
  const err = throwsCode(() => decide(wf, b.events), InvalidYieldError, "YF_INVALID_YIELD");
  assert.match(err.message, "yield*");
  assert.match(err.message, "activity");
  assert.match(err.message, "event 3", "names the decision task");
});

test("bare `yield` of an activity that retries on its own (a class of effects of its own) names it an effect too", () => {
  const wf = defineWorkflow(
    { name: "bare-retrying", version: "1" },
    untyped(function* (name: string) {
      yield activity(greet, name, { retry: { maximumAttempts: 3 } });
    }),
  );
  const b = historyOf("bare-retrying");
  const err = throwsCode(() => decide(wf, b.events), InvalidYieldError, "YF_INVALID_YIELD");
  assert.match(err.message, "an activity effect was yielded with `yield`");
});

test("bare yield after some real effects, during a later task, still throws (not swallowed as a failure)", () => {
  const wf = defineWorkflow(
    { name: "bare-later", version: "1" },
    untyped(function* () {
      yield* sleep(5);
      yield sleep(5);
    }),
  );
  const b = historyOf("bare-later");
  const first = decide(wf, b.events);
  assert.is(first.decisions.length, 1);
  b.completeDecisionTask(first.decisions);
  b.timerFired("timer-1");
  b.decisionTask();
  const err = throwsCode(() => decide(wf, b.events), InvalidYieldError, "YF_INVALID_YIELD");
  assert.match(err.message, "yield*");
  assert.match(err.message, "timer");
});

test("yielding a plain value or nothing → InvalidYieldError that mentions `yield*`", () => {
  for (const [name, value] of [
    ["plain-number", 42],
    ["plain-undefined", undefined],
    ["plain-object", { kind: "activity" }],
    ["plain-promise", Promise.resolve(1)],
  ] as const) {
    const wf = defineWorkflow(
      { name, version: "1" },
      untyped(function* () {
        yield value;
      }),
    );
    const err = throwsCode(() => decide(wf, historyOf(name).events), InvalidYieldError, "YF_INVALID_YIELD");
    assert.match(err.message, "yield*", name);
  }
});

test("a workflow that catches everything cannot swallow the InvalidYieldError", () => {
  const wf = defineWorkflow(
    { name: "catcher", version: "1" },
    untyped(function* () {
      try {
        yield activity(greet, "x");
      } catch {
        return "swallowed";
      }
    }),
  );
  throwsCode(() => decide(wf, historyOf("catcher").events), InvalidYieldError, "YF_INVALID_YIELD");
});

test("a hand-made request whose kind is a name every object has (constructor, toString, __proto__) is refused", () => {
  for (const kind of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
    const wf = defineWorkflow(
      { name: "forged", version: "1" },
      untyped(function* () {
        yield { type: "yieldflow/request", effect: { kind } };
      }),
    );
    const err = throwsCode(() => decide(wf, historyOf("forged").events), InvalidYieldError, "YF_INVALID_YIELD");
    assert.match(err.message, "workflows may only use `yield*` on yieldflow effects", kind);
  }
});

test.run();
