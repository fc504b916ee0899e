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
  const slow = defineActivity<number, number>({ name: "slow", version: "1", timeouts: { startToClose: "1s" } });
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

test("close() settles what waits: result() rejects with YF_RUNNER_CLOSED, settle() resolves", async () => {
  const runner = new LocalRunner({ workflows: [nap], clock: "real" });
  const h = await runner.start(nap, undefined);
  const pending = h.result();
  const settled = runner.settle();
  runner.close();
  await pending.then(
    () => assert.unreachable("the run cannot finish after close()"),
    (err) => assert.is((err as { code?: string }).code, "YF_RUNNER_CLOSED"),
  );
  await settled;
});

test.run();
