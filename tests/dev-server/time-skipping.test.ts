/**
 * Time skipping (`yieldflow dev-server --time-skipping`), over HTTP with the SDK: when no decision or activity task
 * is queued or started anywhere and a timer is open, the server's clock jumps to the next deadline. A long timer
 * fires at once and is stamped with the skipped-to time; an activity a worker is running keeps its real-time
 * timeouts; a queued task waits for its poller; a run that only waits for a signal moves nothing; deadlines keep
 * their order (an execution timeout before a timer fires first); the test hook `advanceTime` fires what it passes;
 * a restarted `--data` server resumes at the skipped-to time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as SWF from "@aws-sdk/client-swf";
import { startDevServer } from "@yieldflow/local-runner/dev-server";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { client, type Harness, harness, historyOf, rejection, setUp } from "./support.ts";

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), "yf-timeskip-"));
let h: Harness;
test.before(async () => {
  h = await harness({ timeSkipping: true });
});
test.after(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An event's time, epoch ms (fails the test when the event is missing). */
const seconds = (e: SWF.HistoryEvent | undefined): number => {
  if (!(e?.eventTimestamp instanceof Date)) throw new Error("the event is missing, or has no timestamp");
  return e.eventTimestamp.getTime();
};
const find = (events: SWF.HistoryEvent[], type: string) => events.find((e) => e.eventType === type);
const types = (events: SWF.HistoryEvent[]) => events.map((e) => e.eventType);

async function start(
  swf: SWF.SWFClient,
  domain: string,
  workflowId: string,
  o: Partial<SWF.StartWorkflowExecutionInput> = {},
) {
  const r = await swf.send(
    new SWF.StartWorkflowExecutionCommand({ domain, workflowId, workflowType: { name: "wf", version: "1" }, ...o }),
  );
  return { workflowId, runId: r.runId as string };
}

/** The next decision task, polling again while polls come back empty (up to 10 s). */
async function pollDecision(swf: SWF.SWFClient, domain: string) {
  const end = Date.now() + 10_000;
  for (;;) {
    const task = await swf.send(
      new SWF.PollForDecisionTaskCommand({ domain, taskList: { name: "deciders" }, identity: "test" }),
    );
    if (task.taskToken) return task;
    if (Date.now() > end) throw new Error(`no decision task came on ${domain} within 10 s`);
  }
}

async function answer(swf: SWF.SWFClient, domain: string, decisions: SWF.Decision[]) {
  const t = await pollDecision(swf, domain);
  await swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: t.taskToken, decisions }));
  return t;
}

const timer = (timerId: string, seconds: number): SWF.Decision => ({
  decisionType: "StartTimer",
  startTimerDecisionAttributes: { timerId, startToFireTimeout: String(seconds) },
});
const activity = (activityId: string, o: Partial<SWF.ScheduleActivityTaskDecisionAttributes> = {}): SWF.Decision => ({
  decisionType: "ScheduleActivityTask",
  scheduleActivityTaskDecisionAttributes: { activityId, activityType: { name: "act", version: "1" }, ...o },
});
const complete: SWF.Decision = { decisionType: "CompleteWorkflowExecution" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a 30-day timer fires at once, stamped 30 days later; the UI shows the server's time", async () => {
  const { swf, server } = h;
  const domain = "skip-timer";
  await setUp(swf, domain, { execStartToClose: "31536000" });
  const run = await start(swf, domain, "month");
  await answer(swf, domain, [timer("t", 30 * 86_400)]);
  const t0 = Date.now();
  const fired = await pollDecision(swf, domain);
  const took = Date.now() - t0;
  assert.ok(took < 3_000, `the timer fired after ${took} ms of real time`);
  const events = fired.events ?? [];
  const started = find(events, "TimerStarted");
  const timerFired = find(events, "TimerFired");
  assert.ok(timerFired, `TimerFired in ${types(events)}`);
  const gap = seconds(timerFired) - seconds(started);
  assert.ok(gap >= 30 * DAY && gap < 30 * DAY + 5_000, `TimerFired ${gap} ms after TimerStarted`);
  assert.ok(server.now() - Date.now() >= 30 * DAY - 5_000, "the server's clock is 30 days ahead");
  assert.ok(server.timeJumps >= 1);
  await swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: fired.taskToken, decisions: [complete] }));
  const all = await historyOf(swf, domain, run);
  assert.is(all.at(-1)?.eventType, "WorkflowExecutionCompleted");
  assert.ok(seconds(all.at(-1)) >= seconds(timerFired), "later events follow the skipped-to time");
  const page = await (await fetch(`${server.url}/`)).text();
  assert.match(page, /Server time \d{4}-\d\d-\d\d [\d:.]+ UTC \(time skipping[^<]*ahead of the wall clock/);
});

test("an activity a worker is running keeps its real-time start-to-close and heartbeat timeouts; a 1-day timer waits", async () => {
  const { swf } = h;
  const domain = "skip-activity";
  await setUp(swf, domain, { execStartToClose: "31536000" });
  const run = await start(swf, domain, "busy");
  // the worker answers within its 5 s start-to-close: the open timer must not jump past (and time out) the task
  await answer(swf, domain, [activity("a1", { startToCloseTimeout: "5" }), timer("day", 86_400)]);
  const task = await swf.send(new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "workers" } }));
  assert.ok(task.taskToken, "the activity task was handed out");
  await sleep(1_000);
  await swf.send(new SWF.RespondActivityTaskCompletedCommand({ taskToken: task.taskToken, result: "done" }));
  let events = await historyOf(swf, domain, run);
  assert.not.ok(find(events, "TimerFired"), "no jump while the activity ran");
  const ran = seconds(find(events, "ActivityTaskCompleted")) - seconds(find(events, "ActivityTaskStarted"));
  assert.ok(ran >= 900 && ran < 10_000, `the activity took ${ran} ms of server time (real time)`);

  // a worker that never answers: the task times out after its 1 s of real time, before the (skipped) timer fires
  await answer(swf, domain, [activity("a2", { startToCloseTimeout: "1" })]);
  const hung = await swf.send(new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "workers" } }));
  assert.ok(hung.taskToken);
  const next = await pollDecision(swf, domain);
  events = next.events ?? [];
  const timedOut = find(events, "ActivityTaskTimedOut");
  assert.is(timedOut?.activityTaskTimedOutEventAttributes?.timeoutType, "START_TO_CLOSE");
  const waited = seconds(timedOut) - seconds(events.filter((e) => e.eventType === "ActivityTaskStarted").at(-1));
  assert.ok(waited >= 900 && waited < 10_000, `timed out ${waited} ms after it started`);
  assert.not.ok(find(events, "TimerFired"), "the timer had not fired when the activity timed out");
  const late = await rejection(
    swf.send(new SWF.RespondActivityTaskCompletedCommand({ taskToken: hung.taskToken, result: "late" })),
  );
  assert.is(late.name, "UnknownResourceFault");

  // a heartbeat moves the heartbeat timeout on the real clock: answered 2.4 s after the start, 1.2 s after the
  // heartbeat, the task did not time out (its 2 s heartbeat timeout was neither skipped to nor missed)
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({
      taskToken: next.taskToken,
      decisions: [activity("a3", { heartbeatTimeout: "2", startToCloseTimeout: "60" })],
    }),
  );
  const beating = await swf.send(new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "workers" } }));
  await sleep(1_200);
  const beat = await swf.send(new SWF.RecordActivityTaskHeartbeatCommand({ taskToken: beating.taskToken }));
  assert.is(beat.cancelRequested, false);
  await sleep(1_200);
  await swf.send(new SWF.RespondActivityTaskCompletedCommand({ taskToken: beating.taskToken, result: "beat" }));
  const afterBeat = await pollDecision(swf, domain);
  const lastActivityEvent = (afterBeat.events ?? []).filter((e) => e.eventType?.startsWith("ActivityTask")).at(-1);
  assert.is(lastActivityEvent?.activityTaskCompletedEventAttributes?.result, "beat", "a3 completed, not timed out");
  assert.not.ok(find(afterBeat.events ?? [], "TimerFired"));

  // idle again (only the timer is open): time jumps to it
  await swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: afterBeat.taskToken, decisions: [] }));
  const fired = await pollDecision(swf, domain);
  assert.ok(find(fired.events ?? [], "TimerFired"));
  await swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: fired.taskToken, decisions: [complete] }));
});

test("a task queued for a poller that has not polled yet holds time still (and keeps its real-time timeouts)", async () => {
  const { swf } = h;
  const domain = "skip-queued";
  await setUp(swf, domain, { execStartToClose: "31536000" });
  const run = await start(swf, domain, "queued");
  await answer(swf, domain, [activity("a"), timer("day", 86_400)]);
  await sleep(400);
  let events = await historyOf(swf, domain, run);
  assert.equal(types(events).slice(-2), ["ActivityTaskScheduled", "TimerStarted"], "nothing happened meanwhile");
  const task = await swf.send(new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "workers" } }));
  await swf.send(new SWF.RespondActivityTaskCompletedCommand({ taskToken: task.taskToken, result: "r" }));
  // the decision task that follows is queued too: the timer still waits until it is answered
  await sleep(200);
  events = await historyOf(swf, domain, run);
  assert.not.ok(find(events, "TimerFired"));
  await answer(swf, domain, []);
  const fired = await pollDecision(swf, domain);
  assert.ok(find(fired.events ?? [], "TimerFired"));
  await swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: fired.taskToken, decisions: [complete] }));

  // a task nobody polls holds time still; its schedule-to-start timeout runs on the real clock
  const lonely = await start(swf, domain, "lonely");
  await answer(swf, domain, [
    activity("nobody", { taskList: { name: "nobody-polls" }, scheduleToStartTimeout: "1" }),
    timer("day", 86_400),
  ]);
  const after = await pollDecision(swf, domain);
  const timedOut = find(after.events ?? [], "ActivityTaskTimedOut");
  assert.is(timedOut?.activityTaskTimedOutEventAttributes?.timeoutType, "SCHEDULE_TO_START");
  const waited = seconds(timedOut) - seconds(find(after.events ?? [], "ActivityTaskScheduled"));
  assert.ok(waited >= 900 && waited < 10_000, `timed out ${waited} ms after it was scheduled`);
  assert.not.ok(find(after.events ?? [], "TimerFired"), "the timer had not fired");
  await swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: after.taskToken, decisions: [complete] }));
  assert.is((await historyOf(swf, domain, lonely)).at(-1)?.eventType, "WorkflowExecutionCompleted");
});

test("pollers that find nothing do not hold time still", async () => {
  const server = await startDevServer({ port: 0, pollWaitMs: 0, timeSkipping: true, timeSkippingGraceMs: 50 });
  const own = client(server.url);
  let polling = true;
  try {
    const domain = "skip-busy-pollers";
    await setUp(own, domain, { execStartToClose: "31536000" });
    await start(own, domain, "polled");
    await answer(own, domain, [timer("hour", 3_600)]);
    // three pollers on an empty task list, each polling again at once (every few ms, well inside the grace period)
    const pollers = [1, 2, 3].map(async () => {
      while (polling) await own.send(new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "empty" } }));
    });
    const t = await pollDecision(own, domain);
    assert.ok(find(t.events ?? [], "TimerFired"), "the timer fired while the pollers polled");
    polling = false;
    await Promise.all(pollers);
    await own.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: t.taskToken, decisions: [complete] }));
  } finally {
    polling = false;
    own.destroy();
    await server.close();
  }
});

test("a run that waits for a signal with no timer does not move time (its execution timeout stays armed)", async () => {
  const { swf } = h;
  const server = await startDevServer({ port: 0, pollWaitMs: 300, timeSkipping: true });
  const own = client(server.url);
  try {
    const domain = "skip-signal";
    await setUp(own, domain, { execStartToClose: "3600" });
    const run = await start(own, domain, "waits");
    await answer(own, domain, []);
    const before = await historyOf(own, domain, run);
    await sleep(500);
    assert.is(server.timeJumps, 0);
    assert.ok(Math.abs(server.now() - Date.now()) < 1_000, "the server's time is the wall clock's");
    assert.equal(await historyOf(own, domain, run), before, "nothing was recorded meanwhile");
    await own.send(new SWF.SignalWorkflowExecutionCommand({ domain, workflowId: "waits", signalName: "go" }));
    const t = await pollDecision(own, domain);
    assert.ok(find(t.events ?? [], "WorkflowExecutionSignaled"));
    await own.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: t.taskToken, decisions: [complete] }));
    assert.is((await historyOf(own, domain, run)).at(-1)?.eventType, "WorkflowExecutionCompleted");
  } finally {
    own.destroy();
    await server.close();
  }
  assert.ok(swf, "the shared server is untouched");
});

test("deadlines keep their order: an execution timeout before a timer fires first, and the timer never does", async () => {
  const { swf } = h;
  const domain = "skip-order";
  await setUp(swf, domain, { execStartToClose: "3600" });
  const run = await start(swf, domain, "short");
  await answer(swf, domain, [timer("day", 86_400)]);
  let events: SWF.HistoryEvent[] = [];
  for (let i = 0; i < 100 && events.at(-1)?.eventType !== "WorkflowExecutionTimedOut"; i++) {
    await sleep(30);
    events = await historyOf(swf, domain, run);
  }
  assert.is(events.at(-1)?.eventType, "WorkflowExecutionTimedOut");
  assert.not.ok(find(events, "TimerFired"));
  const after = seconds(events.at(-1)) - seconds(events[0]);
  assert.ok(after >= 3_600_000 && after < 3_605_000, `timed out ${after} ms after the start`);
});

test("advanceTime (a test hook) fires every deadline it passes, on a server without time skipping", async () => {
  const server = await startDevServer({ port: 0, pollWaitMs: 300 });
  const swf = client(server.url);
  try {
    const domain = "advance";
    await setUp(swf, domain, { execStartToClose: "31536000" });
    const run = await start(swf, domain, "hour");
    await answer(swf, domain, [timer("one", 3_600), timer("two", 7_200)]);
    await sleep(200);
    assert.not.ok(find(await historyOf(swf, domain, run), "TimerFired"), "no skipping without --time-skipping");
    const wall = Date.now();
    const now = server.advanceTime(3 * 3_600_000);
    assert.ok(now - wall >= 3 * 3_600_000 - 1_000);
    const t = await pollDecision(swf, domain);
    const fired = (t.events ?? []).filter((e) => e.eventType === "TimerFired");
    assert.equal(
      fired.map((e) => e.timerFiredEventAttributes?.timerId),
      ["one", "two"],
    );
    const started = seconds(find(t.events ?? [], "TimerStarted"));
    const at = fired.map((e) => seconds(e) - started);
    assert.ok(at[0] !== undefined && at[0] >= 3_600_000 && at[0] < 3_605_000, `one fired at +${at[0]} ms`);
    assert.ok(at[1] !== undefined && at[1] >= 7_200_000 && at[1] < 7_205_000, `two fired at +${at[1]} ms`);
    await swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: t.taskToken, decisions: [complete] }));
  } finally {
    swf.destroy();
    await server.close();
  }
});

test("with --data, a restarted server resumes at the skipped-to time (events never go back)", async () => {
  const data = join(dir, "skip.sqlite");
  let server = await startDevServer({ port: 0, pollWaitMs: 300, data, timeSkipping: true });
  let swf = client(server.url);
  const domain = "skip-data";
  try {
    await setUp(swf, domain, { execStartToClose: "31536000" });
    const run = await start(swf, domain, "kept");
    await answer(swf, domain, [timer("week", 7 * 86_400)]);
    const t = await pollDecision(swf, domain);
    const firedAt = seconds(find(t.events ?? [], "TimerFired"));
    swf.destroy();
    await server.close();

    // restarted without time skipping: the clock resumes where the journal ends, then runs at the wall clock's pace
    server = await startDevServer({ port: 0, pollWaitMs: 300, data });
    swf = client(server.url);
    assert.ok(server.restored > 0);
    assert.ok(server.now() >= firedAt, "the server's time did not go back to the wall clock");
    await swf.send(new SWF.SignalWorkflowExecutionCommand({ domain, workflowId: "kept", signalName: "s" }));
    const events = await historyOf(swf, domain, run);
    const signaled = find(events, "WorkflowExecutionSignaled");
    assert.ok(seconds(signaled) >= firedAt, "new events are stamped after the skipped-to time");
    for (let i = 1; i < events.length; i++)
      assert.ok(seconds(events[i]) >= seconds(events[i - 1]), `event ${i + 1} is not before event ${i}`);
  } finally {
    swf.destroy();
    await server.close();
  }
});

test.run();
