/**
 * Golden histories: every `tests/fixtures/histories/<name>.json` (recorded by tests/fixtures/generate.ts from the
 * workflows in tests/fixtures/workflows.ts) is replayed on every run. Each must replay without error to the
 * status stored in `<name>.expected.json`, and the history cut at its last DecisionTaskStarted must decide the
 * stored final decisions again; every decision-task prefix must decide the same in full and incremental replay.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Decision,
  decide,
  type HistoryEvent,
  Replayer,
  timestampToMillis,
  type WorkflowStatus,
} from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { workflows } from "../fixtures/workflows.ts";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "histories");

interface Expected {
  workflowType: string;
  workflowId: string;
  runId: string;
  events: number;
  decisionTasks: number;
  closedBy: string;
  status: Record<string, unknown>;
  finalDecisions: Decision[];
}

const names = readdirSync(dir)
  .filter((f) => f.endsWith(".json") && !f.endsWith(".expected.json"))
  .map((f) => f.slice(0, -".json".length))
  .sort();

const plain = (s: WorkflowStatus) => {
  const { error: _error, ...rest } = s as WorkflowStatus & { error?: unknown };
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
};

test("the fixtures folder holds the golden histories, each with its expected file", () => {
  assert.ok(names.length >= 5, `found ${names.join(", ")}`);
  for (const name of names) readFileSync(join(dir, `${name}.expected.json`), "utf8");
  const forms = names.map((n) => {
    const h = JSON.parse(readFileSync(join(dir, `${n}.json`), "utf8")) as { events: HistoryEvent[] };
    return typeof h.events[0]?.eventTimestamp;
  });
  assert.ok(forms.includes("number"), "at least one history in wire form (epoch seconds)");
  assert.ok(forms.includes("string"), "at least one history in AWS CLI form (ISO-8601)");
});

for (const name of names) {
  test(`golden: ${name}`, () => {
    const history = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as
      | { events: HistoryEvent[] }
      | HistoryEvent[];
    const events = Array.isArray(history) ? history : history.events;
    const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), "utf8")) as Expected;
    const workflow = workflows[expected.workflowType];
    assert.ok(workflow, `no workflow ${expected.workflowType} in tests/fixtures/workflows.ts`);
    const options = { workflowId: expected.workflowId, runId: expected.runId };

    // looks like an SWF history: contiguous ids from 1, time never goes backwards, one form of timestamp
    assert.is(events.length, expected.events);
    for (const [i, e] of events.entries()) assert.is(e.eventId, i + 1);
    const times = events.map((e) => timestampToMillis(e.eventTimestamp, e.eventId));
    for (let i = 1; i < times.length; i++)
      assert.ok((times[i] as number) >= (times[i - 1] as number), `time at event ${i + 1}`);
    assert.is(new Set(events.map((e) => typeof e.eventTimestamp)).size, 1);
    assert.is(events.at(-1)?.eventType, expected.closedBy);

    // the whole history replays without error to the recorded outcome; a closed execution needs no decisions
    const full = decide(workflow, events, options);
    assert.equal(full.decisions, []);
    assert.equal(plain(full.status), expected.status);

    // every decision task decides again what it decided then (full and incremental replay agree)
    const started = events.flatMap((e, i) => (e.eventType === "DecisionTaskStarted" ? [i] : []));
    assert.is(started.length, expected.decisionTasks);
    const incremental = new Replayer(workflow, options);
    let fed = 0;
    let last: Decision[] = [];
    for (const i of started) {
      const prefix = events.slice(0, i + 1);
      const r = decide(workflow, prefix, options);
      const inc = incremental.advance(events.slice(fed, i + 1));
      fed = i + 1;
      assert.equal(inc.decisions, r.decisions, `incremental vs full at event ${i + 1}`);
      last = r.decisions;
    }
    assert.equal(last, expected.finalDecisions);
  });
}

test.run();
