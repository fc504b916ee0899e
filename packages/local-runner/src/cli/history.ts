/** `yieldflow history <history.json>`: a readable timeline of a recorded history, in the terminal or as HTML. */
import { existsSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { HistoryEvent } from "@yieldflow/core";
import { type CliIO, firstLine, formatOffset, printable, roughDuration, UsageError } from "./format.js";
import { readHistoryFile } from "./history-file.js";
import { renderHtml } from "./html.js";
import { fetchSwfHistory, isHistoryFileArgument } from "./swf.js";
import { buildTimeline, type Span, type Timeline } from "./timeline.js";

export const HISTORY_HELP = `Usage: yieldflow history <history.json | workflowId> [options]

Prints a recorded history as a timeline: what ran when and for how long, retries and failures, timers, child
workflows and signals. Accepts {"events":[...]} or a bare array of events, with any of SWF's timestamp forms.
Given a workflow id instead of a file (no .json, no /), fetches the history from SWF (or the dev server).

Options:
      --html <file>       also write a self-contained HTML page with a Gantt-style timeline
      --decisions         list decision tasks too
      --save <file>       (SWF) also write the fetched history as JSON, ready for \`yieldflow replay\`
      --run-id <id>       (SWF) the run (default: the open run, else the latest)
      --domain <name>     (SWF) the domain (default: $YIELDFLOW_DOMAIN)
      --endpoint <url>    (SWF) default: $AWS_ENDPOINT_URL_SWF, else AWS
      --region <region>   (SWF) default: the AWS SDK chain
  -h, --help              show this help`;

export async function historyCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      html: { type: "string" },
      decisions: { type: "boolean" },
      save: { type: "string" },
      "run-id": { type: "string" },
      domain: { type: "string" },
      endpoint: { type: "string" },
      region: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.out(HISTORY_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("history needs one history file", "history");
  const path = positionals[0] as string;
  let events: HistoryEvent[];
  if (isHistoryFileArgument(path, (p) => existsSync(resolve(io.cwd, p)))) {
    events = readHistoryFile(path, io.cwd, "history").events;
  } else {
    const fetched = await fetchSwfHistory("history", path, {
      domain: values.domain,
      endpoint: values.endpoint,
      region: values.region,
      runId: values["run-id"],
    });
    events = fetched.events;
    if (values.save !== undefined) {
      writeFileSync(
        resolve(io.cwd, values.save),
        `${JSON.stringify({ workflowExecution: fetched.workflowExecution, events })}\n`,
      );
      io.err(`history written to ${values.save}`);
    }
  }
  let timeline: Timeline;
  try {
    timeline = buildTimeline(events);
  } catch (err) {
    throw new UsageError(`${path}: ${firstLine(err)}`, "history");
  }
  io.out(renderText(timeline, values.decisions ?? false));
  if (values.html !== undefined) {
    writeFileSync(resolve(io.cwd, values.html), renderHtml(timeline, path));
    io.err(`timeline written to ${values.html}`);
  }
  return 0;
}

function outcomeText(s: Span): string {
  return s.detail ? `${s.outcome}: ${s.detail}` : s.outcome;
}

function what(s: Span): string {
  switch (s.kind) {
    case "activity":
      return `activity ${s.label} (${s.id})${s.attempt > 1 ? ` retry #${s.attempt - 1}` : ""}`;
    case "timer":
      return s.signalWait ? `signal wait ${s.label}` : `timer ${s.label}`;
    case "child":
      return `child ${s.label} (${s.id})`;
    case "decision":
      return `decision task (event ${s.id})`;
  }
}

/** The timeline as text: a header, then one row per span or instant in time order. */
export function renderText(t: Timeline, withDecisions: boolean): string {
  const decisions = t.spans.filter((s) => s.kind === "decision").length;
  const lines = [
    `workflow ${printable(t.workflowType, true)}: ${t.status}${t.detail ? ` (${printable(t.detail, true)})` : ""} after ${roughDuration(t.end - t.start)} ` +
      `(${t.eventCount} events, ${decisions} decision tasks)`,
  ];
  const rows: { time: number; cols: [string, string, string, string] }[] = [];
  for (const s of t.spans) {
    if (s.kind === "decision" && !withDecisions) continue;
    const end = s.end ?? t.end;
    const queued = s.kind === "activity" && s.runningFrom !== undefined && s.runningFrom > s.start;
    const duration =
      s.end === undefined ? `${roughDuration(end - s.start)}+` : roughDuration(end - s.start) + (queued ? "*" : "");
    rows.push({
      time: s.start,
      cols: [formatOffset(s.start - t.start), duration, printable(what(s), true), printable(outcomeText(s), true)],
    });
  }
  for (const i of t.instants)
    rows.push({ time: i.time, cols: [formatOffset(i.time - t.start), "", printable(i.label, true), ""] });
  rows.sort((a, b) => a.time - b.time);
  const header: [string, string, string, string] = ["start", "took", "what", "outcome"];
  const widths = [0, 1, 2].map((c) => Math.max(header[c]?.length ?? 0, ...rows.map((r) => r.cols[c]?.length ?? 0)));
  const fmt = (cols: readonly string[]) =>
    `  ${cols
      .map((c, i) => (i < 3 ? c.padEnd(widths[i] as number) : c))
      .join("  ")
      .trimEnd()}`;
  lines.push(fmt(header));
  for (const r of rows) lines.push(fmt(r.cols));
  if (rows.some((r) => r.cols[1].endsWith("*"))) lines.push("  * includes time waiting in the task list");
  return lines.join("\n");
}
