/**
 * The S3 payload store against a real S3-compatible server started in this process: a multipart upload above
 * 5 MB, a missing object, a corrupted object, list and delete, and replays of histories whose fields refer to it.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import {
  activity,
  decide,
  defineActivity,
  defineWorkflow,
  PAYLOAD_LIMITS,
  PayloadReadError,
  type Payloads,
  payloadReferences,
} from "@yieldflow/core";
import { HistoryBuilder } from "@yieldflow/core/testing";
import { deleteRunPayloads, gzipCodec, nodePayloads, sha256 } from "@yieldflow/payloads";
import { S3PayloadStore } from "@yieldflow/payloads/s3";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startS3, type TestS3 } from "./s3-server.ts";

let s3: TestS3;
let store: S3PayloadStore;

test.before(async () => {
  s3 = await startS3();
  store = new S3PayloadStore({ client: s3.client, bucket: s3.bucket });
});
test.after(async () => {
  await s3.stop();
});

/** Random-looking bytes that gzip cannot shrink (deterministic). */
function noise(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 2463534242;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}

test("put above 5 MB goes multipart (lib-storage Upload) and reads back byte for byte; get of a missing key is undefined", async () => {
  const bytes = noise(12 * 1024 * 1024 + 123);
  const key = `test/${sha256(bytes)}`;
  const commands: string[] = [];
  s3.client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(context.commandName as string);
      return next(args);
    },
    { step: "initialize", name: "recordCommands" },
  );
  try {
    await store.put(key, bytes);
  } finally {
    s3.client.middlewareStack.remove("recordCommands");
  }
  assert.is(commands[0], "CreateMultipartUploadCommand");
  assert.is(commands.filter((c) => c === "UploadPartCommand").length, 3); // 5 MiB parts
  assert.is(commands.at(-1), "CompleteMultipartUploadCommand");
  const back = await store.get(key);
  assert.ok(back);
  assert.is(back.length, bytes.length);
  assert.is(sha256(back), sha256(bytes));
  assert.is(await store.get("test/does-not-exist"), undefined);
  assert.equal(await store.list("test/"), [key]);
  await store.delete(key);
  assert.is(await store.get(key), undefined);
});

const ofLength = (n: number) => "x".repeat(n - 2);

test("SWF's limits: a value exactly at each limit stays inline, one character over goes to S3 and back", async () => {
  const payloads = nodePayloads({ store });
  for (const limit of [PAYLOAD_LIMITS.data, PAYLOAD_LIMITS.heartbeat]) {
    const at = payloads.encode(ofLength(limit), "v", limit);
    assert.is(at.data?.length, limit);
    assert.is(at.upload, undefined);
    const over = payloads.encode(ofLength(limit + 1), "v", limit);
    assert.ok(over.upload);
    await payloads.upload([over.upload]);
    const reader = nodePayloads({ store });
    const lease = await reader.fetch([{ eventId: 9, markerRecordedEventAttributes: { details: over.data } }]);
    assert.is(reader.decode(over.data, "v"), ofLength(limit + 1));
    lease.release();
  }
});

test("a missing and a corrupted object are typed errors naming the key and the event", async () => {
  const writer = nodePayloads({ store, codecs: [gzipCodec()] });
  const { data, upload } = writer.encode({ rows: Array.from({ length: 20_000 }, (_, i) => `row ${i}`) }, "v");
  assert.ok(upload);
  assert.match(data ?? "", /"codecs":\["gzip"\]/);
  const events = [{ eventId: 12, activityTaskCompletedEventAttributes: { result: data } }];
  const missing = (await nodePayloads({ store, codecs: [gzipCodec()] })
    .fetch(events)
    .then(
      () => undefined,
      (e: unknown) => e,
    )) as PayloadReadError;
  assert.instance(missing, PayloadReadError);
  assert.is(missing.code, "YF_PAYLOAD_MISSING");
  assert.is(missing.key, upload.key);
  assert.is(missing.eventId, 12);
  await writer.upload([upload]);
  const ok = nodePayloads({ store, codecs: [gzipCodec()] });
  await ok.fetch(events);
  assert.is((ok.decode(data, "v") as { rows: string[] }).rows[19_999], "row 19999");
  await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: upload.key, Body: new Uint8Array([1, 2, 3]) }));
  const corrupt = (await nodePayloads({ store, codecs: [gzipCodec()] })
    .fetch(events)
    .then(
      () => undefined,
      (e: unknown) => e,
    )) as PayloadReadError;
  assert.is(corrupt.code, "YF_PAYLOAD_CORRUPT");
  assert.is(corrupt.key, upload.key);
  assert.match(corrupt.message, "referred to by event 12 (result)");
});

const bigInput = defineActivity<string, number>({ taskList: "default", name: "count", version: "1" });
const flow = defineWorkflow({ name: "s3-flow", version: "1" }, function* (rows: string[]) {
  const n = yield* activity(bigInput, rows.join("\n"));
  return { n, first: rows[0] };
});

/** Fetches what `events` refer to, then decides (what a driver does). */
async function decideWith(payloads: Payloads, events: HistoryBuilder["events"]) {
  const lease = await payloads.fetch(events);
  try {
    return decide(flow, events, { payloads, workflowId: "s3-wf", runId: "run-1" });
  } finally {
    lease.release();
  }
}

test("replays of a history with references: same decisions with or without the objects stored; list and delete a run's objects", async () => {
  const writer = nodePayloads({ store, prefix: "runs/" });
  const rows = Array.from({ length: 10_000 }, (_, i) => `row-${i}`);
  const input = writer.encode(rows, "workflow input");
  assert.ok(input.upload);
  await writer.upload([input.upload]);
  const b = new HistoryBuilder({ workflowType: { name: "s3-flow", version: "1" }, input: input.data });
  b.decisionTask();
  const first = await decideWith(writer, b.events);
  assert.is(first.uploads.length, 1); // the activity's input
  await writer.upload(first.uploads);
  b.completeDecisionTask(first.decisions);
  const result = writer.encode(rows.length, "result");
  b.activityCompleted("activity-1", result.data);
  b.decisionTask();
  // another process (fresh cache) replays the whole history: it reads the input from S3
  const replayed = await decideWith(nodePayloads({ store, prefix: "runs/" }), b.events);
  assert.equal(replayed.status, { status: "completed", result: { n: 10_000, first: "row-0" } });
  const refs = payloadReferences(b.events);
  assert.equal(
    refs.map((r) => [r.eventId, r.field]),
    [
      [1, "input"],
      [5, "input"],
    ],
  );
  const deleted = await deleteRunPayloads(b.events, [store]);
  assert.equal(deleted.sort(), refs.map((r) => r.key).sort());
  assert.equal(await store.list("runs/"), []);
  // once deleted, a fresh replay fails the decision task naming the key and the event
  const err = (await decideWith(nodePayloads({ store, prefix: "runs/" }), b.events).then(
    () => undefined,
    (e: unknown) => e,
  )) as PayloadReadError;
  assert.is(err.code, "YF_PAYLOAD_MISSING");
  assert.is(err.eventId, 1);
});

test.run();
