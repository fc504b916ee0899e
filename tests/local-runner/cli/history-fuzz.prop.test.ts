/**
 * The CLI half of the history-mutation fuzz suite (issue 7; the core half is
 * tests/core/history/history-fuzz.prop.test.ts): the same mutated histories, written to files, go through
 * `yieldflow replay` and `yieldflow history` (the CLI's `main`, in process; a few through the real binary).
 * Properties: the exit status is 0, 1 or 2, never a crash (70); both commands judge a history alike (a history
 * core rejects as malformed is exit 2 for both, with one line naming the YF_ code; an accepted one is shown by
 * `history`, and `replay` says ok, or exit 1 on non-determinism); nothing printed carries a control character;
 * Object.prototype is untouched. Default: a hundred histories; deep: YIELDFLOW_FUZZ_MUTATIONS (a tenth of it here).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decide, HistoryError, NondeterminismError, YieldflowError } from "@yieldflow/core";
import { main } from "@yieldflow/local-runner/cli";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fuzzRuns, mutate, mutationsArb } from "../../fixtures/fuzz-mutations.ts";
import { type RecordedShape, recordShapes } from "../../fixtures/fuzz-shapes.ts";

const here = dirname(fileURLToPath(import.meta.url));
const module = join(here, "..", "..", "fixtures", "fuzz-shapes.ts");
const bin = join(here, "..", "..", "..", "packages", "local-runner", "bin", "yieldflow.js");
const tmp = mkdtempSync(join(tmpdir(), "yf-fuzz-cli-"));
const RUNS = Math.max(100, Math.ceil(fuzzRuns(1000) / 10));
// biome-ignore lint/suspicious/noControlCharactersInRegex: what must never be printed
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;
const PROTOTYPE = Object.getOwnPropertyNames(Object.prototype).sort().join(",");

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: tmp });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** What core says of a history: accepted, malformed (HistoryError), non-deterministic, or another typed error. */
function verdict(
  shape: RecordedShape,
  events: unknown[],
): "ok" | "malformed" | "wrong type" | "nondeterministic" | "other" {
  try {
    decide(shape.workflow, events, { workflowId: shape.workflowId, runId: shape.runId });
    return "ok";
  } catch (err) {
    // a well-formed history of another workflow type: `history` shows it, `replay` refuses it (exit 2)
    if (err instanceof HistoryError) return err.code === "YF_HISTORY_WRONG_WORKFLOW_TYPE" ? "wrong type" : "malformed";
    if (err instanceof NondeterminismError) return "nondeterministic";
    assert.instance(err, YieldflowError);
    return "other";
  }
}

let shapes: RecordedShape[] = [];
const files: { file: string; shape: RecordedShape; events: unknown[] }[] = [];

test("mutated history files: replay and history judge them alike, exit 0/1/2, print no control characters", async () => {
  shapes = await recordShapes();
  const stats = { files: 0, byExit: new Map<string, number>() };
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: shapes.length - 1 }), mutationsArb(true), async (s, mutations) => {
      const shape = shapes[s] as RecordedShape;
      const events = mutate(shape.events, mutations);
      const file = `h-${stats.files++}.json`;
      writeFileSync(
        join(tmp, file),
        JSON.stringify({ events, workflowExecution: { workflowId: shape.workflowId, runId: shape.runId } }),
      );
      const parsed = (JSON.parse(JSON.stringify({ events })) as { events: unknown[] }).events; // what the file holds
      if (files.length < 200) files.push({ file, shape, events: parsed });
      const expected = verdict(shape, parsed);
      const history = await cli("history", file, "--html", `${file}.html`);
      const replay = await cli("replay", module, file, "--workflow", shape.workflow.name);
      const key = `${expected}: history ${history.code}, replay ${replay.code}`;
      stats.byExit.set(key, (stats.byExit.get(key) ?? 0) + 1);
      for (const r of [history, replay]) {
        assert.ok([0, 1, 2].includes(r.code), `exit ${r.code}: ${r.err}`);
        assert.not.match(r.out + r.err, RAW);
        if (r.code === 2) {
          assert.is(r.err.split("\n").length, 1, r.err);
          assert.match(r.err, /YF_[A-Z_]+/);
        }
      }
      if (expected === "malformed") {
        assert.is(history.code, 2, history.err);
        assert.is(replay.code, 2, replay.err);
      } else if (expected === "wrong type") {
        assert.is(history.code, 0, history.err);
        assert.is(replay.code, 2, replay.err);
      } else {
        assert.is(history.code, 0, `${expected}: ${history.err}`);
        assert.is(replay.code, expected === "ok" ? 0 : 1, `${expected}: ${replay.err}`);
      }
      assert.is(Object.getOwnPropertyNames(Object.prototype).sort().join(","), PROTOTYPE);
    }),
    { numRuns: RUNS },
  );
  console.log(
    `history fuzz (CLI): ${stats.files} mutated history files; outcomes: ${[...stats.byExit].map(([k, n]) => `${k} ×${n}`).join("; ")}`,
  );
});

test("a few mutated files through the real binary exit like the in-process CLI", async () => {
  for (const { file, shape } of files.slice(0, 4)) {
    for (const args of [
      ["history", file],
      ["replay", module, file, "--workflow", shape.workflow.name],
    ]) {
      const inProcess = await cli(...args);
      const spawned = spawnSync(process.execPath, [bin, ...args], { cwd: tmp, encoding: "utf8", timeout: 60_000 });
      assert.is(spawned.status, inProcess.code, spawned.stderr);
      assert.not.match(spawned.stdout + spawned.stderr, RAW);
    }
  }
});

test.run();
