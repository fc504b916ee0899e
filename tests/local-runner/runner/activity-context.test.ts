/**
 * The activity context: the attempt number (from the scheduled event's control, as retry records it) and a logger
 * whose lines are tagged with the workflow, run, activity id, type and attempt.
 */
import {
  type ActivityLogLine,
  ApplicationFailure,
  activity,
  activityAttempt,
  defineActivity,
  defineWorkflow,
  formatActivityLogLine,
  implement,
} from "@yieldflow/core";
import { LocalRunner, VirtualClock } from "@yieldflow/local-runner";
import { test } from "uvu";
import * as assert from "uvu/assert";

test("ctx.attempt counts the attempts of an activity retrying under its policy; ctx.log lines are tagged", async () => {
  const flaky = defineActivity<string, string>({
    name: "flaky",
    version: "2",
    taskList: "work",
    retry: { maximumAttempts: 3, initialInterval: "10s" },
  });
  const wf = defineWorkflow({ name: "ctx", version: "1" }, function* () {
    return yield* activity(flaky, "x");
  });
  const lines: ActivityLogLine[] = [];
  const attempts: number[] = [];
  const runner = new LocalRunner({
    workflows: [wf],
    activityLog: (line) => lines.push(line),
    activities: [
      implement(flaky, async (x, ctx) => {
        attempts.push(ctx.attempt);
        ctx.log.info(`try ${ctx.attempt}`, { x });
        if (ctx.attempt < 3) throw new ApplicationFailure("Flaky", "not yet");
        ctx.log.warn("third time lucky");
        return `${x}${ctx.attempt}`;
      }),
    ],
  });
  const h = await runner.start(wf, undefined, { workflowId: "ctx-1" });
  assert.is(await h.result(), "x3");
  assert.equal(attempts, [1, 2, 3]);
  assert.equal(
    lines.map((l) => [l.level, l.message, l.attempt, l.activityId]),
    [
      ["info", "try 1", 1, "activity-1"],
      ["info", "try 2", 2, "activity-3"],
      ["info", "try 3", 3, "activity-5"],
      ["warn", "third time lucky", 3, "activity-5"],
    ],
  );
  for (const l of lines) {
    assert.is(l.workflowId, "ctx-1");
    assert.is(l.runId, h.runId);
    assert.equal(l.activityType, { name: "flaky", version: "2" });
  }
  // the 10 s backoff is on the (virtual) clock that times the lines
  assert.ok((lines[1]?.time ?? 0) - (lines[0]?.time ?? 0) >= 10_000);
  assert.equal(lines[0]?.data, { x: "x" });
});

test("without a policy an activity's attempt is 1; by default lines go to stderr, one tagged line each", async () => {
  const plain = defineActivity<void, number>({ name: "plain", version: "1", taskList: "work" });
  const wf = defineWorkflow({ name: "ctx2", version: "1" }, function* () {
    return yield* activity(plain, undefined);
  });
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const runner = new LocalRunner({
      workflows: [wf],
      activities: [
        implement(plain, (_x, ctx) => {
          ctx.log.error("it hurts", { code: 7 });
          return ctx.attempt;
        }),
      ],
    });
    const h = await runner.start(wf, undefined, { workflowId: "ctx-2" });
    assert.is(await h.result(), 1);
    const line = written.find((w) => w.includes("it hurts"));
    assert.ok(line, written.join(""));
    assert.match(
      line,
      new RegExp(`^\\S+ error \\[ctx-2 ${h.runId} activity-1 plain@1 attempt 1\\] it hurts \\{"code":7\\}\\n$`),
    );
  } finally {
    process.stderr.write = write;
  }
});

test("the determinism guard covers workflow code only: activities keep real timers and the wall clock", async () => {
  const wait = defineActivity<number, { waited: boolean; wall: number }>({
    name: "wait",
    version: "1",
    taskList: "work",
  });
  const wf = defineWorkflow({ name: "guarded", version: "1" }, function* () {
    const workflowTime = Date.now(); // workflow time under the guard: the run's start on the virtual clock
    const r = yield* activity(wait, 5);
    let timers = "allowed";
    try {
      setTimeout(() => {}, 1);
    } catch (err) {
      timers = (err as { code?: string }).code ?? "?";
    }
    return { ...r, workflowTime, timers };
  });
  const wallBefore = Date.now();
  const runner = new LocalRunner({
    workflows: [wf],
    clock: new VirtualClock(Date.UTC(2020, 0, 1)),
    activityLog: () => {},
    activities: [
      implement(wait, async (ms) => {
        await new Promise((resolve) => setTimeout(resolve, ms)); // a real timer
        return { waited: true, wall: Date.now() };
      }),
    ],
  });
  const h = await runner.start(wf, undefined);
  const r = (await h.result()) as { waited: boolean; wall: number; workflowTime: number; timers: string };
  assert.is(r.waited, true);
  assert.ok(r.wall >= wallBefore, "the activity saw the wall clock");
  assert.is(r.workflowTime, Date.UTC(2020, 0, 1), "the workflow saw workflow time");
  assert.is(r.timers, "YF_DETERMINISM_GUARD");
});

test("activityAttempt reads retry's control and anything else as attempt 1", () => {
  assert.is(activityAttempt('{"attempt":4}'), 4);
  for (const bad of [undefined, "", "x", '{"attempt":0}', '{"attempt":"2"}', '{"attempt":1.5}', '{"attempt":', "{}"])
    assert.is(activityAttempt(bad), 1, String(bad));
});

test("formatActivityLogLine never throws on data JSON cannot carry", () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const base = {
    level: "info" as const,
    message: "m",
    time: 0,
    workflowId: "w",
    runId: "r",
    activityId: "a",
    activityType: { name: "t", version: "1" },
    attempt: 1,
  };
  assert.is(
    formatActivityLogLine({ ...base, data: cyclic }),
    "1970-01-01T00:00:00.000Z info [w r a t@1 attempt 1] m [unprintable]",
  );
  assert.is(formatActivityLogLine({ ...base, data: 5n }), '1970-01-01T00:00:00.000Z info [w r a t@1 attempt 1] m "5n"');
});

test.run();
