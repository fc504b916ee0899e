/**
 * Issue 7, defect 11: messages that left the user guessing. A missing --input showed up as a TypeError inside the
 * workflow; a missing activity implementation showed only ACTIVITY_TYPE_DOES_NOT_EXIST; a run stuck on a signal
 * wait did not name the signal; the non-determinism message said "(run ?)"; CLI error lines omitted the YF_ code.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { HistoryEvent } from "@yieldflow/core";
import { main } from "@yieldflow/local-runner/cli";
import { test } from "uvu";
import * as assert from "uvu/assert";

const here = dirname(fileURLToPath(import.meta.url));
const module = join(here, "fixtures", "messages.ts");
const tmp = mkdtempSync(join(tmpdir(), "yf-messages-"));

async function run(...args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const code = await main(args, { out: () => {}, err: (t) => err.push(t), cwd: tmp });
  return { code, err: err.join("\n") };
}

/** Every line that reports a failure (✗, or `yieldflow <command>: …`) carries a YF_ code. */
function assertCoded(err: string): void {
  for (const line of err.split("\n").filter((l) => l.startsWith("✗") || /^yieldflow \w+: /.test(l)))
    assert.match(line, /YF_[A-Z_]+/, line);
}

test("a workflow that needs input, run without --input: the hint says to pass --input", async () => {
  const r = await run("run", module, "-w", "needsInput");
  assert.is(r.code, 1, r.err);
  assert.match(r.err, /YF_WORKFLOW_TASK/);
  assert.match(r.err, /no --input was given/);
  assertCoded(r.err);
});

test("an activity without an implementation: named, and said to have no implementation registered", async () => {
  const r = await run("run", module, "-w", "noimpl");
  assert.is(r.code, 1, r.err);
  assert.match(r.err, /charge@1/);
  assert.match(r.err, /no implementation registered/);
  assertCoded(r.err);
});

test("a run blocked on a signal wait names the signal", async () => {
  const r = await run("run", module, "-w", "waits");
  assert.is(r.code, 1, r.err);
  assert.match(r.err, /signal "approve"/);
  assertCoded(r.err);
});

test("non-determinism without a run id names the run id replay used, never 'run ?', with its code", async () => {
  const history = await run("run", module, "-w", "noimpl", "--history", "h.json");
  assert.is(history.code, 1);
  const events = (JSON.parse(readFileSync(join(tmp, "h.json"), "utf8")) as { events: HistoryEvent[] }).events;
  const sched = events.find(
    (e) => e.scheduleActivityTaskFailedEventAttributes,
  )?.scheduleActivityTaskFailedEventAttributes;
  assert.ok(sched);
  (sched as { activityType: { name: string } }).activityType.name = "refund";
  writeFileSync(join(tmp, "changed.json"), JSON.stringify({ events }));
  const r = await run("replay", module, "changed.json", "--workflow", "noimpl");
  assert.is(r.code, 1, r.err);
  assert.match(r.err, /YF_NONDETERMINISM/);
  assert.not.match(r.err, /run \?/);
  assert.match(r.err, /derived from the start event/);
  assertCoded(r.err);
});

test("an unknown command named like an Object.prototype member is an unknown command", async () => {
  for (const name of ["constructor", "__proto__", "toString"]) {
    const r = await run(name);
    assert.is(r.code, 2, r.err);
    assert.match(r.err, /unknown command/);
  }
});

test.run();
