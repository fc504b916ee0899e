/**
 * The dev server's web UI: plain server-rendered HTML (and a line of script to confirm a termination), reading the
 * backend's state directly. Pages: domains (`/`), a domain's executions with filters (`/d/<domain>`), an execution
 * (`/d/<domain>/e/<runId>`: its details, buttons to signal, request cancel and terminate, its events as a table
 * paged by 1,000, the `yieldflow history --html` timeline in a frame, and the raw history JSON). Buttons go through
 * the same calls an SWF client makes, so they are validated and journaled alike. Nothing leaves the machine.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { eventAttributesKey, type HistoryEvent } from "@yieldflow/core";
import { roughDuration } from "../cli/format.js";
import { renderHtml } from "../cli/html.js";
import { buildTimeline } from "../cli/timeline.js";
import type { ExecutionInfo, SwfBackend } from "./backend.js";
import { SwfFault } from "./faults.js";
import { type Operation, validateInput } from "./shapes.js";

/** What the UI needs from the server. */
export interface UiContext {
  backend: SwfBackend;
  call: (op: Operation, input: Record<string, unknown>) => Record<string, unknown>;
  storeKind: "memory" | "sqlite";
  /** The server's time, epoch ms, how far it is ahead of the wall clock, and whether time skipping is on. */
  time: () => { now: number; ahead: number; skipping: boolean };
}

const EVENTS_PER_PAGE = 1_000;
const EXECUTIONS_PER_PAGE = 500;

function esc(s: unknown): string {
  return String(s).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

const enc = encodeURIComponent;

function time(seconds: number | undefined): string {
  return seconds === undefined ? "" : new Date(seconds * 1000).toISOString().replace("T", " ").replace("Z", "");
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)} — yieldflow dev server</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 20px 28px; color: #222; }
  a { color: #2857b8; text-decoration: none; } a:hover { text-decoration: underline; }
  h1 { font-size: 20px; margin: 8px 0; } h2 { font-size: 16px; margin: 20px 0 8px; }
  nav { color: #666; } table { border-collapse: collapse; }
  td, th { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top;
           font-variant-numeric: tabular-nums; }
  th { background: #f6f6f6; } form.inline { display: inline-block; margin-right: 14px; }
  .s-OPEN { color: #2857b8; } .s-COMPLETED { color: #2e9e5b; } .s-FAILED, .s-TIMED_OUT { color: #d64545; }
  .s-CANCELED, .s-TERMINATED { color: #8a8a8a; }
  pre { margin: 0; white-space: pre-wrap; word-break: break-all; max-width: 900px; font-size: 12px; }
  .filters input, .filters select { margin-right: 8px; } .muted { color: #777; }
  iframe { width: 100%; height: 520px; border: 1px solid #e4e4e4; }
</style></head>
<body><nav><a href="/">yieldflow dev server</a></nav>
${body}
</body></html>`;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  res.end(body);
}

function notFound(res: ServerResponse, what: string): void {
  send(res, 404, "text/html; charset=utf-8", page("Not found", `<h1>Not found</h1><p>${esc(what)}</p>`));
}

/** A path segment, decoded (a malformed escape is kept as written: it then names nothing and gets a 404). */
function decodePart(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** Serves a UI request (any request without an `X-Amz-Target`). */
export function handleUi(req: IncomingMessage, res: ServerResponse, body: string, ctx: UiContext): void {
  const url = new URL(req.url ?? "/", "http://localhost");
  const parts = url.pathname
    .split("/")
    .filter((p) => p !== "")
    .map(decodePart);
  if (req.method === "GET" && parts.length === 0) {
    domainsPage(res, ctx);
    return;
  }
  if (parts[0] !== "d" || parts[1] === undefined) {
    notFound(res, url.pathname);
    return;
  }
  const domain = parts[1];
  if (!ctx.backend.domainNames().includes(domain)) {
    notFound(res, `no domain ${domain}`);
    return;
  }
  if (req.method === "GET" && parts.length === 2) {
    executionsPage(res, ctx, domain, url.searchParams);
    return;
  }
  if (parts[2] !== "e" || parts[3] === undefined) {
    notFound(res, url.pathname);
    return;
  }
  const info = ctx.backend.execution(domain, parts[3]);
  if (!info) {
    notFound(res, `no execution with run id ${parts[3]} in ${domain}`);
    return;
  }
  const events = ctx.backend.history(domain, info.runId) ?? [];
  if (req.method === "GET" && parts.length === 4) {
    executionPage(res, info, events, url.searchParams);
    return;
  }
  if (req.method === "GET" && parts[4] === "history.json") {
    send(res, 200, "application/json", JSON.stringify({ events }));
    return;
  }
  if (req.method === "GET" && parts[4] === "timeline") {
    const title = `${info.workflowId} · run ${info.runId}`;
    send(res, 200, "text/html; charset=utf-8", renderHtml(buildTimeline(events), title));
    return;
  }
  if (req.method === "POST" && parts.length === 5) {
    action(res, ctx, info, parts[4] as string, body);
    return;
  }
  notFound(res, url.pathname);
}

function domainsPage(res: ServerResponse, ctx: UiContext): void {
  const rows = ctx.backend
    .domainNames()
    .map((name) => {
      const all = ctx.backend.executions(name);
      const open = all.filter((e) => e.closeStatus === undefined).length;
      return `<tr><td><a href="/d/${enc(name)}">${esc(name)}</a></td><td>${open}</td><td>${all.length - open}</td></tr>`;
    })
    .join("\n");
  send(
    res,
    200,
    "text/html; charset=utf-8",
    page(
      "Domains",
      `<h1>Domains</h1>
<p class="muted">State kept ${ctx.storeKind === "sqlite" ? "in an SQLite file (--data)" : "in memory (lost when the server stops)"}.</p>
${timeLine(ctx)}
${rows ? `<table><thead><tr><th>domain</th><th>open</th><th>closed</th></tr></thead><tbody>${rows}</tbody></table>` : "<p>No domains yet: register one (aws swf register-domain …, or RegisterDomain from an SDK).</p>"}`,
    ),
  );
}

/** The server's time, when it is not the wall clock's (time skipping, or a clock moved by a test). */
function timeLine(ctx: UiContext): string {
  const t = ctx.time();
  if (!t.skipping && t.ahead < 1000) return "";
  const ahead = t.ahead >= 1000 ? ` — ${esc(roughDuration(t.ahead))} ahead of the wall clock` : "";
  return `<p class="muted" id="server-time">Server time ${esc(time(t.now / 1000))} UTC${t.skipping ? " (time skipping: idle time is skipped)" : ""}${ahead}.</p>`;
}

function executionsPage(res: ServerResponse, ctx: UiContext, domain: string, q: URLSearchParams): void {
  const status = q.get("status") ?? "all";
  const type = q.get("type") ?? "";
  const workflowId = q.get("workflowId") ?? "";
  const tag = q.get("tag") ?? "";
  const since = q.get("since") ?? "";
  const until = q.get("until") ?? "";
  const sinceS = since ? Date.parse(since) / 1000 : Number.NaN;
  const untilS = until ? Date.parse(until) / 1000 : Number.NaN;
  const all = ctx.backend
    .executions(domain)
    .filter(
      (e) =>
        (status === "all" ||
          (status === "open"
            ? e.closeStatus === undefined
            : status === "closed"
              ? e.closeStatus !== undefined
              : e.closeStatus === status)) &&
        (type === "" || e.workflowType.name === type || `${e.workflowType.name}@${e.workflowType.version}` === type) &&
        (workflowId === "" || e.workflowId.includes(workflowId)) &&
        (tag === "" || e.tagList.includes(tag)) &&
        (Number.isNaN(sinceS) || e.startTimestamp >= sinceS) &&
        (Number.isNaN(untilS) || e.startTimestamp <= untilS),
    );
  const shown = all.slice(0, EXECUTIONS_PER_PAGE);
  const option = (v: string, label = v) =>
    `<option value="${esc(v)}"${status === v ? " selected" : ""}>${esc(label)}</option>`;
  const rows = shown
    .map(
      (e) => `<tr class="execution"><td><a href="/d/${enc(domain)}/e/${enc(e.runId)}">${esc(e.workflowId)}</a></td>
<td>${esc(e.workflowType.name)}@${esc(e.workflowType.version)}</td><td class="s-${esc(e.closeStatus ?? "OPEN")}">${esc(e.closeStatus ?? "OPEN")}</td>
<td>${esc(time(e.startTimestamp))}</td><td>${esc(time(e.closeTimestamp))}</td><td>${esc(e.tagList.join(", "))}</td><td class="muted">${esc(e.runId)}</td></tr>`,
    )
    .join("\n");
  send(
    res,
    200,
    "text/html; charset=utf-8",
    page(
      domain,
      `<h1>${esc(domain)}: executions</h1>
<form class="filters" method="get">
<select name="status">${option("all")}${option("open")}${option("closed")}${["COMPLETED", "FAILED", "CANCELED", "TERMINATED", "TIMED_OUT", "CONTINUED_AS_NEW"].map((s) => option(s)).join("")}</select>
<input name="type" placeholder="type (name or name@version)" value="${esc(type)}">
<input name="workflowId" placeholder="workflow id contains" value="${esc(workflowId)}">
<input name="tag" placeholder="tag" value="${esc(tag)}">
<input name="since" placeholder="started after (ISO time)" value="${esc(since)}">
<input name="until" placeholder="started before (ISO time)" value="${esc(until)}">
<button>Filter</button></form>
<p class="muted">${all.length} execution${all.length === 1 ? "" : "s"}${all.length > shown.length ? `, the newest ${shown.length} shown` : ""}.</p>
<table><thead><tr><th>workflow id</th><th>type</th><th>status</th><th>started</th><th>closed</th><th>tags</th><th>run id</th></tr></thead>
<tbody>${rows}</tbody></table>`,
    ),
  );
}

/** The interesting attributes of an event, in a few words (inputs, results, failures, signals). */
function summary(e: HistoryEvent): string {
  const a =
    (e.eventType === undefined
      ? undefined
      : (e as unknown as Record<string, Record<string, unknown> | undefined>)[eventAttributesKey(e.eventType)]) ?? {};
  const out: string[] = [];
  for (const k of [
    "activityType",
    "workflowType",
    "activityId",
    "timerId",
    "signalName",
    "markerName",
    "workflowId",
    "cause",
    "timeoutType",
    "reason",
    "input",
    "result",
    "details",
    "startToFireTimeout",
  ])
    if (a[k] !== undefined) {
      const v =
        typeof a[k] === "object"
          ? `${(a[k] as { name?: string }).name}@${(a[k] as { version?: string }).version}`
          : String(a[k]);
      out.push(`${k}: ${v.length > 300 ? `${v.slice(0, 300)}…` : v}`);
    }
  return out.join("\n");
}

function executionPage(
  res: ServerResponse,
  info: ExecutionInfo,
  events: readonly HistoryEvent[],
  q: URLSearchParams,
): void {
  const pages = Math.max(1, Math.ceil(events.length / EVENTS_PER_PAGE));
  const n = Math.min(pages, Math.max(1, Number(q.get("page")) || 1));
  const shown = events.slice((n - 1) * EVENTS_PER_PAGE, n * EVENTS_PER_PAGE);
  const base = `/d/${enc(info.domain)}/e/${enc(info.runId)}`;
  const start = events[0]?.eventTimestamp as number;
  const rows = shown
    .map(
      (e) =>
        `<tr class="event"><td>${e.eventId}</td><td>+${((e.eventTimestamp as number) - start).toFixed(3)} s</td><td>${esc(e.eventType)}</td><td><pre>${esc(summary(e))}</pre></td></tr>`,
    )
    .join("\n");
  const pager =
    pages > 1
      ? `<p>Events page ${Array.from({ length: pages }, (_, k) => (k + 1 === n ? `<b>${k + 1}</b>` : `<a href="${base}?page=${k + 1}">${k + 1}</a>`)).join(" ")}</p>`
      : "";
  const status = info.closeStatus ?? "OPEN";
  const buttons =
    info.closeStatus === undefined
      ? `<h2>Act on it</h2>
<form class="inline" method="post" action="${base}/signal"><input name="signalName" placeholder="signal name" required> <input name="input" placeholder="input (optional)"> <button id="signal">Signal</button></form>
<form class="inline" method="post" action="${base}/cancel"><button id="cancel">Request cancel</button></form>
<form class="inline" method="post" action="${base}/terminate" onsubmit="return confirm('Terminate ${esc(info.workflowId)}? It stops at once, without running its cleanup.')"><input name="reason" placeholder="reason (optional)"> <button id="terminate">Terminate</button></form>`
      : "";
  send(
    res,
    200,
    "text/html; charset=utf-8",
    page(
      info.workflowId,
      `<nav><a href="/d/${enc(info.domain)}">${esc(info.domain)}</a></nav>
<h1>${esc(info.workflowId)} <span class="s-${esc(status)}" id="status">${esc(status)}</span></h1>
<table>
<tr><th>type</th><td>${esc(info.workflowType.name)}@${esc(info.workflowType.version)}</td></tr>
<tr><th>run id</th><td>${esc(info.runId)}</td></tr>
<tr><th>task list</th><td>${esc(info.taskList)}</td></tr>
<tr><th>started</th><td>${esc(time(info.startTimestamp))}</td></tr>
<tr><th>closed</th><td>${esc(time(info.closeTimestamp))}</td></tr>
${info.tagList.length ? `<tr><th>tags</th><td>${esc(info.tagList.join(", "))}</td></tr>` : ""}
${info.parent ? `<tr><th>parent</th><td>${esc(info.parent.workflowId)} (run ${esc(info.parent.runId)})</td></tr>` : ""}
<tr><th>cancel requested</th><td>${info.cancelRequested ? "yes" : "no"}</td></tr>
<tr><th>history</th><td>${events.length} events · <a href="${base}/history.json">raw JSON</a> · <a href="${base}/timeline">timeline page</a></td></tr>
</table>
${buttons}
<h2>Timeline</h2>
<iframe id="timeline" src="${base}/timeline" loading="lazy" title="timeline"></iframe>
<h2>Events</h2>
${pager}
<table><thead><tr><th>id</th><th>time</th><th>type</th><th>attributes</th></tr></thead><tbody>${rows}</tbody></table>
${pager}`,
    ),
  );
}

function action(res: ServerResponse, ctx: UiContext, info: ExecutionInfo, what: string, body: string): void {
  const form = new URLSearchParams(body);
  const target = { domain: info.domain, workflowId: info.workflowId, runId: info.runId };
  const optional = (k: string) => {
    const v = form.get(k);
    return v === null || v === "" ? {} : { [k]: v };
  };
  const ops: Record<string, [Operation, Record<string, unknown>]> = {
    signal: ["SignalWorkflowExecution", { ...target, signalName: form.get("signalName") ?? "", ...optional("input") }],
    cancel: ["RequestCancelWorkflowExecution", target],
    terminate: ["TerminateWorkflowExecution", { ...target, ...optional("reason") }],
  };
  const op = Object.hasOwn(ops, what) ? ops[what] : undefined;
  if (!op) {
    notFound(res, `no action ${what}`);
    return;
  }
  try {
    validateInput(op[0], op[1]);
    ctx.call(op[0], op[1]);
  } catch (err) {
    const message = err instanceof SwfFault ? `${err.faultName}: ${err.message}` : String(err);
    send(
      res,
      400,
      "text/html; charset=utf-8",
      page(
        "Refused",
        `<h1>Refused</h1><p>${esc(message)}</p><p><a href="/d/${enc(info.domain)}/e/${enc(info.runId)}">back</a></p>`,
      ),
    );
    return;
  }
  res.writeHead(303, { location: `/d/${enc(info.domain)}/e/${enc(info.runId)}` });
  res.end();
}
