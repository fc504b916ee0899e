/**
 * Compares the full replay of this tree with another tree's, in one process: a copy of another version (main, a
 * commit before a change) is loaded next to this one and both replay the same shape and size in alternating batches.
 * Each batch is CPU time (`process.cpuUsage`) over many `decide` calls; each side's figure is its best batch. Both
 * sides share the process, the load and the time, so the ratio holds to about ±3% on a busy machine, where figures
 * from separate processes (or `npm run bench` runs) drift by 5–10%.
 *
 *   node --conditions=yieldflow-source --import tsx bench/ab.ts <other-tree> [sequence|fanout] [events] [rounds]
 *
 * The side loaded second ran faster at 25,000 events under load (identical copies read 0.90–0.93), so the comparison
 * runs twice, in two child processes, once with each side loaded first, and prints both ratios and their geometric
 * mean, which cancels that lean.
 *
 * `<other-tree>` is a checkout whose `node_modules/@yieldflow/*` resolve to its own `packages/*` (see README.md,
 * "Comparing two versions"). Its figure is printed as `other`, this tree's as `this`.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [otherArg, shape = "sequence", eventsArg = "1000", roundsArg = "15", orderArg] = process.argv.slice(2);
if (otherArg === undefined) {
  console.error("usage: bench/ab.ts <other-tree> [sequence|fanout] [events] [rounds]");
  process.exit(2);
}
const events = Number(eventsArg);
const here = resolve(import.meta.dirname, "..");

interface Side {
  name: string;
  run: () => void;
  best: number;
}

async function load(name: string, root: string): Promise<Side> {
  const at = (path: string) => pathToFileURL(resolve(root, path)).href;
  // each tree's own core and its own histories (whose workflows are made with that core)
  const core = await import(at("node_modules/@yieldflow/core/src/index.ts"));
  const histories = await import(at("bench/histories.ts"));
  const h = histories.history(shape, events);
  const options = { workflowId: "bench", runId: "bench-run" };
  return { name, run: () => core.decide(h.workflow, h.events, options), best: Number.POSITIVE_INFINITY };
}

/** One comparison with the sides loaded in `order`; prints `this/other` as JSON for the parent. */
async function compare(order: "other-first" | "this-first"): Promise<void> {
  const loaded =
    order === "other-first"
      ? [await load("other", resolve(otherArg as string)), await load("this", here)]
      : [await load("this", here), await load("other", resolve(otherArg as string))];
  const perBatch = events <= 1000 ? 400 : events <= 10_000 ? 40 : 12;
  for (let round = 0; round < Number(roundsArg); round++) {
    for (let k = 0; k < 2; k++) {
      const side = loaded[(round + k) % 2] as Side; // who goes first alternates too
      const start = process.cpuUsage();
      for (let i = 0; i < perBatch; i++) side.run();
      const used = process.cpuUsage(start);
      side.best = Math.min(side.best, (used.user + used.system) / 1000 / perBatch);
    }
  }
  const other = loaded.find((s) => s.name === "other") as Side;
  const self = loaded.find((s) => s.name === "this") as Side;
  console.log(JSON.stringify({ order, perBatch, other: other.best, self: self.best }));
}

if (orderArg === "other-first" || orderArg === "this-first") {
  await compare(orderArg);
} else {
  const runs = (["other-first", "this-first"] as const).map((order) => {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, import.meta.filename, otherArg, shape, eventsArg, roundsArg, order],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
    );
    return JSON.parse(out.trim().split("\n").pop() as string) as {
      order: string;
      perBatch: number;
      other: number;
      self: number;
    };
  });
  const ratios = runs.map((r) => r.self / r.other);
  const mean = Math.sqrt((ratios[0] as number) * (ratios[1] as number));
  for (const r of runs)
    console.log(
      `${shape} ${events} events, ${r.order}, CPU ms per decide (best of ${roundsArg} batches of ${r.perBatch}): ` +
        `other ${r.other.toFixed(4)}, this ${r.self.toFixed(4)}, this/other ${(r.self / r.other).toFixed(3)}`,
    );
  console.log(`${shape} ${events} events: this/other ${mean.toFixed(3)} (geometric mean of both load orders)`);
}
