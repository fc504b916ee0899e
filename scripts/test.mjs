#!/usr/bin/env node
// The project's test command (`npm test`). Runs every tests/**/*.test.ts file in its own Node process
// (`node --conditions=yieldflow-source --import tsx <file>`; each file calls uvu's `test.run()` itself), a few
// files at a time, and adds up uvu's per-file summaries. The last line printed is always `N passed, N failed`
// (followed by `, N skipped` when tests were skipped); the exit code is non-zero on any failure.
//
// Files start slowest first by the durations of the previous run (node_modules/.cache/yieldflow-test-times.json;
// without it, in path order), so a long file does not start last and hold up the end of the run.
//
// A file fails when it exits non-zero, exceeds its timeout (its whole process group is killed: a "hang"),
// prints no uvu summary (it forgot `test.run()`), or its summary shows fewer passed than run.
//
// Usage: npm test [-- [options] [filter...]]
//   filter...            run only files whose path (relative to the repo) contains one of these substrings
//   --root <dir>         look for test files under <dir> instead of tests/ (folders starting with `_` and
//                        folders named `fixtures` below it are always skipped)
//   --verbose, -v        print every file's output, not only failing ones
// Env:
//   YIELDFLOW_TEST_TIMEOUT_MS    per-file timeout in ms (default 120000)
//   YIELDFLOW_TEST_CONCURRENCY   files run at once (default: available cores clamped to 2..4)
//   YIELDFLOW_TEST_VERBOSE=1     same as --verbose
//   everything else (e.g. YIELDFLOW_PROP_RUNS) is passed through to the test processes.
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const TEST_FILE = /\.test\.ts$/;

function parseArgs(argv) {
  const opts = { root: join(repoRoot, "tests"), verbose: process.env.YIELDFLOW_TEST_VERBOSE === "1", filters: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--verbose" || arg === "-v") opts.verbose = true;
    else if (arg === "--root") opts.root = resolve(argv[++i] ?? usage("--root needs a directory"));
    else if (arg.startsWith("--root=")) opts.root = resolve(arg.slice("--root=".length));
    else if (arg === "--help" || arg === "-h") usage();
    else if (arg.startsWith("-")) usage(`unknown option ${arg}`);
    else opts.filters.push(normalizeFilter(arg));
  }
  return opts;
}

// "core/replay", "./tests/core/replay.test.ts" and an absolute path all work as substrings of the repo-relative path.
function normalizeFilter(arg) {
  const posix = arg.split(sep).join("/");
  if (isAbsolute(arg)) return relative(repoRoot, arg).split(sep).join("/");
  return posix.replace(/^(\.\/)+/, "");
}

function usage(error) {
  const text = "usage: node scripts/test.mjs [--root <dir>] [--verbose] [filter...]";
  if (error) {
    console.error(`${error}\n${text}`);
    finish(0, 1, 0);
  }
  console.log(text);
  process.exit(0);
}

function intEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`${name}=${raw} is not a positive number`);
    finish(0, 1, 0);
  }
  return Math.floor(n);
}

const TIMES_FILE = join(repoRoot, "node_modules", ".cache", "yieldflow-test-times.json");

/** The previous runs' durations by file (ms); empty when there are none or they cannot be read. */
function readTimes() {
  try {
    const parsed = JSON.parse(readFileSync(TIMES_FILE, "utf8"));
    const times = new Map();
    if (parsed && typeof parsed === "object")
      for (const [file, ms] of Object.entries(parsed)) if (typeof ms === "number") times.set(file, ms);
    return times;
  } catch {
    return new Map();
  }
}

/** Remembers this run's durations (a hint for the next run's order: failing to write it changes nothing else). */
function writeTimes(times) {
  try {
    mkdirSync(dirname(TIMES_FILE), { recursive: true });
    writeFileSync(TIMES_FILE, `${JSON.stringify(Object.fromEntries(times), null, 1)}\n`);
  } catch {}
}

function findTestFiles(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    console.error(`cannot read ${dir}: ${err.message}`);
    return out;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith("_") || entry.name === "fixtures" || entry.name === "node_modules") continue;
      findTestFiles(full, out);
    } else if (entry.isFile() && TEST_FILE.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

// uvu prints "  Total:     3\n  Passed:    2\n  Skipped:   0\n  Duration:  ...". A file whose suites are run by
// more than one uvu flush (e.g. test.run() after a top-level await) prints several summaries: add them up.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
function parseSummary(stdout) {
  const text = stdout.replace(ANSI, "");
  const re = /^\s*Total:\s+(\d+)\s*\n\s*Passed:\s+(\d+)\s*\n\s*Skipped:\s+(\d+)/gm;
  let found = false;
  const sum = { total: 0, passed: 0, skipped: 0 };
  for (const m of text.matchAll(re)) {
    found = true;
    sum.total += Number(m[1]);
    sum.passed += Number(m[2]);
    sum.skipped += Number(m[3]);
  }
  return found ? sum : null;
}

const children = new Set();
const totals = { passed: 0, failed: 0, skipped: 0 };
function killGroup(child, signal = "SIGKILL") {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {}
  }
}

function runFile(file, timeoutMs) {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const rel = relative(repoRoot, file).split(sep).join("/");
    const env = {
      ...process.env,
      FORCE_COLOR: "0",
      NO_COLOR: "1",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      YIELDFLOW_TEST_FILE: rel,
    };
    const child = spawn(process.execPath, ["--conditions=yieldflow-source", "--import", "tsx", rel], {
      cwd: repoRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // own process group, so a timeout can kill the file and everything it started
    });
    children.add(child);
    let stdout = "";
    let output = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d) => {
      stdout += d;
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    let exit = null;
    child.on("error", (err) => {
      output += `\n[test runner] could not start: ${err.message}\n`;
      exit = { code: 1, signal: null };
    });
    // A grandchild left running could keep the pipes open: once the file's main process exits, kill its group.
    child.on("exit", (code, signal) => {
      exit ??= { code, signal };
      killGroup(child);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      exit ??= { code, signal };
      resolvePromise({
        file: rel,
        ms: performance.now() - started,
        code: exit.code,
        signal: exit.signal,
        timedOut,
        stdout,
        output,
      });
    });
  });
}

function judge(result, timeoutMs) {
  const summary = parseSummary(result.stdout);
  const counts = summary ?? { total: 0, passed: 0, skipped: 0 };
  const failedTests = Math.max(0, counts.total - counts.passed);
  const problems = [];
  if (result.timedOut) {
    problems.push(`hang: killed after the ${timeoutMs} ms timeout (YIELDFLOW_TEST_TIMEOUT_MS)`);
  } else if (result.code !== 0) {
    problems.push(result.signal ? `killed by ${result.signal}` : `exited with code ${result.code}`);
  }
  if (!summary && !result.timedOut) {
    problems.push(
      result.code === 0
        ? `${result.file}: no tests ran — did it forget test.run()?`
        : "it printed no uvu summary (it crashed before or while running its tests)",
    );
  }
  if (summary && failedTests > 0) problems.push(`${failedTests} of ${counts.total} tests failed`);
  const ok = problems.length === 0;
  // Each broken file counts as at least one failure, even when it printed no (failing) counts.
  const failed = ok ? 0 : Math.max(failedTests, 1);
  return { ok, passed: counts.passed, failed, skipped: counts.skipped, summary, problems };
}

function formatMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function finish(passed, failed, skipped) {
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(failed > 0 ? 1 : 0);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const timeoutMs = intEnv("YIELDFLOW_TEST_TIMEOUT_MS", 120_000);
  const concurrency = intEnv("YIELDFLOW_TEST_CONCURRENCY", Math.min(4, Math.max(2, availableParallelism())));

  let files = findTestFiles(opts.root);
  if (opts.filters.length) {
    files = files.filter((f) => {
      const rel = relative(repoRoot, f).split(sep).join("/");
      return opts.filters.some((filter) => rel.includes(filter));
    });
  }
  const where = relative(repoRoot, opts.root) || ".";
  if (files.length === 0) {
    const why = opts.filters.length ? ` matching ${opts.filters.map((f) => JSON.stringify(f)).join(" or ")}` : "";
    console.error(`no test files (*.test.ts) found under ${where}${why}`);
    finish(0, 1, 0);
  }
  console.log(
    `running ${files.length} test file${files.length === 1 ? "" : "s"} under ${where}, ${concurrency} at a time`,
  );

  const times = readTimes();
  const relOf = (f) => relative(repoRoot, f).split(sep).join("/");
  // slowest first; files without a previous time keep path order, ahead of the known ones
  const queue = [...files].sort((a, b) => (times.get(relOf(b)) ?? Infinity) - (times.get(relOf(a)) ?? Infinity));
  const started = performance.now();
  const broken = [];
  async function worker() {
    while (queue.length) {
      const file = queue.shift();
      const result = await runFile(file, timeoutMs);
      times.set(result.file, Math.round(result.ms));
      const verdict = judge(result, timeoutMs);
      totals.passed += verdict.passed;
      totals.failed += verdict.failed;
      totals.skipped += verdict.skipped;
      const counts = verdict.summary
        ? `${verdict.passed} passed${verdict.summary.total > verdict.passed ? `, ${verdict.summary.total - verdict.passed} failed` : ""}${verdict.skipped ? `, ${verdict.skipped} skipped` : ""}`
        : "no summary";
      if (!verdict.ok || opts.verbose) {
        const header = `----- ${result.file} output -----`;
        const body = result.output.replace(/\s+$/, "");
        console.log(`${header}\n${body || "(no output)"}\n${"-".repeat(header.length)}`);
      }
      if (verdict.ok) {
        console.log(`✓ ${result.file}  ${counts}  (${formatMs(result.ms)})`);
      } else {
        broken.push({ file: result.file, problems: verdict.problems });
        console.log(`✗ ${result.file}  ${counts}  (${formatMs(result.ms)})`);
        for (const p of verdict.problems) console.log(`    ${p}`);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  writeTimes(times);

  console.log("");
  if (broken.length) {
    console.log(`${broken.length} of ${files.length} test files failed:`);
    for (const b of broken) {
      const text = b.problems.map((p) => (p.startsWith(`${b.file}:`) ? p.slice(b.file.length + 2) : p)).join("; ");
      console.log(`  ✗ ${b.file}: ${text}`);
    }
  } else {
    console.log(files.length === 1 ? "the test file passed" : `all ${files.length} test files passed`);
  }
  console.log(`took ${formatMs(performance.now() - started)}`);
  finish(totals.passed, totals.failed, totals.skipped);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    for (const child of children) killGroup(child);
    console.log(`\ninterrupted by ${signal}`);
    finish(totals.passed, totals.failed + 1, totals.skipped);
  });
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  for (const child of children) killGroup(child);
  finish(0, 1, 0);
});
