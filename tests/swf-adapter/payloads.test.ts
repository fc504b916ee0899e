/**
 * The payload pipeline on SWF: values larger than SWF's 32,768-character fields go out of band to a store shared by
 * the client, the decider and the activity worker (here a directory), and come back intact. References are stored
 * before the calls that carry them, and fetched before the values are decoded.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ApplicationFailure,
  activity,
  defineActivity,
  defineWorkflow,
  implement,
  type PayloadCodec,
  signal,
  type WorkflowExecutionError,
} from "@yieldflow/core";
import { main } from "@yieldflow/local-runner/cli";
import { FsPayloadStore, nodePayloads } from "@yieldflow/payloads";
import { ActivityWorker, DeciderWorker, registerTypes, SwfClient, silentLogger } from "@yieldflow/swf-adapter";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { harness } from "./support.ts";

const big = (c: string, n: number) => c.repeat(n);
const grow = defineActivity<string, string>({ name: "grow", version: "1", taskList: "big-work" });
const wf = defineWorkflow({ name: "bigValues", version: "1", taskList: "big-deciders" }, function* (input: string) {
  const grown = yield* activity(grow, input); // input and result out of band
  const more = yield* signal<string>("more"); // a signal input out of band
  return { length: grown.length + more.length, head: grown.slice(0, 3), tail: more.slice(-3) };
});
const impl = implement(grow, async (s: string) => `${s}${big("b", 50_000)}`);

test("values beyond SWF's field size travel out of band between client, decider and activity worker", async () => {
  const dir = mkdtempSync(join(tmpdir(), "yf-payloads-"));
  const payloads = () => nodePayloads({ store: new FsPayloadStore(dir) });
  const h = await harness();
  try {
    await registerTypes(h.swf, { domain: "big", workflows: [wf], activities: [impl] });
    const decider = new DeciderWorker({
      client: h.swf,
      domain: "big",
      workflows: [wf],
      payloads: payloads(),
      logger: silentLogger,
    });
    const worker = new ActivityWorker({
      client: h.swf,
      domain: "big",
      activities: [impl],
      payloads: payloads(),
      logger: silentLogger,
    });
    decider.start();
    worker.start();
    try {
      const client = new SwfClient({ domain: "big", client: h.swf, payloads: payloads() });
      const run = await client.start(wf, big("a", 40_000));
      const waitFor = async (type: string) => {
        for (let i = 0; i < 500 && !(await run.history()).some((e) => e.eventType === type); i++)
          await new Promise((r) => setTimeout(r, 20));
      };
      await waitFor("ActivityTaskCompleted");
      await run.signal("more", big("c", 35_000));
      assert.equal(await run.result(), { length: 40_000 + 50_000 + 35_000, head: "aaa", tail: "ccc" });
      const events = await run.history();
      for (const e of events)
        assert.ok(JSON.stringify(e).length < 32_768 + 2_000, `${e.eventType} carries a reference`);
      const result = events.find((e) => e.eventType === "ActivityTaskCompleted")?.activityTaskCompletedEventAttributes;
      assert.ok(
        (result?.result?.length ?? 0) < 1_000,
        "the 90,000-character result is a small reference in the history",
      );
    } finally {
      await Promise.all([decider.stop(), worker.stop()]);
    }
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("without a store, a value too large for its field fails the activity with PayloadTooLargeError, saying what to do", async () => {
  const h = await harness();
  try {
    await registerTypes(h.swf, { domain: "small", workflows: [wf], activities: [impl] });
    const decider = new DeciderWorker({ client: h.swf, domain: "small", workflows: [wf], logger: silentLogger });
    const worker = new ActivityWorker({ client: h.swf, domain: "small", activities: [impl], logger: silentLogger });
    decider.start();
    worker.start();
    try {
      const run = await new SwfClient({ domain: "small", client: h.swf }).start(wf, "x");
      const err = await run.result().then(
        () => undefined,
        (e: Error) => e,
      );
      assert.match(String(err?.message), "PayloadTooLargeError");
      assert.match(String(err?.message), "Configure a payload store");
      const failed = (await run.history()).find((e) => e.eventType === "ActivityTaskFailed");
      assert.is(failed?.activityTaskFailedEventAttributes?.reason, "PayloadTooLargeError");
    } finally {
      await Promise.all([decider.stop(), worker.stop()]);
    }
  } finally {
    await h.close();
  }
});

test("CLI: signal --payloads sends an input too large for SWF through the workers' store", async () => {
  const dir = mkdtempSync(join(tmpdir(), "yf-cli-payloads-"));
  process.env.YF_TEST_PAYLOADS_DIR = dir;
  const payloads = () => nodePayloads({ store: new FsPayloadStore(dir) });
  const h = await harness();
  try {
    await registerTypes(h.swf, { domain: "cli-big", workflows: [wf], activities: [impl] });
    const workers = [
      new DeciderWorker({
        client: h.swf,
        domain: "cli-big",
        workflows: [wf],
        payloads: payloads(),
        logger: silentLogger,
      }),
      new ActivityWorker({
        client: h.swf,
        domain: "cli-big",
        activities: [impl],
        payloads: payloads(),
        logger: silentLogger,
      }),
    ];
    for (const w of workers) w.start();
    try {
      const client = new SwfClient({ domain: "cli-big", client: h.swf, payloads: payloads() });
      const run = await client.start(wf, "a", { workflowId: "cli-big-1" });
      const err: string[] = [];
      const io = { out: () => {}, err: (t: string) => err.push(t), cwd: process.cwd() };
      const argv = ["signal", "cli-big-1", "more", "--input", JSON.stringify(big("c", 35_000))];
      const conn = ["--domain", "cli-big", "--endpoint", h.server.url];
      assert.is(
        await main([...argv, "--payloads", "tests/swf-adapter/fixtures/fs-payloads.ts", ...conn], io),
        0,
        err.join("\n"),
      );
      assert.equal(await run.result(), { length: 1 + 50_000 + 35_000, head: "abb", tail: "ccc" });
      const signaled = (await run.history()).find((e) => e.eventType === "WorkflowExecutionSignaled");
      assert.ok((signaled?.workflowExecutionSignaledEventAttributes?.input?.length ?? 0) < 1_000, "a reference");
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Reverses the bytes: a codec of one workflow type only, so its values decode only with that type's pipeline. */
const reverse: PayloadCodec = {
  name: "reverse",
  encode: (b) => b.slice().reverse(),
  decode: (b) => b.slice().reverse(),
};
const typed = defineWorkflow(
  { name: "typedPayloads", version: "1", taskList: "typed-deciders", payloads: { codecs: [reverse] } },
  function* (input: { fail: boolean }) {
    const note = yield* signal<string>("note");
    if (input.fail) throw new ApplicationFailure("Refused", `refused: ${note}`, { note });
    return { note, doubled: `${note}${note}` };
  },
);

test("the client decodes a result, failure details and signals with the workflow type's own pipeline", async () => {
  const h = await harness();
  try {
    await registerTypes(h.swf, { domain: "typed", workflows: [typed], activities: [] });
    const decider = new DeciderWorker({ client: h.swf, domain: "typed", workflows: [typed], logger: silentLogger });
    decider.start();
    try {
      const starter = new SwfClient({ domain: "typed", client: h.swf });
      const ok = await starter.start(typed, { fail: false }, { workflowId: "typed-ok" });
      await starter.start(typed, { fail: true }, { workflowId: "typed-bad" });
      // another client, told the definitions: it signals by workflow id and reads results it did not start
      const other = new SwfClient({ domain: "typed", client: h.swf, workflows: [typed] });
      await other.signal("typed-ok", "note", "hi");
      await other.signal("typed-bad", "note", "no");
      assert.equal(await other.result("typed-ok"), { note: "hi", doubled: "hihi" });
      assert.equal(await ok.result(), { note: "hi", doubled: "hihi" }, "the client that started it knows the type");
      const completed = (await ok.history()).at(-1)?.workflowExecutionCompletedEventAttributes?.result ?? "";
      assert.ok(completed.includes('"codecs":["reverse"]'), "the result is encoded with the type's codec");
      const failure = (await other.result("typed-bad").catch((e: unknown) => e)) as WorkflowExecutionError;
      assert.is(failure.code, "YF_WORKFLOW_FAILED");
      assert.match(String(failure.error?.message), "refused: no");
      assert.is(failure.details, '{"name":"Refused","message":"refused: no","details":{"note":"no"}}', "opened");
      assert.equal(failure.error?.details, { note: "no" });
      // a client that does not know the type cannot read the result: the codec is the type's alone
      const stranger = new SwfClient({ domain: "typed", client: h.swf });
      const err = (await stranger.result("typed-ok").catch((e: unknown) => e)) as { code?: string };
      assert.is(err.code, "YF_PAYLOAD_CODEC");
    } finally {
      await decider.stop();
    }
  } finally {
    await h.close();
  }
});

test.run();
