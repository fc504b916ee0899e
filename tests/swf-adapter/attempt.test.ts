/**
 * The attempt number comes with the activity task: the SWF activity worker gives each retried attempt its number
 * without one GetWorkflowExecutionHistory call (counted on the wire, as X-Amz-Target headers, and by the worker's
 * counters), the local runner gives the same numbers, both record the same inputs and controls, and the
 * implementations see the same arguments. An input too large to carry the attempt costs one history read, and only
 * that task; a history recorded before inputs carried attempts still replays.
 */
import { PollForDecisionTaskCommand, RespondDecisionTaskCompletedCommand, type SWFClient } from "@aws-sdk/client-swf";
import {
  activity,
  decide,
  defineActivity,
  defineWorkflow,
  type HistoryEvent,
  implement,
  retry,
  SWF_LIMITS,
} from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
import {
  ActivityWorker,
  createSwfClient,
  DeciderWorker,
  registerTypes,
  SwfClient,
  silentLogger,
} from "@yieldflow/swf-adapter";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { comparable, harness } from "./support.ts";

const policy = { maximumAttempts: 3, initialInterval: "1s", backoffCoefficient: 1 } as const;
const probe = defineActivity<{ key: string; pad?: string }, number>({
  name: "probe",
  version: "1",
  taskList: "attempts",
  timeouts: { startToClose: "20s" },
});
const bare = defineActivity<undefined, number>({
  name: "bare",
  version: "1",
  taskList: "attempts",
  timeouts: { startToClose: "20s" },
});

const wf = defineWorkflow({ name: "attempts", version: "1", taskList: "attempt-deciders" }, function* (pad: string) {
  const a = yield* retry(activity(probe, { key: "a" }), policy);
  const b = yield* retry(activity(bare, undefined), policy);
  const c = yield* retry(activity(probe, { key: "c", pad }), policy);
  return [a, b, c];
});

/** Implementations that fail until attempt 3 and note what each attempt saw. */
function implementations(seen: { type: string; input: unknown; attempt: number }[]) {
  return [
    implement(probe, async (input, ctx) => {
      seen.push({ type: "probe", input: input.key, attempt: ctx.attempt });
      if (ctx.attempt < 3) throw new Error(`fails on attempt ${ctx.attempt}`);
      return ctx.attempt;
    }),
    implement(bare, async (input, ctx) => {
      seen.push({ type: "bare", input, attempt: ctx.attempt });
      if (ctx.attempt < 3) throw new Error(`fails on attempt ${ctx.attempt}`);
      return ctx.attempt;
    }),
  ];
}

/** Counts the SWF operations a client sends, as the HTTP requests name them (X-Amz-Target). */
function countRequests(client: SWFClient): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
      const op = (headers["x-amz-target"] ?? "?").replace("SimpleWorkflowService.", "");
      counts.set(op, (counts.get(op) ?? 0) + 1);
      return next(args);
    },
    { step: "finalizeRequest", name: "countRequests" },
  );
  return counts;
}

const scheduled = (events: HistoryEvent[]) =>
  events.flatMap((e) => {
    const a = e.activityTaskScheduledEventAttributes;
    return a ? [{ id: a.activityId, input: a.input, control: a.control }] : [];
  });

async function onSwf(pad: string) {
  const h = await harness();
  const seen: { type: string; input: unknown; attempt: number }[] = [];
  const impls = implementations(seen);
  const activitySwf = createSwfClient({ endpoint: h.server.url });
  const requests = countRequests(activitySwf);
  await registerTypes(h.swf, { domain: "attempts", workflows: [wf], activities: impls });
  const decider = new DeciderWorker({ client: h.swf, domain: "attempts", workflows: [wf], logger: silentLogger });
  const worker = new ActivityWorker({
    client: activitySwf,
    domain: "attempts",
    activities: impls,
    logger: silentLogger,
  });
  decider.start();
  worker.start();
  try {
    const run = await new SwfClient({ domain: "attempts", client: h.swf }).start(wf, pad, { workflowId: "attempts" });
    const result = await run.result();
    return { result, seen, history: await run.history(), runId: run.runId, requests, metrics: worker.metrics };
  } finally {
    await Promise.all([decider.stop(), worker.stop()]);
    activitySwf.destroy();
    await h.close();
  }
}

async function locally(pad: string) {
  const seen: { type: string; input: unknown; attempt: number }[] = [];
  const runner = new LocalRunner({ workflows: [wf], activities: implementations(seen) });
  const run = await runner.start(wf, pad, { workflowId: "attempts" });
  return { result: await run.result(), seen, history: run.history(), runId: run.runId };
}

test("the SWF worker gets every attempt number with no history read, and the local runner agrees", async () => {
  const [swf, local] = await Promise.all([onSwf(""), locally("")]);
  assert.equal(swf.result, [3, 3, 3]);
  assert.equal(swf.result, local.result);
  assert.equal(
    swf.seen,
    [
      ["probe", "a"],
      ["bare", undefined],
      ["probe", "c"],
    ].flatMap(([type, input]) => [1, 2, 3].map((attempt) => ({ type, input, attempt }))),
    "each attempt saw its number and the same arguments",
  );
  assert.equal(swf.seen, local.seen, "the local runner gives the same attempts and arguments");
  assert.is(swf.requests.get("GetWorkflowExecutionHistory") ?? 0, 0, "no GetWorkflowExecutionHistory on the wire");
  assert.is(swf.requests.get("RespondActivityTaskFailed"), 6, "the worker's requests were counted");
  assert.is(swf.metrics.counters.activityTasks.attemptLookups, 0);
  // the same inputs and controls recorded by both; attempt 1's input plain, later ones carry the attempt
  const recorded = scheduled(swf.history);
  assert.equal(recorded, scheduled(local.history));
  assert.equal(comparable(swf.history, [swf.runId]).length, comparable(local.history, [local.runId]).length);
  assert.is(recorded[0]?.input, '{"key":"a"}');
  assert.is(recorded[0]?.control, '{"attempt":1}');
  assert.is(recorded[1]?.input, '{"$yf:payload":1,"attempt":2,"codecs":[],"text":"{\\"key\\":\\"a\\"}"}');
  assert.is(recorded[3]?.input, undefined, "no input stays no input on attempt 1");
  assert.is(recorded[4]?.input, '{"$yf:payload":1,"attempt":2}');
});

test("an input too large to carry its attempt costs one history read per such task; the numbers stay right", async () => {
  const pad = "p".repeat(SWF_LIMITS.dataChars - 40); // its input fits plain, not inside an envelope
  const [swf, local] = await Promise.all([onSwf(pad), locally(pad)]);
  assert.equal(swf.result, [3, 3, 3]);
  assert.equal(swf.seen, local.seen);
  assert.equal(
    swf.seen.filter((s) => s.input === "c").map((s) => s.attempt),
    [1, 2, 3],
  );
  assert.is(swf.metrics.counters.activityTasks.attemptLookups, 3, "only the three tasks of the large input");
  assert.is(swf.requests.get("GetWorkflowExecutionHistory"), 3);
  assert.equal(scheduled(swf.history), scheduled(local.history));
});

test('a retry scheduled by an older decider (attempt in control only): attempt 1, or the history\'s with "always"', async () => {
  const h = await harness();
  try {
    const seen: number[] = [];
    const impl = implement(probe, async (_input, ctx) => {
      seen.push(ctx.attempt);
      return ctx.attempt;
    });
    await registerTypes(h.swf, { domain: "old", workflows: [wf], activities: [impl] });
    const run = await new SwfClient({ domain: "old", client: h.swf }).start(wf, "", { workflowId: "old-1" });
    // an older decider: attempt 2 recorded in control only, the input plain (one task at a time, one per worker)
    const scheduleTheOldWay = async (activityId: string) => {
      const task = await h.swf.send(
        new PollForDecisionTaskCommand({ domain: "old", taskList: { name: "attempt-deciders" } }),
      );
      const attributes = {
        activityType: { name: "probe", version: "1" },
        activityId,
        input: '{"key":"old"}',
        control: '{"attempt":2}',
      };
      await h.swf.send(
        new RespondDecisionTaskCompletedCommand({
          taskToken: task.taskToken,
          decisions: [{ decisionType: "ScheduleActivityTask", scheduleActivityTaskDecisionAttributes: attributes }],
        }),
      );
    };
    for (const resolveAttempt of [true, "always"] as const) {
      const worker = new ActivityWorker({
        client: h.swf,
        domain: "old",
        activities: [impl],
        resolveAttempt,
        maxConcurrent: 1,
        logger: silentLogger,
      });
      await scheduleTheOldWay(`old-${resolveAttempt}`);
      worker.start();
      const before = seen.length;
      for (let i = 0; i < 500 && seen.length === before; i++) await new Promise((r) => setTimeout(r, 10));
      await worker.stop();
      assert.is(worker.metrics.counters.activityTasks.attemptLookups, resolveAttempt === "always" ? 1 : 0);
    }
    assert.equal(seen, [1, 2], 'by default the plain input reads as attempt 1; "always" reads control\'s 2');
    await new SwfClient({ domain: "old", client: h.swf }).terminate(run.workflowId);
  } finally {
    await h.close();
  }
});

test("a history recorded before inputs carried the attempt (control only) still replays", async () => {
  const local = await locally("");
  const old = structuredClone(local.history).map((e) => {
    const a = e.activityTaskScheduledEventAttributes;
    if (a?.input?.startsWith('{"$yf:payload":1,"attempt":')) {
      const inner = a.input.endsWith('"attempt":2}') || a.input.endsWith('"attempt":3}') ? undefined : a.input;
      if (inner === undefined) delete a.input;
      else a.input = JSON.parse(inner).text;
    }
    return e;
  });
  assert.ok(
    old.every((e) => !e.activityTaskScheduledEventAttributes?.input?.includes("attempt")),
    "the old form: no attempt in any input",
  );
  const replayed = decide(wf, old, { workflowId: "attempts", runId: local.runId });
  assert.equal(replayed.status, { status: "completed", result: [3, 3, 3] });
});

test.run();
