/**
 * The adapter's pure pieces with fakes (in addition to the end-to-end suites, never instead): the replayer cache,
 * newest-first paging down to the cached event, error classification and backoff with jitter, the console logger,
 * the counters' Prometheus text.
 */
import type { HistoryEvent } from "@yieldflow/core";
import { Replayer } from "@yieldflow/core";
import {
  backoffDelay,
  classifyError,
  collectNewestFirst,
  consoleLogger,
  type HistoryPage,
  ReplayerCache,
  WorkerMetrics,
  withRetries,
} from "@yieldflow/swf-adapter";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as f from "./fixtures/faults.ts";

const entry = () => ({
  replayer: new Replayer(f.steps),
  lastEventId: 1,
  decidedStartedEventId: undefined,
  taskTimeoutMs: undefined,
});

test("the cache evicts the least recently used run beyond its capacity; get refreshes recency", () => {
  const cache = new ReplayerCache(2);
  cache.set("a", entry());
  cache.set("b", entry());
  assert.ok(cache.get("a"), "a is cached");
  cache.set("c", entry()); // b is the least recently used now
  assert.equal(cache.keys(), ["a", "c"]);
  assert.is(cache.evictions, 1);
  cache.delete("a");
  assert.equal(cache.keys(), ["c"]);
  const none = new ReplayerCache(0);
  none.set("a", entry());
  assert.is(none.size, 0, "capacity 0 disables the cache");
  assert.throws(() => new ReplayerCache(-1), /capacity/);
});

const ev = (id: number): HistoryEvent => ({ eventId: id, eventType: "MarkerRecorded", eventTimestamp: id });

/** A newest-first history of `n` events in pages of `size`, as SWF pages it (tokens index the next page). */
function pages(n: number, size: number) {
  const all = Array.from({ length: n }, (_, i) => ev(n - i));
  const page = (i: number): HistoryPage => ({
    events: all.slice(i * size, (i + 1) * size),
    ...((i + 1) * size < n && { nextPageToken: `p${i + 1}` }),
  });
  let fetched = 0;
  return {
    first: page(0),
    fetch: async (token: string) => {
      fetched++;
      return page(Number(token.slice(1)));
    },
    get fetched() {
      return fetched;
    },
  };
}

test("paging stops at the cached event: warm tasks fetch only the pages they need", async () => {
  const h = pages(25, 4);
  const warm = await collectNewestFirst(h.first, h.fetch, 18); // events 19..25 are new: pages 25-22, 21-18
  assert.equal(
    warm.events.map((e) => e.eventId),
    [19, 20, 21, 22, 23, 24, 25],
  );
  assert.is(warm.fetched, 1);
  assert.is(warm.nextPageToken, "p2", "where a full replay would go on");
  const cold = await collectNewestFirst(pages(25, 4).first, pages(25, 4).fetch, 0);
  assert.equal(
    cold.events.map((e) => e.eventId),
    Array.from({ length: 25 }, (_, i) => i + 1),
  );
  assert.is(cold.fetched, 6);
  const exact = await collectNewestFirst(pages(8, 4).first, pages(8, 4).fetch, 4);
  assert.is(exact.fetched, 0, "the first page ends right after the cached event: nothing more to fetch");
});

test("paging refuses pages that are not one contiguous run of event ids", async () => {
  const gap: HistoryPage = { events: [ev(9), ev(8), ev(6)] };
  await collectNewestFirst(gap, async () => ({}), 0).then(
    () => assert.unreachable("a gap must be refused"),
    (err: { code?: string }) => assert.is(err.code, "YF_SWF_MALFORMED_TASK"),
  );
  const short: HistoryPage = { events: [ev(9), ev(8)] };
  await collectNewestFirst(short, async () => ({}), 3).then(
    () => assert.unreachable("missing events must be refused"),
    (err: { code?: string }) => assert.is(err.code, "YF_SWF_MALFORMED_TASK"),
  );
  const bad: HistoryPage = { events: [{ eventType: "MarkerRecorded" } as HistoryEvent] };
  await collectNewestFirst(bad, async () => ({}), 0).then(
    () => assert.unreachable("an event without an id must be refused"),
    (err: { code?: string }) => assert.is(err.code, "YF_SWF_MALFORMED_TASK"),
  );
});

test("errors are classified: throttling, transient, aborted, permanent; never throws on odd values", () => {
  assert.is(classifyError({ name: "ThrottlingException" }), "throttled");
  assert.is(classifyError({ name: "X", $metadata: { httpStatusCode: 429 } }), "throttled");
  assert.is(classifyError({ name: "InternalFailure" }), "transient");
  assert.is(classifyError({ name: "X", $metadata: { httpStatusCode: 503 } }), "transient");
  assert.is(classifyError({ code: "ECONNRESET", message: "read ECONNRESET" }), "transient");
  assert.is(classifyError(new Error("socket hang up")), "transient");
  assert.is(classifyError({ name: "AbortError" }), "aborted");
  const unknownTask = {
    name: "UnknownResourceFault",
    message: "Unknown task token: the task was already answered, timed out, or never existed",
    $metadata: { httpStatusCode: 400 },
  };
  assert.is(classifyError(unknownTask), "permanent", "a service answer is permanent whatever its words");
  for (const odd of [null, undefined, 42, "x", Symbol("s")]) assert.is(classifyError(odd), "permanent");
});

test("backoff: full jitter under an exponential cap; retries transient errors, rethrows permanent ones", async () => {
  assert.is(backoffDelay(1, { initialMs: 100, random: () => 0.999 }), 99);
  assert.is(backoffDelay(4, { initialMs: 100, random: () => 0.5 }), 400);
  assert.is(backoffDelay(30, { initialMs: 100, maxMs: 5_000, random: () => 0.999 }), 4995);
  assert.is(backoffDelay(3, { random: () => 0 }), 0);
  let calls = 0;
  const kinds: string[] = [];
  const out = await withRetries(
    async () => {
      calls++;
      if (calls === 1) throw Object.assign(new Error("slow down"), { name: "ThrottlingException" });
      if (calls === 2) throw Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
      return "ok";
    },
    { initialMs: 1, onRetry: (r) => kinds.push(r.kind) },
  );
  assert.is(out, "ok");
  assert.equal(kinds, ["throttled", "transient"]);
  const permanent = Object.assign(new Error("no such task"), { name: "UnknownResourceFault" });
  let tries = 0;
  await withRetries(
    async () => {
      tries++;
      throw permanent;
    },
    { initialMs: 1 },
  ).catch((err) => assert.is(err, permanent));
  assert.is(tries, 1, "a permanent error is not retried");
  let n = 0;
  await withRetries(
    async () => {
      n++;
      throw Object.assign(new Error("x"), { name: "ThrottlingException" });
    },
    { initialMs: 1, maxAttempts: 3 },
  ).catch(() => {});
  assert.is(n, 3, "maxAttempts bounds the retries");
});

test("the console logger writes level, message and fields; child bindings add fields; levels filter", () => {
  const lines: string[] = [];
  const log = consoleLogger({ level: "info", write: (l) => lines.push(l) });
  log.debug({ a: 1 }, "hidden");
  log.child({ runId: "r-1" }).warn({ error: new TypeError("bad thing"), text: "two words" }, "it broke");
  assert.is(lines.length, 1);
  assert.match(lines[0] as string, / warn {2}it broke runId=r-1 error="TypeError: bad thing" text="two words"$/);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  log.info({ cyclic }, "formatting never throws");
  assert.is(lines.length, 2);
});

test("counters: a snapshot is a copy; Prometheus text names every counter", () => {
  const m = new WorkerMetrics();
  m.counters.decisionTasks.completed += 2;
  m.decisionLatency(12);
  m.decisionLatency(30);
  const snap = m.snapshot();
  m.counters.decisionTasks.completed++;
  assert.is(snap.decisionTasks.completed, 2);
  assert.equal(snap.decisionLatencyMs, { count: 2, sum: 42, max: 30 });
  const text = m.toPrometheus();
  assert.match(text, /^yieldflow_decision_tasks_completed_total 3$/m);
  assert.match(text, /^yieldflow_decision_latency_ms_max 30$/m);
  assert.match(text, /^# TYPE yieldflow_in_flight_activity_tasks gauge$/m);
});

test.run();
