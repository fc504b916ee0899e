/**
 * Faults, each against the dev server over HTTP, each asserting that nothing is lost (the run completes with the
 * right result, every scheduled activity and timer closed once) and nothing is scheduled twice (every activity id
 * appears in one ActivityTaskScheduled event, every timer id in one TimerStarted): `assertNothingLostOrTwice`.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetWorkflowExecutionHistoryCommand } from "@aws-sdk/client-swf";
import type { HistoryEvent } from "@yieldflow/core";
import { startDevServer } from "@yieldflow/local-runner/dev-server";
import {
  ActivityWorker,
  createSwfClient,
  DeciderWorker,
  type PayloadEdge,
  payloadEdge,
  registerTypes,
  SwfClient,
  silentLogger,
  WorkerMetrics,
} from "@yieldflow/swf-adapter";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as f from "./fixtures/faults.ts";
import { logged, spawnWorker } from "./processes.ts";
import { harness, until } from "./support.ts";

const MODULE = "tests/swf-adapter/fixtures/faults.ts";

const count = (events: HistoryEvent[], type: string) => events.filter((e) => e.eventType === type).length;

/**
 * Nothing scheduled twice: every activity id is in one ActivityTaskScheduled event, every timer id in one
 * TimerStarted. Nothing lost: every scheduled activity closed exactly once (completed, failed, timed out or
 * canceled), every timer fired or was canceled exactly once, no schedule was refused, and the run closed.
 */
function assertNothingLostOrTwice(events: HistoryEvent[]): void {
  const ids = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityId ?? []);
  assert.is(new Set(ids).size, ids.length, `an activity id was scheduled twice: ${ids.join(", ")}`);
  const timers = events.flatMap((e) => e.timerStartedEventAttributes?.timerId ?? []);
  assert.is(new Set(timers).size, timers.length, "a timer id was started twice");
  const closes = new Map<number, number>();
  for (const e of events) {
    const ref =
      e.activityTaskCompletedEventAttributes?.scheduledEventId ??
      e.activityTaskFailedEventAttributes?.scheduledEventId ??
      e.activityTaskTimedOutEventAttributes?.scheduledEventId ??
      e.activityTaskCanceledEventAttributes?.scheduledEventId ??
      e.timerFiredEventAttributes?.startedEventId ??
      e.timerCanceledEventAttributes?.startedEventId;
    if (ref !== undefined) closes.set(ref, (closes.get(ref) ?? 0) + 1);
  }
  for (const e of events)
    if (e.eventType === "ActivityTaskScheduled" || e.eventType === "TimerStarted")
      assert.is(closes.get(e.eventId as number), 1, `${e.eventType} ${e.eventId} closed once`);
  for (const refused of ["ScheduleActivityTaskFailed", "StartTimerFailed"])
    assert.is(count(events, refused), 0, `no ${refused}`);
  assert.match(String(events.at(-1)?.eventType), /^WorkflowExecution(Completed|Failed|Canceled)$/, "the run closed");
}

async function setup(domain: string) {
  const h = await harness();
  await registerTypes(h.swf, { domain, workflows: f.workflows, activities: f.activities });
  const client = new SwfClient({ domain, client: h.swf });
  return { h, client };
}

test("an activity worker killed mid-task: the task times out, the retry runs on another worker", async () => {
  const { h, client } = await setup("kill-activity");
  const decider = new DeciderWorker({
    client: h.swf,
    domain: "kill-activity",
    workflows: f.workflows,
    logger: silentLogger,
  });
  decider.start();
  const first = spawnWorker(MODULE, h.server.url, "kill-activity", ["--activities-only"]);
  try {
    const run = await client.start(f.steps, { count: 3, ms: 50, hangAt: 2 });
    await logged(first, "hanging");
    await first.kill();
    const second = spawnWorker(MODULE, h.server.url, "kill-activity", ["--activities-only"]);
    try {
      assert.is(await run.result(), 6);
    } finally {
      await second.stop();
    }
    const events = await run.history();
    assertNothingLostOrTwice(events);
    assert.is(count(events, "ActivityTaskTimedOut"), 1, "the killed attempt timed out once");
    assert.is(count(events, "ActivityTaskCompleted"), 3);
    const control = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.control ?? []);
    assert.ok(control.includes('{"attempt":2}'), "the retry is attempt 2 (ctx.attempt read it)");
  } finally {
    await decider.stop();
    await h.close();
  }
});

test("a decider killed mid-run: another decider continues with a cold cache", async () => {
  const { h, client } = await setup("kill-decider");
  const worker = new ActivityWorker({
    client: h.swf,
    domain: "kill-decider",
    activities: f.activities,
    logger: silentLogger,
  });
  worker.start();
  const first = spawnWorker(MODULE, h.server.url, "kill-decider", ["--deciders-only"]);
  await logged(first, "decider started");
  try {
    const run = await client.start(f.steps, { count: 6, ms: 150 });
    await until(async () => count(await run.history(), "ActivityTaskCompleted") >= 2, 20_000, "two steps");
    await first.kill();
    const metrics = new WorkerMetrics();
    const second = new DeciderWorker({
      client: h.swf,
      domain: "kill-decider",
      workflows: f.workflows,
      logger: silentLogger,
      metrics,
    });
    second.start();
    try {
      assert.is(await run.result(), 21);
    } finally {
      await second.stop();
    }
    assert.ok(metrics.counters.cache.misses >= 1, "the new decider started cold");
    assertNothingLostOrTwice(await run.history());
  } finally {
    await worker.stop();
    await h.close();
  }
});

test("a decision task that would be late is not answered: it times out and the next one completes the run", async () => {
  const { h, client } = await setup("late");
  let delayed = false;
  const base = payloadEdge();
  const slow: PayloadEdge = {
    ...base,
    async beforeRespond(uploads, decisions) {
      if (!delayed) {
        delayed = true;
        await new Promise((r) => setTimeout(r, 2_100)); // the task's start-to-close is 2 s
      }
      return base.beforeRespond(uploads, decisions);
    },
  };
  const metrics = new WorkerMetrics();
  const decider = new DeciderWorker({
    client: h.swf,
    domain: "late",
    workflows: f.workflows,
    payload: slow,
    metrics,
    logger: silentLogger,
  });
  const worker = new ActivityWorker({ client: h.swf, domain: "late", activities: f.activities, logger: silentLogger });
  decider.start();
  worker.start();
  try {
    const run = await client.start(f.steps, { count: 2, ms: 10 });
    assert.is(await run.result(), 3);
    const events = await run.history();
    assert.is(count(events, "DecisionTaskTimedOut"), 1);
    assert.is(metrics.counters.decisionTasks.late, 1);
    assertNothingLostOrTwice(events);
  } finally {
    await Promise.all([decider.stop(), worker.stop()]);
    await h.close();
  }
});

test("UNHANDLED_DECISION: a signal while the closing decision is made; the run decides again and completes", async () => {
  const { h, client } = await setup("unhandled");
  let run: Awaited<ReturnType<typeof client.start<void, number>>> | undefined;
  let signalled = false;
  const base = payloadEdge();
  const racing: PayloadEdge = {
    ...base,
    async beforeRespond(uploads, decisions) {
      // the workflow is about to complete: a second signal arrives first
      if (!signalled && decisions.some((d) => d.decisionType === "CompleteWorkflowExecution") && run) {
        signalled = true;
        await client.signal(run.workflowId, "go", 100);
      }
      return base.beforeRespond(uploads, decisions);
    },
  };
  const decider = new DeciderWorker({
    client: h.swf,
    domain: "unhandled",
    workflows: f.workflows,
    payload: racing,
    logger: silentLogger,
  });
  const worker = new ActivityWorker({
    client: h.swf,
    domain: "unhandled",
    activities: f.activities,
    logger: silentLogger,
  });
  decider.start();
  worker.start();
  try {
    const started = await client.start(f.waiter, undefined);
    run = started;
    await until(async () => count(await started.history(), "ActivityTaskCompleted") === 1, 10_000, "the step");
    await client.signal(run.workflowId, "go", 1);
    assert.is(await run.result(), 2, "the first signal's value: the code returned before the second came");
    const events = await run.history();
    const failed = events.find((e) => e.eventType === "CompleteWorkflowExecutionFailed");
    assert.is(failed?.completeWorkflowExecutionFailedEventAttributes?.cause, "UNHANDLED_DECISION");
    assert.is(count(events, "WorkflowExecutionSignaled"), 2);
    assertNothingLostOrTwice(events);
  } finally {
    await Promise.all([decider.stop(), worker.stop()]);
    await h.close();
  }
});

/** A proxy in front of the dev server that throttles and drops connections. */
async function chaosProxy(target: string, every: { throttle: number; drop: number; dropAfter: string }) {
  let n = 0;
  const stats = { throttled: 0, dropped: 0, droppedAfter: 0 };
  let droppedAfterOnce = false;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const i = ++n;
      const op = String(req.headers["x-amz-target"] ?? "");
      const polls = op.includes("PollFor");
      if (!polls && i % every.throttle === 0) {
        stats.throttled++;
        res.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify({ __type: "com.amazonaws.swf#ThrottlingException", message: "Rate exceeded" }));
        return;
      }
      if (i % every.drop === 0) {
        stats.dropped++;
        req.socket.destroy(); // the server never sees it
        return;
      }
      const dropAfter = !droppedAfterOnce && op.endsWith(every.dropAfter);
      const url = new URL(target);
      const fwd = request(
        { host: url.hostname, port: url.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          const body: Buffer[] = [];
          up.on("data", (c) => body.push(c));
          up.on("end", () => {
            if (dropAfter) {
              droppedAfterOnce = true;
              stats.droppedAfter++;
              req.socket.destroy(); // the server did it; the answer is lost
              return;
            }
            res.writeHead(up.statusCode ?? 500, up.headers);
            res.end(Buffer.concat(body));
          });
        },
      );
      fwd.on("error", () => req.socket.destroy());
      fwd.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

test("throttling and dropped connections at the HTTP layer: backoff, retries, the run completes", async () => {
  const { h, client } = await setup("chaos");
  const proxy = await chaosProxy(h.server.url, { throttle: 4, drop: 7, dropAfter: "RespondActivityTaskCompleted" });
  const swf = createSwfClient({ endpoint: proxy.url });
  const metrics = new WorkerMetrics();
  const backoff = { initialMs: 20, maxMs: 200 };
  const decider = new DeciderWorker({
    client: swf,
    domain: "chaos",
    workflows: f.workflows,
    metrics,
    backoff,
    logger: silentLogger,
  });
  const worker = new ActivityWorker({
    client: swf,
    domain: "chaos",
    activities: f.activities,
    metrics,
    backoff,
    logger: silentLogger,
  });
  decider.start();
  worker.start();
  try {
    const run = await client.start(f.steps, { count: 5, ms: 10 });
    assert.is(await run.result(), 15);
    assert.ok(
      proxy.stats.throttled > 0 && proxy.stats.dropped > 0 && proxy.stats.droppedAfter === 1,
      JSON.stringify(proxy.stats),
    );
    assert.ok(metrics.counters.retries.throttled > 0, "throttled calls were retried");
    assert.ok(metrics.counters.retries.transient + metrics.counters.polls.errors > 0, "dropped calls were retried");
    const events = await run.history();
    assertNothingLostOrTwice(events);
    assert.is(count(events, "ActivityTaskCompleted"), 5, "the result whose answer was dropped was recorded once");
  } finally {
    await Promise.all([decider.stop(), worker.stop()]);
    swf.destroy();
    await proxy.close();
    await h.close();
  }
});

test("a history whose pages span the cache boundary: warm tasks page down to the cached event; same result cold", async () => {
  const { h, client } = await setup("pages");
  const worker = new ActivityWorker({ client: h.swf, domain: "pages", activities: f.activities, logger: silentLogger });
  worker.start();
  /** The run's whole history read in pages of 4 (as the decider reads it), checked to be events 1…N with none lost. */
  const allPages = async (run: { workflowId: string; runId: string }) => {
    const events: HistoryEvent[] = [];
    let nextPageToken: string | undefined;
    let pages = 0;
    do {
      const page = await h.swf.send(
        new GetWorkflowExecutionHistoryCommand({
          domain: "pages",
          execution: run,
          maximumPageSize: 4,
          ...(nextPageToken !== undefined && { nextPageToken }),
        }),
      );
      events.push(...(page.events ?? []));
      nextPageToken = page.nextPageToken || undefined;
      pages++;
    } while (nextPageToken !== undefined);
    assert.equal(
      events.map((e) => e.eventId),
      events.map((_, i) => i + 1),
      "the pages hold events 1…N, each once",
    );
    assert.ok(pages > 10, `the history spans many pages of 4 (${pages})`);
    return events;
  };
  const runWith = async (cacheSize: number) => {
    const metrics = new WorkerMetrics();
    const decider = new DeciderWorker({
      client: h.swf,
      domain: "pages",
      workflows: f.workflows,
      pageSize: 4,
      cacheSize,
      metrics,
      logger: silentLogger,
    });
    decider.start();
    try {
      const run = await client.start(f.steps, { count: 8, ms: 5 });
      const result = await run.result();
      return { result, metrics: metrics.snapshot(), events: await allPages(run) };
    } finally {
      await decider.stop();
    }
  };
  try {
    const warm = await runWith(100);
    const cold = await runWith(0);
    assert.is(warm.result, 36, "warm: nothing lost, every step's result is in the sum");
    assert.is(cold.result, 36, "cold: nothing lost, every step's result is in the sum");
    assert.ok(warm.metrics.cache.hits >= 7, `warm: ${JSON.stringify(warm.metrics.cache)}`);
    assert.ok(warm.metrics.historyPages > 0, "new events of a warm task span more than one page of 4");
    assert.is(cold.metrics.cache.hits, 0);
    assert.ok(
      cold.metrics.historyPages > 2 * warm.metrics.historyPages,
      `cold tasks page the whole history: ${cold.metrics.historyPages} pages vs ${warm.metrics.historyPages} warm`,
    );
    const scheduled = (events: HistoryEvent[]) =>
      events.flatMap((e) => {
        const a = e.activityTaskScheduledEventAttributes;
        return a ? [`${a.activityId} ${a.input}`] : [];
      });
    assert.equal(scheduled(warm.events), scheduled(cold.events), "warm and cold deciders decide alike");
    for (const { events } of [warm, cold]) {
      assertNothingLostOrTwice(events);
      assert.is(count(events, "ActivityTaskScheduled"), 8, "one schedule per step");
      assert.is(events.at(-1)?.eventType, "WorkflowExecutionCompleted");
    }
  } finally {
    await worker.stop();
    await h.close();
  }
});

test("a bug in workflow code fails the decision task until a fixed decider runs; failWorkflow fails the run instead", async () => {
  const { h, client } = await setup("bug");
  const worker = new ActivityWorker({ client: h.swf, domain: "bug", activities: f.activities, logger: silentLogger });
  worker.start();
  const { defineWorkflow, activity } = await import("@yieldflow/core");
  const buggy = defineWorkflow(
    { name: "steps", version: "1", taskList: "fault-deciders", timeouts: { taskStartToClose: "1s" } },
    function* (input: { count: number; ms: number }) {
      const n = yield* activity(f.step, { n: 1, ms: input.ms });
      if (n === 1) throw new TypeError("cannot read properties of undefined (reading 'total')");
      return n;
    },
  );
  const lines: string[] = [];
  const logger = {
    ...silentLogger,
    error: (fields: Record<string, unknown>, message?: string) => lines.push(`${message} ${JSON.stringify(fields)}`),
    child: () => logger,
  };
  try {
    const bad = new DeciderWorker({ client: h.swf, domain: "bug", workflows: [buggy], logger });
    bad.start();
    const run = await client.start(f.steps, { count: 1, ms: 5 });
    await until(async () => count(await run.history(), "DecisionTaskTimedOut") >= 1, 15_000, "a failed task");
    await bad.stop();
    assert.ok(
      lines.some((l) => l.includes(run.runId) && l.includes("reading 'total'")),
      lines.join("\n"),
    );
    const fixed = new DeciderWorker({ client: h.swf, domain: "bug", workflows: f.workflows, logger: silentLogger });
    fixed.start();
    assert.is(await run.result(), 1, "the fixed code continues the run");
    await fixed.stop();
    assertNothingLostOrTwice(await run.history());

    const failing = new DeciderWorker({
      client: h.swf,
      domain: "bug",
      workflows: [buggy],
      onWorkflowError: "failWorkflow",
      logger: silentLogger,
    });
    failing.start();
    const run2 = await client.start(f.steps, { count: 1, ms: 5 });
    try {
      await run2.result();
      assert.unreachable("the run must fail");
    } catch (err) {
      assert.is((err as { code?: string }).code, "YF_WORKFLOW_FAILED");
      assert.match(String((err as Error).message), "reading 'total'");
    }
    await failing.stop();
  } finally {
    await worker.stop();
    await h.close();
  }
});

test("heartbeats and cancellation: the activity's signal aborts on cancelRequested and it reports canceled", async () => {
  const { h, client } = await setup("cancel");
  const metrics = new WorkerMetrics();
  const decider = new DeciderWorker({ client: h.swf, domain: "cancel", workflows: f.workflows, logger: silentLogger });
  const worker = new ActivityWorker({
    client: h.swf,
    domain: "cancel",
    activities: f.activities,
    metrics,
    logger: silentLogger,
  });
  decider.start();
  worker.start();
  try {
    const run = await client.start(f.canceller, undefined);
    assert.is(await run.result(), "cancelled");
    const events = await run.history();
    assert.is(count(events, "ActivityTaskCancelRequested"), 1);
    assert.is(count(events, "ActivityTaskCanceled"), 1);
    assert.is(metrics.counters.activityTasks.canceled, 1);
    assertNothingLostOrTwice(events);
  } finally {
    await Promise.all([decider.stop(), worker.stop()]);
    await h.close();
  }
});

test("graceful shutdown: a running activity finishes and its result is reported; past the deadline it is given back", async () => {
  const { h, client } = await setup("shutdown");
  const decider = new DeciderWorker({
    client: h.swf,
    domain: "shutdown",
    workflows: f.workflows,
    logger: silentLogger,
  });
  decider.start();
  try {
    const metrics = new WorkerMetrics();
    const w1 = new ActivityWorker({
      client: h.swf,
      domain: "shutdown",
      activities: f.activities,
      metrics,
      logger: silentLogger,
    });
    w1.start();
    const run = await client.start(f.steps, { count: 1, ms: 600 });
    await until(async () => count(await run.history(), "ActivityTaskStarted") === 1, 10_000, "the step to start");
    await w1.stop(5_000);
    assert.is(metrics.counters.activityTasks.completed, 1, "finished within the deadline and reported");
    assert.is(count(await run.history(), "ActivityTaskCompleted"), 1);
    assert.is(await run.result(), 1);

    const m2 = new WorkerMetrics();
    const w2 = new ActivityWorker({
      client: h.swf,
      domain: "shutdown",
      activities: f.activities,
      metrics: m2,
      logger: silentLogger,
    });
    w2.start();
    const run2 = await client.start(f.steps, { count: 1, ms: 1_500 });
    await until(async () => count(await run2.history(), "ActivityTaskStarted") === 1, 10_000, "the step to start");
    await w2.stop(100);
    const failed = (await run2.history()).find((e) => e.eventType === "ActivityTaskFailed");
    assert.is(
      failed?.activityTaskFailedEventAttributes?.reason,
      "YF_WORKER_SHUTDOWN",
      "given back, not left to time out",
    );
    const w3 = new ActivityWorker({
      client: h.swf,
      domain: "shutdown",
      activities: f.activities,
      logger: silentLogger,
    });
    w3.start();
    assert.is(await run2.result(), 1, "the retry ran on another worker");
    assertNothingLostOrTwice(await run.history());
    assertNothingLostOrTwice(await run2.history());
    await w3.stop();
  } finally {
    await decider.stop();
    await h.close();
  }
});

test("the dev server restarted with --data mid-run: the workers reconnect and the run completes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "yf-adapter-"));
  const data = join(dir, "swf.db");
  let server = await startDevServer({ port: 0, pollWaitMs: 1000, data });
  const port = server.port;
  const swf = createSwfClient({ endpoint: server.url });
  await registerTypes(swf, { domain: "restart", workflows: f.workflows, activities: f.activities });
  const backoff = { initialMs: 50, maxMs: 300 };
  const decider = new DeciderWorker({
    client: swf,
    domain: "restart",
    workflows: f.workflows,
    backoff,
    logger: silentLogger,
  });
  const worker = new ActivityWorker({
    client: swf,
    domain: "restart",
    activities: f.activities,
    backoff,
    logger: silentLogger,
  });
  decider.start();
  worker.start();
  const client = new SwfClient({ domain: "restart", client: swf });
  try {
    const run = await client.start(f.steps, { count: 6, ms: 100 });
    await until(async () => count(await run.history(), "ActivityTaskCompleted") >= 2, 20_000, "two steps");
    await server.close();
    await new Promise((r) => setTimeout(r, 300));
    server = await startDevServer({ port, pollWaitMs: 1000, data });
    assert.is(await run.result(), 21);
    assertNothingLostOrTwice(await run.history());
  } finally {
    await Promise.all([decider.stop(), worker.stop()]);
    swf.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
