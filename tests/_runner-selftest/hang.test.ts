// Fixture for tests/tooling/test-runner.test.ts (skipped by `npm test`): a test that never settles while a timer and
// a grandchild process keep the event loop alive. The runner must kill the whole process group on its timeout.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { test } from "uvu";

test("never finishes", async () => {
  const grandchild = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  const pidFile = process.env.YIELDFLOW_SELFTEST_PID_FILE;
  if (pidFile && grandchild.pid) writeFileSync(pidFile, String(grandchild.pid));
  setInterval(() => {}, 1000);
  await new Promise(() => {});
});

test.run();
