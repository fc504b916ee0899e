/**
 * Issue 7, defect 4: wrong-typed fields in a JSON history threw a plain TypeError from deep inside the fold
 * (`Cannot read properties of null (reading 'name')` for `workflowType: null`, `markerName: true`, and about 150
 * other type confusions), and `yieldflow replay` then exited 1 (non-determinism) where a malformed history exits 2.
 * Every field SWF declares is type-checked: a HistoryError with a code and the event's id, for every field of every
 * event of the golden histories set to null, a boolean, a number, a string, {} and [].
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decide, HistoryError, type HistoryEvent } from "@yieldflow/core";
import { main } from "@yieldflow/local-runner/cli";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { workflows } from "../../fixtures/workflows.ts";

const here = dirname(fileURLToPath(import.meta.url));
const dir = join(here, "..", "..", "fixtures", "histories");
const names = readdirSync(dir).filter((f) => f.endsWith(".json") && !f.endsWith(".expected.json"));

const WRONG: readonly unknown[] = [null, true, 7, "x", {}, []];

/** Every path to a field inside an event's attributes (nested objects included), with its value. */
function fieldPaths(value: unknown, prefix: string[] = []): { path: string[]; value: unknown }[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [];
  const out: { path: string[]; value: unknown }[] = [];
  for (const [k, v] of Object.entries(value)) {
    out.push({ path: [...prefix, k], value: v });
    out.push(...fieldPaths(v, [...prefix, k]));
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let o = target;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[path[path.length - 1] as string] = value;
}

const sameKind = (a: unknown, b: unknown) =>
  (a === null ? "null" : Array.isArray(a) ? "array" : typeof a) ===
  (b === null ? "null" : Array.isArray(b) ? "array" : typeof b);

test("every attribute of every event, set to a wrong type: HistoryError with the event id, never a TypeError", () => {
  let tried = 0;
  for (const name of names) {
    const events = (JSON.parse(readFileSync(join(dir, name), "utf8")) as { events: HistoryEvent[] }).events;
    const expected = JSON.parse(readFileSync(join(dir, name.replace(".json", ".expected.json")), "utf8")) as {
      workflowType: string;
      workflowId: string;
      runId: string;
    };
    const wf = workflows[expected.workflowType];
    assert.ok(wf, expected.workflowType);
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as Record<string, unknown>;
      const key = Object.keys(event).find((k) => k.endsWith("EventAttributes")) as string;
      for (const { path, value } of fieldPaths(event[key])) {
        if (path[path.length - 1] === "tagList" || (path.length > 1 && Array.isArray(value))) continue;
        for (const wrong of WRONG) {
          if (sameKind(wrong, value)) continue;
          const mutated = structuredClone(events);
          setPath((mutated[i] as Record<string, unknown>)[key] as Record<string, unknown>, path, wrong);
          tried++;
          try {
            decide(wf, mutated, { workflowId: expected.workflowId, runId: expected.runId });
            assert.unreachable(`${name}: event ${i + 1} ${key}.${path.join(".")} = ${JSON.stringify(wrong)} accepted`);
          } catch (err) {
            if (!(err instanceof HistoryError))
              assert.unreachable(
                `${name}: event ${i + 1} ${key}.${path.join(".")} = ${JSON.stringify(wrong)}: ${String(err)}`,
              );
            assert.is((err as HistoryError).eventId, i + 1, (err as HistoryError).message);
          }
        }
      }
    }
  }
  assert.ok(tried > 500, `${tried} mutations`);
});

test("yieldflow replay: a history with workflowType: null exits 2 (malformed), naming the field", async () => {
  const events = (JSON.parse(readFileSync(join(dir, "greet.json"), "utf8")) as { events: HistoryEvent[] }).events;
  const bad = structuredClone(events);
  const sched = bad.find((e) => e.eventType === "ActivityTaskScheduled") as Record<string, Record<string, unknown>>;
  (sched.activityTaskScheduledEventAttributes as Record<string, unknown>).activityType = null;
  const tmp = mkdtempSync(join(tmpdir(), "yf-fields-"));
  writeFileSync(join(tmp, "bad.json"), JSON.stringify({ events: bad }));
  const err: string[] = [];
  const status = await main(["replay", join(here, "..", "..", "fixtures", "workflows.ts"), "bad.json"], {
    out: () => {},
    err: (t) => err.push(t),
    cwd: tmp,
  });
  assert.is(status, 2, err.join("\n"));
  assert.match(err.join("\n"), /activityType/);
});

test.run();
