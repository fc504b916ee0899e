/**
 * A hand-written decider and activity worker (raw SWF calls through @aws-sdk/client-swf, no yieldflow code) run a
 * workflow to completion against the dev server over HTTP: the server is checked against SWF's contract.
 */
import * as SWF from "@aws-sdk/client-swf";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Harness, harness } from "./support.ts";

let h: Harness;
test.before(async () => {
  h = await harness();
});
test.after(async () => {
  await h.close();
});

const domain = "shop";
const wfType = { name: "order", version: "1" };
const actType = { name: "charge", version: "1" };

async function register(swf: SWF.SWFClient): Promise<void> {
  await swf.send(new SWF.RegisterDomainCommand({ name: domain, workflowExecutionRetentionPeriodInDays: "1" }));
  await swf.send(
    new SWF.RegisterWorkflowTypeCommand({
      domain,
      ...wfType,
      defaultTaskList: { name: "deciders" },
      defaultExecutionStartToCloseTimeout: "600",
      defaultTaskStartToCloseTimeout: "10",
      defaultChildPolicy: "TERMINATE",
    }),
  );
  await swf.send(
    new SWF.RegisterActivityTypeCommand({
      domain,
      ...actType,
      defaultTaskList: { name: "workers" },
      defaultTaskScheduleToCloseTimeout: "60",
      defaultTaskScheduleToStartTimeout: "60",
      defaultTaskStartToCloseTimeout: "30",
      defaultTaskHeartbeatTimeout: "NONE",
    }),
  );
}

/** A decider: schedules `charge` once per item, then completes with the sum of the results. */
async function _decider(swf: SWF.SWFClient, stop: () => boolean): Promise<number> {
  let tasks = 0;
  while (!stop()) {
    const task = await swf.send(
      new SWF.PollForDecisionTaskCommand({ domain, taskList: { name: "deciders" }, identity: "decider-1" }),
    );
    if (!task.taskToken) continue;
    tasks++;
    // read every page of the history, as a real decider must
    const events = [...(task.events ?? [])];
    for (let next = task.nextPageToken; next; ) {
      const page = await swf.send(
        new SWF.PollForDecisionTaskCommand({
          domain,
          taskList: { name: "deciders" },
          nextPageToken: next,
          maximumPageSize: 2,
        }),
      );
      events.push(...(page.events ?? []));
      next = page.nextPageToken;
    }
    const started = events.find((e) => e.eventType === "WorkflowExecutionStarted");
    const items = JSON.parse(started?.workflowExecutionStartedEventAttributes?.input ?? "[]") as number[];
    const done = events
      .filter((e) => e.eventType === "ActivityTaskCompleted")
      .map((e) => Number(e.activityTaskCompletedEventAttributes?.result));
    const scheduled = events.filter((e) => e.eventType === "ActivityTaskScheduled").length;
    const decisions: SWF.Decision[] = [];
    if (scheduled === 0)
      items.forEach((n, i) => {
        decisions.push({
          decisionType: "ScheduleActivityTask",
          scheduleActivityTaskDecisionAttributes: {
            activityType: actType,
            activityId: `charge-${i}`,
            input: String(n),
          },
        });
      });
    else if (done.length === items.length)
      decisions.push({
        decisionType: "CompleteWorkflowExecution",
        completeWorkflowExecutionDecisionAttributes: { result: String(done.reduce((a, b) => a + b, 0)) },
      });
    await swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: task.taskToken, decisions }));
  }
  return tasks;
}

/** An activity worker: doubles its input. */
async function worker(swf: SWF.SWFClient, stop: () => boolean): Promise<void> {
  while (!stop()) {
    const task = await swf.send(
      new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "workers" }, identity: "worker-1" }),
    );
    if (!task.taskToken) continue;
    await swf.send(new SWF.RecordActivityTaskHeartbeatCommand({ taskToken: task.taskToken, details: "halfway" }));
    await swf.send(
      new SWF.RespondActivityTaskCompletedCommand({
        taskToken: task.taskToken,
        result: String(Number(task.input) * 2),
      }),
    );
  }
}

test("a raw SWF decider and worker run a workflow to completion", async () => {
  const { swf } = h;
  await register(swf);
  const { runId } = await swf.send(
    new SWF.StartWorkflowExecutionCommand({
      domain,
      workflowId: "order-1",
      workflowType: wfType,
      input: "[1,2,3]",
      tagList: ["vip"],
    }),
  );
  assert.type(runId, "string");
  let closed = false;
  const stop = () => closed;
  const running = Promise.all([_decider(swf, stop), worker(swf, stop), worker(swf, stop)]);
  let info: SWF.DescribeWorkflowExecutionCommandOutput | undefined;
  for (let i = 0; i < 200 && !closed; i++) {
    info = await swf.send(
      new SWF.DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: "order-1", runId } }),
    );
    closed = info.executionInfo?.executionStatus === "CLOSED";
    if (!closed) await new Promise((r) => setTimeout(r, 25));
  }
  await running;
  assert.is(info?.executionInfo?.closeStatus, "COMPLETED");
  assert.ok(info?.executionInfo?.startTimestamp instanceof Date);
  assert.equal(info?.executionInfo?.tagList, ["vip"]);
  assert.equal(info?.executionConfiguration?.taskList, { name: "deciders" });
  const history = await swf.send(
    new SWF.GetWorkflowExecutionHistoryCommand({ domain, execution: { workflowId: "order-1", runId } }),
  );
  const events = history.events ?? [];
  assert.is(events.at(-1)?.eventType, "WorkflowExecutionCompleted");
  assert.is(events.at(-1)?.workflowExecutionCompletedEventAttributes?.result, "12");
  // the registered defaults were applied to the scheduled activities
  const scheduled = events.find((e) => e.eventType === "ActivityTaskScheduled")?.activityTaskScheduledEventAttributes;
  assert.is(scheduled?.taskList?.name, "workers");
  assert.is(scheduled?.startToCloseTimeout, "30");
  assert.ok(events.every((e, i) => e.eventId === i + 1 && e.eventTimestamp instanceof Date));
  const closedList = await swf.send(
    new SWF.ListClosedWorkflowExecutionsCommand({
      domain,
      startTimeFilter: { oldestDate: new Date(0) },
      closeStatusFilter: { status: "COMPLETED" },
    }),
  );
  assert.equal(
    closedList.executionInfos?.map((e) => e.execution?.workflowId),
    ["order-1"],
  );
});

test.run();
