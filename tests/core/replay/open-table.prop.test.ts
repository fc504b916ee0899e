/**
 * The engine's table of open commands (replay/fiber.ts `OpenTable`: its first entry in a slot, the rest in a Map),
 * by property: any sequence of `set`, `get` and `delete` gives what a Map gives, whichever entry sits in the slot.
 * YIELDFLOW_PROP_RUNS sets the number of runs (default 300).
 */
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { OpenCommand, OpenTable } from "../../../packages/core/src/replay/fiber.ts";

const runs = Number(process.env.YIELDFLOW_PROP_RUNS ?? 300);

const NO_OPS = { build: undefined, bound: undefined, cancel: undefined };
const id = fc.constantFrom("activity-1", "activity-2", "activity-3", "same", "x", "\u0000placeholder");
const op = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), id }),
  fc.record({ kind: fc.constant("get" as const), id }),
  fc.record({ kind: fc.constant("delete" as const), id }),
);

test("set, get and delete behave as on a Map", () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const table = new OpenTable();
      const map = new Map<string, OpenCommand>();
      for (const [i, o] of ops.entries()) {
        if (o.kind === "set") {
          const command = new OpenCommand("activity", o.id, NO_OPS, undefined, undefined, undefined);
          table.set(o.id, command);
          map.set(o.id, command);
        } else if (o.kind === "delete") {
          assert.is(table.delete(o.id), map.delete(o.id), `step ${i}: delete ${o.id}`);
        }
        for (const k of ["activity-1", "activity-2", "activity-3", "same", "x", "\u0000placeholder", "absent"])
          assert.is(table.get(k), map.get(k), `step ${i}: get ${k}`);
      }
    }),
    { numRuns: runs },
  );
});

test("a command replaced under its id is the one found, in the slot or past it", () => {
  const table = new OpenTable();
  const make = (id: string) => new OpenCommand("timer", id, NO_OPS, undefined, undefined, undefined);
  const [a, b, c, d] = [make("a"), make("b"), make("a"), make("b")];
  table.set("a", a);
  table.set("b", b);
  table.set("a", c);
  table.set("b", d);
  assert.is(table.get("a"), c);
  assert.is(table.get("b"), d);
  assert.ok(table.delete("a"));
  assert.is(table.get("a"), undefined);
  assert.is(table.get("b"), d);
  // "b" is past the slot, now free: replacing it must not leave the old entry behind, found once the new one goes
  const e = make("b");
  table.set("b", e);
  assert.is(table.get("b"), e);
  assert.ok(table.delete("b"));
  assert.is(table.get("b"), undefined);
  assert.not.ok(table.delete("b"));
});

test.run();
