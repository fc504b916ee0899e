/**
 * Paging a decision task's history newest first (`reverseOrder`). A cached run needs only the events after the last
 * one its replayer folded, so paging stops as soon as that event id is reached: usually the first page, which
 * comes with the task. A run that is not cached pages down to event 1. Pages are fetched back to back, with no
 * work in between, because SWF's page tokens expire.
 */
import type { HistoryEvent } from "@yieldflow/core";
import { MalformedTaskError } from "../errors.js";

/** One page of events, as PollForDecisionTask and GetWorkflowExecutionHistory return it. */
export interface HistoryPage {
  events?: readonly HistoryEvent[] | undefined;
  nextPageToken?: string | undefined;
}

/** What {@link collectNewestFirst} gathered. */
export interface CollectedHistory {
  /** Events after `afterEventId`, oldest first, contiguous. */
  events: HistoryEvent[];
  /** Every event the pages held (also those at or before `afterEventId`), oldest first, contiguous. */
  seen: HistoryEvent[];
  /** Pages fetched after the first. */
  fetched: number;
  /** The token of the next (older) page, if paging stopped before event 1. */
  nextPageToken: string | undefined;
}

function idOf(e: HistoryEvent, where: string): number {
  const id = (e as { eventId?: unknown } | null)?.eventId;
  if (typeof id !== "number" || !Number.isInteger(id) || id < 1)
    throw new MalformedTaskError(`${where}: an event without a valid eventId (${JSON.stringify(id)})`);
  return id;
}

/**
 * Collects newest-first pages until every event after `afterEventId` is in hand (0: the whole history). Throws
 * `MalformedTaskError` when the pages are not one contiguous, descending run of event ids.
 */
export async function collectNewestFirst(
  first: HistoryPage,
  fetchPage: (nextPageToken: string) => Promise<HistoryPage>,
  afterEventId: number,
): Promise<CollectedHistory> {
  const newestFirst: HistoryEvent[] = [];
  const seen: HistoryEvent[] = [];
  let fetched = 0;
  let page = first;
  let lowest = Number.POSITIVE_INFINITY;
  for (;;) {
    for (const e of page.events ?? []) {
      const id = idOf(e, "decision task history");
      if (lowest !== Number.POSITIVE_INFINITY && id !== lowest - 1)
        throw new MalformedTaskError(
          `decision task history: event ${id} follows event ${lowest} in newest-first order; expected ${lowest - 1}`,
        );
      lowest = id;
      seen.push(e);
      if (id > afterEventId) newestFirst.push(e);
    }
    const token = page.nextPageToken || undefined;
    if (lowest <= afterEventId + 1 || token === undefined) {
      if (token === undefined && lowest !== Number.POSITIVE_INFINITY && lowest > afterEventId + 1)
        throw new MalformedTaskError(
          `decision task history: the pages end at event ${lowest}; events ${afterEventId + 1}–${lowest - 1} are missing`,
        );
      return { events: newestFirst.reverse(), seen: seen.reverse(), fetched, nextPageToken: token };
    }
    page = await fetchPage(token);
    fetched++;
  }
}

/** Collects oldest-first pages (GetWorkflowExecutionHistory without `reverseOrder`) into one array. */
export async function collectAll(
  first: HistoryPage,
  fetchPage: (nextPageToken: string) => Promise<HistoryPage>,
): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [...(first.events ?? [])];
  let token = first.nextPageToken || undefined;
  while (token !== undefined) {
    const page = await fetchPage(token);
    events.push(...(page.events ?? []));
    token = page.nextPageToken || undefined;
  }
  return events;
}
