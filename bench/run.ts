/**
 * The benchmark (`npm run bench`; see bench/README.md). Four suites:
 *
 * replay — for each shape (sequence, fan-out) and size (1,000 / 10,000 / 25,000 events) it times, in interleaved
 * rounds:
 * - baseline: `JSON.parse` of the serialized history plus one linear pass over the events (reading it);
 * - floor: a hand-written minimal replay of the parsed history (bench/floor.ts), the measuring stick of full replay;
 * - floor+parse: the same, including the `JSON.parse`;
 * - read-all: a pass reading every field of every parsed event, checking nothing (what validating every event must
 *   at least touch: its growth per event with the history's length is the memory's share);
 * - full-replay: `decide(workflow, events)` on the parsed history (what a stateless decider does per task);
 * - full-replay+parse: the same, including the `JSON.parse` (what a stateless decider pays end to end);
 * - incremental: `replayer.advance(lastTaskEvents)` on a `Replayer` already advanced to the second-to-last task;
 * and measures the heap a `Replayer` holding the whole history retains, and (largest size) the peak heap of one cold
 * full replay against the floor's, each in a fresh process (bench/peak-memory.ts).
 *
 * runner — local-runner throughput (bench/throughput.ts): N executions of a 10-activity workflow started at once in
 * one `LocalRunner` on the virtual clock, against the same activity functions awaited in a plain loop.
 *
 * devserver — decision tasks per second end to end over HTTP against the dev server, in memory and with SQLite,
 * against the same workflow in process (bench/dev-server.ts).
 *
 * payloads — the payload pipeline (bench/payloads.ts): inline, gzip and S3 round trips of 1 KB, 100 KB and 10 MB
 * values against JSON.stringify/JSON.parse of the same value.
 * decider — the SWF adapter's DeciderWorker against the dev server: decision tasks per second and history pages per
 * task over the tail of runs of ~100 and ~10,000 events, with a warm replayer cache vs a cold one (bench/decider.ts).
 *
 * Flags: --quick (few rounds, 1,000 and 10,000 events, 100 workflows), --json (one JSON line per case on stdout),
 * --suites=replay,runner, --sizes=1000,25000, --shapes=sequence,fanout, --workflows=200,1000,
 * --payload-sizes=1000,100000,10000000, --rounds=N (fixed number of measured rounds).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { arch, availableParallelism, cpus, loadavg, platform, tmpdir } from "node:os";
import { join } from "node:path";
import { type DecideResult, decide, Replayer } from "@yieldflow/core";
import { type DeciderRow, deciderTable, measureDecider } from "./decider.ts";
import { type DevServerRow, devServerTable, measureDevServer } from "./dev-server.ts";
import { floorReplay } from "./floor.ts";
import { type BenchHistory, FAN_OUT_WIDTH, history, SHAPES, type Shape } from "./histories.ts";
import { measurePayloads, type PayloadRow, payloadTable } from "./payloads.ts";
import { type PeakKind, peakMemory } from "./peak-memory.ts";
import { fmt, median, type Plan, percentile, round3, textTable } from "./stats.ts";
import { measureThroughput, type ThroughputRow, throughputTable } from "./throughput.ts";

// ─── options ──────────────────────────────────────────────────────────────────────────────────────────────────

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const known = [
  "quick",
  "json",
  "suites",
  "sizes",
  "shapes",
  "workflows",
  "activities",
  "payload-sizes",
  "rounds",
  "decider-events",
  "help",
];
const usage =
  "npm run bench -- [--quick] [--json] [--suites=replay,runner] [--sizes=1000,10000,25000]" +
  " [--shapes=sequence,fanout] [--workflows=200,1000] [--activities=1000] [--payload-sizes=1000,100000,10000000]" +
  " [--rounds=N]";
for (const a of argv) {
  const name = a.replace(/^--/, "").replace(/=.*/, "");
  if (!a.startsWith("--") || !known.includes(name)) {
    console.error(`unknown argument ${a}; usage: ${usage}`);
    process.exit(2);
  }
}
if (flag("help")) {
  console.log(usage);
  process.exit(0);
}
const quick = flag("quick");
const json = flag("json");
const SUITES = ["replay", "runner", "devserver", "payloads", "decider"] as const;
type Suite = (typeof SUITES)[number];
const suites = (value("suites")?.split(",") ?? SUITES) as Suite[];
for (const s of suites) if (!SUITES.includes(s)) throw new Error(`unknown suite ${s}; suites: ${SUITES.join(", ")}`);
const devActivities = Number(value("activities") ?? (quick ? "200" : "1000"));
if (!Number.isInteger(devActivities) || devActivities < 1) throw new Error(`bad --activities=${value("activities")}`);
const workflowCounts = (value("workflows") ?? (quick ? "100" : "200,1000")).split(",").map(Number);
for (const n of workflowCounts) if (!Number.isInteger(n) || n < 1) throw new Error(`bad workflow count ${n}`);
const payloadSizes = (value("payload-sizes") ?? "1000,100000,10000000").split(",").map(Number);
for (const n of payloadSizes) if (!Number.isInteger(n) || n < 100) throw new Error(`bad payload size ${n}`);
const sizes = (value("sizes") ?? (quick ? "1000,10000" : "1000,10000,25000")).split(",").map(Number);
const shapes = (value("shapes")?.split(",") ?? SHAPES) as Shape[];
for (const s of shapes) if (!SHAPES.includes(s)) throw new Error(`unknown shape ${s}; shapes: ${SHAPES.join(", ")}`);
for (const n of sizes) if (!Number.isInteger(n) || n < 100) throw new Error(`bad size ${n}`);
const fixedRounds = value("rounds") === undefined ? undefined : Number(value("rounds"));
if (fixedRounds !== undefined && !(Number.isInteger(fixedRounds) && fixedRounds > 0))
  throw new Error(`bad --rounds=${value("rounds")}: a positive integer`);

/**
 * Rounds per history (and per workflow count): warm-up (not recorded), then at least `min`, until `budgetMs` is spent
 * or `max` is reached.
 */
const plan: Plan = quick
  ? { warmup: 1, min: fixedRounds ?? 5, max: fixedRounds ?? 5, budgetMs: 0 }
  : { warmup: 3, min: fixedRounds ?? 15, max: fixedRounds ?? 41, budgetMs: fixedRounds ? 0 : 9000 };

const gc = (globalThis as { gc?: () => void }).gc;
const opts = { workflowId: "bench", runId: "bench-run" };
const log = (line: string) => process.stderr.write(`${line}\n`);

// ─── cases ────────────────────────────────────────────────────────────────────────────────────────────────────

type CaseName =
  | "baseline"
  | "floor"
  | "floor+parse"
  | "read-all"
  | "full-replay"
  | "full-replay-unguarded"
  | "full-replay+parse"
  | "incremental";
const CASES: readonly CaseName[] = [
  "baseline",
  "floor",
  "floor+parse",
  "read-all",
  "full-replay",
  "full-replay-unguarded",
  "full-replay+parse",
  "incremental",
];
/** `full-replay` without the determinism guard: what the guard costs is full-replay / this, in the same run. */
const unguarded = { ...opts, determinismGuard: false };

/** Keeps results alive so no work is optimized away. */
const keep = { sink: 0 };

/** The baseline: parse the history JSON and make one pass over it (count event types, sum event ids). */
function baseline(text: string): number {
  const events = JSON.parse(text) as { eventId: number; eventType: string }[];
  const counts: Record<string, number> = {};
  let ids = 0;
  for (const e of events) {
    counts[e.eventType] = (counts[e.eventType] ?? 0) + 1;
    ids += e.eventId;
  }
  return ids + Object.keys(counts).length;
}

/**
 * Reads every field of every parsed event, nested objects included (`activityType`, `taskList`, …), and checks
 * nothing: the least that validating every event touches. How its time per event grows with the history's length
 * is the memory's part of a replay's growth, which no replay that validates every event avoids.
 */
function readAll(events: readonly unknown[]): number {
  let n = 0;
  const visit = (o: Record<string, unknown>, depth: number): void => {
    for (const k in o) {
      const v = o[k];
      if (typeof v === "string") n += v.length;
      else if (typeof v === "number") n += 1;
      else if (v !== null && typeof v === "object" && depth < 3) visit(v as Record<string, unknown>, depth + 1);
    }
  };
  for (const e of events) visit(e as Record<string, unknown>, 0);
  return n;
}

function check(h: BenchHistory, r: DecideResult, what: string): void {
  const d = r.decisions;
  if (d.length !== 1 || d[0]?.decisionType !== "CompleteWorkflowExecution" || r.status.status !== "completed")
    throw new Error(`${what} of ${h.shape}/${h.target} did not complete the workflow: ${JSON.stringify(d)}`);
}

function checkFloor(h: BenchHistory, d: ReturnType<typeof floorReplay>): void {
  const done = d[0];
  if (d.length !== 1 || done?.decisionType !== "CompleteWorkflowExecution" || done.result !== `{"ok":${h.input.n}}`)
    throw new Error(`the floor of ${h.shape}/${h.target} did not complete the workflow: ${JSON.stringify(d)}`);
}

/** A replayer that has decided every task but the last (not timed). */
function replayerBeforeLastTask(h: BenchHistory): { replayer: Replayer; last: unknown[] } {
  const replayer = new Replayer(h.workflow, opts);
  replayer.advance(h.events.slice(0, h.prevLength));
  return { replayer, last: h.events.slice(h.prevLength) };
}

/** Runs one sample of a case and returns its time in ms. Set-up (building the replayer) is not timed. */
function sample(h: BenchHistory, c: CaseName): number {
  let prepared: { replayer: Replayer; last: unknown[] } | undefined;
  if (c === "incremental") prepared = replayerBeforeLastTask(h);
  let t: number;
  switch (c) {
    case "baseline": {
      t = performance.now();
      keep.sink += baseline(h.json);
      return performance.now() - t;
    }
    case "floor": {
      t = performance.now();
      const d = floorReplay(h.shape, h.events);
      t = performance.now() - t;
      checkFloor(h, d);
      return t;
    }
    case "floor+parse": {
      t = performance.now();
      const d = floorReplay(h.shape, JSON.parse(h.json) as unknown[]);
      t = performance.now() - t;
      checkFloor(h, d);
      return t;
    }
    case "read-all": {
      t = performance.now();
      keep.sink += readAll(h.events);
      return performance.now() - t;
    }
    case "full-replay": {
      t = performance.now();
      const r = decide(h.workflow, h.events, opts);
      t = performance.now() - t;
      check(h, r, c);
      return t;
    }
    case "full-replay-unguarded": {
      t = performance.now();
      const r = decide(h.workflow, h.events, unguarded);
      t = performance.now() - t;
      check(h, r, c);
      return t;
    }
    case "full-replay+parse": {
      t = performance.now();
      const r = decide(h.workflow, JSON.parse(h.json) as unknown[], opts);
      t = performance.now() - t;
      check(h, r, c);
      return t;
    }
    case "incremental": {
      const { replayer, last } = prepared as { replayer: Replayer; last: unknown[] };
      t = performance.now();
      const r = replayer.advance(last);
      t = performance.now() - t;
      check(h, r, c);
      return t;
    }
  }
}

/** Folds and replays the whole history, parsed afresh (the parsed events are garbage once this returns). */
function buildReplayer(h: BenchHistory): Replayer {
  const replayer = new Replayer(h.workflow, opts);
  check(h, replayer.advance(JSON.parse(h.json) as unknown[]), "replayer");
  return replayer;
}

/** Replayers held at once per measurement, so that at least ~50,000 events are folded and JIT noise averages out. */
const HEAP_EVENTS = 50_000;

/**
 * One measurement of the heap per replayer: builds `k` replayers and divides. In its own frame so that no earlier
 * replayer is still referenced from the stack.
 */
function heapOnce(h: BenchHistory, k: number, gc: () => void): number {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const held: Replayer[] = [];
  for (let i = 0; i < k; i++) held.push(buildReplayer(h));
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  for (const r of held) keep.sink += r.history.lastEventId;
  return (after - before) / k;
}

/**
 * The heap one Replayer retains after folding and replaying the whole history (median of 3 measurements). The
 * events are parsed afresh and dropped, as a driver would, so strings the state keeps from them are counted.
 */
function replayerHeap(h: BenchHistory): number | undefined {
  if (!gc) return undefined;
  const k = Math.max(1, Math.ceil(HEAP_EVENTS / h.events.length));
  keep.sink += buildReplayer(h).history.lastEventId; // warm-up: compile and allocate whatever is allocated once
  const out: number[] = [];
  for (let i = 0; i < 3; i++) out.push(heapOnce(h, k, gc));
  return Math.round(median(out));
}

// ─── run ─────────────────────────────────────────────────────────────────────────────────────────────────────

interface Row {
  name: string;
  suite: "replay";
  case: CaseName;
  shape: Shape;
  targetEvents: number;
  events: number;
  decisionTasks: number;
  /** Events given to the timed call (the whole history, or the last task's for `incremental`). */
  eventsReplayed: number;
  samples: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  ratioToBaseline: number;
  /** On `full-replay` rows: the median divided by the floor's median on the same history in the same run. */
  ratioToFloor?: number;
  /**
   * Largest size, `floor` and `full-replay` rows: peak heap growth of one cold parse + call in a fresh process
   * (median; bench/peak-memory.ts), and of the call alone on an already parsed history (`replayPeakBytes`).
   */
  peakBytes?: number;
  replayPeakBytes?: number;
  heapBytes?: number;
  bytesPerEvent?: number;
  /** The 1-minute load average when this history was measured (this process counts for about 1). */
  loadAvg: number;
  /** On `full-replay` rows: its median / the `full-replay-unguarded` median (the determinism guard's cost). */
  guardRatio?: number;
  /** The issue's targets judged on this row (largest size only). */
  targets?: Verdict[];
}

function measure(h: BenchHistory): Row[] {
  const times = new Map<CaseName, number[]>(CASES.map((c) => [c, []]));
  for (let i = 0; i < plan.warmup; i++) for (const c of CASES) sample(h, c);
  const start = performance.now();
  for (let round = 0; round < plan.max; round++) {
    if (round >= plan.min && performance.now() - start >= plan.budgetMs) break;
    for (const c of CASES) times.get(c)?.push(sample(h, c));
  }
  const base = median(times.get("baseline") as number[]);
  const floor = median(times.get("floor") as number[]);
  const load = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const heap = replayerHeap(h);
  return CASES.map((c) => {
    const xs = times.get(c) as number[];
    const row: Row = {
      name: `${c}/${h.shape}/${h.target}`,
      suite: "replay",
      case: c,
      shape: h.shape,
      targetEvents: h.target,
      events: h.events.length,
      decisionTasks: h.decisionTasks,
      eventsReplayed: c === "incremental" ? h.events.length - h.prevLength : h.events.length,
      samples: xs.length,
      medianMs: round3(median(xs)),
      p90Ms: round3(percentile(xs, 90)),
      minMs: round3(Math.min(...xs)),
      ratioToBaseline: round3(median(xs) / base),
      loadAvg: load,
    };
    if (c === "full-replay") {
      row.ratioToFloor = round3(median(xs) / floor);
      row.guardRatio = round3(median(xs) / median(times.get("full-replay-unguarded") as number[]));
    }
    if (c === "incremental" && heap !== undefined) {
      row.heapBytes = heap;
      row.bytesPerEvent = Math.round(heap / h.events.length);
    }
    return row;
  });
}

// ─── targets ─────────────────────────────────────────────────────────────────────────────────────────────────

interface Verdict {
  target: string;
  shape: Shape;
  measured: string;
  met: boolean;
}

/** Judges the targets and attaches each verdict to the row it is judged on. */
function verdicts(rows: readonly Row[]): Verdict[] {
  const out: Verdict[] = [];
  const attach = (row: Row, v: Verdict) => {
    out.push(v);
    row.targets ??= [];
    row.targets.push(v);
  };
  const largest = Math.max(...sizes);
  const smallest = Math.min(...sizes);
  const note = largest === 25000 ? "" : ` (at ${largest} events, not 25,000)`;
  const us = (r: Row) => `${((1000 * r.medianMs) / r.events).toFixed(3)} µs/event`;
  for (const shape of shapes) {
    const at = (c: CaseName, size = largest) =>
      rows.find((r) => r.shape === shape && r.case === c && r.targetEvents === size);
    for (const size of [...sizes].sort((a, b) => a - b)) {
      const full = at("full-replay", size);
      if (full?.ratioToFloor === undefined) continue;
      attach(full, {
        target: `full replay of ${size} events ≤ 3× the floor`,
        shape,
        measured: `${full.ratioToFloor.toFixed(2)}× (${fmt(full.medianMs)} ms vs ${fmt(full.medianMs / full.ratioToFloor)} ms)`,
        met: full.ratioToFloor <= 3,
      });
    }
    const parsed = at("full-replay+parse");
    const floorParsed = at("floor+parse");
    if (parsed)
      attach(parsed, {
        target: `full replay of 25,000 events, parse included, ≤ 1.3× baseline${note}`,
        shape,
        measured:
          `${parsed.ratioToBaseline.toFixed(2)}× (${fmt(parsed.medianMs)} ms vs ${fmt(parsed.medianMs / parsed.ratioToBaseline)} ms` +
          `${floorParsed ? `; the floor with the parse: ${floorParsed.ratioToBaseline.toFixed(2)}×` : ""})`,
        met: parsed.ratioToBaseline <= 1.3,
      });
    const [big, small] = [at("full-replay"), at("full-replay", smallest)];
    if (big && small && big !== small) {
      const growth = big.medianMs / big.events / (small.medianMs / small.events);
      const [fBig, fSmall] = [at("floor") as Row, at("floor", smallest) as Row];
      const [rBig, rSmall] = [at("read-all") as Row, at("read-all", smallest) as Row];
      const growthOf = (b: Row, s: Row) => (b.medianMs / b.events / (s.medianMs / s.events)).toFixed(2);
      attach(big, {
        target: `full replay linear: time per event at 25,000 events ≤ 1.2× that at 1,000${largest === 25000 && smallest === 1000 ? "" : ` (at ${largest} vs ${smallest})`}`,
        shape,
        measured:
          `${growth.toFixed(2)}× (${us(small)} at ${small.events} events, ${us(big)} at ${big.events}; the floor itself: ` +
          `${growthOf(fBig, fSmall)}×, ${us(fSmall)} → ${us(fBig)}; reading every field: ${growthOf(rBig, rSmall)}×)`,
        met: growth <= 1.2,
      });
    }
    const full = at("full-replay");
    const floor = at("floor");
    if (full?.peakBytes !== undefined && floor?.peakBytes !== undefined)
      attach(full, {
        target: `peak memory of a cold full replay of 25,000 events (parse included) ≤ 2× the floor's${note}`,
        shape,
        measured:
          `${(full.peakBytes / floor.peakBytes).toFixed(2)}× (${mib(full.peakBytes)} MiB vs ${mib(floor.peakBytes)} MiB;` +
          ` without the parse ${mib(full.replayPeakBytes ?? 0)} MiB vs ${mib(floor.replayPeakBytes ?? 0)} MiB)`,
        met: full.peakBytes <= 2 * floor.peakBytes,
      });
    const inc = at("incremental");
    if (inc)
      attach(inc, {
        target: `incremental decision on 25,000 events < 1 ms${note}`,
        shape,
        measured: `median ${fmt(inc.medianMs)} ms, p90 ${fmt(inc.p90Ms)} ms`,
        met: inc.medianMs < 1,
      });
    const mem = rows
      .filter((r) => r.shape === shape && r.case === "incremental" && r.heapBytes !== undefined)
      .sort((a, b) => a.events - b.events);
    if (mem.length >= 2) {
      // Linear: the heap grows by a constant amount per event. Compare the growth per event of each step between
      // sizes with the first step's, and the bytes/event of the largest size with the smallest's.
      const slopes = mem
        .slice(1)
        .map((r, i) => ((r.heapBytes as number) - (mem[i]?.heapBytes as number)) / (r.events - (mem[i] as Row).events));
      const first = slopes[0] as number;
      const spread = Math.max(...slopes.map((s) => Math.abs(s / first - 1)));
      const perEvent = mem.map((r) => `${r.events}: ${r.bytesPerEvent} B/event`).join(", ");
      attach(mem[mem.length - 1] as Row, {
        target: "memory linear in history length",
        shape,
        measured: `${perEvent}; growth ${slopes.map((s) => `${Math.round(s)}`).join(" → ")} B/event between sizes`,
        met: spread <= 0.25,
      });
    }
  }
  return out;
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

// ─── output ──────────────────────────────────────────────────────────────────────────────────────────────────

function table(rows: readonly Row[]): string {
  const head = [
    "shape",
    "target",
    "events",
    "tasks",
    "case",
    "n",
    "median ms",
    "p90 ms",
    "× baseline",
    "× floor",
    "peak MiB",
    "heap KiB",
    "B/event",
  ];
  const body = rows.map((r) => [
    r.shape,
    String(r.targetEvents),
    String(r.events),
    String(r.decisionTasks),
    r.case === "incremental" ? `incremental (${r.eventsReplayed} ev)` : r.case,
    String(r.samples),
    fmt(r.medianMs),
    fmt(r.p90Ms),
    r.ratioToBaseline.toFixed(2),
    r.ratioToFloor === undefined ? "" : r.ratioToFloor.toFixed(2),
    r.peakBytes === undefined ? "" : mib(r.peakBytes),
    r.heapBytes === undefined ? "" : (r.heapBytes / 1024).toFixed(0),
    r.bytesPerEvent === undefined ? "" : String(r.bytesPerEvent),
  ]);
  return textTable(
    head,
    body,
    new Set([0, 4]),
    rows.map((r) => `${r.shape}/${r.targetEvents}`),
  );
}

/** Above this 1-minute load average other processes are competing with the benchmark. */
const BUSY_LOAD = availableParallelism() * 0.75;

function replaySuite(): Row[] {
  log(`generating histories (${shapes.join(", ")} × ${sizes.join(", ")} events; not timed)…`);
  const t = performance.now();
  const hs = shapes.flatMap((s) => sizes.map((n) => history(s, n)));
  log(`  done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  // warm the whole path on the smallest history first, so the first measured history is not the JIT's
  const smallest = hs.reduce((a, b) => (b.events.length < a.events.length ? b : a));
  for (let i = 0; i < 5; i++) for (const c of CASES) sample(smallest, c);

  const rows: Row[] = [];
  for (const h of hs) {
    const m = measure(h);
    rows.push(...m);
    log(
      `  ${h.shape} ${h.events.length} events: ${m.map((r) => `${r.case} ${fmt(r.medianMs)} ms`).join(", ")} (${m[0]?.samples} rounds)`,
    );
  }
  if (gc) {
    const largest = Math.max(...sizes);
    log(`peak memory of a cold full replay of ${largest} events, each in a fresh process…`);
    for (const h of hs.filter((x) => x.target === largest)) peaks(h, rows);
  }
  return rows;
}

/** Cold runs per kind for the peak-memory median. */
const PEAK_RUNS = 3;

/** Measures the peak heap of a cold `decide` and a cold floor on `h` (interleaved, median) and puts it on their rows. */
function peaks(h: BenchHistory, rows: Row[]): void {
  const dir = mkdtempSync(join(tmpdir(), "yieldflow-bench-"));
  try {
    const file = join(dir, "history.json");
    writeFileSync(file, h.json);
    const row = (c: CaseName) => rows.find((r) => r.shape === h.shape && r.targetEvents === h.target && r.case === c);
    const got = new Map<string, number[]>();
    for (let i = 0; i < PEAK_RUNS; i++)
      for (const kind of ["replay", "floor"] as PeakKind[])
        for (const from of ["parse", "replay"] as const) {
          const key = `${kind}/${from}`;
          got.set(key, [...(got.get(key) ?? []), peakMemory(h.shape, file, kind, from).peakBytes]);
        }
    const peak = (key: string) => Math.round(median(got.get(key) as number[]));
    for (const [c, kind] of [
      ["full-replay", "replay"],
      ["floor", "floor"],
    ] as const) {
      (row(c) as Row).peakBytes = peak(`${kind}/parse`);
      (row(c) as Row).replayPeakBytes = peak(`${kind}/replay`);
    }
    log(
      `  ${h.shape} ${h.events.length} events: parse + full replay ${mib(peak("replay/parse"))} MiB, parse + floor ${mib(peak("floor/parse"))} MiB` +
        ` (without the parse: ${mib(peak("replay/replay"))} MiB, ${mib(peak("floor/replay"))} MiB)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runnerSuite(): Promise<ThroughputRow[]> {
  log(`local-runner throughput: ${workflowCounts.join(", ")} executions of a 10-activity workflow at once…`);
  // warm the runner's code paths on a small batch first (the first measured count has its own warm-up rounds too)
  await measureThroughput(20, { warmup: 0, min: 3, max: 3, budgetMs: 0 }, gc);
  const rows: ThroughputRow[] = [];
  for (const n of workflowCounts) {
    const m = await measureThroughput(n, plan, gc);
    rows.push(...m);
    const r = m.find((x) => x.case === "runner") as ThroughputRow;
    log(
      `  ${n} workflows: runner ${fmt(r.medianMs)} ms (${r.workflowsPerSecond} workflows/s), plain loop ${fmt(r.medianMs / r.ratioToBaseline)} ms, ${r.ratioToBaseline.toFixed(0)}× (${r.samples} rounds)`,
    );
  }
  return rows;
}

async function devServerSuite(): Promise<DevServerRow[]> {
  const rounds = fixedRounds ?? (quick ? 1 : 3);
  log(
    `dev server: a workflow of ${devActivities} activities one after another, over HTTP vs in process (${rounds} rounds)…`,
  );
  const rows = await measureDevServer(devActivities, rounds, log);
  log(`  ${rows.map((r) => `${r.case} ${r.decisionTasksPerSecond} decision tasks/s`).join(", ")}`);
  return rows;
}

const deciderSizes = (value("decider-events") ?? (quick ? "100,1000" : "100,10000")).split(",").map(Number);
for (const n of deciderSizes) if (!Number.isInteger(n) || n < 20) throw new Error(`bad --decider-events=${n}`);

async function deciderSuite(): Promise<DeciderRow[]> {
  log(
    `decider: DeciderWorker against the dev server, runs of ~${deciderSizes.join(" and ~")} events, warm vs cold cache…`,
  );
  return measureDecider(deciderSizes, log);
}

async function main(): Promise<void> {
  const began = performance.now();
  const cpu = cpus()[0]?.model ?? "?";
  log(
    `yieldflow bench (${suites.join(", ")}): node ${process.version}, ${platform()} ${arch()}, ${availableParallelism()} CPUs (${cpu})` +
      `${gc ? "" : "; no --expose-gc: memory is not measured and no GC is forced between samples"}`,
  );
  const rows = suites.includes("replay") ? replaySuite() : [];
  const runnerRows = suites.includes("runner") ? await runnerSuite() : [];
  const devRows = suites.includes("devserver") ? await devServerSuite() : [];
  let payloadRows: PayloadRow[] = [];
  if (suites.includes("payloads")) {
    log(`payload pipeline: round trips of ${payloadSizes.join(", ")}-byte values (json, inline, gzip, s3)…`);
    payloadRows = await measurePayloads(payloadSizes, plan, gc, log);
  }
  const deciderRows = suites.includes("decider") ? await deciderSuite() : [];
  const vs = verdicts(rows);
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  if (json) {
    for (const r of [...rows, ...runnerRows, ...devRows, ...payloadRows, ...deciderRows])
      console.log(JSON.stringify(r));
    log(`done in ${seconds} s`);
    return;
  }
  if (rows.length > 0) {
    console.log(
      `\nyieldflow replay benchmark — node ${process.version}, ${availableParallelism()} CPUs; median and p90 of the` +
        ` measured rounds; fan-out batches of ${FAN_OUT_WIDTH}\n`,
    );
    console.log(table(rows));
    console.log("\ndeterminism guard (full-replay / full-replay-unguarded, same rounds)");
    for (const r of rows.filter((x) => x.guardRatio !== undefined))
      console.log(`  ${r.shape.padEnd(8)} ${String(r.targetEvents).padStart(6)} events: × ${r.guardRatio?.toFixed(3)}`);
    console.log("\ntargets");
    for (const v of vs)
      console.log(`  ${v.met ? "MET   " : "MISSED"}  ${v.shape.padEnd(8)}  ${v.target}: ${v.measured}`);
  }
  if (runnerRows.length > 0) {
    console.log(
      "\nlocal-runner throughput — N executions of benchTenSteps (4 sequential activities, all() of 3, 3 sequential)" +
        " started at once, virtual clock, default options (maxConcurrentActivities 10); plain loop = the same" +
        " activity functions awaited one by one, N × 10 calls\n",
    );
    console.log(throughputTable(runnerRows));
  }
  if (devRows.length > 0) {
    console.log(
      `\ndev server — one workflow of ${devActivities} sequential activities end to end: in process (LocalRunner) vs over HTTP` +
        " (@aws-sdk/client-swf decider with an incremental Replayer + activity worker) against yieldflow dev-server in" +
        " memory and with an SQLite --data file; × runner speed = runner time / case time\n",
    );
    console.log(devServerTable(devRows));
  }
  if (payloadRows.length > 0) {
    console.log(
      "\npayload pipeline — one value encoded for a field and decoded back; × json = median / the median of" +
        " JSON.parse(JSON.stringify(value)) for the same value in the same rounds; s3 = out of band to an in-process" +
        " S3-compatible server (upload, then a cold fetch, SHA-256 check and decode)\n",
    );
    console.log(payloadTable(payloadRows));
  }
  if (deciderRows.length > 0) {
    console.log(
      "\nSWF adapter decider — DeciderWorker + ActivityWorker against yieldflow dev-server (in memory) over HTTP, one" +
        " workflow of sequential activities; measured over the last decision tasks of the run; ms/decision = receiving a" +
        " task to SWF accepting its answer (paging, replay, respond); pages/task counts the page that comes with the" +
        " task; × cold = warm decisions/s / cold decisions/s (cacheSize 0: every task pages and replays the whole" +
        " history); end-to-end includes the activity round trips\n",
    );
    console.log(deciderTable(deciderRows));
  }
  const busiest = Math.max(...[...rows, ...runnerRows, ...payloadRows].map((r) => r.loadAvg));
  if (busiest > BUSY_LOAD)
    console.log(
      `\nwarning: the 1-minute load average reached ${busiest.toFixed(1)} on ${availableParallelism()} CPUs while measuring;` +
        " other processes competed for the CPU, so medians (and p90s even more) are inflated. Re-run on an idle machine.",
    );
  console.log(`\n(${seconds} s)`);
}

await main();
