/**
 * Issue 7, defect 10: the replay command that `run --history` printed used `--run-id <id>`, and a run id that
 * starts with `-` (about 1 in 32, and always the `npm start` demo's) gave "Option '--run-id' argument is
 * ambiguous"; the hint also said `<module>` instead of the module's path. The hint now prints `--run-id=<id>` and
 * the real path, both option forms are accepted, and run ids never start with `-`.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { defineWorkflow, sleep } from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
import { main } from "@yieldflow/local-runner/cli";
import { test } from "uvu";
import * as assert from "uvu/assert";

const here = dirname(fileURLToPath(import.meta.url));
const module = join(here, "fixtures", "greet.ts");
const tmp = mkdtempSync(join(tmpdir(), "yf-hint-"));

async function run(...args: string[]): Promise<{ code: number; err: string; out: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: tmp });
  return { code, err: err.join("\n"), out: out.join("\n") };
}

/** The words of a printed command line (plain words and single-quoted ones). */
function words(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] ?? m[2] ?? "").replace(/'\\''/g, "'"));
}

test("run ids never start with '-' (1,000 executions)", async () => {
  const wf = defineWorkflow({ name: "ids", version: "1" }, function* () {
    yield* sleep(1);
  });
  const runner = new LocalRunner({ workflows: [wf] });
  try {
    const bad: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const h = await runner.start(wf, undefined, { workflowId: `ids-${i}` });
      if (h.runId.startsWith("-")) bad.push(h.runId);
      assert.match(h.runId, /^[A-Za-z0-9][A-Za-z0-9_-]{31}$/);
    }
    assert.equal(bad, []);
  } finally {
    runner.close();
  }
});

test("the hint after run --history names the module and works as printed, even for ids that start with '-'", async () => {
  const rel = relative(tmp, module);
  const r = await run("run", rel, "-w", "greet", "--input", '"Ada"', "--workflow-id=-greeting", "--history", "h.json");
  assert.is(r.code, 0, r.err);
  const line = r.err.split("\n").find((l) => l.includes("replay it with:")) as string;
  assert.ok(line, r.err);
  const command = line.slice(line.indexOf("yieldflow replay"));
  assert.not.match(command, /<module>/);
  assert.match(command, /--run-id=\S+/);
  assert.match(command, /--workflow-id=-greeting/);
  const args = words(command).slice(1);
  assert.is(args[1], rel);
  const replay = await run(...args);
  assert.is(replay.code, 0, replay.err);
  assert.match(replay.out, /replay ok/);
});

test("--run-id and --workflow-id take a value that starts with '-' in both forms", async () => {
  const rec = await run("run", module, "-w", "greet", "-i", '"Ada"', "--workflow-id", "-g2", "--history", "h2.json");
  assert.is(rec.code, 0, rec.err);
  for (const args of [
    ["--workflow-id", "-g2", "--run-id", "-abc"],
    ["--workflow-id=-g2", "--run-id=-abc"],
  ]) {
    const r = await run("replay", module, "h2.json", ...args);
    assert.is(r.code, 0, r.err);
  }
  const negative = await run("run", module, "-i", "-5", "--workflow", "greet");
  assert.not.match(negative.err, /ambiguous/);
});

test.run();
