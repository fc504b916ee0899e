/**
 * Issue 7, defect 7: `yieldflow history` accepted a history that `replay` rejects (an unknown eventType printed a
 * normal timeline and exited 0), and `history --html` crashed (`TypeError: s.replace is not a function`, exit 70)
 * on an eventType "constructor". Both commands check a history the same way (one shared check): a malformed one is
 * exit 2 with the same message, naming the event.
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
const module = join(fixtures, "workflows.ts");
const greet = (
  JSON.parse(readFileSync(join(fixtures, "histories", "greet.json"), "utf8")) as { events: HistoryEvent[] }
).events;
const tmp = mkdtempSync(join(tmpdir(), "yf-history-check-"));

async function run(...args: string[]): Promise<{ code: number; err: string; out: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: tmp });
  return { code, err: err.join("\n"), out: out.join("\n") };
}

function write(name: string, change: (events: Record<string, unknown>[]) => void): string {
  const events = structuredClone(greet) as unknown as Record<string, unknown>[];
  change(events);
  writeFileSync(join(tmp, name), JSON.stringify({ events }));
  return name;
}

const malformed: [string, (events: Record<string, unknown>[]) => void][] = [
  [
    "an unknown eventType",
    (e) => {
      (e[6] as Record<string, unknown>).eventType = "ActivityTaskExploded";
    },
  ],
  [
    'eventType "constructor"',
    (e) => {
      (e[6] as Record<string, unknown>).eventType = "constructor";
    },
  ],
  [
    'eventType "__proto__"',
    (e) => {
      (e[11] as Record<string, unknown>).eventType = "__proto__";
    },
  ],
  [
    "a TimerFired for an unknown timer",
    (e) => {
      (e[11] as { timerFiredEventAttributes: { timerId: string } }).timerFiredEventAttributes.timerId = "timer-9";
    },
  ],
  [
    "a dropped event",
    (e) => {
      e.splice(5, 1);
    },
  ],
  [
    "activityType null",
    (e) => {
      (
        e[4] as { activityTaskScheduledEventAttributes: { activityType: unknown } }
      ).activityTaskScheduledEventAttributes.activityType = null;
    },
  ],
];

for (const [what, change] of malformed) {
  test(`${what}: history, history --html and replay all exit 2 with the same message`, async () => {
    const file = write(`bad-${what.replace(/\W+/g, "-")}.json`, change);
    const history = await run("history", file);
    const html = await run("history", file, "--html", "out.html");
    const replay = await run("replay", module, file);
    for (const r of [history, html, replay]) {
      assert.is(r.code, 2, r.err);
      assert.is(r.err.split("\n").length, 1, r.err);
      assert.match(r.err, /YF_HISTORY_/);
    }
    const reason = (r: { err: string }) =>
      r.err.replace(/^yieldflow \w+: /, "").replace(/ \(see yieldflow \w+ --help\)$/, "");
    assert.is(reason(history), reason(replay));
    assert.is(reason(html), reason(replay));
    assert.is(history.out, "", "nothing printed for a history that does not check");
  });
}

test("control: the valid history prints a timeline and replays", async () => {
  const file = write("good.json", () => {});
  assert.is((await run("history", file)).code, 0);
  assert.is((await run("replay", module, file)).code, 0);
});

test.run();
