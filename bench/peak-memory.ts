/**
 * Peak memory of a cold full replay: how far the heap rises above what the process held before, while one full
 * replay runs for the first time in a fresh process (no warm-up, so nothing is compiled or cached yet), as a decider
 * on a cold cache does it: it parses the history it was sent (`JSON.parse` of the `events` GetWorkflowExecutionHistory
 * returned), then replays it. Garbage counts until it is collected: the peak is the largest heap size seen just
 * before any garbage collection (V8's GCProfiler reports it) or at the end.
 *
 * Two figures per run: `peakBytes` from before the parse (the target's measure: what a cold decision costs the
 * process, the parsed events included, as for the floor), and `replayPeakBytes` from after it (the replay's own
 * allocations, the parsed events already held; with a few MiB at stake this mostly tells whether and when V8's young
 * generation filled up, so it is shown, not judged).
 *
 * bench/run.ts calls `peakMemory` for the largest history of each shape, for yieldflow's `decide` and for the
 * floor (bench/floor.ts), each in a child process of its own running this file:
 *
 *   node --expose-gc --conditions=yieldflow-source --import tsx bench/peak-memory.ts <shape> <history.json> <replay|floor> <parse|replay>
 *
 * The child reads the history's text, collects garbage twice, then measures the parse and one call (the replay's
 * own figure in a second, separate cold process) and prints `{"peakBytes": …, "gcs": …}`.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { GCProfiler, getHeapStatistics } from "node:v8";

export type PeakKind = "replay" | "floor";

/** Runs this file in a fresh process and returns the peak heap growth of one cold replay of `file`, in bytes. */
export function peakMemory(
  shape: string,
  file: string,
  kind: PeakKind,
  from: "parse" | "replay",
): { peakBytes: number; gcs: number } {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...process.execArgv, self, shape, file, kind, from], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`peak-memory child for ${shape} ${kind} failed: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as { peakBytes: number; gcs: number };
}

async function child(shape: string, file: string, kind: PeakKind, from: "parse" | "replay"): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("peak-memory.ts needs node --expose-gc");
  const { decide } = await import("@yieldflow/core");
  const { floorReplay } = await import("./floor.ts");
  const { fanOut, sequence } = await import("./workflows.ts");
  const workflow = shape === "sequence" ? sequence : fanOut;
  const text = readFileSync(file, "utf8");
  let events = from === "replay" ? (JSON.parse(text) as unknown[]) : [];
  const opts = { workflowId: "bench", runId: "bench-run" };
  gc();
  gc();
  const before = getHeapStatistics().used_heap_size;
  const profiler = new GCProfiler();
  profiler.start();
  if (from === "parse") events = JSON.parse(text) as unknown[];
  const out = kind === "replay" ? decide(workflow, events, opts).decisions : floorReplay(shape as "sequence", events);
  const atEnd = getHeapStatistics().used_heap_size;
  const stats = profiler.stop()?.statistics ?? [];
  if (out.length !== 1 || out[0]?.decisionType !== "CompleteWorkflowExecution")
    throw new Error(`the cold ${kind} of ${shape} did not complete the workflow: ${JSON.stringify(out)}`);
  const peak = Math.max(atEnd, ...stats.map((s) => s.beforeGC.heapStatistics.usedHeapSize));
  console.log(JSON.stringify({ peakBytes: peak - before, gcs: stats.length }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [shape, file, kind, from] = process.argv.slice(2);
  if (!shape || !file || (kind !== "replay" && kind !== "floor") || (from !== "parse" && from !== "replay"))
    throw new Error("usage: peak-memory.ts <sequence|fanout> <history.json> <replay|floor> <parse|replay>");
  await child(shape, file, kind, from);
}
