/**
 * What the decider and the activity worker have in common: start, stop, and a process-level runner that stops
 * them on SIGINT/SIGTERM.
 */
import { hostname } from "node:os";

/** A worker: polls once started, and stops gracefully. */
export interface Worker {
  start(): void;
  /** Stops polling and finishes or gives back what is in flight within `deadlineMs`. */
  stop(deadlineMs?: number): Promise<void>;
}

/** A workflow or activity type as the workers look it up and log it: `name@version`. */
export function typeKey(t: { name?: string | undefined; version?: string | undefined }): string {
  return `${t.name}@${t.version}`;
}

/** `yieldflow-<kind>@<host>:<pid>`, cut to SWF's 256 characters. */
export function defaultIdentity(kind: string): string {
  return `yieldflow-${kind}@${hostname()}:${process.pid}`.slice(0, 256);
}

/**
 * Starts `workers` and stops them all on SIGINT or SIGTERM (a second signal exits at once). Resolves once they
 * stopped.
 *
 * @example
 * await runUntilSignal([decider, activityWorker], { deadlineMs: 30_000 });
 */
export function runUntilSignal(
  workers: readonly Worker[],
  options: { deadlineMs?: number; onStop?: (signal: string) => void } = {},
): Promise<void> {
  for (const w of workers) w.start();
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      options.onStop?.(signal);
      Promise.all(workers.map((w) => w.stop(options.deadlineMs))).then(() => {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        resolve();
      });
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
