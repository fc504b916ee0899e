// Self-test of the test runner (scripts/test.mjs): runs it on the fixture files in tests/_runner-selftest/ (a folder
// the runner skips by default) and checks that passing, failing, forgotten-test.run() and hanging files are each
// reported and counted, that the summary line is last, and that the exit code reflects failures.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const runner = join(repoRoot, "scripts", "test.mjs");
const fixtures = join(repoRoot, "tests", "_runner-selftest");

interface RunResult {
  code: number | null;
  stdout: string;
  lastLine: string;
}

function runRunner(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runner, "--root", fixtures, ...args], {
      cwd: repoRoot,
      env: { ...process.env, YIELDFLOW_TEST_CONCURRENCY: "2", YIELDFLOW_TEST_VERBOSE: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const lines = stdout.trimEnd().split("\n");
      resolve({ code, stdout, lastLine: lines[lines.length - 1] ?? "" });
    });
  });
}

// A killed process whose parent is gone may linger as a zombie until init reaps it: that counts as dead.
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

test("counts passing, failing, forgotten and hanging files and exits non-zero", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "yieldflow-runner-selftest-"));
  const pidFile = join(tmp, "grandchild.pid");
  try {
    const result = await runRunner([], {
      YIELDFLOW_TEST_TIMEOUT_MS: "5000",
      YIELDFLOW_SELFTEST_MARKER: "passed-through",
      YIELDFLOW_SELFTEST_PID_FILE: pidFile,
    });
    const out = result.stdout;
    assert.is(result.code, 1, out);
    // pass: 2 passed + 1 skipped; fail: 1 passed + 1 failed; forgot-run: +1 failed; hang: +1 failed.
    assert.is(result.lastLine, "3 passed, 3 failed, 1 skipped", out);
    assert.match(out, "✓ tests/_runner-selftest/pass.test.ts  2 passed, 1 skipped");
    assert.match(out, "✗ tests/_runner-selftest/fail.test.ts  1 passed, 1 failed");
    assert.match(out, "tests/_runner-selftest/forgot-run.test.ts: no tests ran — did it forget test.run()?");
    assert.match(out, /✗ tests\/_runner-selftest\/hang\.test\.ts .*\n\s+hang: killed after the 5000 ms timeout/);
    // A failing file's output is shown (uvu's assertion diff), a passing one's is not.
    assert.match(out, '"fails"');
    assert.not.match(out, "----- tests/_runner-selftest/pass.test.ts output");
    // The whole process group of the hanging file was killed, including the process it spawned.
    assert.ok(existsSync(pidFile), `hang fixture did not record its grandchild pid\n${out}`);
    const pid = Number(readFileSync(pidFile, "utf8"));
    const deadline = Date.now() + 2000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.not.ok(isAlive(pid), `grandchild ${pid} of the hanging file survived the timeout`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("filters files by substring and exits zero when they pass", async () => {
  const result = await runRunner(["pass.test"], { YIELDFLOW_SELFTEST_MARKER: "passed-through" });
  assert.is(result.code, 0, result.stdout);
  assert.is(result.lastLine, "2 passed, 0 failed, 1 skipped", result.stdout);
  assert.match(result.stdout, "running 1 test file");
});

test("fails when no file matches the filter", async () => {
  const result = await runRunner(["no-such-file"]);
  assert.is(result.code, 1, result.stdout);
  assert.is(result.lastLine, "0 passed, 1 failed", result.stdout);
});

test.run();
