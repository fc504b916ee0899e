/**
 * Runs one benchmark case in a loop so a CPU profile of it is mostly that case:
 *
 *   node --conditions=yieldflow-source --import tsx --cpu-prof --cpu-prof-dir=bench/.profiles \
 *     bench/profile.ts <sequence|fanout> <events> <full|incremental> [iterations]
 *   node --conditions=yieldflow-source --import tsx bench/cpuprofile-summary.ts bench/.profiles/<file>.cpuprofile
 *
 * History generation is done before the loop; it still shows in the profile, so the summary can be limited to
 * the timed calls with `--under=measuredAdvance` or `--under=measuredDecide`.
 *
 * The local-runner throughput case: `bench/profile.ts runner <workflows> [iterations]` (default 1000 workflows,
 * 10 iterations) runs `runnerSample` in a loop. The runner works in setImmediate callbacks and microtasks, so its
 * samples are not under one function: summarize without `--under` (the profile is almost all runner anyway).
 */
import { decide, Replayer } from "@yieldflow/core";
import { history, SHAPES, type Shape } from "./histories.ts";
import { runnerSample } from "./throughput.ts";

if (process.argv[2] === "runner") {
  const n = Number(process.argv[3] ?? 1000);
  const iterations = Number(process.argv[4] ?? 10);
  let ms = 0;
  for (let i = 0; i < iterations; i++) ms += (await runnerSample(n)).ms;
  console.log(`runner ${n} workflows: ${(ms / iterations).toFixed(1)} ms/iteration (mean)`);
  process.exit(0);
}

const [shapeArg = "sequence", sizeArg = "25000", kind = "incremental", itArg] = process.argv.slice(2);
const size = Number(sizeArg);
if (!SHAPES.includes(shapeArg as Shape)) throw new Error(`unknown shape ${shapeArg}; shapes: ${SHAPES.join(", ")}`);
if (kind !== "full" && kind !== "incremental") throw new Error(`unknown case ${kind}; cases: full, incremental`);
const h = history(shapeArg as Shape, size);
const iterations = Number(itArg ?? (kind === "full" ? 30 : 200));
const opts = { workflowId: "bench", runId: "bench-run" };
const before = h.events.slice(0, h.prevLength);
const last = h.events.slice(h.prevLength);

/** The timed call; the profile summary can be limited to it with `--under=measuredAdvance`. */
function measuredAdvance(r: Replayer): number {
  const t = performance.now();
  r.advance(last);
  return performance.now() - t;
}

/** The timed call of a full replay (`--under=measuredDecide`). */
function measuredDecide(): number {
  const t = performance.now();
  decide(h.workflow, h.events, opts);
  return performance.now() - t;
}

function measureLoop(): number {
  let ms = 0;
  for (let i = 0; i < iterations; i++) {
    if (kind === "full") {
      ms += measuredDecide();
    } else {
      const r = new Replayer(h.workflow, opts);
      r.advance(before);
      ms += measuredAdvance(r);
    }
  }
  return ms;
}
const ms = measureLoop();
console.log(`${kind} ${h.shape} ${h.events.length} events: ${(ms / iterations).toFixed(3)} ms/iteration (mean)`);
