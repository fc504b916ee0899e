/**
 * Every field that carries user data goes through the payload pipeline in the local runner: workflow input and
 * result, activity input and result, signal input, child input and result, continue-as-new input, side-effect
 * markers, failure and heartbeat details. With a store, large values go out of band (the history holds only small
 * references) and come back whole; a per-type store (PySWF's Meta) holds that type's values.
 */
import {
  type ActivityFailure,
  ApplicationFailure,
  activity,
  childWorkflow,
  continueAsNew,
  defineActivity,
  defineWorkflow,
  implement,
  MemoryPayloadStore,
  payloadReferences,
  sideEffect,
  signal,
  type TimeoutFailure,
} from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
import { test } from "uvu";
import * as assert from "uvu/assert";

const big = (n: number, c = "x") => c.repeat(n);

const echo = defineActivity<string, string>({
  taskList: "default",
  name: "echo",
  version: "1",
  timeouts: { startToClose: "1m" },
});
const boom = defineActivity<string, void>({
  taskList: "default",
  name: "boom",
  version: "1",
  timeouts: { startToClose: "1m" },
});
const beat = defineActivity<void, void>({
  taskList: "default",
  name: "beat",
  version: "1",
  timeouts: { startToClose: "1h", heartbeat: "1s" },
});
const ownStore = new MemoryPayloadStore("own");
const special = defineActivity<string, number>({
  taskList: "default",
  name: "special",
  version: "1",
  timeouts: { startToClose: "1m" },
  payloads: { store: ownStore, prefix: "special/" },
});

const child = defineWorkflow({ name: "child", version: "1" }, function* (s: string) {
  const n = yield* sideEffect(() => 1);
  return `${s}${"!".repeat(n)}`;
});

const main = defineWorkflow({ name: "main", version: "1" }, function* (input: { text: string; round: number }) {
  if (input.round === 0) return yield* continueAsNew({ text: `${input.text}y`, round: 1 });
  const echoed = yield* activity(echo, input.text);
  const marker = yield* sideEffect(() => big(40_000, "m"));
  const sig = yield* signal<{ blob: string; at: Date }>("data");
  const fromChild = yield* childWorkflow(child, big(35_000, "c"));
  const n = yield* activity(special, big(50_000, "s"));
  let failure = "";
  try {
    yield* activity(boom, "go");
  } catch (err) {
    const details = ((err as ActivityFailure).error?.details ?? "") as string;
    failure = `${(err as ActivityFailure).error?.name}:${details.length}`;
  }
  let heartbeat = "";
  try {
    yield* activity(beat, undefined);
  } catch (err) {
    // the last heartbeat's details (out of band: 2,049 characters), as the serializer wrote them
    heartbeat = `${(err as TimeoutFailure).timeoutType}:${(JSON.parse((err as TimeoutFailure).lastHeartbeat ?? "null") as string).length}`;
  }
  return {
    echoed: echoed.length,
    marker: marker.length,
    signal: [sig.blob.length, sig.at instanceof Date],
    child: fromChild.length,
    n,
    failure,
    heartbeat,
    tail: big(40_000, "r"),
  };
});

test("every data field goes out of band when too large, and comes back whole", async () => {
  const store = new MemoryPayloadStore();
  const runner = new LocalRunner({
    workflows: [main, child],
    activities: [
      implement(echo, async (s) => s),
      implement(special, async (s) => s.length),
      implement(boom, async () => {
        throw new ApplicationFailure("Exploded", "it blew up", big(40_000, "d"));
      }),
      implement(beat, async (_input, ctx) => {
        await ctx.heartbeat(big(2_047, "h")); // 2,049 characters as JSON: one over SWF's heartbeat limit
        await new Promise((r) => setTimeout(r, 5));
        await new Promise(() => {}); // hangs: times out on its heartbeat
      }),
    ],
    payloads: { store },
  });
  const h = await runner.start(main, { text: big(33_000), round: 0 }, { workflowId: "big-1" });
  await runner.advance(0);
  await h.signal("data", { blob: big(60_000, "g"), at: new Date(0) });
  const result = await h.result();
  assert.equal(
    { ...result, tail: result.tail.length },
    {
      echoed: 33_001,
      marker: 40_000,
      signal: [60_000, true],
      child: 35_001,
      n: 50_000,
      failure: "Exploded:40000",
      heartbeat: "HEARTBEAT:2047",
      tail: 40_000,
    },
  );
  const ids = runner.runIdsOf("big-1");
  assert.is(ids.length, 2);
  const histories = ids.map((id) => runner.getWorkflowExecutionHistory("big-1", id));
  for (const events of histories) {
    for (const e of events) assert.ok(JSON.stringify(e).length < 2_000, `${e.eventType} holds only references`);
  }
  const fields = histories.flatMap((events) => payloadReferences(events).map((r) => `${r.store}:${r.field}`));
  for (const f of [
    "memory:input", // workflow input (first run), continue-as-new input, activity inputs, child input
    "memory:result", // activity results, child result, workflow result
    "memory:details", // marker, failure details, heartbeat details
    "own:input", // the activity type's own store
  ]) {
    assert.ok(fields.includes(f), `${f} in ${fields.join(", ")}`);
  }
  assert.ok(fields.includes("memory:signal") || fields.filter((f) => f === "memory:input").length >= 5, fields.join());
  assert.is(ownStore.size, 1);
  assert.ok((await ownStore.list("special/")).length === 1);
  runner.close();
});

test("without a store, a value too large for its field fails where it is made, never truncated", async () => {
  const runner = new LocalRunner({ workflows: [child] });
  try {
    await runner.start(child, big(40_000));
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code?: string }).code, "YF_PAYLOAD_TOO_LARGE");
    assert.match((err as Error).message, "workflow child input is 40002 characters");
  }
  runner.close();
});

test.run();
