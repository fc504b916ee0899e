/**
 * What a full replay allocates, and where: runs `decide` on one benchmark history under V8's sampling heap profiler
 * (objects collected by garbage collection included, so it counts everything allocated, not what survives) and prints
 * the bytes per decide, per event, and the share allocated by each function.
 *
 *   node --conditions=yieldflow-source --import tsx bench/alloc-profile.ts [sequence|fanout] [events] [decides]
 *
 * Allocation is what makes a cold replay of a long history slower per event than a short one (the young generation
 * fills, and every scavenge copies what is still live, the freshly parsed history included), so it is the figure to
 * watch next to CPU time (bench/ab.ts). Sampled every 128 bytes: shares are estimates, good to a percent or two.
 */
import { Session } from "node:inspector/promises";
import { decide } from "@yieldflow/core";
import { history, SHAPES, type Shape } from "./histories.ts";

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const [shapeArg = "sequence", sizeArg = "25000", decidesArg = "20"] = process.argv.slice(2);
if (!SHAPES.includes(shapeArg as Shape)) throw new Error(`unknown shape ${shapeArg}; shapes: ${SHAPES.join(", ")}`);
const h = history(shapeArg as Shape, Number(sizeArg));
const decides = Number(decidesArg);
const opts = { workflowId: "bench", runId: "bench-run" };

/** The profiled call: the summary keeps only what was allocated under it. */
function measuredDecide(): void {
  decide(h.workflow, h.events, opts);
}

for (let i = 0; i < 10; i++) measuredDecide(); // compiled and warm before sampling
const session = new Session();
session.connect();
await session.post("HeapProfiler.enable");
await session.post("HeapProfiler.startSampling", {
  samplingInterval: 128,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
for (let i = 0; i < decides; i++) measuredDecide();
const { profile } = (await session.post("HeapProfiler.stopSampling")) as { profile: { head: HeapNode } };
session.disconnect();

const bytes = new Map<string, number>();
let total = 0;
function walk(node: HeapNode, inside: boolean): void {
  const f = node.callFrame;
  const counted = inside || f.functionName === "measuredDecide";
  if (counted && node.selfSize > 0) {
    const where = f.url ? ` ${f.url.split("/").slice(-2).join("/")}` : "";
    const name = `${f.functionName || "(anonymous)"}${where}`;
    bytes.set(name, (bytes.get(name) ?? 0) + node.selfSize);
    total += node.selfSize;
  }
  for (const c of node.children) walk(c, counted);
}
walk(profile.head, false);

const perDecide = total / decides;
const lines = [
  `${h.shape}, ${h.events.length} events: ${(perDecide / 2 ** 20).toFixed(2)} MiB allocated per decide, ` +
    `${Math.round(perDecide / h.events.length)} B per event (${decides} decides sampled)`,
];
for (const [name, b] of [...bytes].sort((a, z) => z[1] - a[1]).slice(0, 25))
  lines.push(`${((100 * b) / total).toFixed(1).padStart(6)}%  ${name}`);
process.stdout.write(`${lines.join("\n")}\n`);
