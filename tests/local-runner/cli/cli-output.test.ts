// What `yieldflow run` writes where, run as a user runs it (a child process): only the result on stdout, so
// `yieldflow run … | jq` works; activity output, progress and logs (with their data) on stderr. On a terminal (a
// pseudo-terminal made by util-linux `script`), the live progress display; elsewhere plain lines.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { collect, type ProcessRun, YIELDFLOW_BIN } from "../../fixtures/processes.ts";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "fixtures");

type Env = Record<string, string | undefined>;

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return spawnCollect(process.execPath, [YIELDFLOW_BIN, ...args], { NO_COLOR: "1" });
}

/** Runs the CLI on a pseudo-terminal (stdin, stdout and stderr are all the terminal); returns what it displayed. */
function onTerminal(env: Env, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const quote = (a: string) => `'${a.replaceAll("'", `'\\''`)}'`;
  const command = [process.execPath, YIELDFLOW_BIN, ...args].map(quote).join(" ");
  // -q quiet, -e exit with the command's status, -c the command; the typescript file is /dev/null
  return spawnCollect("script", ["-qec", command, "/dev/null"], { TERM: "xterm-256color", ...env });
}

function spawnCollect(file: string, args: string[], env: Env): Promise<ProcessRun> {
  return collect(file, args, { cwd: fixtures, env });
}

/** Escape sequences (colours, cursor movement, line erasing, synchronized output), removed to read the text. */
const ESC = "\u001B";
const ESCAPES = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, "g");
const COLOR = new RegExp(`${ESC}\\[[0-9;]*m`);
const CURSOR_UP = new RegExp(`${ESC}\\[\\d*A`);
const plain = (s: string) => s.replace(ESCAPES, "").replaceAll("\r", "");

const htmlFile = join(mkdtempSync(join(tmpdir(), "yieldflow-cli-output-")), "run.html");
const chatty = cli("run", "chatty.ts", "--input", '"report"', "--html", htmlFile);
const noColorEnv = { NO_COLOR: "1", FORCE_COLOR: undefined };
const tty = {
  steady: onTerminal(noColorEnv, "run", "chatty.ts", "-w", "steady"),
  colored: onTerminal({ NO_COLOR: undefined, FORCE_COLOR: undefined }, "run", "chatty.ts", "-w", "steady"),
  verbose: onTerminal(noColorEnv, "run", "chatty.ts", "-w", "steady", "--verbose"),
  chatty: onTerminal(noColorEnv, "run", "chatty.ts", "--input", '"tty"'),
  doomed: onTerminal(noColorEnv, "run", "chatty.ts", "-w", "doomed"),
};
const piped = cli("run", "chatty.ts", "-w", "steady");
const quiet = cli("run", "chatty.ts", "--input", '"report"', "--quiet");

test("stdout holds only the result: activity output goes to stderr with the progress", async () => {
  const r = await chatty;
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { done: "report" });
  assert.ok(r.stderr.includes("activity says: working on report\n"), r.stderr);
  assert.ok(r.stderr.includes("activity writes to stdout directly\n"), r.stderr);
  assert.ok(r.stderr.includes("activity info line\n"), r.stderr);
  assert.match(r.stderr, /activity work \(activity-1\) completed/);
});

test("log()'s data is shown after the message, as JSON", async () => {
  const r = await chatty;
  assert.match(r.stderr, /log info: worked \{"what":"report","result":\{"done":"report"\}\}\n/);
});

test("run --html writes the run's timeline page, with the workflow's log lines and their data", async () => {
  const r = await chatty;
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /timeline written to .*run\.html/);
  const page = readFileSync(htmlFile, "utf8");
  assert.match(page, /^<!doctype html>/);
  assert.match(page, /log info: worked/);
  // the details (the log's data among them) travel as escaped JSON, shown by the page's script
  assert.ok(page.includes('{\\n  \\"what\\": \\"report\\"'), "the log's data, pretty-printed");
});

test("--quiet: no progress, activity output still kept off stdout", async () => {
  const r = await quiet;
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { done: "report" });
  assert.not.match(r.stderr, /workflow chatty@1 started/);
  assert.ok(r.stderr.includes("activity says: working on report"), r.stderr);
});

test("on a terminal: a live display redrawn in place, its last frame left with the counts", async () => {
  const r = await tty.steady;
  assert.is(r.code, 0, r.stdout);
  assert.match(r.stdout, CURSOR_UP, "the display is redrawn in place");
  assert.not.match(r.stdout, COLOR, "NO_COLOR: no colours");
  const text = plain(r.stdout);
  const lines = text.split("\n");
  // the last frame stays: ✓, the workflow, its workflow time, the counters
  const last = lines.findLastIndex((l) => l.startsWith("✓ steady@1"));
  assert.ok(last >= 0, text);
  assert.match(lines[last] as string, /workflow time \+1d 00:01:00 {2}events \d+ {2}elapsed \d/);
  assert.match(lines[last + 1] as string, /activities {2}0 running · 0 waiting · 3 done · 1 failed · 1 retried/);
  assert.match(
    lines[last + 2] as string,
    /timers {6}0 open · 2 fired {3}signals 0 {3}children 0 {3}decision tasks \d+/,
  );
  // notable lines (the failure, the retry, the end) are printed above it; routine ones are not
  assert.match(text, /activity step \(activity-3\) failed: Error: step 2 failed the first time/);
  assert.match(text, /activity step \(activity-5\) started \(retry, attempt 2\)/);
  assert.not.match(text, /activity step \(activity-1\) completed/);
  assert.match(text, /✓ completed \(1d of workflow time/);
  // frames before the last one showed the run in progress
  assert.match(text, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] steady@1 {2}workflow time/);
  assert.ok(text.trimEnd().endsWith("6"), "the result comes last");
});

test("on a terminal: a run that fails leaves ✗ on the display's last frame", async () => {
  const r = await tty.doomed;
  assert.is(r.code, 1, r.stdout);
  const lines = plain(r.stdout).split("\n");
  const last = lines.findLastIndex((l) => / doomed@1 {2}workflow time/.test(l));
  assert.ok(last >= 0, lines.join("\n"));
  assert.match(lines[last] as string, /^✗ doomed@1/);
  assert.match(plain(r.stdout), /gave up after step 1/);
});

test("on a terminal: colours unless NO_COLOR is set", async () => {
  const r = await tty.colored;
  assert.is(r.code, 0, r.stdout);
  assert.match(r.stdout, COLOR);
  assert.match(plain(r.stdout), /3 done · 1 failed · 1 retried/);
});

test("on a terminal with --verbose: a line per event above the display", async () => {
  const r = await tty.verbose;
  assert.is(r.code, 0, r.stdout);
  const text = plain(r.stdout);
  assert.match(text, /\+00:00:00 {2}activity step \(activity-1\) completed in \d+ms/);
  assert.match(text, /\+1d 00:00:00 {2}timer timer-2 fired/);
  assert.match(text, /✓ steady@1/);
});

test("on a terminal: activity output is printed above the display, whole lines, never through it", async () => {
  const r = await tty.chatty;
  assert.is(r.code, 0, r.stdout);
  const lines = plain(r.stdout).split("\n");
  for (const l of ["activity says: working on tty", "activity writes to stdout directly", "activity info line"]) {
    assert.ok(lines.includes(l), `${l} on a line of its own in:\n${lines.join("\n")}`);
  }
});

test("not a terminal: plain lines, no escape sequences, no display", async () => {
  const r = await piped;
  assert.is(r.code, 0, r.stderr);
  assert.not.match(r.stderr, ESCAPES);
  assert.match(r.stderr, /\+00:00:00 {2}activity step \(activity-1\) completed in \d+ms/);
  assert.not.match(r.stderr, /activities {2}/);
  assert.is(r.stdout, "6\n");
});

test.run();
