/** `yieldflow run <module>`: runs a workflow locally with its module's activities and prints its progress. */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { errorMessage, type HistoryEvent, type LogEntry, swfIdProblem, toSeconds } from "@yieldflow/core";
import { WorkflowExecutionError } from "../runner/errors.js";
import type { ExecutionHandle } from "../runner/handle.js";
import { LocalRunner } from "../runner/local-runner.js";
import { type CliIO, firstLine, joinOptionValues, roughDuration, UsageError, yfCode } from "./format.js";
import { renderHtml, type TimelineLog } from "./html.js";
import { LiveProgress } from "./live-progress.js";
import { loadModule, loadPayloads, pickWorkflow } from "./load-module.js";
import { ProgressPrinter } from "./progress.js";
import { buildTimeline } from "./timeline.js";

export const RUN_HELP = `Usage: yieldflow run <module> [options]

Runs a workflow of <module> (a .ts or .js file) in this process, with the activity implementations the module
exports, on a virtual clock that skips idle time (a 30-day sleep takes milliseconds). Prints progress to stderr
as it goes and the result as JSON to stdout; anything else written to stdout while it runs (an activity's
console.log) goes to stderr, so \`yieldflow run … | jq\` gets only the result.

Options:
  -w, --workflow <name>   the workflow to run: its type name, name@version, or export name
                          (default: the default export, or the only workflow exported)
  -i, --input <json>      the workflow input, as JSON, or @file to read it from a file
  -s, --signal <spec>     send a signal: name, name=json, or either followed by @duration to send it that
                          long after the start (e.g. approve=true@2h); repeatable
      --workflow-id <id>  the execution's workflow id (default: <workflow name>-1)
      --real-time         wait for timers on the wall clock instead of skipping time
      --history <file>    write the execution's history as JSON (GetWorkflowExecutionHistory's shape)
      --payloads <module> the payload pipeline: a module exporting \`payloads\` (e.g. nodePayloads({ store }))
                          or payload options; values too large for SWF's fields go to its store
      --html <file>       write the run's timeline as an HTML page (as history --html, with the log lines)
      --verbose           on a terminal, print a line per event above the live progress display
                          (when stderr is not a terminal, a line per event is what is printed anyway)
  -q, --quiet             print only the result
  -h, --help              show this help

Exit status: 0 when the workflow completed, 1 when it failed, was cancelled, timed out or got stuck,
2 for a wrong command line or unusable input.`;

/** Runs the command; returns the exit status. */
export async function runCommand(argv: string[], io: CliIO): Promise<number> {
  const options = {
    workflow: { type: "string", short: "w" },
    input: { type: "string", short: "i" },
    signal: { type: "string", short: "s", multiple: true },
    "workflow-id": { type: "string" },
    "real-time": { type: "boolean" },
    history: { type: "string" },
    payloads: { type: "string" },
    html: { type: "string" },
    quiet: { type: "boolean", short: "q" },
    verbose: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  } as const;
  const { values, positionals } = parseArgs({ args: joinOptionValues(argv, options), allowPositionals: true, options });
  if (values.help) {
    io.out(RUN_HELP);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(positionals.length === 0 ? "run needs a module" : "run takes one module", "run");
  const input = parseInput(values.input, io.cwd);
  const signals = (values.signal ?? []).map(parseSignal).sort((a, b) => a.afterMs - b.afterMs);
  const modulePath = positionals[0] as string;
  const mod = await loadModule(modulePath, io.cwd);
  const workflow = pickWorkflow(mod, values.workflow);
  const payloads = values.payloads === undefined ? undefined : await loadPayloads(values.payloads, io.cwd, "run");

  const runner = new LocalRunner({
    workflows: mod.workflows.map((w) => w.workflow),
    activities: mod.activities,
    ...(payloads && { payloads }),
    clock: values["real-time"] ? "real" : "virtual",
  });
  const workflowId = values["workflow-id"] ?? `${workflow.name}-1`;
  const idProblem = swfIdProblem(workflowId);
  if (idProblem) throw new UsageError(`--workflow-id ${idProblem}`, "run");
  // on a terminal a live display (counters redrawn in place); elsewhere (a pipe, a file, CI) one line per event
  let live: LiveProgress | undefined;
  if (!values.quiet) {
    if (io.errStream?.isTTY)
      live = new LiveProgress(io.errStream, {
        workflowId,
        verbose: values.verbose === true,
        now: () => runner.clock.now(),
      });
    const progress = live ?? new ProgressPrinter(io.err, workflowId);
    runner.onEvent((e) => progress.handle(e));
  }
  const logs: TimelineLog[] = [];
  if (values.html !== undefined)
    runner.onEvent((e) => {
      if (e.kind === "log") logs.push(timelineLog(e.entry, e.workflowId === workflowId ? undefined : e.workflowId));
    });
  const realStart = performance.now();
  const h = await runner.start(workflow, input, { workflowId });
  // signals go in at their time: on the virtual clock by moving it, on the real clock by waiting
  let sentAt = 0;
  for (const s of signals) {
    const wait = s.afterMs - sentAt;
    if (values["real-time"]) await new Promise((r) => setTimeout(r, wait));
    else await runner.advance(wait);
    sentAt = s.afterMs;
    if (h.status().status !== "OPEN") break;
    await h.signal(s.name, s.input);
  }
  const result = h.result().then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  // idle() resolves when nothing more can happen on its own: the workflow closed, got stuck, or is blocked.
  const first = await Promise.race([result, runner.idle().then(() => undefined)]);
  let outcome = first;
  if (outcome === undefined) {
    const status = h.status();
    live?.stop();
    if (status.status === "OPEN" && !status.stuck) {
      const stuck = stuckDescendant(runner, h.runId);
      io.err(
        stuck
          ? `✗ YF_WORKFLOW_BLOCKED: the workflow is blocked: its child workflow ${stuck.workflowId} is stuck (its decision tasks keep failing): ${stuck.message}`
          : status.waitingForSignals.length > 0
            ? `✗ YF_WORKFLOW_BLOCKED: the workflow is blocked: it waits for signal ${status.waitingForSignals.map((n) => JSON.stringify(n)).join(", ")} ` +
              `and nothing else can happen (${describeOpen(status.open)}); send it with --signal ${status.waitingForSignals[0]}=<json>[@delay]`
            : `✗ YF_WORKFLOW_BLOCKED: the workflow is blocked: nothing is running and no timer is open (${describeOpen(status.open)}); ` +
              "it is waiting for something this run cannot provide",
      );
      writeHistory(values.history, h, io, modulePath, values.payloads);
      writeHtml(values.html, h, logs, io);
      runner.close();
      return 1;
    }
    outcome = await result;
  }
  live?.stop();
  const history = h.history();
  const virtualMs =
    ((history.at(-1)?.eventTimestamp as number) -
      (runner.getWorkflowExecutionHistory(h.workflowId, h.runId)[0]?.eventTimestamp as number)) *
    1000;
  const summary = `${roughDuration(virtualMs)} of workflow time, ${roughDuration(performance.now() - realStart)} real`;
  writeHistory(values.history, h, io, modulePath, values.payloads);
  writeHtml(values.html, h, logs, io);
  runner.close();
  if (outcome.ok) {
    if (!values.quiet) io.err(`✓ completed (${summary})`);
    io.out(outcome.value === undefined ? "null" : JSON.stringify(outcome.value, null, 2));
    return 0;
  }
  const err = outcome.error;
  if (err instanceof WorkflowExecutionError) {
    // the error's own message says what happened and where (id, run); the code comes first, as on every error line
    io.err(`✗ ${err.code}: ${err.message} (${summary})`);
    return 1;
  }
  const closed = h.status().status;
  const code = yfCode(err) ?? "error";
  io.err(
    closed === "OPEN"
      ? `✗ ${code}: the workflow's decision task failed, so the run is stuck (the execution stays open):\n${errorReport(err)}`
      : `✗ ${code}: the workflow's decision task failed (the execution then closed: ${closed}):\n${errorReport(err)}`,
  );
  // the commonest first-run mistake: a workflow that takes an input, run without one
  if (values.input === undefined && (err as { cause?: unknown } | null)?.cause instanceof TypeError)
    io.err(
      `hint: no --input was given, so ${workflow.name} got undefined as its input; if it takes one, pass it: --input '<json>' or --input @file.json`,
    );
  return 1;
}

function describeOpen(open: { activities: number; timers: number; children: number }): string {
  return `${open.activities} open activities, ${open.timers} timers, ${open.children} children`;
}

/** An error for the terminal: its message, and where workflow code threw it (the top frames of its cause). */
function errorReport(err: unknown): string {
  if (!(err instanceof Error)) return errorMessage(err);
  let text = err.message;
  // a bug in workflow code: show where it was thrown (the top frames of the original error)
  const cause = err.cause;
  if (cause instanceof Error && cause.stack) {
    const frames = cause.stack
      .split("\n")
      .filter((l) => /^\s+at /.test(l))
      .slice(0, 4);
    if (frames.length > 0) text += `\nthrown ${frames.join("\n").trim()}`;
  }
  return text;
}

function parseInput(raw: string | undefined, cwd: string): unknown {
  if (raw === undefined) return undefined;
  let text = raw;
  let where = "--input";
  if (raw.startsWith("@")) {
    const file = resolve(cwd, raw.slice(1));
    where = raw.slice(1);
    try {
      text = readFileSync(file, "utf8");
    } catch {
      throw new UsageError(`cannot read input file ${raw.slice(1)} (looked for ${file})`, "run");
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${where} is not valid JSON: ${firstLine(err)}`, "run");
  }
}

/** `name`, `name=json`, with an optional `@duration` suffix. */
function parseSignal(spec: string): { name: string; input: unknown; afterMs: number } {
  let rest = spec;
  let afterMs = 0;
  const at = /@([0-9][0-9a-z.]*)$/.exec(rest);
  if (at) {
    try {
      afterMs = toSeconds(at[1] as string, "--signal delay") * 1000;
    } catch (err) {
      throw new UsageError(firstLine(err), "run");
    }
    rest = rest.slice(0, at.index);
  }
  const eq = rest.indexOf("=");
  const name = eq < 0 ? rest : rest.slice(0, eq);
  if (name === "") throw new UsageError(`--signal ${JSON.stringify(spec)} has no signal name`, "run");
  if (eq < 0) return { name, input: undefined, afterMs };
  try {
    return { name, input: JSON.parse(rest.slice(eq + 1)) as unknown, afterMs };
  } catch (err) {
    throw new UsageError(`--signal ${name}: the input is not valid JSON: ${firstLine(err)}`, "run");
  }
}

function writeHistory(
  path: string | undefined,
  h: ExecutionHandle<unknown>,
  io: CliIO,
  modulePath: string,
  payloads: string | undefined,
): void {
  if (path === undefined) return;
  const file = resolve(io.cwd, path);
  writeFileSync(file, `${h.exportHistory()}\n`);
  io.err(
    `history written to ${path} (${h.history().length} events); replay it with: yieldflow replay ${shellWord(modulePath)} ${shellWord(path)} --workflow-id=${shellWord(h.workflowId)} --run-id=${shellWord(h.currentRunId)}${payloads === undefined ? "" : ` --payloads=${shellWord(payloads)}`}`,
  );
}

function writeHtml(path: string | undefined, h: ExecutionHandle<unknown>, logs: TimelineLog[], io: CliIO): void {
  if (path === undefined) return;
  const events = (JSON.parse(h.exportHistory()) as { events: HistoryEvent[] }).events;
  writeFileSync(resolve(io.cwd, path), renderHtml(buildTimeline(events), `run ${h.workflowId}`, { logs }));
  io.err(`timeline written to ${path}`);
}

/** A workflow log line for the timeline page (its data as JSON, never throwing on data JSON cannot hold). */
function timelineLog(entry: LogEntry, workflowId: string | undefined): TimelineLog {
  let data: string | undefined;
  try {
    data = entry.data === undefined ? undefined : JSON.stringify(entry.data);
  } catch {
    data = "[data that cannot be shown as JSON]";
  }
  return {
    time: entry.time,
    level: entry.level,
    message: entry.message,
    ...(data !== undefined ? { data } : {}),
    ...(workflowId ? { workflowId } : {}),
  };
}

/** The first open child (or grandchild …) of `runId` whose decision tasks failed for good, if any. */
function stuckDescendant(runner: LocalRunner, runId: string): { workflowId: string; message: string } | undefined {
  const exec = runner.service.runById(runId);
  for (const child of exec?.recorder.children.values() ?? []) {
    if (!child.runId) continue;
    const c = runner.service.runById(child.runId);
    if (c?.stuck) {
      const message = c.stuck.error instanceof Error ? c.stuck.error.message.split("\n")[0] : String(c.stuck.error);
      return { workflowId: child.workflowId, message: message ?? "" };
    }
    const deeper = stuckDescendant(runner, child.runId);
    if (deeper) return deeper;
  }
  return undefined;
}

/** `word` as one shell word: as is when it is plain, else single-quoted. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
