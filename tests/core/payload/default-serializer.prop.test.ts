/**
 * The default serializer, by property: every generated value round-trips (Date, BigInt, Map, Set, Uint8Array,
 * undefined inside objects and arrays, NaN/±Infinity/-0, errors, objects whose keys look like tags or `__proto__`),
 * the same value always gives the same text (also after a round trip), and plain JSON stays plain JSON.
 * YIELDFLOW_PROP_RUNS sets the number of runs (default 300).
 */
import { defaultSerializer, PayloadError } from "@yieldflow/core";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { hasTagText } from "../../../packages/core/src/payload/serializer.ts";

const runs = Number(process.env.YIELDFLOW_PROP_RUNS ?? 300);

const key = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom("$yf:date", "$yf:object", "$yf:nope", "__proto__", "constructor", "0", "12", "toJSON"),
);

const leaf = fc.oneof(
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  fc.uint8Array({ maxLength: 40 }),
);

const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    tie("array"),
    tie("object"),
    tie("map"),
    tie("set"),
    tie("error"),
  ),
  array: fc.array(tie("value"), { maxLength: 5 }),
  object: fc.array(fc.tuple(key, tie("value")), { maxLength: 5 }).map((entries) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of entries)
      Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  }),
  map: fc.array(fc.tuple(tie("value"), tie("value")), { maxLength: 4 }).map((e) => new Map(e)),
  set: fc.array(tie("value"), { maxLength: 4 }).map((e) => new Set(e)),
  error: fc
    .tuple(
      fc.string(),
      fc.constantFrom("Error", "TypeError", "CardDeclined"),
      fc.option(tie("value")),
      fc.option(fc.integer()),
    )
    .map(([message, name, cause, code]) => {
      const e = cause === null ? new Error(message) : new Error(message, { cause });
      e.name = name;
      if (code !== null) (e as Error & { code?: number }).code = code;
      return e;
    }),
}));

/** Deep equality that knows the types the serializer carries (and that key order matters: it is kept). */
function same(a: unknown, b: unknown, path = "$"): string | undefined {
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`;
  if (a === null || typeof a !== "object") return Object.is(a, b) ? undefined : `${path}: ${String(a)} vs ${String(b)}`;
  if (b === null) return `${path}: null`;
  if (a instanceof Date) return b instanceof Date && Object.is(a.getTime(), b.getTime()) ? undefined : `${path}: date`;
  if (a instanceof Uint8Array)
    return b instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b)) ? undefined : `${path}: bytes`;
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return `${path}: map`;
    const ea = [...a];
    const eb = [...b];
    for (let i = 0; i < ea.length; i++) {
      const d = same(ea[i], eb[i], `${path}<map ${i}>`);
      if (d) return d;
    }
    return undefined;
  }
  if (a instanceof Set) return b instanceof Set ? same([...a], [...b], `${path}<set>`) : `${path}: set`;
  if (a instanceof Error) {
    if (!(b instanceof Error) || a.name !== b.name || a.message !== b.message) return `${path}: error`;
    if ("cause" in a !== "cause" in b) return `${path}: cause presence`;
    const d = same(a.cause, b.cause, `${path}.cause`);
    if (d) return d;
    const fields = (e: Error) => {
      const { name: _n, message: _m, stack: _s, ...rest } = { ...e } as Record<string, unknown>;
      return rest;
    };
    return same(fields(a), fields(b), `${path}{error fields}`);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  if (Object.getPrototypeOf(b) !== Object.getPrototypeOf(a)) return `${path}: prototype changed`;
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  if (ka.join("\u0000") !== kb.join("\u0000")) return `${path}: keys ${JSON.stringify(ka)} vs ${JSON.stringify(kb)}`;
  for (const k of ka) {
    const d = same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d) return d;
  }
  return undefined;
}

test("every generated value round-trips", () => {
  fc.assert(
    fc.property(value, (v) => {
      const text = defaultSerializer.serialize(v);
      const back = defaultSerializer.deserialize(text);
      const diff = same(v, back);
      if (diff) throw new Error(`${diff}\n  text: ${text}`);
    }),
    { numRuns: runs },
  );
});

test("deterministic: the same value gives the same text, also after a round trip, and for a structural copy", () => {
  fc.assert(
    fc.property(value, (v) => {
      const text = defaultSerializer.serialize(v);
      assert.is(defaultSerializer.serialize(v), text);
      assert.is(defaultSerializer.serialize(defaultSerializer.deserialize(text)), text);
      // a structurally equal value built separately (a round trip through the serializer builds one)
      assert.is(defaultSerializer.serialize(defaultSerializer.deserialize(defaultSerializer.serialize(v))), text);
    }),
    { numRuns: runs },
  );
});

test("plain JSON values are written exactly as JSON.stringify writes them", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (j) => {
      const v = JSON.parse(JSON.stringify(j)) as unknown; // -0 → 0, as JSON has it
      assert.is(defaultSerializer.serialize(v), JSON.stringify(v));
      assert.equal(defaultSerializer.deserialize(JSON.stringify(v)), v);
    }),
    { numRuns: runs },
  );
});

test("examples: the wire form of each tagged type", () => {
  const s = (v: unknown) => defaultSerializer.serialize(v);
  assert.is(s({ at: new Date(0) }), '{"at":{"$yf:date":"1970-01-01T00:00:00.000Z"}}');
  // an invalid Date (toJSON gives null) comes back as an invalid Date, not as null (found by the property at seed -1756401645)
  assert.is(s(new Date(Number.NaN)), '{"$yf:date":null}');
  assert.ok(
    Number.isNaN((defaultSerializer.deserialize(s({ at: new Date(Number.NaN) })) as { at: Date }).at.getTime()),
  );
  assert.is(s(12n), '{"$yf:bigint":"12"}');
  assert.is(s(new Map([["a", 1]])), '{"$yf:map":[["a",1]]}');
  assert.is(s(new Set([1])), '{"$yf:set":[1]}');
  assert.is(s(new Uint8Array([1, 2, 3])), '{"$yf:bytes":"AQID"}');
  assert.is(s({ a: undefined }), '{"a":{"$yf:undefined":0}}');
  assert.is(s([Number.NaN, -0]), '[{"$yf:number":"NaN"},{"$yf:number":"-0"}]');
  assert.is(s({ "$yf:date": "x" }), '{"$yf:object":{"$yf:date":"x"}}');
  assert.is(s(undefined), undefined);
  const e = new TypeError("boom");
  assert.is(s(e), '{"$yf:error":{"name":"TypeError","message":"boom"}}');
  const back = defaultSerializer.deserialize(s(e)) as Error;
  assert.instance(back, Error);
  assert.not.instance(back, TypeError); // classes are never revived
  assert.is(back.name, "TypeError");
});

test("never executes code, never revives classes, never touches prototypes", () => {
  const back = defaultSerializer.deserialize(
    '{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}',
  ) as Record<string, unknown>;
  assert.is(Object.getPrototypeOf(back), Object.prototype);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.keys(back), ["__proto__", "constructor"]);
  class Money {
    constructor(readonly cents: number) {}
  }
  const m = defaultSerializer.deserialize(defaultSerializer.serialize(new Money(5)));
  assert.equal(m, { cents: 5 });
  assert.is(Object.getPrototypeOf(m), Object.prototype);
});

test("refuses what it cannot carry, with a PayloadError naming the field", () => {
  const codeOf = (v: unknown) => {
    try {
      defaultSerializer.serialize(v);
      return "no error";
    } catch (err) {
      assert.instance(err, PayloadError);
      return `${(err as PayloadError).code}: ${(err as Error).message}`;
    }
  };
  assert.match(codeOf({ f: () => 1 }), /YF_PAYLOAD: field "f" is a function/);
  assert.match(codeOf({ s: Symbol("x") }), /field "s" is a symbol/);
  assert.match(codeOf(new Int32Array(2)), /only Uint8Array/);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.match(codeOf(cyclic), /YF_PAYLOAD: value cannot be serialized/);
  for (const bad of ['{"$yf:bigint":"1.5"}', '{"$yf:bytes":"!!"}', '{"$yf:what":1}', "{nope"]) {
    try {
      defaultSerializer.deserialize(bad);
      assert.unreachable(bad);
    } catch (err) {
      assert.instance(err, PayloadError, bad);
    }
  }
});

test("the tag scan says what text.includes('\"$yf:') says, for text made of the characters around a tag", () => {
  const piece = fc.constantFrom('"', "$", "y", "f", ":", "$yf:", '"$yf:', '"$y', "x", "\\", "é", "{", "}");
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), fc.string({ maxLength: 8 }), (pieces, extra) => {
      for (const text of [pieces.join(""), pieces.join("") + extra, extra + pieces.join("")])
        assert.is(hasTagText(text), text.includes('"$yf:'), JSON.stringify(text));
    }),
    { numRuns: runs * 3 },
  );
});

test.run();
