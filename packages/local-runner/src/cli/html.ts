/**
 * The HTML page of a history's timeline (`yieldflow history --html`, `yieldflow run --html`; the dev server's UI
 * shows the same): a self-contained Gantt chart (inline CSS and a small inline script, nothing loaded from anywhere)
 * with a legend, a time axis that stays in view while scrolling, one row per activity, timer, signal wait, child
 * workflow, arrived signal and log line, and a details panel (input, result, the whole failure, a signal's input, a
 * log line's data) on click; a summary on hover. With more than {@link GROUP_THRESHOLD} rows, rows are grouped by
 * activity type (and timers, signals, …), each group one lane with all its bars, expandable.
 *
 * Everything shown comes from a history, which is untrusted: text goes into the page HTML-escaped, and the details
 * go in as JSON inside a `<script type="application/json">` with `<`, `>`, `&` and the line separators escaped, then
 * reach the page through `textContent` only, never as markup.
 */
import { formatOffset, printable, roughDuration } from "./format.js";
import type { Instant, Span, Timeline } from "./timeline.js";

/** A line logged by workflow code (`log()`), known when the page is made from a live run. */
export interface TimelineLog {
  /** Epoch ms (workflow time). */
  time: number;
  level: string;
  message: string;
  /** The log's data, as JSON text. */
  data?: string;
  /** The execution that logged it, when not the one shown. */
  workflowId?: string;
}

/** Options of {@link renderHtml}. */
export interface RenderHtmlOptions {
  /** Log lines to show as rows (histories do not record them; a live run does). */
  logs?: readonly TimelineLog[];
  /** Group rows by type from this many rows on (default {@link GROUP_THRESHOLD}). */
  groupThreshold?: number;
}

/** From this many rows on, rows are grouped by activity type (timers, signals, … by kind). */
export const GROUP_THRESHOLD = 60;

/** At most this many characters of one payload are put in the page (SWF allows 32,768 per field). */
const PAYLOAD_CHARS = 4000;

type Outcome = Span["outcome"];

const COLORS: Record<Outcome, string> = {
  completed: "#2e9e5b",
  fired: "#4f7fd9",
  failed: "#d64545",
  "timed out": "#e08a1e",
  cancelled: "#8a8a8a",
  terminated: "#6b6b6b",
  "not started": "#a61e4d",
  open: "#b9a3e3",
};

const LEGEND: [Outcome, string][] = [
  ["completed", "completed"],
  ["fired", "timer fired"],
  ["failed", "failed"],
  ["timed out", "timed out"],
  ["cancelled", "cancelled"],
  ["terminated", "terminated"],
  ["not started", "refused by SWF (not started)"],
  ["open", "still open"],
];

/** Escapes any value's text for HTML content and attribute values (control characters become visible escapes). */
export function escapeHtml(value: unknown): string {
  return printable(String(value), true).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

/**
 * JSON that can sit inside a `<script>` element whatever the strings in it hold; control characters in its strings
 * become visible `\u001b`-style text (the page shows them through `textContent`, where they would act).
 */
function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" ? printable(v) : v))
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function clip(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.length > PAYLOAD_CHARS
    ? `${text.slice(0, PAYLOAD_CHARS)}… (${text.length - PAYLOAD_CHARS} more characters)`
    : text;
}

/** A recorded payload for reading: pretty-printed when it is JSON, as recorded otherwise. */
function readable(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    return clip(JSON.stringify(JSON.parse(text), null, 2));
  } catch {
    return clip(text);
  }
}

function rowLabel(s: Span): string {
  switch (s.kind) {
    case "activity":
      return `${s.label} · ${s.id}${s.attempt > 1 ? ` · retry ${s.attempt - 1}` : ""}`;
    case "timer":
      return s.signalWait ? `signal wait ${s.label}` : `timer ${s.label}`;
    case "child":
      return `child ${s.label} · ${s.id}`;
    case "decision":
      return `decision task ${s.id}`;
  }
}

/** What a row belongs to when rows are grouped. */
function groupOf(s: Span): string {
  switch (s.kind) {
    case "activity":
      return `activity ${s.label}`;
    case "timer":
      return s.signalWait ? "signal waits" : "timers";
    case "child":
      return `child ${s.label}`;
    case "decision":
      return "decision tasks";
  }
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Tick spacings, smallest first. */
const TICK_STEPS = [
  1,
  2,
  5,
  10,
  20,
  50,
  100,
  200,
  500,
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
  90 * DAY,
  180 * DAY,
  365 * DAY,
];

/** One row of the chart: a span, an instant, or a log line. */
interface Row {
  time: number;
  group: string;
  label: string;
  /** The bar or marker, as HTML. */
  mark: string;
  outcome: Outcome | "signal" | "cancel" | "marker" | "log";
}

/** Renders `t` as a standalone HTML page; `source` names where the history came from. */
export function renderHtml(t: Timeline, source: string, options: RenderHtmlOptions = {}): string {
  const total = Math.max(1, t.end - t.start);
  const pct = (time: number) => `${(Math.round(((time - t.start) / total) * 100_000) / 1000).toFixed(3)}%`;
  const width = (from: number, to: number) => `${Math.max(0, Math.round(((to - from) / total) * 100_000) / 1000)}%`;
  const at = (time: number) => formatOffset(time - t.start, total < 10 * SECOND);
  /** The details panel's content, by index: a title and [heading, text] pairs. */
  const details: { title: string; parts: [string, string][] }[] = [];
  const addDetails = (title: string, parts: [string, string | undefined][]): number => {
    details.push({ title, parts: parts.filter((p): p is [string, string] => p[1] !== undefined) });
    return details.length - 1;
  };

  const rows: Row[] = [];
  for (const s of t.spans) {
    if (s.kind === "decision") continue;
    const end = s.end ?? t.end;
    const label = rowLabel(s);
    const when = `${at(s.start)} → ${s.end === undefined ? "still open" : at(end)} (${roughDuration(end - s.start)})`;
    const hover = `${label}\n${when}\n${s.outcome}${s.detail ? `: ${s.detail}` : ""}`;
    const i = addDetails(label, [
      ["when", when + (s.runningFrom !== undefined && s.runningFrom > s.start ? `, started ${at(s.runningFrom)}` : "")],
      ["outcome", `${s.outcome}${s.detail ? `: ${s.detail}` : ""}`],
      ["input", readable(s.input)],
      ["result", readable(s.result)],
      ["failure", clip(s.failure)],
    ]);
    const from = s.runningFrom ?? s.start;
    let mark = "";
    if (from > s.start)
      mark += `<span class="queued" style="left:${pct(s.start)};width:${width(s.start, from)}"></span>`;
    mark += `<span class="bar${s.end === undefined ? " open" : ""}" data-i="${i}" style="left:${pct(from)};width:${width(from, end)};background:${COLORS[s.outcome]}" title="${escapeHtml(hover)}"></span>`;
    rows.push({ time: s.start, group: groupOf(s), label, mark, outcome: s.outcome });
  }
  for (const inst of t.instants) rows.push(instantRow(inst, at, pct, addDetails));
  for (const log of options.logs ?? []) {
    const label = `log ${log.level}: ${log.message}`;
    const i = addDetails(label, [
      ["when", at(log.time)],
      ["execution", log.workflowId],
      ["message", clip(log.message)],
      ["data", readable(log.data)],
    ]);
    rows.push({
      time: log.time,
      group: "logs",
      label: log.workflowId ? `[${log.workflowId}] ${label}` : label,
      mark: `<span class="mark log" data-i="${i}" style="left:${pct(log.time)}" title="${escapeHtml(`${label}\n${at(log.time)}`)}"></span>`,
      outcome: "log",
    });
  }
  rows.sort((a, b) => a.time - b.time);

  // decision tasks: one lane of ticks, always last
  const decisionTasks = t.spans.filter((s) => s.kind === "decision");
  const decisionMarks = decisionTasks
    .map(
      (d) =>
        `<span class="tick-mark" style="left:${pct(d.start)}" title="${escapeHtml(`decision task (event ${d.id}) at ${at(d.start)}`)}"></span>`,
    )
    .join("");

  const grouped = rows.length >= (options.groupThreshold ?? GROUP_THRESHOLD);
  const body: string[] = [];
  if (grouped) {
    const groups = new Map<string, Row[]>();
    for (const r of rows) {
      const g = groups.get(r.group) ?? [];
      g.push(r);
      groups.set(r.group, g);
    }
    let n = 0;
    for (const [name, members] of groups) {
      const id = `g${n++}`;
      const counts = new Map<string, number>();
      for (const m of members) counts.set(m.outcome, (counts.get(m.outcome) ?? 0) + 1);
      const summary = [...counts].map(([o, c]) => `${c} ${o}`).join(", ");
      body.push(
        `<div class="row group" data-group="${id}"><div class="label"><button type="button" aria-expanded="false">▸</button> ${escapeHtml(name)} <span class="count">×${members.length}</span></div><div class="track" title="${escapeHtml(`${name}: ${summary}`)}">${members.map((m) => m.mark).join("")}</div></div>`,
      );
      for (const m of members)
        body.push(
          `<div class="row member" data-member="${id}" hidden><div class="label" title="${escapeHtml(m.label)}">${escapeHtml(m.label)}</div><div class="track">${m.mark}</div></div>`,
        );
    }
  } else {
    for (const r of rows)
      body.push(
        `<div class="row"><div class="label" title="${escapeHtml(r.label)}">${escapeHtml(r.label)}</div><div class="track">${r.mark}</div></div>`,
      );
  }
  body.push(
    `<div class="row lane"><div class="label">decision tasks <span class="count">×${decisionTasks.length}</span></div><div class="track">${decisionMarks}</div></div>`,
  );

  // time axis: round steps (1s, 2s, 5s, … 1h, 6h, 1d …) so that every tick reads differently
  const step = TICK_STEPS.find((ms) => total / ms <= 8) ?? total / 8;
  const ticks: string[] = [];
  const grid: string[] = [];
  for (let offset = 0; offset <= total + 1e-9; offset += step) {
    const left = pct(t.start + offset);
    // the first tick's text starts at its line, one at the right edge ends there, the others are centred
    const cls = offset === 0 ? "tick first" : offset / total > 0.95 ? "tick last" : "tick";
    ticks.push(`<span class="${cls}" style="left:${left}">${escapeHtml(formatOffset(offset, step < 1000))}</span>`);
    grid.push(`<span style="left:${left}"></span>`);
  }

  const present = new Set(rows.map((r) => r.outcome));
  const legend = [
    ...LEGEND.filter(([o]) => present.has(o) || o === "completed" || o === "failed").map(
      ([o, text]) => `<span><i class="sw" style="background:${COLORS[o]}"></i>${escapeHtml(text)}</span>`,
    ),
    `<span><i class="sw queued-sw"></i>waiting in the task list</span>`,
    `<span><i class="sw diamond"></i>signal arrived</span>`,
    ...(present.has("log") ? [`<span><i class="sw diamond log"></i>log line</span>`] : []),
    ...(present.has("marker") ? [`<span><i class="sw diamond marker"></i>marker</span>`] : []),
    `<span><i class="sw tick-sw"></i>decision task</span>`,
  ].join("");

  const workflowDetails = addDetails(`workflow ${t.workflowType}`, [
    ["status", `${t.status}${t.detail ? `: ${t.detail}` : ""}`],
    ["input", readable(t.input)],
    ["result", readable(t.result)],
    ["failure", clip(t.failure)],
  ]);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t.workflowType)} — yieldflow history</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0 24px 24px; color: #222; }
  h1 { font-size: 20px; margin: 16px 0 4px; }
  h1 button { font: inherit; font-size: 13px; margin-left: 8px; }
  .meta { color: #666; margin-bottom: 8px; }
  .legend { display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 12px; color: #444; margin: 8px 0 12px; }
  .legend span { display: inline-flex; align-items: center; gap: 6px; }
  .sw { display: inline-block; width: 14px; height: 10px; border-radius: 2px; }
  .queued-sw { background: #cfcfcf; height: 4px; }
  .tick-sw { width: 3px; height: 10px; background: #555; }
  .diamond { width: 9px; height: 9px; background: #c0398f; transform: rotate(45deg); border-radius: 1px; }
  .diamond.log { background: #2b7a99; } .diamond.marker { background: #999; }
  .chart { position: relative; border: 1px solid #e4e4e4; background: #fafafa; }
  .axis { position: sticky; top: 0; z-index: 3; display: flex; height: 28px; background: #fff; border-bottom: 1px solid #ddd; }
  .axis .label { font-size: 12px; color: #777; line-height: 28px; }
  .row { display: flex; height: 22px; align-items: stretch; }
  .row:hover { background: #f0f0f5; }
  .row[hidden] { display: none; }
  .label { flex: none; width: 340px; box-sizing: border-box; padding: 0 8px; font-size: 12px; line-height: 22px;
    text-align: right; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .track { position: relative; flex: 1; margin-right: 24px; }
  .axis .track { overflow: visible; }
  .tick { position: absolute; top: 6px; transform: translateX(-50%); font-size: 11px; color: #777; white-space: nowrap; }
  .tick.first { transform: none; } .tick.last { transform: translateX(-100%); }
  .grid { position: absolute; top: 0; bottom: 0; left: 340px; right: 24px; pointer-events: none; }
  .grid span { position: absolute; top: 0; bottom: 0; border-left: 1px solid #e6e6e6; }
  .bar { position: absolute; top: 4px; height: 14px; min-width: 3px; border-radius: 3px; cursor: pointer; }
  .bar.open { opacity: 0.6; }
  .bar:hover, .mark:hover, .bar.selected, .mark.selected { outline: 2px solid #222; z-index: 2; }
  .queued { position: absolute; top: 9px; height: 4px; background: #cfcfcf; }
  .mark { position: absolute; top: 6px; width: 9px; height: 9px; margin-left: -5px; transform: rotate(45deg);
    background: #c0398f; cursor: pointer; border-radius: 1px; }
  .mark.log { background: #2b7a99; } .mark.marker, .mark.cancel { background: #999; }
  .tick-mark { position: absolute; top: 6px; width: 3px; height: 10px; background: #555; }
  .group .label { font-weight: 600; cursor: pointer; }
  .group button { border: 0; background: none; padding: 0 4px; cursor: pointer; font: inherit; }
  .group .bar { opacity: 0.85; }
  .member .label { color: #555; }
  .count { color: #888; font-weight: normal; }
  .lane { border-top: 1px solid #e4e4e4; }
  #details { position: fixed; right: 16px; bottom: 16px; width: min(560px, 45vw); max-height: 60vh; overflow: auto;
    background: #fff; border: 1px solid #ccc; border-radius: 6px; box-shadow: 0 4px 18px rgba(0,0,0,.18); padding: 10px 14px; z-index: 5; }
  #details h2 { font-size: 15px; margin: 0 24px 6px 0; word-break: break-all; }
  #details h3 { font-size: 12px; margin: 8px 0 2px; color: #666; text-transform: uppercase; letter-spacing: .04em; }
  #details pre { margin: 0; white-space: pre-wrap; word-break: break-all; font-size: 12px; background: #f6f6f6; padding: 6px; border-radius: 4px; }
  #details .close { position: absolute; top: 6px; right: 8px; border: 0; background: none; font-size: 18px; cursor: pointer; }
  details.table { margin-top: 20px; }
  table { border-collapse: collapse; margin-top: 8px; }
  td, th { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; font-variant-numeric: tabular-nums; vertical-align: top; }
  .o-failed, .o-not-started { color: #d64545; } .o-timed-out { color: #e08a1e; }
</style>
</head>
<body>
<h1>${escapeHtml(t.workflowType)}: ${escapeHtml(t.status)} <button type="button" data-i="${workflowDetails}">input and result</button></h1>
<div class="meta">${escapeHtml(source)} · ${t.eventCount} events · ${decisionTasks.length} decision tasks · ${escapeHtml(roughDuration(t.end - t.start))} of workflow time${t.detail ? ` · ${escapeHtml(t.detail)}` : ""}${grouped ? ` · ${rows.length} rows, grouped by type (click a group to expand it)` : ""}</div>
<div class="legend" aria-label="legend">${legend}</div>
<div class="chart">
<div class="grid">${grid.join("")}</div>
<div class="axis"><div class="label">workflow time →</div><div class="track">${ticks.join("")}</div></div>
${body.join("\n")}
</div>
<details class="table"><summary>all ${rows.length} rows as a table</summary>
<table>
<thead><tr><th>start</th><th>took</th><th>what</th><th>outcome</th></tr></thead>
<tbody>
${tableRows(t, at)}
</tbody>
</table>
</details>
<aside id="details" hidden><button type="button" class="close" aria-label="close">×</button><h2></h2><div class="parts"></div></aside>
<script type="application/json" id="timeline-details">${scriptJson(details)}</script>
<script>
(() => {
  const details = JSON.parse(document.getElementById("timeline-details").textContent);
  const panel = document.getElementById("details");
  let selected;
  const show = (el) => {
    const d = details[Number(el.dataset.i)];
    if (!d) return;
    if (selected) selected.classList.remove("selected");
    selected = el;
    el.classList.add("selected");
    panel.querySelector("h2").textContent = d.title;
    const parts = panel.querySelector(".parts");
    parts.replaceChildren();
    for (const [heading, text] of d.parts) {
      const h = document.createElement("h3");
      h.textContent = heading;
      const pre = document.createElement("pre");
      pre.textContent = text;
      parts.append(h, pre);
    }
    panel.hidden = false;
  };
  document.addEventListener("click", (e) => {
    const target = e.target instanceof Element ? e.target : null;
    if (!target) return;
    if (target.closest(".close")) {
      panel.hidden = true;
      if (selected) selected.classList.remove("selected");
      return;
    }
    const withDetails = target.closest("[data-i]");
    if (withDetails) return show(withDetails);
    const group = target.closest(".group");
    if (group && target.closest(".label")) {
      const button = group.querySelector("button");
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? "▾" : "▸";
      for (const m of document.querySelectorAll('[data-member="' + group.dataset.group + '"]')) m.hidden = !open;
    }
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") panel.hidden = true;
  });
})();
</script>
</body>
</html>
`;
}

function instantRow(
  inst: Instant,
  at: (time: number) => string,
  pct: (time: number) => string,
  addDetails: (title: string, parts: [string, string | undefined][]) => number,
): Row {
  const i = addDetails(inst.label, [
    ["when", at(inst.time)],
    [inst.kind === "signal" ? "input" : "details", readable(inst.data)],
  ]);
  return {
    time: inst.time,
    group: inst.kind === "signal" ? "signals" : inst.kind === "marker" ? "markers" : "cancel requests",
    label: inst.label,
    mark: `<span class="mark ${inst.kind}" data-i="${i}" style="left:${pct(inst.time)}" title="${escapeHtml(`${inst.label}\n${at(inst.time)}`)}"></span>`,
    outcome: inst.kind,
  };
}

function tableRows(t: Timeline, at: (time: number) => string): string {
  const rows: { time: number; html: string }[] = [];
  for (const s of t.spans) {
    if (s.kind === "decision") continue;
    rows.push({
      time: s.start,
      html: `<tr><td>${escapeHtml(at(s.start))}</td><td>${escapeHtml(roughDuration((s.end ?? t.end) - s.start))}</td><td>${escapeHtml(rowLabel(s))}</td><td class="o-${escapeHtml(s.outcome.replace(" ", "-"))}">${escapeHtml(s.outcome)}${s.detail ? `: ${escapeHtml(s.detail)}` : ""}</td></tr>`,
    });
  }
  for (const i of t.instants)
    rows.push({
      time: i.time,
      html: `<tr><td>${escapeHtml(at(i.time))}</td><td></td><td>${escapeHtml(i.label)}</td><td></td></tr>`,
    });
  return rows
    .sort((a, b) => a.time - b.time)
    .map((r) => r.html)
    .join("\n");
}
