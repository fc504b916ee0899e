/**
 * Crash safety: the dev server (`yieldflow dev-server --data`, a child process) is killed with SIGKILL at random
 * points while a scripted client starts executions and a decider and workers run them. After each restart on the
 * same file, every acknowledged call is in the histories, and in the end every execution completes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as SWF from "@aws-sdk/client-swf";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { client, historyOf, setUp } from "./support.ts";

const bin = fileURLToPath(new URL("../../packages/local-runner/bin/yieldflow.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "yf-crash-"));
const data = join(dir, "swf.sqlite");
const EXECUTIONS = 24;
const RESTARTS = 3;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [bin, "dev-server", "--port", String(port), "--data", data, "--poll-wait", "1"],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    },
  );
  let err = "";
  child.stderr?.on("data", (c) => {
    err += c;
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (c) => {
      out += c;
      if (out.includes("Press Ctrl-C")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`dev-server exited with ${code}: ${err}${out}`)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("SIGKILL at random points loses no acknowledged call, and every execution still completes", async () => {
  const port = await freePort();
  let server = await startServer(port);
  const swf = client(`http://127.0.0.1:${port}`);
  const domain = "crash";
  await setUp(swf, domain, { taskStartToClose: "2" });
  // what the server acknowledged
  const started = new Map<string, string>();
  const completedActivities: { workflowId: string; runId: string; activityId: string; result: string }[] = [];
  const completedRuns = new Set<string>();
  let stop = false;
  // a call that may fail while the server is down; undefined when it did
  const attempt = async <T>(f: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await f();
    } catch (err) {
      const name = (err as Error).name;
      if (name === "UnknownResourceFault" || name === "WorkflowExecutionAlreadyStartedFault") throw err;
      await sleep(50);
      return undefined;
    }
  };
  const starter = (async () => {
    for (let i = 0; i < EXECUTIONS; i++) {
      const workflowId = `job-${i}`;
      for (;;) {
        try {
          const r = await attempt(() =>
            swf.send(
              new SWF.StartWorkflowExecutionCommand({
                domain,
                workflowId,
                workflowType: { name: "wf", version: "1" },
                input: String(i),
              }),
            ),
          );
          if (r) {
            started.set(workflowId, r.runId as string);
            break;
          }
        } catch (err) {
          if ((err as Error).name !== "WorkflowExecutionAlreadyStartedFault") throw err;
          break; // started before a crash, but the answer was lost: not acknowledged, nothing to check
        }
      }
      await sleep(20);
    }
  })();
  const decider = (async () => {
    while (!stop) {
      const task = await attempt(() =>
        swf.send(new SWF.PollForDecisionTaskCommand({ domain, taskList: { name: "deciders" } })),
      );
      if (!task?.taskToken) continue;
      const events = task.events ?? [];
      const results = events.filter((e) => e.eventType === "ActivityTaskCompleted").length;
      const open =
        events.filter((e) => e.eventType === "ActivityTaskScheduled").length -
        events.filter(
          (e) =>
            e.eventType?.startsWith("ActivityTask") &&
            e.eventType !== "ActivityTaskScheduled" &&
            e.eventType !== "ActivityTaskStarted",
        ).length;
      const n = events.filter((e) => e.eventType === "ActivityTaskScheduled").length;
      const decisions: SWF.Decision[] = [];
      if (results >= 2)
        decisions.push({
          decisionType: "CompleteWorkflowExecution",
          completeWorkflowExecutionDecisionAttributes: { result: "ok" },
        });
      else if (open === 0)
        decisions.push({
          decisionType: "ScheduleActivityTask",
          scheduleActivityTaskDecisionAttributes: {
            activityType: { name: "act", version: "1" },
            activityId: `step-${n}`,
            startToCloseTimeout: "2",
            input: String(n),
          },
        });
      try {
        const ok = await attempt(() =>
          swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: task.taskToken, decisions })),
        );
        if (ok && results >= 2) completedRuns.add(task.workflowExecution?.runId as string);
      } catch {
        // the task timed out meanwhile: another decision task comes
      }
    }
  })();
  const worker = (async () => {
    while (!stop) {
      const task = await attempt(() =>
        swf.send(new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "workers" } })),
      );
      if (!task?.taskToken) continue;
      const result = `r-${task.input}`;
      try {
        const ok = await attempt(() =>
          swf.send(new SWF.RespondActivityTaskCompletedCommand({ taskToken: task.taskToken, result })),
        );
        if (ok)
          completedActivities.push({
            ...(task.workflowExecution as { workflowId: string; runId: string }),
            activityId: task.activityId as string,
            result,
          });
      } catch {
        // timed out meanwhile
      }
    }
  })();
  try {
    for (let k = 0; k < RESTARTS; k++) {
      await sleep(300 + Math.random() * 700);
      server.kill("SIGKILL");
      await new Promise((r) => server.once("exit", r));
      server = await startServer(port);
    }
    await starter;
    // every execution ends (lost tasks time out after 2 s and are offered again)
    const until = Date.now() + 30_000;
    let open = -1;
    while (Date.now() < until) {
      open =
        (
          await attempt(() =>
            swf.send(
              new SWF.CountOpenWorkflowExecutionsCommand({ domain, startTimeFilter: { oldestDate: new Date(0) } }),
            ),
          )
        )?.count ?? -1;
      if (open === 0) break;
      await sleep(100);
    }
    assert.is(open, 0, "every execution reached its end");
    stop = true;
    const closed = await swf.send(
      new SWF.ListClosedWorkflowExecutionsCommand({ domain, startTimeFilter: { oldestDate: new Date(0) } }),
    );
    assert.is(closed.executionInfos?.length, EXECUTIONS);
    assert.ok(closed.executionInfos?.every((e) => e.closeStatus === "COMPLETED"));
    // every acknowledged call is reflected
    for (const [workflowId, runId] of started) {
      const d = await swf.send(new SWF.DescribeWorkflowExecutionCommand({ domain, execution: { workflowId, runId } }));
      assert.is(d.executionInfo?.closeStatus, "COMPLETED", workflowId);
    }
    for (const a of completedActivities) {
      const events = await historyOf(swf, domain, a);
      const scheduled = events.find(
        (e) =>
          e.activityTaskScheduledEventAttributes?.activityId === a.activityId &&
          e.eventType === "ActivityTaskScheduled",
      );
      const done = events.find(
        (e) =>
          e.eventType === "ActivityTaskCompleted" &&
          e.activityTaskCompletedEventAttributes?.scheduledEventId === scheduled?.eventId,
      );
      assert.is(done?.activityTaskCompletedEventAttributes?.result, a.result, `${a.workflowId} ${a.activityId}`);
    }
    for (const runId of completedRuns) assert.ok(closed.executionInfos?.some((e) => e.execution?.runId === runId));
    assert.ok(started.size >= EXECUTIONS - RESTARTS, `${started.size} starts acknowledged`);
    assert.ok(completedActivities.length >= EXECUTIONS, `${completedActivities.length} completions acknowledged`);
  } finally {
    stop = true;
    server.kill("SIGKILL");
    await Promise.allSettled([decider, worker]);
    swf.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
