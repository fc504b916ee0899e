/**
 * Payload fields come from histories, which are untrusted: whatever a field holds, decoding either returns a value
 * or throws a PayloadError (never a TypeError, never a prototype change), and fetching never throws anything but a
 * PayloadReadError. YIELDFLOW_PROP_RUNS sets the number of runs (default 300).
 */
import { defaultSerializer, MemoryPayloadStore, PayloadError, Payloads } from "@yieldflow/core";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";

const runs = Number(process.env.YIELDFLOW_PROP_RUNS ?? 300);

const tag = fc.constantFrom("date", "bigint", "map", "set", "bytes", "undefined", "number", "error", "object", "x");
/** JSON values sprinkled with tags and envelope fields, as a hostile or damaged history might hold. */
const { hostile } = fc.letrec((tie) => ({
  hostile: fc.oneof(
    { depthSize: "small" },
    fc.jsonValue({ maxDepth: 2 }),
    fc.tuple(tag, tie("hostile")).map(([t, v]) => ({ [`$yf:${t}`]: v })),
    fc.array(tie("hostile"), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom("$yf:payload", "codecs", "data", "text", "store", "key", "sha256", "bytes", "__proto__"),
      tie("hostile"),
      { maxKeys: 6 },
    ),
  ),
}));

const onlyPayloadErrors = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof PayloadError)) throw err;
  }
};

test("decoding any field either works or throws a PayloadError, and never touches prototypes", () => {
  const p = new Payloads({ store: new MemoryPayloadStore() });
  fc.assert(
    fc.property(hostile, fc.boolean(), (v, asEnvelope) => {
      let text = JSON.stringify(v) ?? "null";
      if (asEnvelope) text = `{"$yf:payload":1,${text.slice(1)}`;
      onlyPayloadErrors(() => p.decode(text, "field"));
      onlyPayloadErrors(() => defaultSerializer.deserialize(text));
      assert.is(({} as Record<string, unknown>).polluted, undefined);
    }),
    { numRuns: runs },
  );
});

test("fetching what hostile events refer to rejects only with PayloadReadError", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(hostile, { maxLength: 4 }), async (values) => {
      const events = values.map((v, i) => ({
        eventId: i + 1,
        markerRecordedEventAttributes: { details: `{"$yf:payload":1,${(JSON.stringify(v) ?? "null").slice(1)}` },
      }));
      try {
        (await new Payloads().fetch(events)).release();
      } catch (err) {
        if (!(err instanceof PayloadError)) throw err;
      }
    }),
    { numRuns: runs },
  );
});

test.run();
