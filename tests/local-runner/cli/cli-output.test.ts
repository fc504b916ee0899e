// What `yieldflow run` writes where, run as a user runs it (a child process): only the result on stdout, so
// `yieldflow run … | jq` works; activity output, progress and logs (with their data) on stderr.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "fixtures");
const bin = join(here, "..", "..", "..", "packages", "local-runner", "bin", "yieldflow.js");

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: fixtures, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const chatty = cli("run", "chatty.ts", "--input", '"report"');
const quiet = cli("run", "chatty.ts", "--input", '"report"', "--quiet");

test("stdout holds only the result: activity output goes to stderr with the progress", async () => {
  const r = await chatty;
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { done: "report" });
  assert.ok(r.stderr.includes("activity says: working on report\n"), r.stderr);
  assert.ok(r.stderr.includes("activity writes to stdout directly\n"), r.stderr);
  assert.ok(r.stderr.includes("activity info line\n"), r.stderr);
  assert.match(r.stderr, /activity work \(activity-1\) completed/);
});

test("log()'s data is shown after the message, as JSON", async () => {
  const r = await chatty;
  assert.match(r.stderr, /log info: worked \{"what":"report","result":\{"done":"report"\}\}\n/);
});

test("--quiet: no progress, activity output still kept off stdout", async () => {
  const r = await quiet;
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { done: "report" });
  assert.not.match(r.stderr, /workflow chatty@1 started/);
  assert.ok(r.stderr.includes("activity says: working on report"), r.stderr);
});

test.run();
