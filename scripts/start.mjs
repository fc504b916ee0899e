#!/usr/bin/env node
// `npm start`: runs the demo in examples/start.ts from source (TypeScript through tsx, workspace packages resolved
// to their src/ through the "yieldflow-source" export condition). Extra arguments are passed on to the example.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join("examples", "start.ts");
if (!existsSync(join(root, entry))) {
  console.error(`${entry} does not exist yet`);
  process.exit(1);
}

const child = spawn(
  process.execPath,
  ["--conditions=yieldflow-source", "--import", "tsx", entry, ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
);
// Ctrl-C reaches the child directly (same process group), so SIGINT is only kept from killing this wrapper early;
// SIGTERM/SIGHUP sent to the wrapper alone are passed on.
process.on("SIGINT", () => {});
for (const signal of ["SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("error", (err) => {
  console.error(`could not start ${entry}: ${err.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  process.exit(code ?? (signal ? 128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[signal] ?? 1) : 1));
});
