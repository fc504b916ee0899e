/** Every SWF operation against the dev server, through @aws-sdk/client-swf over HTTP. */
import * as SWF from "@aws-sdk/client-swf";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { decide, type Harness, harness, historyOf, pollDecision, rejection, setUp } from "./support.ts";

let h: Harness;
test.before(async () => {
  h = await harness({ pollWaitMs: 300 });
});
test.after(async () => {
  await h.close();
});

const types = (events: SWF.HistoryEvent[]) => events.map((e) => e.eventType);
const runIdOf = (task: SWF.PollForDecisionTaskCommandOutput) => task.workflowExecution?.runId as string;

test("domains: register, describe, list, deprecate, undeprecate, and their faults", async () => {
  const { swf } = h;
  await swf.send(
    new SWF.RegisterDomainCommand({ name: "dom-a", description: "first", workflowExecutionRetentionPeriodInDays: "3" }),
  );
  await swf.send(new SWF.RegisterDomainCommand({ name: "dom-b", workflowExecutionRetentionPeriodInDays: "NONE" }));
  assert.is(
    (
      await rejection(
        swf.send(new SWF.RegisterDomainCommand({ name: "dom-a", workflowExecutionRetentionPeriodInDays: "1" })),
      )
    ).name,
    "DomainAlreadyExistsFault",
  );
  assert.is(
    (
      await rejection(
        swf.send(new SWF.RegisterDomainCommand({ name: "dom-c", workflowExecutionRetentionPeriodInDays: "91" })),
      )
    ).name,
    "ValidationException",
  );
  const d = await swf.send(new SWF.DescribeDomainCommand({ name: "dom-a" }));
  assert.equal(d.domainInfo?.name, "dom-a");
  assert.is(d.domainInfo?.status, "REGISTERED");
  assert.is(d.domainInfo?.description, "first");
  assert.is(d.configuration?.workflowExecutionRetentionPeriodInDays, "3");
  assert.is((await rejection(swf.send(new SWF.DescribeDomainCommand({ name: "nope" })))).name, "UnknownResourceFault");
  await swf.send(new SWF.DeprecateDomainCommand({ name: "dom-b" }));
  assert.is(
    (await rejection(swf.send(new SWF.DeprecateDomainCommand({ name: "dom-b" })))).name,
    "DomainDeprecatedFault",
  );
  const reg = await swf.send(new SWF.ListDomainsCommand({ registrationStatus: "REGISTERED" }));
  assert.ok(reg.domainInfos?.some((x) => x.name === "dom-a"));
  assert.not.ok(reg.domainInfos?.some((x) => x.name === "dom-b"));
  const dep = await swf.send(new SWF.ListDomainsCommand({ registrationStatus: "DEPRECATED" }));
  assert.equal(
    dep.domainInfos?.map((x) => x.name),
    ["dom-b"],
  );
  assert.is(
    (await rejection(swf.send(new SWF.RegisterWorkflowTypeCommand({ domain: "dom-b", name: "w", version: "1" })))).name,
    "UnknownResourceFault",
  );
  await swf.send(new SWF.UndeprecateDomainCommand({ name: "dom-b" }));
  assert.is(
    (await rejection(swf.send(new SWF.UndeprecateDomainCommand({ name: "dom-b" })))).name,
    "DomainAlreadyExistsFault",
  );
});

test("domain tags: tag, list, untag, at most 50", async () => {
  const { swf } = h;
  const arn = (await swf.send(new SWF.DescribeDomainCommand({ name: "dom-a" }))).domainInfo?.arn as string;
  assert.match(arn, /^arn:aws:swf:[^:]+:\d+:\/domain\/dom-a$/);
  await swf.send(
    new SWF.TagResourceCommand({ resourceArn: arn, tags: [{ key: "team", value: "payments" }, { key: "env" }] }),
  );
  const listed = await swf.send(new SWF.ListTagsForResourceCommand({ resourceArn: arn }));
  assert.equal(listed.tags, [
    { key: "team", value: "payments" },
    { key: "env", value: "" },
  ]);
  await swf.send(new SWF.UntagResourceCommand({ resourceArn: arn, tagKeys: ["env"] }));
  assert.equal((await swf.send(new SWF.ListTagsForResourceCommand({ resourceArn: arn }))).tags, [
    { key: "team", value: "payments" },
  ]);
  const many = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: "v" }));
  assert.is(
    (await rejection(swf.send(new SWF.TagResourceCommand({ resourceArn: arn, tags: many })))).name,
    "TooManyTagsFault",
  );
  assert.is(
    (
      await rejection(
        swf.send(new SWF.ListTagsForResourceCommand({ resourceArn: "arn:aws:swf:us-east-1:1:/domain/none" })),
      )
    ).name,
    "UnknownResourceFault",
  );
});

test("types: register, describe, list with pages, deprecate, undeprecate, delete, and their faults", async () => {
  const { swf } = h;
  const domain = "dom-a";
  for (const version of ["1", "2", "3"])
    await swf.send(
      new SWF.RegisterActivityTypeCommand({
        domain,
        name: "resize",
        version,
        defaultTaskList: { name: "img" },
        defaultTaskStartToCloseTimeout: "30",
      }),
    );
  await swf.send(
    new SWF.RegisterWorkflowTypeCommand({
      domain,
      name: "flow",
      version: "1",
      description: "d",
      defaultChildPolicy: "ABANDON",
    }),
  );
  assert.is(
    (await rejection(swf.send(new SWF.RegisterActivityTypeCommand({ domain, name: "resize", version: "1" })))).name,
    "TypeAlreadyExistsFault",
  );
  assert.is(
    (
      await rejection(
        swf.send(
          new SWF.RegisterActivityTypeCommand({
            domain,
            name: "bad",
            version: "1",
            defaultTaskStartToCloseTimeout: "soon",
          }),
        ),
      )
    ).name,
    "ValidationException",
  );
  const a = await swf.send(
    new SWF.DescribeActivityTypeCommand({ domain, activityType: { name: "resize", version: "2" } }),
  );
  assert.is(a.typeInfo?.status, "REGISTERED");
  assert.equal(a.configuration?.defaultTaskList, { name: "img" });
  assert.is(a.configuration?.defaultTaskStartToCloseTimeout, "30");
  const w = await swf.send(
    new SWF.DescribeWorkflowTypeCommand({ domain, workflowType: { name: "flow", version: "1" } }),
  );
  assert.is(w.configuration?.defaultChildPolicy, "ABANDON");
  assert.is(w.typeInfo?.description, "d");
  // pages
  const p1 = await swf.send(
    new SWF.ListActivityTypesCommand({ domain, registrationStatus: "REGISTERED", name: "resize", maximumPageSize: 2 }),
  );
  assert.equal(
    p1.typeInfos?.map((t) => t.activityType?.version),
    ["1", "2"],
  );
  assert.type(p1.nextPageToken, "string");
  const p2 = await swf.send(
    new SWF.ListActivityTypesCommand({
      domain,
      registrationStatus: "REGISTERED",
      name: "resize",
      maximumPageSize: 2,
      nextPageToken: p1.nextPageToken,
    }),
  );
  assert.equal(
    p2.typeInfos?.map((t) => t.activityType?.version),
    ["3"],
  );
  assert.is(p2.nextPageToken, undefined);
  const rev = await swf.send(
    new SWF.ListActivityTypesCommand({ domain, registrationStatus: "REGISTERED", name: "resize", reverseOrder: true }),
  );
  assert.equal(
    rev.typeInfos?.map((t) => t.activityType?.version),
    ["3", "2", "1"],
  );
  assert.is(
    (
      await rejection(
        swf.send(
          new SWF.ListActivityTypesCommand({ domain, registrationStatus: "REGISTERED", nextPageToken: "garbage!" }),
        ),
      )
    ).name,
    "ValidationException",
  );
  // lifecycle
  const ref = { domain, activityType: { name: "resize", version: "1" } };
  assert.is((await rejection(swf.send(new SWF.DeleteActivityTypeCommand(ref)))).name, "TypeNotDeprecatedFault");
  assert.is((await rejection(swf.send(new SWF.UndeprecateActivityTypeCommand(ref)))).name, "TypeAlreadyExistsFault");
  await swf.send(new SWF.DeprecateActivityTypeCommand(ref));
  assert.is((await rejection(swf.send(new SWF.DeprecateActivityTypeCommand(ref)))).name, "TypeDeprecatedFault");
  const deprecated = await swf.send(new SWF.DescribeActivityTypeCommand(ref));
  assert.is(deprecated.typeInfo?.status, "DEPRECATED");
  assert.ok(deprecated.typeInfo?.deprecationDate instanceof Date);
  assert.equal(
    (await swf.send(new SWF.ListActivityTypesCommand({ domain, registrationStatus: "DEPRECATED" }))).typeInfos?.length,
    1,
  );
  await swf.send(new SWF.UndeprecateActivityTypeCommand(ref));
  await swf.send(new SWF.DeprecateActivityTypeCommand(ref));
  await swf.send(new SWF.DeleteActivityTypeCommand(ref));
  assert.is((await rejection(swf.send(new SWF.DescribeActivityTypeCommand(ref)))).name, "UnknownResourceFault");
  const wref = { domain, workflowType: { name: "flow", version: "1" } };
  await swf.send(new SWF.DeprecateWorkflowTypeCommand(wref));
  assert.is(
    (
      await rejection(
        swf.send(new SWF.StartWorkflowExecutionCommand({ ...wref, workflowId: "x", taskList: { name: "t" } })),
      )
    ).name,
    "TypeDeprecatedFault",
  );
  await swf.send(new SWF.UndeprecateWorkflowTypeCommand(wref));
  await swf.send(new SWF.DeprecateWorkflowTypeCommand(wref));
  await swf.send(new SWF.DeleteWorkflowTypeCommand(wref));
  assert.is(
    (await rejection(swf.send(new SWF.ListWorkflowTypesCommand({ domain: "none", registrationStatus: "REGISTERED" }))))
      .name,
    "UnknownResourceFault",
  );
});

test("start: defaults, DefaultUndefinedFault, WorkflowExecutionAlreadyStartedFault, unknown types", async () => {
  const { swf } = h;
  await setUp(swf, "start");
  await swf.send(new SWF.RegisterWorkflowTypeCommand({ domain: "start", name: "bare", version: "1" }));
  const bare = { domain: "start", workflowType: { name: "bare", version: "1" }, workflowId: "b" };
  const e = await rejection(swf.send(new SWF.StartWorkflowExecutionCommand(bare)));
  assert.is(e.name, "DefaultUndefinedFault");
  assert.match(e.message, "taskList");
  const e2 = await rejection(
    swf.send(
      new SWF.StartWorkflowExecutionCommand({
        ...bare,
        taskList: { name: "t" },
        executionStartToCloseTimeout: "60",
        taskStartToCloseTimeout: "10",
      }),
    ),
  );
  assert.match(e2.message, "childPolicy");
  assert.is(
    (
      await rejection(
        swf.send(
          new SWF.StartWorkflowExecutionCommand({
            ...bare,
            taskList: { name: "t" },
            executionStartToCloseTimeout: "NONE",
            taskStartToCloseTimeout: "10",
            childPolicy: "ABANDON",
          }),
        ),
      )
    ).name,
    "ValidationException",
  );
  const { runId } = await swf.send(
    new SWF.StartWorkflowExecutionCommand({
      ...bare,
      taskList: { name: "t" },
      executionStartToCloseTimeout: "60",
      taskStartToCloseTimeout: "NONE",
      childPolicy: "ABANDON",
    }),
  );
  assert.ok(runId);
  assert.is(
    (
      await rejection(
        swf.send(
          new SWF.StartWorkflowExecutionCommand({
            ...bare,
            taskList: { name: "t" },
            executionStartToCloseTimeout: "60",
            taskStartToCloseTimeout: "10",
            childPolicy: "ABANDON",
          }),
        ),
      )
    ).name,
    "WorkflowExecutionAlreadyStartedFault",
  );
  assert.is(
    (
      await rejection(
        swf.send(
          new SWF.StartWorkflowExecutionCommand({
            domain: "start",
            workflowType: { name: "ghost", version: "1" },
            workflowId: "g",
          }),
        ),
      )
    ).name,
    "UnknownResourceFault",
  );
  assert.is(
    (
      await rejection(
        swf.send(
          new SWF.StartWorkflowExecutionCommand({
            domain: "ghost",
            workflowType: { name: "wf", version: "1" },
            workflowId: "g",
          }),
        ),
      )
    ).name,
    "UnknownResourceFault",
  );
  const d = await swf.send(
    new SWF.DescribeWorkflowExecutionCommand({ domain: "start", execution: { workflowId: "b", runId } }),
  );
  assert.equal(d.executionConfiguration, {
    taskList: { name: "t" },
    executionStartToCloseTimeout: "60",
    taskStartToCloseTimeout: "NONE",
    childPolicy: "ABANDON",
  });
  assert.equal(d.openCounts, {
    openActivityTasks: 0,
    openDecisionTasks: 1,
    openTimers: 0,
    openChildWorkflowExecutions: 0,
    openLambdaFunctions: 0,
  });
  assert.is(
    (
      await rejection(
        swf.send(
          new SWF.DescribeWorkflowExecutionCommand({ domain: "start", execution: { workflowId: "b", runId: "nope" } }),
        ),
      )
    ).name,
    "UnknownResourceFault",
  );
});

test("signal, request cancel, terminate; list and count open and closed executions with filters", async () => {
  const { swf } = h;
  const domain = "vis";
  await setUp(swf, domain);
  const start = (workflowId: string, tagList?: string[]) =>
    swf.send(
      new SWF.StartWorkflowExecutionCommand({
        domain,
        workflowId,
        workflowType: { name: "wf", version: "1" },
        tagList,
      }),
    );
  const a = await start("a", ["red"]);
  const b = await start("b", ["blue"]);
  const c = await start("c");
  await swf.send(new SWF.SignalWorkflowExecutionCommand({ domain, workflowId: "a", signalName: "go", input: "{}" }));
  await swf.send(new SWF.RequestCancelWorkflowExecutionCommand({ domain, workflowId: "b", runId: b.runId }));
  await swf.send(
    new SWF.TerminateWorkflowExecutionCommand({ domain, workflowId: "c", reason: "enough", details: "why" }),
  );
  assert.is(
    (await rejection(swf.send(new SWF.SignalWorkflowExecutionCommand({ domain, workflowId: "c", signalName: "late" }))))
      .name,
    "UnknownResourceFault",
  );
  assert.is(
    (await rejection(swf.send(new SWF.SignalWorkflowExecutionCommand({ domain, workflowId: "zzz", signalName: "x" }))))
      .name,
    "UnknownResourceFault",
  );
  assert.is(
    (await rejection(swf.send(new SWF.TerminateWorkflowExecutionCommand({ domain, workflowId: "c" })))).name,
    "UnknownResourceFault",
  );
  const ha = await historyOf(swf, domain, { workflowId: "a", runId: a.runId as string });
  assert.equal(types(ha), ["WorkflowExecutionStarted", "DecisionTaskScheduled", "WorkflowExecutionSignaled"]);
  assert.is(ha[2]?.workflowExecutionSignaledEventAttributes?.signalName, "go");
  const hc = await historyOf(swf, domain, { workflowId: "c", runId: c.runId as string });
  assert.is(hc.at(-1)?.workflowExecutionTerminatedEventAttributes?.reason, "enough");
  assert.is(hc.at(-1)?.workflowExecutionTerminatedEventAttributes?.cause, "OPERATOR_INITIATED");
  assert.is(hc.at(-1)?.workflowExecutionTerminatedEventAttributes?.details, "why");
  const since = { oldestDate: new Date(Date.now() - 60_000) };
  const open = await swf.send(new SWF.ListOpenWorkflowExecutionsCommand({ domain, startTimeFilter: since }));
  assert.equal(
    open.executionInfos?.map((e) => e.execution?.workflowId),
    ["b", "a"],
  );
  assert.is(open.executionInfos?.[0]?.cancelRequested, true);
  const tagged = await swf.send(
    new SWF.ListOpenWorkflowExecutionsCommand({ domain, startTimeFilter: since, tagFilter: { tag: "red" } }),
  );
  assert.equal(
    tagged.executionInfos?.map((e) => e.execution?.workflowId),
    ["a"],
  );
  const byId = await swf.send(
    new SWF.ListOpenWorkflowExecutionsCommand({ domain, startTimeFilter: since, executionFilter: { workflowId: "b" } }),
  );
  assert.equal(
    byId.executionInfos?.map((e) => e.execution?.runId),
    [b.runId],
  );
  const byType = await swf.send(
    new SWF.CountOpenWorkflowExecutionsCommand({ domain, startTimeFilter: since, typeFilter: { name: "wf" } }),
  );
  assert.equal([byType.count, byType.truncated], [2, false]);
  const paged = await swf.send(
    new SWF.ListOpenWorkflowExecutionsCommand({
      domain,
      startTimeFilter: since,
      maximumPageSize: 1,
      reverseOrder: true,
    }),
  );
  assert.equal(
    paged.executionInfos?.map((e) => e.execution?.workflowId),
    ["a"],
  );
  const next = await swf.send(
    new SWF.ListOpenWorkflowExecutionsCommand({
      domain,
      startTimeFilter: since,
      maximumPageSize: 1,
      reverseOrder: true,
      nextPageToken: paged.nextPageToken,
    }),
  );
  assert.equal(
    next.executionInfos?.map((e) => e.execution?.workflowId),
    ["b"],
  );
  const future = await swf.send(
    new SWF.CountOpenWorkflowExecutionsCommand({
      domain,
      startTimeFilter: { oldestDate: new Date(Date.now() + 60_000) },
    }),
  );
  assert.is(future.count, 0);
  const closed = await swf.send(
    new SWF.ListClosedWorkflowExecutionsCommand({
      domain,
      closeTimeFilter: since,
      closeStatusFilter: { status: "TERMINATED" },
    }),
  );
  assert.equal(
    closed.executionInfos?.map((e) => [e.execution?.workflowId, e.executionStatus, e.closeStatus]),
    [["c", "CLOSED", "TERMINATED"]],
  );
  assert.ok(closed.executionInfos?.[0]?.closeTimestamp instanceof Date);
  assert.is(
    (
      await swf.send(
        new SWF.CountClosedWorkflowExecutionsCommand({
          domain,
          startTimeFilter: since,
          closeStatusFilter: { status: "COMPLETED" },
        }),
      )
    ).count,
    0,
  );
  assert.is(
    (await rejection(swf.send(new SWF.CountClosedWorkflowExecutionsCommand({ domain })))).name,
    "ValidationException",
  );
  assert.is(
    (
      await rejection(
        swf.send(
          new SWF.ListOpenWorkflowExecutionsCommand({
            domain,
            startTimeFilter: since,
            tagFilter: { tag: "x" },
            executionFilter: { workflowId: "a" },
          }),
        ),
      )
    ).name,
    "ValidationException",
  );
  assert.is(
    (await swf.send(new SWF.CountPendingDecisionTasksCommand({ domain, taskList: { name: "deciders" } }))).count,
    2,
  );
  assert.is(
    (await swf.send(new SWF.CountPendingDecisionTasksCommand({ domain, taskList: { name: "other" } }))).count,
    0,
  );
});

test("decision tasks: one open per execution, paged histories, previousStartedEventId, startAtPreviousStartedEvent", async () => {
  const { swf } = h;
  const domain = "dt";
  await setUp(swf, domain);
  const { runId } = await swf.send(
    new SWF.StartWorkflowExecutionCommand({ domain, workflowId: "w", workflowType: { name: "wf", version: "1" } }),
  );
  const first = await pollDecision(swf, domain);
  assert.equal(types(first.events ?? []), ["WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted"]);
  assert.is(first.startedEventId, 3);
  assert.is(first.previousStartedEventId, 0);
  assert.equal(first.workflowExecution, { workflowId: "w", runId });
  // a signal while the task is started schedules no second decision task until this one completes
  await swf.send(new SWF.SignalWorkflowExecutionCommand({ domain, workflowId: "w", signalName: "s1" }));
  const none = await swf.send(new SWF.PollForDecisionTaskCommand({ domain, taskList: { name: "deciders" } }));
  assert.is(none.taskToken, "");
  assert.is(
    (await swf.send(new SWF.CountPendingDecisionTasksCommand({ domain, taskList: { name: "deciders" } }))).count,
    0,
  );
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({
      taskToken: first.taskToken,
      decisions: [],
      executionContext: "ctx-1",
    }),
  );
  for (let i = 0; i < 3; i++)
    await swf.send(new SWF.SignalWorkflowExecutionCommand({ domain, workflowId: "w", signalName: `more-${i}` }));
  const second = await swf.send(
    new SWF.PollForDecisionTaskCommand({ domain, taskList: { name: "deciders" }, maximumPageSize: 4 }),
  );
  assert.is(second.previousStartedEventId, 3);
  const all = [...(second.events ?? [])];
  assert.is(all.length, 4);
  for (let next = second.nextPageToken; next; ) {
    const page = await swf.send(
      new SWF.PollForDecisionTaskCommand({
        domain,
        taskList: { name: "deciders" },
        maximumPageSize: 4,
        nextPageToken: next,
      }),
    );
    assert.is(page.taskToken, second.taskToken, "a next page belongs to the same task");
    all.push(...(page.events ?? []));
    next = page.nextPageToken;
  }
  assert.equal(
    all.map((e) => e.eventId),
    Array.from({ length: second.startedEventId as number }, (_, i) => i + 1),
  );
  const d = await swf.send(new SWF.DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: "w", runId } }));
  assert.is(d.latestExecutionContext, "ctx-1");
  const completed = all.find((e) => e.eventType === "DecisionTaskCompleted");
  assert.is(completed?.decisionTaskCompletedEventAttributes?.executionContext, "ctx-1");
  await swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: second.taskToken, decisions: [] }));
  await swf.send(new SWF.SignalWorkflowExecutionCommand({ domain, workflowId: "w", signalName: "last" }));
  const third = await swf.send(
    new SWF.PollForDecisionTaskCommand({
      domain,
      taskList: { name: "deciders" },
      startAtPreviousStartedEvent: true,
      reverseOrder: true,
    }),
  );
  const ids = (third.events ?? []).map((e) => e.eventId);
  assert.is(ids[0], third.startedEventId, "newest first");
  assert.is(ids.at(-1), second.startedEventId, "starts at the previous DecisionTaskStarted");
  // GetWorkflowExecutionHistory pages and reverse order
  const h1 = await swf.send(
    new SWF.GetWorkflowExecutionHistoryCommand({
      domain,
      execution: { workflowId: "w", runId },
      maximumPageSize: 5,
      reverseOrder: true,
    }),
  );
  const n = third.startedEventId as number;
  assert.equal(
    h1.events?.map((e) => e.eventId),
    [n, n - 1, n - 2, n - 3, n - 4],
  );
  const h2 = await swf.send(
    new SWF.GetWorkflowExecutionHistoryCommand({
      domain,
      execution: { workflowId: "w", runId },
      maximumPageSize: 5,
      reverseOrder: true,
      nextPageToken: h1.nextPageToken,
    }),
  );
  assert.equal(
    h2.events?.map((e) => e.eventId),
    [n - 5, n - 6, n - 7, n - 8, n - 9],
  );
  assert.is(
    (
      await rejection(
        swf.send(new SWF.GetWorkflowExecutionHistoryCommand({ domain, execution: { workflowId: "other", runId } })),
      )
    ).name,
    "UnknownResourceFault",
  );
});

test("terminate's childPolicy overrides the execution's: ABANDON leaves the child running", async () => {
  const { swf } = h;
  const domain = "abandon";
  await setUp(swf, domain);
  await swf.send(
    new SWF.StartWorkflowExecutionCommand({ domain, workflowId: "p", workflowType: { name: "wf", version: "1" } }),
  );
  const t = await pollDecision(swf, domain);
  const child: SWF.Decision = {
    decisionType: "StartChildWorkflowExecution",
    startChildWorkflowExecutionDecisionAttributes: { workflowType: { name: "wf", version: "1" }, workflowId: "kid" },
  };
  await swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: t.taskToken, decisions: [child] }));
  await swf.send(new SWF.TerminateWorkflowExecutionCommand({ domain, workflowId: "p", childPolicy: "ABANDON" }));
  const open = await swf.send(
    new SWF.ListOpenWorkflowExecutionsCommand({ domain, startTimeFilter: { oldestDate: new Date(0) } }),
  );
  assert.equal(
    open.executionInfos?.map((e) => e.execution?.workflowId),
    ["kid"],
  );
  await swf.send(new SWF.TerminateWorkflowExecutionCommand({ domain, workflowId: "kid" }));
});

test("a decider can send the execution's next decision tasks to another task list (sticky)", async () => {
  const { swf } = h;
  const domain = "sticky";
  await setUp(swf, domain);
  await swf.send(
    new SWF.StartWorkflowExecutionCommand({ domain, workflowId: "w", workflowType: { name: "wf", version: "1" } }),
  );
  const first = await pollDecision(swf, domain);
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({ taskToken: first.taskToken, taskList: { name: "host-1" } }),
  );
  await swf.send(new SWF.SignalWorkflowExecutionCommand({ domain, workflowId: "w", signalName: "s" }));
  assert.is(
    (await swf.send(new SWF.CountPendingDecisionTasksCommand({ domain, taskList: { name: "host-1" } }))).count,
    1,
  );
  assert.is(
    (await swf.send(new SWF.CountPendingDecisionTasksCommand({ domain, taskList: { name: "deciders" } }))).count,
    0,
  );
  assert.is(
    (await swf.send(new SWF.PollForDecisionTaskCommand({ domain, taskList: { name: "deciders" } }))).taskToken,
    "",
  );
  const next = await pollDecision(swf, domain, "host-1");
  assert.is(next.events?.at(-2)?.decisionTaskScheduledEventAttributes?.taskList?.name, "host-1");
});

test("task tokens are opaque, unguessable and work once", async () => {
  const { swf } = h;
  const domain = "tokens";
  await setUp(swf, domain);
  await swf.send(
    new SWF.StartWorkflowExecutionCommand({ domain, workflowId: "w", workflowType: { name: "wf", version: "1" } }),
  );
  const task = await decide(swf, domain, [
    {
      decisionType: "ScheduleActivityTask",
      scheduleActivityTaskDecisionAttributes: { activityType: { name: "act", version: "1" }, activityId: "a1" },
    },
  ]);
  assert.ok((task.taskToken as string).length >= 40);
  assert.not.match(task.taskToken as string, "|");
  const twice = await rejection(
    swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: task.taskToken, decisions: [] })),
  );
  assert.is(twice.name, "UnknownResourceFault");
  const act = await swf.send(new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "workers" } }));
  assert.is(act.activityId, "a1");
  assert.not.match(act.taskToken as string, runIdOf(task));
  assert.not.match(act.taskToken as string, "|");
  for (const forged of ["x", `${act.taskToken}x`, "w|5|a1"]) {
    assert.is(
      (await rejection(swf.send(new SWF.RespondActivityTaskCompletedCommand({ taskToken: forged })))).name,
      "UnknownResourceFault",
      forged,
    );
    assert.is(
      (await rejection(swf.send(new SWF.RecordActivityTaskHeartbeatCommand({ taskToken: forged })))).name,
      "UnknownResourceFault",
      forged,
    );
  }
  assert.is(
    (await rejection(swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: act.taskToken })))).name,
    "UnknownResourceFault",
    "an activity token is no decision token",
  );
  await swf.send(new SWF.RespondActivityTaskCompletedCommand({ taskToken: act.taskToken, result: "ok" }));
  assert.is(
    (
      await rejection(
        swf.send(new SWF.RespondActivityTaskCompletedCommand({ taskToken: act.taskToken, result: "again" })),
      )
    ).name,
    "UnknownResourceFault",
  );
  assert.is(
    (await rejection(swf.send(new SWF.RespondActivityTaskFailedCommand({ taskToken: act.taskToken })))).name,
    "UnknownResourceFault",
  );
});

test("activity tasks: failed, heartbeat with cancelRequested, canceled, counted while pending", async () => {
  const { swf } = h;
  const domain = "acts";
  await setUp(swf, domain);
  const { runId } = await swf.send(
    new SWF.StartWorkflowExecutionCommand({ domain, workflowId: "w", workflowType: { name: "wf", version: "1" } }),
  );
  const sched = (activityId: string) => ({
    decisionType: "ScheduleActivityTask" as const,
    scheduleActivityTaskDecisionAttributes: {
      activityType: { name: "act", version: "1" },
      activityId,
      input: activityId,
    },
  });
  await decide(swf, domain, [sched("fails"), sched("cancels")]);
  assert.is(
    (await swf.send(new SWF.CountPendingActivityTasksCommand({ domain, taskList: { name: "workers" } }))).count,
    2,
  );
  const t1 = await swf.send(
    new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "workers" }, identity: "w1" }),
  );
  const t2 = await swf.send(
    new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "workers" }, identity: "w2" }),
  );
  assert.equal([t1.activityId, t1.input, t2.activityId], ["fails", "fails", "cancels"]);
  assert.equal(t1.workflowExecution, { workflowId: "w", runId });
  assert.is(
    (await swf.send(new SWF.CountPendingActivityTasksCommand({ domain, taskList: { name: "workers" } }))).count,
    0,
  );
  await swf.send(
    new SWF.RespondActivityTaskFailedCommand({ taskToken: t1.taskToken, reason: "boom", details: "stack" }),
  );
  assert.is(
    (await swf.send(new SWF.RecordActivityTaskHeartbeatCommand({ taskToken: t2.taskToken, details: "10%" })))
      .cancelRequested,
    false,
  );
  await decide(swf, domain, [
    {
      decisionType: "RequestCancelActivityTask",
      requestCancelActivityTaskDecisionAttributes: { activityId: "cancels" },
    },
  ]);
  assert.is(
    (await swf.send(new SWF.RecordActivityTaskHeartbeatCommand({ taskToken: t2.taskToken }))).cancelRequested,
    true,
  );
  await swf.send(new SWF.RespondActivityTaskCanceledCommand({ taskToken: t2.taskToken, details: "stopped" }));
  const events = await historyOf(swf, domain, { workflowId: "w", runId: runId as string });
  const failed = events.find((e) => e.eventType === "ActivityTaskFailed")?.activityTaskFailedEventAttributes;
  assert.equal([failed?.reason, failed?.details], ["boom", "stack"]);
  assert.ok(types(events).includes("ActivityTaskCancelRequested"));
  assert.is(
    events.find((e) => e.eventType === "ActivityTaskCanceled")?.activityTaskCanceledEventAttributes?.details,
    "stopped",
  );
  const started = events.find((e) => e.eventType === "ActivityTaskStarted")?.activityTaskStartedEventAttributes;
  assert.is(started?.identity, "w1");
});

test("children, external signals and cancels, continue-as-new", async () => {
  const { swf } = h;
  const domain = "family";
  await setUp(swf, domain);
  const { runId } = await swf.send(
    new SWF.StartWorkflowExecutionCommand({ domain, workflowId: "parent", workflowType: { name: "wf", version: "1" } }),
  );
  await swf.send(
    new SWF.StartWorkflowExecutionCommand({ domain, workflowId: "peer", workflowType: { name: "wf", version: "1" } }),
  );
  // the peer's first decision task, so that its later ones are about the signal
  const parentFirst = await pollDecision(swf, domain);
  const peerFirst = await pollDecision(swf, domain);
  assert.equal(
    [parentFirst.workflowExecution?.workflowId, peerFirst.workflowExecution?.workflowId],
    ["parent", "peer"],
  );
  await swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: peerFirst.taskToken, decisions: [] }));
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({
      taskToken: parentFirst.taskToken,
      decisions: [
        {
          decisionType: "StartChildWorkflowExecution",
          startChildWorkflowExecutionDecisionAttributes: {
            workflowType: { name: "wf", version: "1" },
            workflowId: "kid",
            input: "7",
          },
        },
        {
          decisionType: "SignalExternalWorkflowExecution",
          signalExternalWorkflowExecutionDecisionAttributes: { workflowId: "peer", signalName: "hello", input: "hi" },
        },
        {
          decisionType: "RequestCancelExternalWorkflowExecution",
          requestCancelExternalWorkflowExecutionDecisionAttributes: { workflowId: "peer" },
        },
      ],
    }),
  );
  // the child runs and completes with its input doubled; the peer sees the signal and the cancel request; the
  // parent, once it saw all that, continues as new
  const done = new Set<string>();
  let parentEvents: SWF.HistoryEvent[] = [];
  while (done.size < 3) {
    const t = await pollDecision(swf, domain);
    const id = t.workflowExecution?.workflowId as string;
    const ts = types(t.events ?? []);
    let decisions: SWF.Decision[] = [];
    if (id === "kid") {
      const started = t.events?.[0]?.workflowExecutionStartedEventAttributes;
      assert.equal(started?.parentWorkflowExecution, { workflowId: "parent", runId });
      decisions = [
        {
          decisionType: "CompleteWorkflowExecution",
          completeWorkflowExecutionDecisionAttributes: { result: String(Number(started?.input) * 2) },
        },
      ];
    } else if (
      id === "peer" &&
      ts.includes("WorkflowExecutionSignaled") &&
      ts.includes("WorkflowExecutionCancelRequested")
    ) {
      decisions = [
        { decisionType: "CancelWorkflowExecution", cancelWorkflowExecutionDecisionAttributes: { details: "bye" } },
      ];
    } else if (
      id === "parent" &&
      ts.includes("ChildWorkflowExecutionCompleted") &&
      ts.includes("ExternalWorkflowExecutionCancelRequested")
    ) {
      parentEvents = t.events ?? [];
      decisions = [
        {
          decisionType: "ContinueAsNewWorkflowExecution",
          continueAsNewWorkflowExecutionDecisionAttributes: { input: "again" },
        },
      ];
    }
    if (decisions.length > 0) done.add(id);
    await swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: t.taskToken, decisions }));
  }
  assert.is(
    parentEvents.find((e) => e.eventType === "ChildWorkflowExecutionCompleted")
      ?.childWorkflowExecutionCompletedEventAttributes?.result,
    "14",
  );
  assert.ok(types(parentEvents).includes("ExternalWorkflowExecutionSignaled"));
  assert.ok(types(parentEvents).includes("ChildWorkflowExecutionStarted"));
  const old = await swf.send(
    new SWF.DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: "parent", runId } }),
  );
  assert.is(old.executionInfo?.closeStatus, "CONTINUED_AS_NEW");
  const open = await swf.send(
    new SWF.ListOpenWorkflowExecutionsCommand({
      domain,
      startTimeFilter: { oldestDate: new Date(0) },
      executionFilter: { workflowId: "parent" },
    }),
  );
  const newRun = open.executionInfos?.[0]?.execution?.runId as string;
  assert.ok(newRun && newRun !== runId);
  const fresh = await historyOf(swf, domain, { workflowId: "parent", runId: newRun });
  const started = fresh[0]?.workflowExecutionStartedEventAttributes;
  assert.equal(
    [started?.input, started?.continuedExecutionRunId, started?.executionStartToCloseTimeout],
    ["again", runId, "3600"],
  );
});

test("long polls wait for work, answer empty after the poll wait, and hand a task to a waiting poller at once", async () => {
  const { swf } = h;
  const domain = "long";
  await setUp(swf, domain);
  const t0 = Date.now();
  const empty = await swf.send(new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "workers" } }));
  const waited = Date.now() - t0;
  assert.is(empty.taskToken, "");
  assert.ok(waited >= 280 && waited < 5_000, `waited ${waited} ms`);
  // on a server whose polls wait 10 s, a waiting poll is served as soon as the task exists
  const patient = await harness({ pollWaitMs: 10_000 });
  try {
    const p = patient.swf;
    await setUp(p, domain);
    const t1 = Date.now();
    const polling = p.send(new SWF.PollForDecisionTaskCommand({ domain, taskList: { name: "deciders" } }));
    await new Promise((r) => setTimeout(r, 100));
    await p.send(
      new SWF.StartWorkflowExecutionCommand({ domain, workflowId: "w", workflowType: { name: "wf", version: "1" } }),
    );
    const got = await polling;
    assert.ok(got.taskToken, "the waiting poll got the task");
    assert.ok(Date.now() - t1 < 8_000, `served after ${Date.now() - t1} ms`);
    // a poll whose client went away is not handed a task
    const abort = new AbortController();
    const gone = fetch(patient.server.url, {
      method: "POST",
      headers: { "x-amz-target": "SimpleWorkflowService.PollForActivityTask" },
      body: JSON.stringify({ domain, taskList: { name: "workers" } }),
      signal: abort.signal,
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    abort.abort();
    await gone;
    await new Promise((r) => setTimeout(r, 50));
    const schedule: SWF.Decision = {
      decisionType: "ScheduleActivityTask",
      scheduleActivityTaskDecisionAttributes: { activityType: { name: "act", version: "1" }, activityId: "kept" },
    };
    await p.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: got.taskToken, decisions: [schedule] }));
    const task = await p.send(new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "workers" } }));
    assert.is(task.activityId, "kept");
  } finally {
    await patient.close();
  }
});

test.run();
