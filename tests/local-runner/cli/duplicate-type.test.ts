/**
 * Issue 7, defect 9: `yieldflow replay` silently picked one of several exported definitions of the same workflow
 * type (the alphabetically first export), so whether a regression check passed depended on export names, while
 * `yieldflow run` refused the same module. Both refuse it now, with the same message naming the exports.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineWorkflow, sleep } from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
import { main } from "@yieldflow/local-runner/cli";
import { test } from "uvu";
import * as assert from "uvu/assert";

const here = dirname(fileURLToPath(import.meta.url));
const module = join(here, "fixtures", "duplicate-type.ts");
const tmp = mkdtempSync(join(tmpdir(), "yf-dup-"));

async function run(...args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const code = await main(args, { out: () => {}, err: (t) => err.push(t), cwd: tmp });
  return { code, err: err.join("\n") };
}

test("replay and run refuse a module with two definitions of dup@1, with the same message", async () => {
  // a history of dup@1 as the "zulu" code records it
  const zulu = defineWorkflow({ name: "dup", version: "1" }, function* () {
    yield* sleep(60);
    return "zulu";
  });
  const runner = new LocalRunner({ workflows: [zulu] });
  const handle = await runner.start(zulu, undefined, { workflowId: "dup-1" });
  await handle.result();
  writeFileSync(join(tmp, "dup.json"), handle.exportHistory());
  runner.close();

  const replay = await run("replay", module, "dup.json");
  const runAll = await run("run", module);
  const runOne = await run("run", module, "--workflow", "alpha");
  for (const r of [replay, runAll, runOne]) {
    assert.is(r.code, 2, r.err);
    assert.match(r.err, /2 different definitions of workflow dup@1 \(exports alpha, zulu\)/);
  }
  const reason = (r: { err: string }) =>
    r.err.replace(/^yieldflow \w+: /, "").replace(/ \(see yieldflow \w+ --help\)$/, "");
  assert.is(reason(replay), reason(runAll));
  assert.is(reason(replay), reason(runOne));
});

test.run();
