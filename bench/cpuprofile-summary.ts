/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): self and total time per function, as a share of the
 * profiled time. `--under=NAME` keeps only samples taken inside a function called NAME (e.g. the timed call of
 * bench/profile.ts); `--top=N` rows (default 25).
 *
 *   node --conditions=yieldflow-source --import tsx bench/cpuprofile-summary.ts bench/.profiles/x.cpuprofile \
 *     --under=measuredAdvance
 *
 * Line numbers: tsx compiles each TypeScript file to a single line, so a profile of the sources only knows columns.
 * For files under `packages/…/src/` (libraries: importing them runs nothing) this script imports the file with the
 * same tsx and maps the function's position back through the source map tsx registers; run it with the same node
 * flags as the profiled process and before those sources change, or the lines are wrong. Other files keep line 1.
 */
import { readFileSync } from "node:fs";
import { findSourceMap, type SourceMap } from "node:module";
import { relative } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--"));
if (!file) throw new Error("usage: cpuprofile-summary.ts FILE.cpuprofile [--under=NAME] [--top=N]");
const under = args.find((a) => a.startsWith("--under="))?.slice("--under=".length);
const top = Number(args.find((a) => a.startsWith("--top="))?.slice("--top=".length) ?? 25);

const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** Source maps of the library files in the profile (see the header); undefined when a file could not be mapped. */
const maps = new Map<string, SourceMap | undefined>();
for (const url of new Set(profile.nodes.map((n) => n.callFrame.url))) {
  if (!/^file:\/\/.*\/packages\/[^/]+\/src\/.*\.ts$/.test(url)) continue;
  try {
    await import(url);
    maps.set(url, findSourceMap(url));
  } catch {
    maps.set(url, undefined);
  }
}

function label(n: ProfileNode): string {
  const { functionName, url, lineNumber, columnNumber } = n.callFrame;
  let line = lineNumber + 1;
  const entry = maps.get(url)?.findEntry(lineNumber, columnNumber);
  if (entry && "originalLine" in entry) line = entry.originalLine + 1;
  const where = url ? `${relative(process.cwd(), url.replace(/^file:\/\//, ""))}:${line}` : "";
  return `${functionName || "(anonymous)"}${where ? ` ${where}` : ""}`;
}

/** The labels on a node's stack, innermost first; undefined when `under` is set and not on the stack. */
function stackOf(id: number): string[] | undefined {
  const out: string[] = [];
  let found = under === undefined;
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur) as ProfileNode;
    if (n.callFrame.functionName === under) {
      found = true;
      break;
    }
    out.push(label(n));
  }
  return found ? out : undefined;
}

const self = new Map<string, number>();
const total = new Map<string, number>();
let sum = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const stack = stackOf(id);
  if (!stack || stack.length === 0) return;
  sum += dt;
  const leaf = stack[0] as string;
  self.set(leaf, (self.get(leaf) ?? 0) + dt);
  for (const l of new Set(stack)) total.set(l, (total.get(l) ?? 0) + dt);
});

const pct = (v: number) => `${((100 * v) / sum).toFixed(1).padStart(5)}%`;
console.log(`${file}${under ? ` (inside ${under})` : ""}: ${(sum / 1000).toFixed(1)} ms sampled`);
console.log("\nself time");
for (const [l, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v)}  ${l}`);
console.log("\ntotal time (self + callees)");
for (const [l, v] of [...total].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v)}  ${l}`);
