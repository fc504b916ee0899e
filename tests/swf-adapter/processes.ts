/** Spawning `yieldflow worker` processes against a dev server, and stopping or killing them. */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../packages/local-runner/bin/yieldflow.js", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything the process wrote to stderr so far (its log lines). */
  readonly log: string;
  /** SIGTERM, then waits for the exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: the process dies at once, mid-task. */
  kill(): Promise<void>;
}

/** Spawns `yieldflow worker <module> ...args` with the endpoint and domain. */
export function spawnWorker(module: string, endpoint: string, domain: string, args: string[]): WorkerProcess {
  const child = spawn(
    process.execPath,
    [BIN, "worker", module, "--domain", domain, "--endpoint", endpoint, "--skip-register", ...args],
    {
      cwd: ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  child.stderr?.on("data", (d) => {
    log += String(d);
  });
  child.stdout?.on("data", (d) => {
    log += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    get log() {
      return log;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Resolves once `p`'s log contains `text`. */
export async function logged(p: WorkerProcess, text: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!p.log.includes(text)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${JSON.stringify(text)} in:\n${p.log}`);
    if (p.child.exitCode !== null) throw new Error(`the worker exited (${p.child.exitCode}):\n${p.log}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
