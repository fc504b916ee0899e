/** The runner's limits and its end: ids SWF refuses, concurrency held by abandoned activities, close(). */
import { activity, defineActivity, defineWorkflow, InvalidArgumentError, implement, sleep } from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
import { test } from "uvu";
import * as assert from "uvu/assert";

const nap = defineWorkflow({ name: "nap", version: "1" }, function* () {
  yield* sleep("1h");
  return "rested";
});

test("workflow ids SWF would refuse are refused", async () => {
  const runner = new LocalRunner({ workflows: [nap] });
  for (const id of ["a:b", "x/y", "p|q", "", "arn", "z".repeat(257)]) {
    await runner.start(nap, undefined, { workflowId: id }).then(
      () => assert.unreachable(`accepted ${JSON.stringify(id)}`),
      (err) => assert.instance(err, InvalidArgumentError),
    );
  }
  runner.close();
});

test("an activity abandoned after its timeout still holds its slot until its function returns", async () => {
  let running = 0;
  let peak = 0;
  const slow = defineActivity<number, number>({
    taskList: "default",
    name: "slow",
    version: "1",
    timeouts: { startToClose: "1s" },
  });
  const impl = implement(slow, async (n) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 1_300)); // ignores its AbortSignal, outlives its 1 s timeout
    running--;
    return n;
  });
  const twice = defineWorkflow({ name: "twice", version: "1" }, function* () {
    for (const n of [1, 2]) {
      try {
        yield* activity(slow, n);
      } catch {}
    }
    return "done";
  });
  const runner = new LocalRunner({ workflows: [twice], activities: [impl], maxConcurrentActivities: 1, clock: "real" });
  const h = await runner.start(twice, undefined);
  assert.is(await h.result(), "done");
  assert.is(peak, 1, "never two at once with maxConcurrentActivities 1");
  runner.close();
});

test("close() ends what waits: result() rejects with YF_RUNNER_CLOSED, idle() resolves", async () => {
  const runner = new LocalRunner({ workflows: [nap], clock: "real" });
  const h = await runner.start(nap, undefined);
  const pending = h.result();
  const idle = runner.idle();
  runner.close();
  await pending.then(
    () => assert.unreachable("the run cannot finish after close()"),
    (err) => assert.is((err as { code?: string }).code, "YF_RUNNER_CLOSED"),
  );
  await idle;
});

test("a busy activity (heartbeating) still times out at its start-to-close deadline on the virtual clock", async () => {
  const busy = defineActivity<void, string>({
    taskList: "default",
    name: "busy",
    version: "1",
    timeouts: { startToClose: "1s", heartbeat: "1s" },
  });
  const impl = implement(busy, async (_input, ctx) => {
    for (let i = 0; i < 15; i++) {
      await new Promise((r) => setTimeout(r, 200));
      await ctx.heartbeat(i);
    }
    return "finished";
  });
  const wf = defineWorkflow({ name: "busy-wf", version: "1" }, function* () {
    try {
      return yield* activity(busy, undefined);
    } catch (err) {
      return `${(err as Error).name}: ${(err as { timeoutType?: string }).timeoutType}`;
    }
  });
  const runner = new LocalRunner({ workflows: [wf], activities: [impl] });
  const started = performance.now();
  const h = await runner.start(wf, undefined);
  assert.is(await h.result(), "TimeoutFailure: START_TO_CLOSE");
  assert.ok(performance.now() - started < 2_500, `timed out after ${Math.round(performance.now() - started)} ms`);
  runner.close();
});

test("advance() lets a running activity finish before it fires that activity's deadline", async () => {
  const quick = defineActivity<void, string>({
    taskList: "default",
    name: "quick",
    version: "1",
    timeouts: { startToClose: "1m" },
  });
  const impl = implement(quick, async () => {
    await new Promise((r) => setTimeout(r, 20));
    return "done";
  });
  const wf = defineWorkflow({ name: "quick-wf", version: "1" }, function* () {
    return yield* activity(quick, undefined);
  });
  const runner = new LocalRunner({ workflows: [wf], activities: [impl] });
  const h = await runner.start(wf, undefined);
  await runner.advance(3_600_000);
  assert.is(await h.result(), "done");
  runner.close();
});

test.run();
