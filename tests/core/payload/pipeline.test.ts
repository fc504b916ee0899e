/**
 * The payload pipeline in core (serializer → codecs → store) with the in-memory store: SWF's field limits exactly
 * at and one character over, envelopes, codecs, references, fetch/verify, and the replay engine using it for every
 * field so that replays make byte-identical decisions whether or not the objects were stored.
 */
import {
  activity,
  decide,
  defineActivity,
  defineWorkflow,
  MemoryPayloadStore,
  PAYLOAD_LIMITS,
  type PayloadCodec,
  type PayloadError,
  PayloadReadError,
  Payloads,
  PayloadTooLargeError,
  payloadReferences,
  sha256Hex,
  sideEffect,
} from "@yieldflow/core";
import { HistoryBuilder } from "@yieldflow/core/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { thrown } from "../support.ts";

/** A string value whose serialized form (a JSON string) is exactly `n` characters. */
const ofLength = (n: number) => "x".repeat(n - 2);

for (const [field, limit] of [
  ["data", PAYLOAD_LIMITS.data],
  ["heartbeat", PAYLOAD_LIMITS.heartbeat],
] as const) {
  test(`${field} fields: exactly ${limit} characters stay inline, one more goes out of band (or is YF_PAYLOAD_TOO_LARGE)`, () => {
    const store = new MemoryPayloadStore();
    const p = new Payloads({ store });
    const at = p.encode(ofLength(limit), "v", limit);
    assert.is(at.data, JSON.stringify(ofLength(limit)));
    assert.is(at.data?.length, limit);
    assert.is(at.upload, undefined);
    const over = p.encode(ofLength(limit + 1), "v", limit);
    assert.ok(over.upload, "one character over the limit is stored");
    assert.ok((over.data?.length ?? 0) < 300, `a small reference, got ${over.data?.length}`);
    assert.match(
      over.data ?? "",
      /^\{"\$yf:payload":1,"codecs":\[\],"store":"memory","key":"yieldflow\/payloads\/[0-9a-f]{64}"/,
    );
    assert.is(p.decode(over.data, "v"), ofLength(limit + 1)); // encoded objects are cached for decoding
    const none = new Payloads();
    assert.is(none.encode(ofLength(limit), "v", limit).data?.length, limit);
    const err = thrown(() => none.encode(ofLength(limit + 1), "the value", limit)) as PayloadTooLargeError;
    assert.instance(err, PayloadTooLargeError);
    assert.is(err.code, "YF_PAYLOAD_TOO_LARGE");
    assert.is(err.size, limit + 1);
    assert.is(err.limit, limit);
    assert.match(err.message, "the value is");
  });
}

test("the reference is content-addressed: same value, same key and text; the key is the SHA-256 of the stored bytes", async () => {
  const p1 = new Payloads({ store: new MemoryPayloadStore(), prefix: "team-a/" });
  const p2 = new Payloads({ store: new MemoryPayloadStore(), prefix: "team-a/" });
  const big = { rows: Array.from({ length: 5000 }, (_, i) => ({ i, at: new Date(i * 1000) })) };
  const a = p1.encode(big, "v");
  const b = p2.encode(structuredClone(big), "v");
  assert.is(a.data, b.data);
  assert.ok(a.upload);
  assert.is(a.upload.key, `team-a/${sha256Hex(a.upload.bytes)}`);
  const [ref] = payloadReferences([{ eventId: 7, activityTaskCompletedEventAttributes: { result: a.data } }]);
  assert.equal(ref, {
    store: "memory",
    key: a.upload.key,
    sha256: sha256Hex(a.upload.bytes),
    bytes: a.upload.bytes.length,
    eventId: 7,
    field: "result",
  });
});

test("text that looks like an envelope is wrapped, so nothing a user writes is misread", () => {
  const p = new Payloads();
  const v = { "$yf:payload": 1, codecs: [], store: "memory", key: "k", sha256: "0".repeat(64), bytes: 1 };
  const { data } = p.encode(v, "v");
  assert.match(data ?? "", /^\{"\$yf:payload":1,"codecs":\[\],"text":/);
  assert.equal(p.decode(data, "v"), v);
});

/** A codec that reverses the bytes of payloads of at least 10 bytes: visible, deterministic, reversible. */
const reverse: PayloadCodec = {
  name: "reverse",
  encode: (b) => (b.length >= 10 ? b.slice().reverse() : undefined),
  decode: (b) => b.slice().reverse(),
};

test("codecs are applied in order, recorded in the envelope, and undone in reverse; skipped ones are not recorded", () => {
  const p = new Payloads({ codecs: [reverse] });
  assert.is(p.encode("short", "v").data, '"short"');
  const { data } = p.encode("a longer value", "v");
  assert.match(data ?? "", /^\{"\$yf:payload":1,"codecs":\["reverse"\],"data":"/);
  assert.is(p.decode(data, "v"), "a longer value");
  const reader = new Payloads(); // without the codec
  const err = thrown(() => reader.decode(data, "activity x result")) as PayloadError;
  assert.is(err.code, "YF_PAYLOAD_CODEC");
  assert.match(err.message, 'activity x result was encoded with codec "reverse", which is not configured here');
});

test("fetch reads what events refer to, verifies the SHA-256, and names the key and the event when it cannot", async () => {
  const store = new MemoryPayloadStore();
  const writer = new Payloads({ store });
  const { data, upload } = writer.encode(ofLength(40_000), "v");
  assert.ok(upload);
  const events = [
    { eventId: 5, eventType: "ActivityTaskCompleted", activityTaskCompletedEventAttributes: { result: data } },
  ];
  const reader = new Payloads({ store });
  const notFetched = thrown(() => reader.decode(data, "the result")) as PayloadReadError;
  assert.is(notFetched.code, "YF_PAYLOAD_NOT_FETCHED");
  // not uploaded yet: missing
  const missing = (await reader.fetch(events).then(
    () => undefined,
    (e: unknown) => e,
  )) as PayloadReadError;
  assert.instance(missing, PayloadReadError);
  assert.is(missing.code, "YF_PAYLOAD_MISSING");
  assert.is(missing.key, upload.key);
  assert.is(missing.eventId, 5);
  assert.match(missing.message, `payload ${upload.key} in store memory, referred to by event 5 (result)`);
  await writer.upload([upload]);
  const lease = await reader.fetch(events);
  assert.is(reader.decode(data, "the result"), ofLength(40_000));
  lease.release();
  // corrupted
  const bytes = (await store.get(upload.key)) as Uint8Array;
  bytes[3] = (bytes[3] as number) ^ 1;
  await store.put(upload.key, bytes);
  const corrupt = (await new Payloads({ store }).fetch(events).then(
    () => undefined,
    (e: unknown) => e,
  )) as PayloadReadError;
  assert.is(corrupt.code, "YF_PAYLOAD_CORRUPT");
  assert.match(corrupt.message, "the object is corrupted");
  // a store that is not configured here
  const other = (await new Payloads().fetch(events).then(
    () => undefined,
    (e: unknown) => e,
  )) as PayloadReadError;
  assert.is(other.code, "YF_PAYLOAD_STORE");
  assert.match(other.message, 'no store named "memory" is configured here');
});

const big = defineActivity<string, string>({ name: "big", version: "1" });
const wf = defineWorkflow({ name: "big-flow", version: "1" }, function* (n: number) {
  const noise = yield* sideEffect(() => ofLength(50_000));
  const r = yield* activity(big, ofLength(40_000 + n));
  return { len: r.length + noise.length, tail: r.slice(-3) };
});

test("the engine encodes every field through the pipeline: big inputs, markers and results go out of band, and replays decide byte for byte alike", async () => {
  const store = new MemoryPayloadStore();
  const live = new Payloads({ store });
  const b = new HistoryBuilder({ workflowType: { name: "big-flow", version: "1" }, input: "1" });
  b.decisionTask();
  const first = decide(wf, b.events, { payloads: live, workflowId: "w", runId: "r" });
  assert.is(first.uploads.length, 2, "the marker's value and the activity input");
  const refs = payloadReferences(first.decisions);
  assert.equal(
    refs.map((r) => r.field),
    ["details", "input"],
  );
  for (const d of first.decisions) assert.ok(JSON.stringify(d).length < 1000, "only small references in decisions");
  await live.upload(first.uploads);
  assert.is(store.size, 2);
  // a replay in another process (fresh cache), before and after the objects exist: byte-identical decisions
  const again = decide(wf, b.events, {
    payloads: new Payloads({ store: new MemoryPayloadStore() }),
    workflowId: "w",
    runId: "r",
  });
  assert.is(JSON.stringify(again.decisions), JSON.stringify(first.decisions));
  b.completeDecisionTask(first.decisions);
  const result = live.encode(`${ofLength(60_000)}`, "result");
  assert.ok(result.upload);
  await live.upload([result.upload]);
  b.activityCompleted("activity-2", result.data);
  b.decisionTask();
  const reader = new Payloads({ store });
  const lease = await reader.fetch(b.events);
  const done = decide(wf, b.events, { payloads: reader, workflowId: "w", runId: "r" });
  lease.release();
  const close = done.decisions.at(-1) as {
    decisionType: string;
    completeWorkflowExecutionDecisionAttributes?: { result?: string };
  };
  assert.is(close.decisionType, "CompleteWorkflowExecution");
  assert.equal(JSON.parse(close.completeWorkflowExecutionDecisionAttributes?.result ?? ""), {
    len: 60_000 - 2 + 50_000 - 2,
    tail: "xxx",
  });
  // without fetching first, the decision task fails naming the key (never the workflow)
  const err = thrown(() => decide(wf, b.events, { payloads: new Payloads({ store }), workflowId: "w", runId: "r" }));
  assert.instance(err, PayloadReadError);
  assert.is((err as PayloadReadError).code, "YF_PAYLOAD_NOT_FETCHED");
});

test("per-type payload options override the default (PySWF's Meta): the activity's own store holds its input", () => {
  const own = new MemoryPayloadStore("activity-store");
  const act = defineActivity<string, string>({ name: "own", version: "1", payloads: { store: own, prefix: "own/" } });
  const flow = defineWorkflow({ name: "own-flow", version: "1" }, function* () {
    return yield* activity(act, ofLength(40_000));
  });
  const b = new HistoryBuilder({ workflowType: { name: "own-flow", version: "1" } });
  b.decisionTask();
  const r = decide(flow, b.events, { payloads: new Payloads({ store: new MemoryPayloadStore() }) });
  assert.is(r.uploads.length, 1);
  assert.is(r.uploads[0]?.store, own);
  assert.match(r.uploads[0]?.key ?? "", /^own\//);
});

test.run();
