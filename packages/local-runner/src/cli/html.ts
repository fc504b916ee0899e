/** The HTML page of `yieldflow history --html`: a self-contained Gantt-style timeline (inline CSS and SVG). */
import { formatOffset, roughDuration } from "./format.js";
import type { Span, Timeline } from "./timeline.js";

const COLORS: Record<Span["outcome"], string> = {
  completed: "#2e9e5b",
  fired: "#4f7fd9",
  failed: "#d64545",
  "timed out": "#e08a1e",
  cancelled: "#8a8a8a",
  terminated: "#8a8a8a",
  "not started": "#d64545",
  open: "#b9a3e3",
};

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

function rowLabel(s: Span): string {
  switch (s.kind) {
    case "activity":
      return `${s.label} · ${s.id}${s.attempt > 1 ? ` · retry ${s.attempt - 1}` : ""}`;
    case "timer":
      return `timer ${s.label}`;
    case "child":
      return `child ${s.label}`;
    case "decision":
      return `decision task ${s.id}`;
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

/** Renders `t` as a standalone HTML page. */
export function renderHtml(t: Timeline, source: string): string {
  const spans = t.spans.filter((s) => s.kind !== "decision");
  const decisions = t.spans.filter((s) => s.kind === "decision");
  const labelW = 300;
  const plotW = 900;
  const rowH = 22;
  const top = 30;
  const total = Math.max(1, t.end - t.start);
  const x = (time: number) => Math.round((labelW + ((time - t.start) / total) * plotW) * 10) / 10;
  const rows = spans.length + 1;
  const height = top + rows * rowH + 30;
  const parts: string[] = [];
  // time axis: round steps (1s, 2s, 5s, … 1h, 6h, 1d …) so that every tick reads differently
  const step = TICK_STEPS.find((ms) => total / ms <= 5) ?? total / 5;
  for (let offset = 0; offset <= total + 1e-9; offset += step) {
    const px = x(t.start + offset);
    parts.push(
      `<line x1="${px}" y1="${top - 6}" x2="${px}" y2="${height - 24}" class="grid"/>`,
      `<text x="${px}" y="${top - 10}" class="tick">${esc(formatOffset(offset, step < 1000))}</text>`,
    );
  }
  spans.forEach((s, i) => {
    const y = top + i * rowH;
    const end = s.end ?? t.end;
    const title = `${rowLabel(s)}\n${formatOffset(s.start - t.start)} → ${s.end === undefined ? "still open" : formatOffset(end - t.start)} (${roughDuration(end - s.start)})\n${s.outcome}${s.detail ? `: ${s.detail}` : ""}`;
    parts.push(`<text x="${labelW - 8}" y="${y + 15}" class="label">${esc(rowLabel(s))}</text>`);
    const from = s.runningFrom ?? s.start;
    if (from > s.start)
      parts.push(
        `<rect x="${x(s.start)}" y="${y + 7}" width="${Math.max(1, Math.round((x(from) - x(s.start)) * 10) / 10)}" height="6" class="queued"><title>${esc(title)}</title></rect>`,
      );
    const width = Math.max(3, Math.round((x(end) - x(from)) * 10) / 10);
    parts.push(
      `<rect x="${x(from)}" y="${y + 3}" width="${width}" height="14" rx="3" fill="${COLORS[s.outcome]}"${s.end === undefined ? ' class="open"' : ""}><title>${esc(title)}</title></rect>`,
    );
  });
  // decision tasks on one lane, signals and other instants as markers on it
  const laneY = top + spans.length * rowH;
  parts.push(`<text x="${labelW - 8}" y="${laneY + 15}" class="label">decisions · signals</text>`);
  for (const d of decisions)
    parts.push(
      `<rect x="${x(d.start)}" y="${laneY + 6}" width="3" height="8" fill="#555"><title>decision task ${esc(d.id)} at ${esc(formatOffset(d.start - t.start))}</title></rect>`,
    );
  for (const i of t.instants)
    parts.push(
      `<path d="M ${x(i.time)} ${laneY + 2} l 5 8 l -5 8 l -5 -8 z" fill="#c0398f"><title>${esc(`${i.label} at ${formatOffset(i.time - t.start)}`)}</title></path>`,
    );
  const rowsHtml = [...t.spans.filter((s) => s.kind !== "decision")]
    .sort((a, b) => a.start - b.start)
    .map(
      (s) =>
        `<tr><td>${esc(formatOffset(s.start - t.start))}</td><td>${esc(roughDuration((s.end ?? t.end) - s.start))}</td><td>${esc(rowLabel(s))}</td><td class="o-${esc(s.outcome.replace(" ", "-"))}">${esc(s.outcome)}${s.detail ? `: ${esc(s.detail)}` : ""}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(t.workflowType)} — yieldflow history</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  .meta { color: #666; margin-bottom: 16px; }
  svg { background: #fafafa; border: 1px solid #e4e4e4; }
  .label { font-size: 12px; text-anchor: end; fill: #333; }
  .tick { font-size: 11px; text-anchor: middle; fill: #777; }
  .grid { stroke: #e4e4e4; }
  .queued { fill: #cfcfcf; }
  .open { opacity: 0.6; }
  table { border-collapse: collapse; margin-top: 20px; }
  td, th { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; font-variant-numeric: tabular-nums; }
  .o-failed, .o-not-started { color: #d64545; } .o-timed-out { color: #e08a1e; }
</style>
</head>
<body>
<h1>${esc(t.workflowType)}: ${esc(t.status)}</h1>
<div class="meta">${esc(source)} · ${t.eventCount} events · ${decisions.length} decision tasks · ${esc(roughDuration(t.end - t.start))} of workflow time${t.detail ? ` · ${esc(t.detail)}` : ""}</div>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${labelW + plotW + 40} ${height}" style="width: 100%; max-width: ${labelW + plotW + 40}px; height: auto" role="img" aria-label="timeline">
${parts.join("\n")}
</svg>
<table>
<thead><tr><th>start</th><th>took</th><th>what</th><th>outcome</th></tr></thead>
<tbody>
${rowsHtml}
</tbody>
</table>
</body>
</html>
`;
}
