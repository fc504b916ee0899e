/** The …Failed events and causes SWF records for refused decisions, and every timeout type on the real clock. */
import * as SWF from "@aws-sdk/client-swf";
import { type EventType, eventAttributesKey } from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { eventually, type Harness, harness, historyOf, pollDecision, rejection, setUp } from "./support.ts";

let h: Harness;
test.before(async () => {
  h = await harness({ pollWaitMs: 200 });
});
test.after(async () => {
  await h.close();
});

type Attrs = Record<string, unknown> & { cause?: string };
/** `[eventType, cause]` of every …Failed event in `events`. */
function failures(events: SWF.HistoryEvent[]): [string, string | undefined][] {
  return events
    .filter(
      (e) =>
        e.eventType?.endsWith("Failed") &&
        !e.eventType.startsWith("ActivityTask") &&
        !e.eventType.startsWith("WorkflowExecution"),
    )
    .map((e) => {
      const key = eventAttributesKey(e.eventType as EventType) as keyof SWF.HistoryEvent;
      return [e.eventType as string, (e[key] as Attrs | undefined)?.cause];
    });
}

const act = (
  activityId: string,
  extra: Partial<SWF.ScheduleActivityTaskDecisionAttributes> = {},
  type = { name: "act", version: "1" },
): SWF.Decision => ({
  decisionType: "ScheduleActivityTask",
  scheduleActivityTaskDecisionAttributes: { activityType: type, activityId, ...extra },
});

test("refused decisions are recorded as …Failed events with SWF's causes, and a new decision task follows", async () => {
  const { swf } = h;
  const domain = "causes";
  await setUp(swf, domain);
  await swf.send(new SWF.RegisterActivityTypeCommand({ domain, name: "bare", version: "1" }));
  await swf.send(
    new SWF.RegisterActivityTypeCommand({ domain, name: "old", version: "1", defaultTaskList: { name: "x" } }),
  );
  await swf.send(new SWF.DeprecateActivityTypeCommand({ domain, activityType: { name: "old", version: "1" } }));
  await swf.send(new SWF.RegisterWorkflowTypeCommand({ domain, name: "oldwf", version: "1" }));
  await swf.send(new SWF.DeprecateWorkflowTypeCommand({ domain, workflowType: { name: "oldwf", version: "1" } }));
  await swf.send(
    new SWF.RegisterWorkflowTypeCommand({
      domain,
      name: "nopolicy",
      version: "1",
      defaultTaskList: { name: "k" },
      defaultExecutionStartToCloseTimeout: "60",
      defaultTaskStartToCloseTimeout: "10",
    }),
  );
  const { runId } = await swf.send(
    new SWF.StartWorkflowExecutionCommand({ domain, workflowId: "w", workflowType: { name: "wf", version: "1" } }),
  );
  const bare = { name: "bare", version: "1" };
  const timer = (timerId: string): SWF.Decision => ({
    decisionType: "StartTimer",
    startTimerDecisionAttributes: { timerId, startToFireTimeout: "3600" },
  });
  const child = (workflowId: string, workflowType: SWF.WorkflowType): SWF.Decision => ({
    decisionType: "StartChildWorkflowExecution",
    startChildWorkflowExecutionDecisionAttributes: { workflowId, workflowType },
  });
  const first = await pollDecision(swf, domain);
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({
      taskToken: first.taskToken,
      decisions: [
        act("a1"),
        act("a1"),
        act("ghost", {}, { name: "ghost", version: "1" }),
        act("old", {}, { name: "old", version: "1" }),
        act("b1", {}, bare),
        act("b2", { taskList: { name: "t" } }, bare),
        act("b3", { taskList: { name: "t" }, scheduleToCloseTimeout: "9" }, bare),
        act("b4", { taskList: { name: "t" }, scheduleToCloseTimeout: "9", scheduleToStartTimeout: "9" }, bare),
        act(
          "b5",
          {
            taskList: { name: "t" },
            scheduleToCloseTimeout: "9",
            scheduleToStartTimeout: "9",
            startToCloseTimeout: "9",
          },
          bare,
        ),
        {
          decisionType: "RequestCancelActivityTask",
          requestCancelActivityTaskDecisionAttributes: { activityId: "nobody" },
        },
        timer("t1"),
        timer("t1"),
        { decisionType: "CancelTimer", cancelTimerDecisionAttributes: { timerId: "nobody" } },
        child("kid-ghost", { name: "ghost", version: "1" }),
        child("kid-old", { name: "oldwf", version: "1" }),
        child("w", { name: "wf", version: "1" }),
        child("kid-np", { name: "nopolicy", version: "1" }),
        {
          decisionType: "SignalExternalWorkflowExecution",
          signalExternalWorkflowExecutionDecisionAttributes: { workflowId: "nobody", signalName: "s" },
        },
        {
          decisionType: "RequestCancelExternalWorkflowExecution",
          requestCancelExternalWorkflowExecutionDecisionAttributes: { workflowId: "nobody" },
        },
        { decisionType: "ScheduleLambdaFunction", scheduleLambdaFunctionDecisionAttributes: { id: "l1", name: "fn" } },
        { decisionType: "RecordMarker", recordMarkerDecisionAttributes: { markerName: "m", details: "d" } },
      ],
    }),
  );
  const events = await eventually(async () => {
    const ev = await historyOf(swf, domain, { workflowId: "w", runId: runId as string });
    return failures(ev).length >= 17 ? ev : undefined;
  });
  assert.equal(
    failures(events),
    [
      ["ScheduleActivityTaskFailed", "ACTIVITY_ID_ALREADY_IN_USE"],
      ["ScheduleActivityTaskFailed", "ACTIVITY_TYPE_DOES_NOT_EXIST"],
      ["ScheduleActivityTaskFailed", "ACTIVITY_TYPE_DEPRECATED"],
      ["ScheduleActivityTaskFailed", "DEFAULT_TASK_LIST_UNDEFINED"],
      ["ScheduleActivityTaskFailed", "DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED"],
      ["ScheduleActivityTaskFailed", "DEFAULT_SCHEDULE_TO_START_TIMEOUT_UNDEFINED"],
      ["ScheduleActivityTaskFailed", "DEFAULT_START_TO_CLOSE_TIMEOUT_UNDEFINED"],
      ["ScheduleActivityTaskFailed", "DEFAULT_HEARTBEAT_TIMEOUT_UNDEFINED"],
      ["RequestCancelActivityTaskFailed", "ACTIVITY_ID_UNKNOWN"],
      ["StartTimerFailed", "TIMER_ID_ALREADY_IN_USE"],
      ["CancelTimerFailed", "TIMER_ID_UNKNOWN"],
      ["StartChildWorkflowExecutionFailed", "WORKFLOW_TYPE_DOES_NOT_EXIST"],
      ["StartChildWorkflowExecutionFailed", "WORKFLOW_TYPE_DEPRECATED"],
      ["StartChildWorkflowExecutionFailed", "WORKFLOW_ALREADY_RUNNING"],
      ["StartChildWorkflowExecutionFailed", "DEFAULT_CHILD_POLICY_UNDEFINED"],
      ["ScheduleLambdaFunctionFailed", "LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION"],
      ["SignalExternalWorkflowExecutionFailed", "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"],
      ["RequestCancelExternalWorkflowExecutionFailed", "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"],
    ].sort((a, b) => events.findIndex((e) => e.eventType === a[0]) - events.findIndex((e) => e.eventType === b[0])) as [
      string,
      string,
    ][],
  );
  assert.ok(events.some((e) => e.eventType === "MarkerRecorded"));
  // closing decisions while new events arrived: UNHANDLED_DECISION, each time a new decision task
  for (const d of [
    { decisionType: "CompleteWorkflowExecution" },
    { decisionType: "FailWorkflowExecution", failWorkflowExecutionDecisionAttributes: { reason: "r" } },
    { decisionType: "CancelWorkflowExecution" },
    { decisionType: "ContinueAsNewWorkflowExecution" },
  ] as SWF.Decision[]) {
    const t = await pollDecision(swf, domain);
    await swf.send(new SWF.SignalWorkflowExecutionCommand({ domain, workflowId: "w", signalName: "meanwhile" }));
    await swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: t.taskToken, decisions: [d] }));
  }
  const t = await pollDecision(swf, domain);
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({
      taskToken: t.taskToken,
      decisions: [
        {
          decisionType: "ContinueAsNewWorkflowExecution",
          continueAsNewWorkflowExecutionDecisionAttributes: { workflowTypeVersion: "9" },
        },
      ],
    }),
  );
  const after = await historyOf(swf, domain, { workflowId: "w", runId: runId as string });
  assert.equal(failures(after).slice(-5), [
    ["CompleteWorkflowExecutionFailed", "UNHANDLED_DECISION"],
    ["FailWorkflowExecutionFailed", "UNHANDLED_DECISION"],
    ["CancelWorkflowExecutionFailed", "UNHANDLED_DECISION"],
    ["ContinueAsNewWorkflowExecutionFailed", "UNHANDLED_DECISION"],
    ["ContinueAsNewWorkflowExecutionFailed", "WORKFLOW_TYPE_DOES_NOT_EXIST"],
  ]);
  // a closing decision that is not the last one is refused outright
  const last = await pollDecision(swf, domain);
  const e = await rejection(
    swf.send(
      new SWF.RespondDecisionTaskCompletedCommand({
        taskToken: last.taskToken,
        decisions: [{ decisionType: "CompleteWorkflowExecution" }, timer("late")],
      }),
    ),
  );
  assert.is(e.name, "ValidationException");
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({
      taskToken: last.taskToken,
      decisions: [{ decisionType: "CompleteWorkflowExecution" }],
    }),
  );
  const closed = await swf.send(
    new SWF.DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: "w", runId } }),
  );
  assert.is(closed.executionInfo?.closeStatus, "COMPLETED");
});

test("open timers and activities are capped at 1,000 per execution", async () => {
  const { swf } = h;
  const domain = "limits";
  await setUp(swf, domain);
  const { runId } = await swf.send(
    new SWF.StartWorkflowExecutionCommand({ domain, workflowId: "w", workflowType: { name: "wf", version: "1" } }),
  );
  const many = (n: number, make: (i: number) => SWF.Decision) => Array.from({ length: n }, (_, i) => make(i));
  const t = await pollDecision(swf, domain);
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({
      taskToken: t.taskToken,
      decisions: [
        ...many(1_001, (i) => ({
          decisionType: "StartTimer",
          startTimerDecisionAttributes: { timerId: `t${i}`, startToFireTimeout: "3600" },
        })),
        ...many(1_001, (i) => act(`a${i}`)),
      ],
    }),
  );
  const events = await historyOf(swf, domain, { workflowId: "w", runId: runId as string });
  assert.equal(failures(events), [
    ["StartTimerFailed", "OPEN_TIMERS_LIMIT_EXCEEDED"],
    ["ScheduleActivityTaskFailed", "OPEN_ACTIVITIES_LIMIT_EXCEEDED"],
  ]);
  const d = await swf.send(new SWF.DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: "w", runId } }));
  assert.equal([d.openCounts?.openTimers, d.openCounts?.openActivityTasks], [1_000, 1_000]);
  await swf.send(new SWF.TerminateWorkflowExecutionCommand({ domain, workflowId: "w" }));
});

test("open children are capped at 1,000 per execution: the 1,001st start is OPEN_CHILDREN_LIMIT_EXCEEDED", async () => {
  const { swf } = h;
  const domain = "children";
  await setUp(swf, domain);
  const execution = { workflowId: "parent", runId: "" };
  ({ runId: execution.runId = "" } = await swf.send(
    new SWF.StartWorkflowExecutionCommand({ domain, workflowId: "parent", workflowType: { name: "wf", version: "1" } }),
  ));
  const t = await pollDecision(swf, domain);
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({
      taskToken: t.taskToken,
      // the children decide on their own list, so the parent's next decision task is the first on `deciders`
      decisions: Array.from({ length: 1_001 }, (_, i) => ({
        decisionType: "StartChildWorkflowExecution",
        startChildWorkflowExecutionDecisionAttributes: {
          workflowId: `kid${i}`,
          workflowType: { name: "wf", version: "1" },
          taskList: { name: "kids" },
        },
      })),
    }),
  );
  const events = await eventually(async () => {
    const ev = await historyOf(swf, domain, execution);
    return ev.filter((e) => e.eventType === "ChildWorkflowExecutionStarted").length >= 1_000 ? ev : undefined;
  });
  const count = (type: string) => events.filter((e) => e.eventType === type).length;
  assert.equal(failures(events), [["StartChildWorkflowExecutionFailed", "OPEN_CHILDREN_LIMIT_EXCEEDED"]]);
  const failed = events.find((e) => e.eventType === "StartChildWorkflowExecutionFailed");
  const attrs = failed?.startChildWorkflowExecutionFailedEventAttributes;
  assert.is(attrs?.workflowId, "kid1000");
  const completed = events.find((e) => e.eventType === "DecisionTaskCompleted");
  assert.is(attrs?.decisionTaskCompletedEventId, completed?.eventId);
  assert.is(
    events.find((e) => e.eventId === attrs?.initiatedEventId)?.startChildWorkflowExecutionInitiatedEventAttributes
      ?.workflowId,
    "kid1000",
  );
  assert.equal([count("ChildWorkflowExecutionStarted"), count("StartChildWorkflowExecutionInitiated")], [1_000, 1_001]);
  // the refusal schedules a new decision task, after the refused decision's events
  assert.is(count("DecisionTaskScheduled"), 2);
  const scheduled = events.filter((e) => e.eventType === "DecisionTaskScheduled")[1];
  assert.ok((scheduled?.eventId ?? 0) > (failed?.eventId ?? Infinity));
  const d = await swf.send(new SWF.DescribeWorkflowExecutionCommand({ domain, execution }));
  assert.is(d.openCounts?.openChildWorkflowExecutions, 1_000);
  const kid = await swf.send(
    new SWF.CountOpenWorkflowExecutionsCommand({ domain, startTimeFilter: { oldestDate: new Date(0) } }),
  );
  assert.is(kid.count, 1_001); // the parent and 1,000 children; kid1000 was never started
  const next = await pollDecision(swf, domain);
  assert.equal(next.workflowExecution, execution);
  // (its events come in pages of 1,000: check the ids rather than the first page's events)
  assert.is(next.previousStartedEventId, events.find((e) => e.eventType === "DecisionTaskStarted")?.eventId);
  assert.ok((next.startedEventId ?? 0) > (scheduled?.eventId ?? Infinity));
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({
      taskToken: next.taskToken,
      decisions: [{ decisionType: "CompleteWorkflowExecution" }],
    }),
  );
});

test("continuing as new into a deprecated workflow type is refused with WORKFLOW_TYPE_DEPRECATED", async () => {
  const { swf } = h;
  const domain = "deprecated-continue";
  await setUp(swf, domain);
  await swf.send(
    new SWF.RegisterWorkflowTypeCommand({
      domain,
      name: "wf",
      version: "2",
      defaultTaskList: { name: "deciders" },
      defaultExecutionStartToCloseTimeout: "3600",
      defaultTaskStartToCloseTimeout: "60",
      defaultChildPolicy: "TERMINATE",
    }),
  );
  await swf.send(new SWF.DeprecateWorkflowTypeCommand({ domain, workflowType: { name: "wf", version: "2" } }));
  const { runId } = await swf.send(
    new SWF.StartWorkflowExecutionCommand({ domain, workflowId: "w", workflowType: { name: "wf", version: "1" } }),
  );
  const execution = { workflowId: "w", runId: runId as string };
  const continueAs = (version?: string): SWF.Decision => ({
    decisionType: "ContinueAsNewWorkflowExecution",
    continueAsNewWorkflowExecutionDecisionAttributes: { workflowTypeVersion: version, input: "again" },
  });
  // into another, deprecated version; then (that type deprecated meanwhile) into the run's own version
  const first = await pollDecision(swf, domain);
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({ taskToken: first.taskToken, decisions: [continueAs("2")] }),
  );
  await swf.send(new SWF.DeprecateWorkflowTypeCommand({ domain, workflowType: { name: "wf", version: "1" } }));
  const second = await pollDecision(swf, domain);
  assert.ok(second.events?.some((e) => e.eventType === "ContinueAsNewWorkflowExecutionFailed"));
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({ taskToken: second.taskToken, decisions: [continueAs()] }),
  );
  const events = await historyOf(swf, domain, execution);
  assert.equal(failures(events), [
    ["ContinueAsNewWorkflowExecutionFailed", "WORKFLOW_TYPE_DEPRECATED"],
    ["ContinueAsNewWorkflowExecutionFailed", "WORKFLOW_TYPE_DEPRECATED"],
  ]);
  const completed = events.filter((e) => e.eventType === "DecisionTaskCompleted").map((e) => e.eventId);
  assert.equal(
    events
      .filter((e) => e.eventType === "ContinueAsNewWorkflowExecutionFailed")
      .map((e) => e.continueAsNewWorkflowExecutionFailedEventAttributes?.decisionTaskCompletedEventId),
    completed,
  );
  // the run stays open, nothing continued it, and each refusal scheduled a new decision task
  assert.equal(
    events.map((e) => e.eventType),
    [
      "WorkflowExecutionStarted",
      "DecisionTaskScheduled",
      "DecisionTaskStarted",
      "DecisionTaskCompleted",
      "ContinueAsNewWorkflowExecutionFailed",
      "DecisionTaskScheduled",
      "DecisionTaskStarted",
      "DecisionTaskCompleted",
      "ContinueAsNewWorkflowExecutionFailed",
      "DecisionTaskScheduled",
    ],
  );
  const d = await swf.send(new SWF.DescribeWorkflowExecutionCommand({ domain, execution }));
  assert.is(d.executionInfo?.executionStatus, "OPEN");
  const runs = await swf.send(
    new SWF.CountOpenWorkflowExecutionsCommand({ domain, startTimeFilter: { oldestDate: new Date(0) } }),
  );
  assert.is(runs.count, 1);
  const third = await pollDecision(swf, domain);
  assert.equal(third.workflowExecution, execution);
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({
      taskToken: third.taskToken,
      decisions: [{ decisionType: "CompleteWorkflowExecution" }],
    }),
  );
  const closed = await swf.send(new SWF.DescribeWorkflowExecutionCommand({ domain, execution }));
  assert.is(closed.executionInfo?.closeStatus, "COMPLETED");
});

test("every timeout type fires on the real clock", async () => {
  const { swf } = h;
  const domain = "timeouts";
  await setUp(swf, domain);
  const start = (workflowId: string, o: Partial<SWF.StartWorkflowExecutionInput> = {}) =>
    swf.send(
      new SWF.StartWorkflowExecutionCommand({
        domain,
        workflowId,
        workflowType: { name: "wf", version: "1" },
        taskList: { name: workflowId },
        ...o,
      }),
    );
  const runs = new Map<string, string>();
  for (const id of ["wf-timeout", "decision-timeout", "decision-s2s", "s2s", "s2c", "st2c", "heartbeat"])
    runs.set(
      id,
      (
        await start(
          id,
          id === "wf-timeout"
            ? { executionStartToCloseTimeout: "1" }
            : id === "decision-timeout"
              ? { taskStartToCloseTimeout: "1" }
              : {},
        )
      ).runId as string,
    );
  const schedule = async (id: string, timeouts: Partial<SWF.ScheduleActivityTaskDecisionAttributes>) => {
    const t = await pollDecision(swf, domain, id);
    await swf.send(
      new SWF.RespondDecisionTaskCompletedCommand({
        taskToken: t.taskToken,
        decisions: [act(id, { taskList: { name: `w-${id}` }, ...timeouts })],
      }),
    );
  };
  const t0 = Date.now();
  const stale = await pollDecision(swf, domain, "decision-timeout");
  // decision tasks sent to a task list nobody polls time out (SCHEDULE_TO_START) and go back to the own list
  const sticky = await pollDecision(swf, domain, "decision-s2s");
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({
      taskToken: sticky.taskToken,
      taskList: { name: "nobody-polls" },
      taskListScheduleToStartTimeout: "1",
    }),
  );
  await swf.send(new SWF.SignalWorkflowExecutionCommand({ domain, workflowId: "decision-s2s", signalName: "wake" }));
  await schedule("s2s", { scheduleToStartTimeout: "1" });
  await schedule("s2c", { scheduleToCloseTimeout: "1" });
  await schedule("st2c", { startToCloseTimeout: "1" });
  await schedule("heartbeat", { heartbeatTimeout: "1" });
  const take = (id: string) => swf.send(new SWF.PollForActivityTaskCommand({ domain, taskList: { name: `w-${id}` } }));
  await take("s2c");
  const st2c = await take("st2c");
  const hb = await take("heartbeat");
  await swf.send(new SWF.RecordActivityTaskHeartbeatCommand({ taskToken: hb.taskToken, details: "d1" }));
  const ended = async (id: string, type: string) =>
    eventually(async () => {
      const ev = await historyOf(swf, domain, { workflowId: id, runId: runs.get(id) as string });
      return ev.find((e) => e.eventType === type);
    }, 8_000);
  const wf = await ended("wf-timeout", "WorkflowExecutionTimedOut");
  assert.is(wf.workflowExecutionTimedOutEventAttributes?.timeoutType, "START_TO_CLOSE");
  const dt = await ended("decision-timeout", "DecisionTaskTimedOut");
  assert.is(dt.decisionTaskTimedOutEventAttributes?.timeoutType, "START_TO_CLOSE");
  assert.is(
    (await rejection(swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: stale.taskToken })))).name,
    "UnknownResourceFault",
  );
  assert.ok((await pollDecision(swf, domain, "decision-timeout")).taskToken, "a new decision task was scheduled");
  const s2s = await ended("decision-s2s", "DecisionTaskTimedOut");
  assert.is(s2s.decisionTaskTimedOutEventAttributes?.timeoutType, "SCHEDULE_TO_START");
  const back = await pollDecision(swf, domain, "decision-s2s");
  const scheduled = (back.events ?? []).filter((e) => e.eventType === "DecisionTaskScheduled");
  assert.equal(
    scheduled.map((e) => [
      e.decisionTaskScheduledEventAttributes?.taskList?.name,
      e.decisionTaskScheduledEventAttributes?.scheduleToStartTimeout,
    ]),
    [
      ["decision-s2s", undefined],
      ["nobody-polls", "1"],
      ["decision-s2s", undefined],
    ],
  );
  for (const [id, type] of [
    ["s2s", "SCHEDULE_TO_START"],
    ["s2c", "SCHEDULE_TO_CLOSE"],
    ["st2c", "START_TO_CLOSE"],
    ["heartbeat", "HEARTBEAT"],
  ] as const) {
    const e = await ended(id, "ActivityTaskTimedOut");
    assert.is(e.activityTaskTimedOutEventAttributes?.timeoutType, type, id);
    if (id === "heartbeat") assert.is(e.activityTaskTimedOutEventAttributes?.details, "d1");
    const elapsed = (e.eventTimestamp as Date).getTime() - t0;
    assert.ok(elapsed >= 900 && elapsed < 8_000, `${id} timed out after ${elapsed} ms`);
  }
  assert.is(
    (await rejection(swf.send(new SWF.RespondActivityTaskCompletedCommand({ taskToken: st2c.taskToken })))).name,
    "UnknownResourceFault",
  );
});

test.run();
