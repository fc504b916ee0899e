/**
 * "Works locally" means "works on SWF": an activity decision that leaves out what its type has no default for (here
 * the task list) is refused the same way by the local runner and by SWF's protocol (the dev server), with the
 * types registered by `registerTypes` from the same definitions.
 */
import { activity, defineActivity, defineWorkflow, implement, ScheduleFailure } from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
import { ActivityWorker, DeciderWorker, registerTypes, SwfClient, silentLogger } from "@yieldflow/swf-adapter";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { harness } from "./support.ts";

const nowhere = defineActivity<string, string>({ name: "nowhere", version: "1" }); // no default task list
const wf = defineWorkflow({ name: "defaults", version: "1", taskList: "defaults-deciders" }, function* () {
  let refused = "";
  try {
    yield* activity(nowhere, "a");
  } catch (err) {
    if (err instanceof ScheduleFailure) refused = err.cause;
    else throw err;
  }
  const ok = yield* activity(nowhere, "b", { taskList: "given-at-the-call" });
  return { refused, ok };
});
const impl = implement(nowhere, async (s: string) => `did ${s}`);

test("the local runner and SWF refuse an activity without a task list the same way, and accept one given at the call", async () => {
  const local = await new LocalRunner({ workflows: [wf], activities: [impl] }).start(wf, undefined);
  const expected = { refused: "DEFAULT_TASK_LIST_UNDEFINED", ok: "did b" };
  assert.equal(await local.result(), expected);

  const h = await harness();
  try {
    await registerTypes(h.swf, { domain: "defaults", workflows: [wf], activities: [impl] });
    const decider = new DeciderWorker({ client: h.swf, domain: "defaults", workflows: [wf], logger: silentLogger });
    const worker = new ActivityWorker({
      client: h.swf,
      domain: "defaults",
      activities: [impl],
      taskLists: ["given-at-the-call"],
      logger: silentLogger,
    });
    decider.start();
    worker.start();
    try {
      const run = await new SwfClient({ domain: "defaults", client: h.swf }).start(wf, undefined);
      assert.equal(await run.result(), expected);
      const failed = (await run.history()).find((e) => e.eventType === "ScheduleActivityTaskFailed");
      assert.is(failed?.scheduleActivityTaskFailedEventAttributes?.cause, "DEFAULT_TASK_LIST_UNDEFINED");
    } finally {
      await Promise.all([decider.stop(), worker.stop()]);
    }
  } finally {
    await h.close();
  }
});

test.run();
