/**
 * Issue 7, defect 8: `yieldflow history` printed terminal escape sequences from event data unfiltered (clear
 * screen, set the window title). Control characters in anything printed from a history (the terminal timeline,
 * the HTML page, replay's messages) become visible escapes.
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
const fixtures = join(here, "..", "..", "fixtures");
const greet = (
  JSON.parse(readFileSync(join(fixtures, "histories", "greet.json"), "utf8")) as { events: HistoryEvent[] }
).events;
const approval = (
  JSON.parse(readFileSync(join(fixtures, "histories", "approval-signals.json"), "utf8")) as { events: HistoryEvent[] }
).events;
const tmp = mkdtempSync(join(tmpdir(), "yf-escapes-"));

const EVIL = "\u001b[2J\u001b]0;pwned\u0007\u009b31m\u202eevil\r\n";
// biome-ignore lint/suspicious/noControlCharactersInRegex: what must never be printed
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;

async function run(...args: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await main(args, { out: (t) => lines.push(t), err: (t) => lines.push(t), cwd: tmp });
  return { code, text: lines.join("\n") };
}

test("history: a signal name, an activity type and a failure reason with escape sequences print escaped", async () => {
  const events = structuredClone(approval) as unknown as Record<string, Record<string, unknown>>[];
  let touched = 0;
  for (const e of events) {
    const s = e.workflowExecutionSignaledEventAttributes;
    if (s) {
      s.signalName = `decision${EVIL}`;
      touched++;
    }
    const a = e.activityTaskScheduledEventAttributes;
    if (a) {
      a.activityType = { name: `act${EVIL}`, version: "1" };
      touched++;
    }
  }
  assert.ok(touched >= 2, `${touched}`);
  writeFileSync(join(tmp, "evil.json"), JSON.stringify({ events }));
  const r = await run("history", "evil.json", "--html", "evil.html");
  assert.is(r.code, 0, r.text);
  assert.not.match(r.text, RAW);
  assert.match(r.text, /\\u001b\[2J/);
  const html = readFileSync(join(tmp, "evil.html"), "utf8");
  const body = html.slice(html.indexOf("<body"));
  assert.not.match(body, RAW);
  assert.match(body, /\\u001b/);
});

test("replay: a non-determinism message that quotes a recorded name with escapes prints it escaped", async () => {
  const events = structuredClone(greet) as unknown as Record<string, Record<string, unknown>>[];
  const sched = events.find((e) => e.activityTaskScheduledEventAttributes)?.activityTaskScheduledEventAttributes;
  (sched as Record<string, unknown>).activityType = { name: `makeGreeting${EVIL}`, version: "1" };
  writeFileSync(join(tmp, "evil-greet.json"), JSON.stringify({ events }));
  const r = await run("replay", join(fixtures, "workflows.ts"), "evil-greet.json");
  assert.is(r.code, 1, r.text);
  assert.match(r.text, /Non-deterministic|YF_NONDETERMINISM/);
  assert.not.match(r.text, RAW);
});

test.run();
