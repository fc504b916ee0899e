#!/usr/bin/env node
// `npm start`: runs the order example end to end with the yieldflow CLI, locally (in-process runner, virtual
// clock, no AWS account), and prints its progress and result: a retried charge, three days skipped by the virtual
// clock, about a second in all. Extra arguments go to `yieldflow run`, e.g.
// `npm start -- --input '{"id":"o-2","items":["book"],"cents":999999}'` (a declined card: watch the saga).
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const extra = process.argv.slice(2);
const args = [
  join(root, "packages/local-runner/bin/yieldflow.js"),
  "run",
  "examples/order.ts",
  ...(extra.includes("--input") ? [] : ["--input", '{"id":"o-1","items":["book","pen"],"cents":4200}']),
  // the demo tells the whole story: every event's line (on a terminal, above the live progress display)
  ...(extra.includes("--quiet") || extra.includes("-q") ? [] : ["--verbose"]),
  ...extra,
];
console.log(
  `$ yieldflow ${args
    .slice(1)
    .map((a) => (/\s|"/.test(a) ? `'${a}'` : a))
    .join(" ")}\n`,
);
const child = spawn(process.execPath, args, {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
});
// Ctrl-C reaches the child directly (same process group); SIGTERM/SIGHUP sent to this wrapper are passed on.
process.on("SIGINT", () => {});
for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
