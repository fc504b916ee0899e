/**
 * "Works locally" means "works on SWF": an activity decision that leaves out what its type has no default for (here
 * the task list) is refused the same way by the local runner and by SWF's protocol (the dev server), with the
 * types registered by `registerTypes` from the same definitions; and what a decision or a start leaves out, both
 * record as SWF does, with the type's registered defaults filled in (activity timeouts and task list, a child's
 * task list, timeouts and child policy, a start's decision task timeout and child policy).
 */
import {
  activity,
  childWorkflow,
  defineActivity,
  defineWorkflow,
  type HistoryEvent,
  implement,
  ScheduleFailure,
} from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
import { ActivityWorker, DeciderWorker, registerTypes, SwfClient, silentLogger } from "@yieldflow/swf-adapter";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { comparable, harness } from "./support.ts";

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

const partly = defineActivity<number, number>({
  name: "partly",
  version: "1",
  taskList: "partly-work",
  timeouts: { startToClose: "10s" }, // the other three are registered as NONE
});
const kid = defineWorkflow({ name: "kid", version: "1" }, function* (n: number) {
  return yield* activity(partly, n);
});
const parent = defineWorkflow({ name: "parent", version: "1", taskList: "parent-deciders" }, function* (n: number) {
  const own = yield* activity(partly, n, { timeouts: { heartbeat: "5s" } });
  return own + (yield* childWorkflow(kid, n + 1, { workflowId: "kid-1" }));
});
const partlyImpl = implement(partly, async (n: number) => n * 10);

const startOf = (events: HistoryEvent[]) => events[0]?.workflowExecutionStartedEventAttributes;

test("the local runner and SWF record the registered defaults where decisions and starts leave them out", async () => {
  const start = { workflowId: "parent-1", timeouts: { executionStartToClose: 600 } };
  const runner = new LocalRunner({ workflows: [parent, kid], activities: [partlyImpl] });
  const loc = await runner.start(parent, 1, start);
  assert.is(await loc.result(), 10 + 20);
  const h = await harness();
  try {
    await registerTypes(h.swf, { domain: "filled", workflows: [parent, kid], activities: [partlyImpl] });
    const deciders = [parent, kid].map(
      (w) =>
        new DeciderWorker({
          client: h.swf,
          domain: "filled",
          workflows: [parent, kid],
          taskList: w.taskList ?? "default",
          logger: silentLogger,
        }),
    );
    const worker = new ActivityWorker({
      client: h.swf,
      domain: "filled",
      activities: [partlyImpl],
      logger: silentLogger,
    });
    for (const w of [...deciders, worker]) w.start();
    try {
      const client = new SwfClient({ domain: "filled", client: h.swf });
      const run = await client.start(parent, 1, start);
      assert.is(await run.result(), 30);
      const swf = await run.history();
      const local = loc.history();
      // equal, but for the one-year execution timeout SWF records for the child and the local runner leaves out
      const oneYear = (events: HistoryEvent[]) =>
        events.map((e) => {
          const a = e.startChildWorkflowExecutionInitiatedEventAttributes;
          if (a?.executionStartToCloseTimeout !== "31536000") return e;
          const { executionStartToCloseTimeout: _, ...rest } = a;
          return { ...e, startChildWorkflowExecutionInitiatedEventAttributes: rest };
        });
      const initiatedOnSwf = swf.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
      assert.is(
        initiatedOnSwf?.startChildWorkflowExecutionInitiatedEventAttributes?.executionStartToCloseTimeout,
        "31536000",
      );
      assert.equal(comparable(oneYear(swf), [run.runId]), comparable(local, [loc.runId]), "the parent's histories");
      const scheduled = local.find((e) => e.activityTaskScheduledEventAttributes)?.activityTaskScheduledEventAttributes;
      assert.equal(
        [
          scheduled?.taskList?.name,
          scheduled?.startToCloseTimeout,
          scheduled?.heartbeatTimeout,
          scheduled?.scheduleToStartTimeout,
          scheduled?.scheduleToCloseTimeout,
        ],
        ["partly-work", "10", "5", "NONE", "NONE"],
        "the call's heartbeat, the definition's start-to-close, NONE for the others",
      );
      const initiated = local.find(
        (e) => e.startChildWorkflowExecutionInitiatedEventAttributes,
      )?.startChildWorkflowExecutionInitiatedEventAttributes;
      assert.equal(
        [initiated?.taskList?.name, initiated?.taskStartToCloseTimeout, initiated?.childPolicy],
        ["default", "30", "TERMINATE"],
        "the child type's defaults, not the parent's task list",
      );
      assert.equal(
        [startOf(local)?.taskStartToCloseTimeout, startOf(local)?.childPolicy, startOf(local)?.taskList?.name],
        ["30", "TERMINATE", "parent-deciders"],
      );
      const kidSwf = await client.history("kid-1");
      const kidLocal = runner.getHandle("kid-1").history();
      assert.equal(startOf(kidSwf)?.taskStartToCloseTimeout, startOf(kidLocal)?.taskStartToCloseTimeout);
      assert.equal(startOf(kidSwf)?.taskList, startOf(kidLocal)?.taskList);
      assert.equal(startOf(kidSwf)?.childPolicy, startOf(kidLocal)?.childPolicy);
    } finally {
      await Promise.all([...deciders, worker].map((w) => w.stop()));
    }
  } finally {
    await h.close();
  }
});

test.run();
