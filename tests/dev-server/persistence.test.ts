/**
 * Persistence with --data: after a restart, registrations, executions, histories, task lists, task tokens and
 * deadlines are all back; deadlines that passed while the server was down fire; waiting tasks go to the next
 * polls. A data file of another schema version, or whose journal does not replay to its recorded events, is
 * refused with a clear error.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as SWF from "@aws-sdk/client-swf";
import { startDevServer } from "@yieldflow/local-runner/dev-server";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { client, eventually, historyOf, pollDecision, rejection, setUp } from "./support.ts";

const dir = mkdtempSync(join(tmpdir(), "yf-devserver-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("a restarted server continues where it stopped; deadlines that passed fire; tasks and tokens survive", async () => {
  const data = join(dir, "state.sqlite");
  let server = await startDevServer({ port: 0, data, pollWaitMs: 300 });
  let swf = client(server.url);
  const domain = "keep";
  await setUp(swf, domain);
  const w1 = await swf.send(
    new SWF.StartWorkflowExecutionCommand({
      domain,
      workflowId: "w1",
      workflowType: { name: "wf", version: "1" },
      tagList: ["t"],
    }),
  );
  const t = await pollDecision(swf, domain);
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({
      taskToken: t.taskToken,
      decisions: [
        { decisionType: "StartTimer", startTimerDecisionAttributes: { timerId: "soon", startToFireTimeout: "1" } },
        {
          decisionType: "ScheduleActivityTask",
          scheduleActivityTaskDecisionAttributes: {
            activityType: { name: "act", version: "1" },
            activityId: "queued",
            input: "in",
          },
        },
        {
          decisionType: "ScheduleActivityTask",
          scheduleActivityTaskDecisionAttributes: {
            activityType: { name: "act", version: "1" },
            activityId: "running",
          },
        },
      ],
    }),
  );
  const running = await swf.send(new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "workers" } }));
  assert.is(running.activityId, "queued");
  await swf.send(
    new SWF.StartWorkflowExecutionCommand({ domain, workflowId: "w2", workflowType: { name: "wf", version: "1" } }),
  );
  const held = await pollDecision(swf, domain);
  assert.is(held.workflowExecution?.workflowId, "w2");
  const before = await historyOf(swf, domain, { workflowId: "w1", runId: w1.runId as string });
  swf.destroy();
  await server.close();
  await new Promise((r) => setTimeout(r, 1_200)); // the timer's deadline passes while the server is down

  server = await startDevServer({ port: 0, data, pollWaitMs: 300 });
  swf = client(server.url);
  try {
    assert.ok(server.restored > 5, `restored ${server.restored} calls`);
    assert.is(
      (await swf.send(new SWF.DescribeWorkflowTypeCommand({ domain, workflowType: { name: "wf", version: "1" } })))
        .configuration?.defaultTaskList?.name,
      "deciders",
    );
    const fired = await eventually(async () => {
      const ev = await historyOf(swf, domain, { workflowId: "w1", runId: w1.runId as string });
      return ev.find((e) => e.eventType === "TimerFired") ? ev : undefined;
    }, 8_000);
    assert.equal(fired.slice(0, before.length), before, "the history before the restart is unchanged");
    // the task token handed out before the restart still works, once
    await swf.send(new SWF.RespondActivityTaskCompletedCommand({ taskToken: running.taskToken, result: "done" }));
    assert.is(
      (await rejection(swf.send(new SWF.RespondActivityTaskCompletedCommand({ taskToken: running.taskToken })))).name,
      "UnknownResourceFault",
    );
    await swf.send(
      new SWF.RespondDecisionTaskCompletedCommand({
        taskToken: held.taskToken,
        decisions: [{ decisionType: "CompleteWorkflowExecution" }],
      }),
    );
    // the activity task that was waiting goes to the next poll
    const waiting = await swf.send(new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "workers" } }));
    assert.is(waiting.activityId, "running");
    const open = await swf.send(
      new SWF.ListOpenWorkflowExecutionsCommand({ domain, startTimeFilter: { oldestDate: new Date(0) } }),
    );
    assert.equal(
      open.executionInfos?.map((e) => [e.execution?.workflowId, e.tagList]),
      [["w1", ["t"]]],
    );
    const closed = await swf.send(
      new SWF.ListClosedWorkflowExecutionsCommand({ domain, startTimeFilter: { oldestDate: new Date(0) } }),
    );
    assert.equal(
      closed.executionInfos?.map((e) => [e.execution?.workflowId, e.closeStatus]),
      [["w2", "COMPLETED"]],
    );
  } finally {
    swf.destroy();
    await server.close();
  }
});

test("a data file of another schema version, or that does not replay to its events, is refused", async () => {
  const Database = createRequire(import.meta.url)("better-sqlite3");
  const other = join(dir, "other.sqlite");
  const db = new Database(other);
  db.exec(
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '99')",
  );
  db.close();
  const e = await rejection(startDevServer({ port: 0, data: other }));
  assert.is((e as Error & { code?: string }).code, "YF_DEV_SERVER_DATA");
  assert.match(e.message, "schema version 99");

  const data = join(dir, "tampered.sqlite");
  const server = await startDevServer({ port: 0, data });
  const swf = client(server.url);
  await setUp(swf, "d");
  await swf.send(
    new SWF.StartWorkflowExecutionCommand({ domain: "d", workflowId: "w", workflowType: { name: "wf", version: "1" } }),
  );
  swf.destroy();
  await server.close();
  const t = new Database(data);
  t.exec("DELETE FROM events WHERE event_id = 2");
  t.close();
  const e2 = await rejection(startDevServer({ port: 0, data }));
  assert.is((e2 as Error & { code?: string }).code, "YF_DEV_SERVER_DATA");
  assert.match(e2.message, "replays to 2 events but it recorded 1");
});

test("two servers cannot share a data file", async () => {
  const data = join(dir, "shared.sqlite");
  const first = await startDevServer({ port: 0, data });
  try {
    const e = await rejection(startDevServer({ port: 0, data }));
    assert.is((e as Error & { code?: string }).code, "YF_DEV_SERVER_DATA");
    assert.match(e.message, "in use by another dev server");
  } finally {
    await first.close();
  }
  const again = await startDevServer({ port: 0, data });
  await again.close();
});

test.run();
