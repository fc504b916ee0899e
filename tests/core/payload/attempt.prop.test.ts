/**
 * The attempt number an activity task's input carries (core `payload/attempt.ts`): from attempt 2 on, the input of
 * every form (plain text, no input, codec-encoded, escaped text, a reference to a store) carries it and still
 * decodes to the same value; attempt 1 leaves the input as it is; an input that would not fit is left as it is and
 * reads as "unknown"; and reading never throws on what a task brings. YIELDFLOW_PROP_RUNS sets the number of runs
 * (default 200).
 */
import {
  activityTaskInput,
  MemoryPayloadStore,
  type PayloadCodec,
  Payloads,
  payloadReferences,
  SWF_LIMITS,
  withActivityAttempt,
} from "@yieldflow/core";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";

const runs = Number(process.env.YIELDFLOW_PROP_RUNS ?? 200);

/** Reverses the bytes: a codec that always applies. */
const reverse: PayloadCodec = {
  name: "reverse",
  encode: (b) => b.slice().reverse(),
  decode: (b) => b.slice().reverse(),
};

/** Encodes, carries the attempt, reads it back and decodes: what an activity worker would see. */
function roundTrip(p: Payloads, value: unknown, attempt: number, limit = SWF_LIMITS.dataChars) {
  const { data } = p.encode(value, "input", limit);
  const field = withActivityAttempt(data, attempt, limit);
  const read = activityTaskInput(field, limit);
  return { data, field, read, decoded: p.decode(read.input, "input") };
}

test("attempt 1 (or none) leaves the input as it is; a plain input reads as attempt 1", () => {
  for (const input of ['{"orderId":"o-1"}', undefined, "42"]) {
    assert.is(withActivityAttempt(input, 1), input);
    assert.is(withActivityAttempt(input, undefined), input);
    assert.equal(activityTaskInput(input), { attempt: 1, input });
  }
});

test("from attempt 2 on, each form of input carries the attempt and decodes to the same value", () => {
  const plain = new Payloads();
  const r = roundTrip(plain, { orderId: "o-1", cents: 4200 }, 2);
  assert.is(r.field, '{"$yf:payload":1,"attempt":2,"codecs":[],"text":"{\\"orderId\\":\\"o-1\\",\\"cents\\":4200}"}');
  assert.is(r.read.attempt, 2);
  assert.equal(r.decoded, { orderId: "o-1", cents: 4200 });

  const none = roundTrip(plain, undefined, 3);
  assert.is(none.field, '{"$yf:payload":1,"attempt":3}');
  assert.equal(none.read, { attempt: 3, input: undefined });
  assert.is(none.decoded, undefined);

  const looksLikeEnvelope = '{"$yf:payload":1,"codecs":[]}';
  const escaped = roundTrip(plain, looksLikeEnvelope, 4);
  assert.is(escaped.read.attempt, 4);
  assert.is(escaped.decoded, looksLikeEnvelope);

  const coded = roundTrip(new Payloads({ codecs: [reverse] }), ["a", 1], 12);
  assert.ok(coded.field?.startsWith('{"$yf:payload":1,"attempt":12,"codecs":["reverse"],"data":'));
  assert.is(coded.read.input, coded.data, "the field without the attempt is the envelope attempt 1 had");
  assert.equal(coded.decoded, ["a", 1]);

  const store = new MemoryPayloadStore();
  const big = new Payloads({ store });
  const ref = roundTrip(big, "x".repeat(40_000), 2);
  assert.ok(ref.field?.startsWith('{"$yf:payload":1,"attempt":2,"codecs":[],"store":"memory","key":'));
  assert.is(ref.decoded, "x".repeat(40_000));
  const sites = payloadReferences([{ eventId: 5, activityTaskScheduledEventAttributes: { input: ref.field } }]);
  assert.equal(
    sites.map((s) => [s.store, s.key, s.eventId]),
    payloadReferences([{ eventId: 5, activityTaskScheduledEventAttributes: { input: ref.data } }]).map((s) => [
      s.store,
      s.key,
      s.eventId,
    ]),
    "the reference is found with or without the attempt",
  );
});

test("an input too large to carry the attempt is left as it is, and reads as unknown", () => {
  const p = new Payloads();
  const value = "q".repeat(SWF_LIMITS.dataChars - 20); // fits as plain JSON, not inside an envelope
  const { data } = p.encode(value, "input");
  assert.is(withActivityAttempt(data, 2), data);
  assert.equal(activityTaskInput(data), { attempt: undefined, input: data });
  // so a small one is never mistaken for it
  assert.is(activityTaskInput('"q"').attempt, 1);
});

test("property: every attempt of every input form comes back with its value, within the field's limit", () => {
  const value = fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 60 }),
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom('{"$yf:payload":1}', '{"$yf:payload":1,"attempt":2}', '\u2028\u0000\\"'),
  );
  const pipeline = fc.constantFrom(
    () => new Payloads(),
    () => new Payloads({ codecs: [reverse] }),
    () => new Payloads({ store: new MemoryPayloadStore() }),
    () => new Payloads({ codecs: [reverse], store: new MemoryPayloadStore() }),
  );
  fc.assert(
    fc.property(
      value,
      pipeline,
      fc.integer({ min: 1, max: 100_000 }),
      fc.integer({ min: 60, max: 400 }),
      (v, make, attempt, limit) => {
        const p = make();
        let encoded: { data: string | undefined };
        try {
          encoded = p.encode(v, "input", limit);
        } catch {
          return; // too large for this limit without a store: nothing to carry
        }
        const field = withActivityAttempt(encoded.data, attempt, limit);
        const read = activityTaskInput(field, limit);
        assert.ok(field === undefined || field.length <= limit, "within the limit");
        const fits = withActivityAttempt(encoded.data, 2, limit) !== encoded.data;
        if (attempt === 1)
          assert.is(read.attempt, fits ? 1 : undefined, "attempt 1: unknown only when it would not fit");
        else if (fits) assert.is(read.attempt, attempt);
        else assert.equal([field, read.attempt], [encoded.data, undefined], "left as it was, and the reader can tell");
        assert.equal(p.decode(read.input, "input"), p.decode(encoded.data, "input"));
      },
    ),
    { numRuns: runs },
  );
});

test("property: reading any text a task brings never throws, and a field that carries nothing is returned as it is", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.string({ maxLength: 40 }).map((s) => `{"$yf:payload":1,"attempt":${s}`),
        fc.string({ maxLength: 40 }).map((s) => `{"$yf:payload":${s}`),
      ),
      (s) => {
        const read = activityTaskInput(s);
        if (read.input !== s) assert.ok(read.attempt !== undefined && read.attempt >= 1);
      },
    ),
    { numRuns: runs },
  );
  // not even on what is not text at all
  assert.equal(activityTaskInput(42 as unknown as string), { attempt: undefined, input: 42 });
});

test.run();
