/** `compact`: the one "drop undefined fields" of every package (core's decisions, the dev server, the CLI, logs). */
import { compact } from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";

test("compact drops undefined fields and keeps every other value (null, 0, '', false) in a new object", () => {
  const input = { a: 1, b: undefined, c: null, d: 0, e: "", f: false, g: { h: undefined } };
  const out = compact(input);
  assert.equal(out, { a: 1, c: null, d: 0, e: "", f: false, g: { h: undefined } });
  assert.not.ok("b" in out);
  assert.ok(out !== input);
  assert.ok("b" in input, "the input is left as it was");
});

test("compact keeps an own __proto__ field from untrusted JSON as a field, not as the copy's prototype", () => {
  const untrusted = JSON.parse('{"name":"x","__proto__":{"input":"injected"}}') as Record<string, unknown>;
  const out = compact({ ...untrusted, extra: undefined });
  assert.is(Object.getPrototypeOf(out), Object.prototype);
  assert.is((out as { input?: unknown }).input, undefined);
  assert.ok(Object.hasOwn(out, "__proto__"));
  assert.equal(Object.keys(out), ["name", "__proto__"]);
  assert.equal(JSON.parse(JSON.stringify(out)), untrusted);
});

test.run();
