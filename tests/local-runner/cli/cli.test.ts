import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "@yieldflow/local-runner/cli";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type ProcessRun, yieldflow } from "../../fixtures/processes.ts";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "fixtures");
const tmp = mkdtempSync(join(tmpdir(), "yieldflow-cli-"));

type Run = ProcessRun;

/** Runs the real CLI in the fixtures folder. */
function cli(...args: string[]): Promise<Run> {
  return yieldflow(args, { cwd: fixtures, env: { NO_COLOR: "1" } });
}

/** Runs the CLI's `main` in this process (cheaper than a process; used for the cases beyond the main paths). */
async function inProcess(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: fixtures });
  return { code, stdout: out.map((l) => `${l}\n`).join(""), stderr: err.map((l) => `${l}\n`).join("") };
}

/** A usage error: exit 2 and exactly one line on stderr, no stack trace. */
function assertUsageError(r: Run, mentions: string): void {
  assert.is(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split("\n");
  assert.is(lines.length, 1, r.stderr);
  assert.not.match(r.stderr, /\n\s+at /);
  assert.ok(r.stderr.includes(mentions), r.stderr);
}

/** Runs `fn` with a module that does not parse, written next to the fixtures (so it is inside the ESM package). */
async function withBrokenModule(fn: (name: string) => Promise<Run>): Promise<Run> {
  const name = `syntax-error-${process.pid}.ts`;
  writeFileSync(join(fixtures, name), "// deliberately broken\nexport const x = ;\n");
  try {
    return await fn(name);
  } finally {
    rmSync(join(fixtures, name), { force: true });
  }
}

const historyFile = join(tmp, "greet.history.json");
// The CLI runs are independent processes: start them all at once to keep the suite fast.
const runs = {
  greet: cli("run", "greet.ts", "--workflow", "greet", "--input", '{"name":"Ada"}', "--history", historyFile),
  doomed: cli("run", "greet.ts", "-w", "doomed"),
  waiting: cli("run", "greet.ts", "-w", "waiting"),
  plain: cli("run", "plain.mjs"),
  missing: cli("run", "nope.ts"),
  badJson: cli("run", "greet.ts", "-w", "greet", "--input", "{name:"),
  help: cli("--help"),
  syntax: withBrokenModule((name) => cli("run", name)),
  badId: cli("run", "greet.ts", "-w", "greet", "--workflow-id", "a:b"),
  stuckChild: cli("run", "stuck-child.ts", "-w", "parentOfBuggy"),
};
const htmlFile = join(tmp, "timeline.html");
// these need the history written by the first run
const fromHistory = runs.greet.then(() =>
  Promise.all([
    cli("replay", "greet.ts", historyFile),
    cli("replay", "greet-changed.ts", historyFile),
    cli("history", historyFile, "--html", htmlFile),
  ]),
);

test("run: completes, prints progress with virtual offsets and the result as JSON", async () => {
  const r = await runs.greet;
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { text: "Hello, Ada!", attempts: 3 });
  const lines = r.stderr.split("\n");
  const find = (re: RegExp) => lines.find((l) => re.test(l));
  assert.match(find(/workflow greet@1 started/) ?? "", /^\s*\+00:00:00\s/);
  assert.ok(find(/activity makeGreeting \(activity-1\) started/));
  assert.ok(find(/activity makeGreeting \(activity-1\) completed/));
  assert.ok(find(/timer timer-2 started/));
  assert.match(find(/timer timer-2 fired/) ?? "", /^\s*\+1d 00:00:00\s/);
  assert.is(lines.filter((l) => /activity flaky .* failed/.test(l)).length, 2);
  assert.match(find(/activity flaky .* started \(retry, attempt 3\)/) ?? "", /^\s*\+1d 00:01:30\s/);
});

test("run --history writes GetWorkflowExecutionHistory JSON, which replay accepts", async () => {
  const r = await runs.greet;
  assert.is(r.code, 0);
  const history = JSON.parse(readFileSync(historyFile, "utf8")) as { events: { eventType: string }[] };
  assert.equal(Object.keys(history), ["events"]);
  assert.is(history.events[0]?.eventType, "WorkflowExecutionStarted");
  assert.is(history.events.at(-1)?.eventType, "WorkflowExecutionCompleted");
  const [replay] = await fromHistory;
  assert.is(replay.code, 0, replay.stderr);
  const m = /^replay ok: (\d+) events, (\d+) decision tasks/.exec(replay.stdout);
  assert.ok(m, replay.stdout);
  assert.is(Number(m?.[1]), history.events.length);
  assert.is(Number(m?.[2]), history.events.filter((e) => e.eventType === "DecisionTaskCompleted").length);
});

test("replay: a bare array with ISO-8601 timestamps replays too", async () => {
  await runs.greet;
  const { events } = JSON.parse(readFileSync(historyFile, "utf8")) as { events: { eventTimestamp: number }[] };
  const iso = events.map((e) => ({ ...e, eventTimestamp: new Date(e.eventTimestamp * 1000).toISOString() }));
  const file = join(tmp, "bare.json");
  writeFileSync(file, JSON.stringify(iso));
  const r = await inProcess("replay", "greet.ts", file);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^replay ok: ${events.length} events`));
});

test("replay: changed code reports the exact non-determinism and exits 1", async () => {
  const [, r] = await fromHistory;
  assert.is(r.code, 1);
  assert.match(r.stderr, /Non-deterministic replay of workflow greet/);
  assert.match(r.stderr, /at event 5/);
  assert.match(r.stderr, /makeGreeting/);
  assert.match(r.stderr, /flaky/);
});

test("replay: usage and input errors exit 2", async () => {
  await runs.greet;
  const garbage = join(tmp, "garbage.json");
  writeFileSync(garbage, "{ not json");
  const notHistory = join(tmp, "object.json");
  writeFileSync(notHistory, '{"foo":1}');
  const bad = await inProcess("replay", "greet.ts", garbage);
  const shape = await inProcess("replay", "greet.ts", notHistory);
  const missing = await inProcess("replay", "greet.ts", join(tmp, "none.json"));
  const wrongModule = await inProcess("replay", "plain.mjs", historyFile);
  const args = await inProcess("replay", "greet.ts");
  assertUsageError(bad, "not valid JSON");
  assertUsageError(shape, "not a history");
  assertUsageError(missing, "cannot read history file");
  assertUsageError(wrongModule, "greet@1");
  assertUsageError(args, "needs a module and a history file");
});

test("run: a failing workflow exits 1 with its failure", async () => {
  const r = await runs.doomed;
  assert.is(r.code, 1);
  assert.is(r.stdout, "");
  assert.match(r.stderr, /workflow failed: Doomed: this workflow always fails/);
});

test("run: a bug in workflow code (a TypeError) exits 1, names the error and where it was thrown", async () => {
  const r = await inProcess("run", "greet.ts", "-w", "buggy", "-i", "{}");
  assert.is(r.code, 1);
  assert.match(r.stderr, /decision task failed \(attempt 1 of 1, giving up\)/);
  assert.match(r.stderr, /YF_WORKFLOW_TASK/);
  assert.match(r.stderr, /TypeError/);
  assert.match(r.stderr, /thrown at .*greet\.ts:\d+/);
});

test("run: a workflow blocked on a signal nobody sends exits 1 and says so", async () => {
  const r = await runs.waiting;
  assert.is(r.code, 1);
  assert.match(r.stderr, /blocked/);
});

test("run --signal sends signals at their time on the virtual clock", async () => {
  const r = await inProcess("run", "greet.ts", "-w", "waiting", "--signal", 'go="now"@1h', "-s", "go=1");
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout), 1, "the signal without a delay goes first");
  const late = await inProcess("run", "greet.ts", "-w", "waiting", "--signal", 'go="late"@1h');
  assert.is(JSON.parse(late.stdout), "late");
  assert.match(late.stderr, /\+01:00:00\s+signal go received/);
  assertUsageError(await inProcess("run", "greet.ts", "-w", "waiting", "-s", "go={bad"), "not valid JSON");
  assertUsageError(await inProcess("run", "greet.ts", "-w", "waiting", "-s", "go@1x"), "not a duration");
});

test("run: a JavaScript module's default export is the workflow; --input @file", async () => {
  const r = await runs.plain;
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout), 3);
  assert.match(r.stderr, /\+02:00:00\s+activity add/);
  const input = join(tmp, "input.json");
  writeFileSync(input, '{"a":20,"b":22}');
  const withFile = await inProcess("run", "plain.mjs", "--input", `@${input}`, "--quiet");
  assert.is(withFile.code, 0, withFile.stderr);
  assert.is(JSON.parse(withFile.stdout), 42);
  assert.is(withFile.stderr, "");
});

test("run: usage errors exit 2 with one clear line", async () => {
  assertUsageError(await runs.missing, "cannot find module nope.ts");
  const unknown = await inProcess("run", "greet.ts", "-w", "nosuch");
  assertUsageError(unknown, "nosuch");
  for (const name of ["greet@1", "doomed@1", "waiting@1", "buggy@1"])
    assert.ok(unknown.stderr.includes(name), unknown.stderr);
  assertUsageError(await runs.badJson, "not valid JSON");
  assertUsageError(await inProcess("run", "greet.ts"), "--workflow");
  assertUsageError(await inProcess("run", "greet.ts", "--frobnicate"), "--frobnicate");
  assertUsageError(await inProcess("run", "greet.ts", "-w", "greet", "-i", "@missing.json"), "cannot read input file");
});

test("history: a timeline in the terminal, and a self-contained HTML page", async () => {
  const [, , r] = await fromHistory;
  const html = htmlFile;
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^workflow greet@1: COMPLETED after 1d/);
  const rows = r.stdout.split("\n");
  assert.ok(rows.some((l) => /activity makeGreeting \(activity-1\)\s+completed/.test(l)));
  assert.is(rows.filter((l) => /activity flaky .*failed: Error: flaky attempt/.test(l)).length, 2);
  assert.ok(rows.some((l) => /\+1d 00:01:30\s.*activity flaky \(activity-7\) retry #2\s+completed/.test(l)));
  assert.ok(rows.some((l) => /\+00:00:00\s+1d\s+timer timer-2/.test(l)));
  const page = readFileSync(html, "utf8");
  assert.match(page, /^<!doctype html>/);
  assert.match(page, /<style>/);
  // self-contained: inline style and script only, nothing loaded (the page itself is tested in timeline-html.test.ts)
  assert.not.match(page, /<link|src=|href=|<script src/);
  assert.is((page.match(/class="bar[ "]/g) ?? []).length, 7, "one bar per activity and timer");
  const bad = await inProcess("history", join(tmp, "none.json"));
  assertUsageError(bad, "cannot read history file");
});

test("history: any timestamp form gives the same timeline; an unfinished history shows open spans", async () => {
  await runs.greet;
  const { events } = JSON.parse(readFileSync(historyFile, "utf8")) as { events: { eventTimestamp: number }[] };
  const isoFile = join(tmp, "iso.json");
  writeFileSync(
    isoFile,
    JSON.stringify(events.map((e) => ({ ...e, eventTimestamp: new Date(e.eventTimestamp * 1000).toISOString() }))),
  );
  const [epoch, iso] = [await inProcess("history", historyFile), await inProcess("history", isoFile)];
  assert.is(iso.code, 0, iso.stderr);
  assert.is(iso.stdout, epoch.stdout);
  // cut the history while the 1-day timer is running
  const cut = events.slice(
    0,
    events.findIndex((e) => (e as { eventType?: string }).eventType === "TimerFired"),
  );
  const openFile = join(tmp, "open.json");
  writeFileSync(openFile, JSON.stringify({ events: cut }));
  const open = await inProcess("history", openFile);
  assert.is(open.code, 0, open.stderr);
  assert.match(open.stdout, /^workflow greet@1: OPEN/);
  assert.match(open.stdout, /timer timer-2 \(1d\)\s+open/);
});

test("--help for every command, --version, unknown command", async () => {
  for (const [r, what] of [
    [await runs.help, "Commands:"],
    [await inProcess("run", "--help"), "yieldflow run <module>"],
    [await inProcess("replay", "--help"), "yieldflow replay <module> <history.json | workflowId>"],
    [await inProcess("history", "-h"), "yieldflow history <history.json | workflowId>"],
    [await inProcess("worker", "--help"), "yieldflow worker <module>"],
    [await inProcess("start", "--help"), "yieldflow start <module>"],
  ] as const) {
    assert.is(r.code, 0);
    assert.ok(r.stdout.includes(what), r.stdout);
  }
  const pkg = JSON.parse(
    readFileSync(join(here, "..", "..", "..", "packages", "local-runner", "package.json"), "utf8"),
  );
  const v = await inProcess("--version");
  assert.is(v.code, 0);
  assert.is(v.stdout.trim(), pkg.version);
  const none = await inProcess();
  assert.is(none.code, 2);
  assert.match(none.stderr, /Usage: yieldflow/);
  const unknown = await inProcess("frob");
  assertUsageError(unknown, "frob");
});

test("a module with a syntax error: one line with the file, line, column and what esbuild found", async () => {
  const r = await runs.syntax;
  assertUsageError(r, ".ts:2:17");
  assert.match(r.stderr, "Unexpected");
});

test("a workflow id SWF would refuse is a usage error", async () => {
  assertUsageError(await runs.badId, "--workflow-id");
});

test("a parent blocked on a stuck child says which child and why", async () => {
  const r = await runs.stuckChild;
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /child workflow parentOfBuggy-1-child-1-\w+ is stuck/);
  assert.match(r.stderr, "TypeError");
});

test.run();
