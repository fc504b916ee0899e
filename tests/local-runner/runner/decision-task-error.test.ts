/**
 * Issue 7, defect 3: on the virtual clock, with an executionStartToCloseTimeout set, a workflow whose decision task
 * failed made `handle.result()` reject with YF_WORKFLOW_TIMED_OUT: the clock skipped to the workflow's deadline while
 * the task kept failing, and the real error only reached an event listener. result() (and `yieldflow run`) must
 * report the decision task's own error; defineWorkflow refuses an async function* (and a non-generator) at once.
 */
import { activity, defineActivity, defineWorkflow, InvalidArgumentError } from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
import { test } from "uvu";
import * as assert from "uvu/assert";

const act = defineActivity<string, string>({ taskList: "default", name: "act", version: "1" });
const timeouts = { executionStartToClose: "1h" } as const;

async function resultError(
  // biome-ignore lint/suspicious/noExplicitAny: any workflow
  wf: any,
  options: ConstructorParameters<typeof LocalRunner>[0] = {},
): Promise<{ code?: string; message: string }> {
  const runner = new LocalRunner({ workflows: [wf], activities: [], ...options });
  try {
    const handle = await runner.start(wf, undefined, { timeouts });
    return await handle.result().then(
      () => ({ message: "completed" }),
      (e: { code?: string; message: string }) => e,
    );
  } finally {
    runner.close();
  }
}

test("a TypeError in workflow code: result() rejects with YF_WORKFLOW_TASK, not YF_WORKFLOW_TIMED_OUT", async () => {
  const wf2 = defineWorkflow({ name: "type-error-2", version: "1" }, function* () {
    const o = null as unknown as { a: number };
    if (o.a > 0) yield* activity(act, "x");
    return 1;
  });
  const err2 = await resultError(wf2);
  assert.is(err2.code, "YF_WORKFLOW_TASK", err2.message);
  assert.match(err2.message, /TypeError|Cannot read properties of null/);
});

test("a bare yield: result() rejects with YF_INVALID_YIELD", async () => {
  const wf = defineWorkflow({ name: "bare-yield", version: "1" }, function* () {
    // biome-ignore lint/suspicious/noExplicitAny: a bare yield that slipped through from JavaScript
    yield activity(act, "x") as any;
    return 1;
  } as never);
  const err = await resultError(wf);
  assert.is(err.code, "YF_INVALID_YIELD", err.message);
});

test("a payload too large: result() rejects with the decision task's error (YF_PAYLOAD_TOO_LARGE, or a task error caused by it)", async () => {
  const wf = defineWorkflow({ name: "too-large", version: "1" }, function* () {
    return yield* activity(act, "x".repeat(40_000));
  });
  const err = (await resultError(wf)) as { code?: string; message: string; cause?: { code?: string } };
  assert.ok(err.code === "YF_PAYLOAD_TOO_LARGE" || err.cause?.code === "YF_PAYLOAD_TOO_LARGE", err.message);
  assert.is.not(err.code, "YF_WORKFLOW_TIMED_OUT");
});

test("also with several decision task attempts on the real clock's policy (the error of the last attempt)", async () => {
  const wf = defineWorkflow({ name: "type-error-3", version: "1" }, function* () {
    const o = null as unknown as { a: number };
    if (o.a > 0) yield* activity(act, "x");
    return 1;
  });
  const err = await resultError(wf, { decisionTaskAttempts: 3 });
  assert.is(err.code, "YF_WORKFLOW_TASK", err.message);
});

test("defineWorkflow refuses an async function* and a plain function at once", () => {
  for (const body of [
    async function* () {
      yield 1;
    },
    async () => 1,
    () => 1,
    function plain() {
      return 1;
    },
  ]) {
    try {
      defineWorkflow({ name: "bad-body", version: "1" }, body as never);
      assert.unreachable(`accepted ${body.toString()}`);
    } catch (err) {
      assert.instance(err, InvalidArgumentError);
      assert.is((err as InvalidArgumentError).code, "YF_INVALID_ARGUMENT");
      assert.match((err as Error).message, /function\*/);
    }
  }
});

test.run();
