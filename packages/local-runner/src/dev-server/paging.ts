/**
 * Pagination as SWF does it: `maximumPageSize` (0 means the default, 1,000), `reverseOrder`, and an opaque
 * `nextPageToken` that says which list it pages and from where. Tokens from outside are checked before use: a
 * token this server did not issue, or one for another list, is a `ValidationException`.
 */
import type { HistoryEvent } from "@yieldflow/core";
import { type SwfFault, validationError } from "./faults.js";

type Input = Record<string, unknown>;

/** SWF's page size when the request gives none. */
const DEFAULT_PAGE = 1_000;

export function badPageToken(): SwfFault {
  return validationError([
    "Value at 'nextPageToken' failed to satisfy constraint: Member must be a nextPageToken this server returned",
  ]);
}

function encodePage(p: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(p)).toString("base64url");
}

export function decodePage(token: string): Record<string, unknown> {
  let p: unknown;
  try {
    p = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw badPageToken();
  }
  if (typeof p !== "object" || p === null || Array.isArray(p)) throw badPageToken();
  const o = (p as Record<string, unknown>).o;
  if (typeof o !== "number" || !Number.isInteger(o) || o < 0) throw badPageToken();
  return p as Record<string, unknown>;
}

function pageSize(i: Input): number {
  const n = i.maximumPageSize;
  return typeof n === "number" && n > 0 ? n : DEFAULT_PAGE;
}

/** A page of a sorted list; the token carries the offset and which list it pages. */
export function paginate<T>(
  all: readonly T[],
  i: Input,
  list: string,
): { items: T[]; next: { nextPageToken?: string } } {
  const ordered = i.reverseOrder === true ? [...all].reverse() : all;
  let offset = 0;
  if (typeof i.nextPageToken === "string" && i.nextPageToken !== "") {
    const p = decodePage(i.nextPageToken);
    if (p.k !== list) throw badPageToken();
    offset = p.o as number;
  }
  const size = pageSize(i);
  const items = ordered.slice(offset, offset + size);
  return {
    items,
    next: offset + size < ordered.length ? { nextPageToken: encodePage({ k: list, o: offset + size }) } : {},
  };
}

/**
 * A page of a history's first `upTo` events (from index `f` of the base token), oldest first or newest first.
 * `base` names what is paged (a decision task's events, or GetWorkflowExecutionHistory's).
 */
export function historyPage(
  events: readonly HistoryEvent[],
  upTo: number,
  i: Input,
  base: Record<string, unknown>,
): { events: HistoryEvent[]; next: { nextPageToken?: string } } {
  let offset = 0;
  if (typeof i.nextPageToken === "string" && i.nextPageToken !== "") {
    const p = decodePage(i.nextPageToken);
    if (p.k !== base.k || p.r !== base.r) throw badPageToken();
    offset = p.o as number;
  }
  const from = typeof base.f === "number" ? base.f : 0;
  const end = Math.min(upTo, events.length);
  const reverse = i.reverseOrder === true;
  const size = pageSize(i);
  const total = end - from;
  const slice = reverse
    ? events.slice(Math.max(from, end - offset - size), end - offset).reverse()
    : events.slice(from + offset, Math.min(end, from + offset + size));
  const nextOffset = offset + size;
  return {
    events: slice,
    next: nextOffset < total ? { nextPageToken: encodePage({ ...base, o: nextOffset }) } : {},
  };
}
