/**
 * What the local workflow service does when an event is recorded in a run's history: one case per event that needs
 * something done. This is where deadlines are armed and disarmed, tasks queued, children started, external
 * requests delivered, and a closed run's children, parent and continuation taken care of. Every recorded event
 * reaches `react` exactly once, in recording order (the service's `flush`).
 */
import { activityCloseAttributes, type ChildPolicy, closeStatusOf, type HistoryEvent } from "@yieldflow/core";
import type { OpenChild } from "@yieldflow/core/service";
import { deadlineKey } from "./deadlines.js";
import type { ExecutionRecord } from "./execution.js";
import type { ServiceState, WorkflowTypeDefaults } from "./service-state.js";
import { activityToken } from "./task-tokens.js";

/** What the service does when an event is recorded. One case per event that needs something done. */
export function react(s: ServiceState, exec: ExecutionRecord, event: HistoryEvent): void {
  const b = exec.recorder;
  const runId = exec.runId;
  switch (event.eventType) {
    case "WorkflowExecutionStarted": {
      const timeout = event.workflowExecutionStartedEventAttributes?.executionStartToCloseTimeout;
      if (timeout !== undefined && timeout !== "NONE")
        s.deadlines.arm(runId, s.clock.now() + Number(timeout) * 1000, { kind: "workflowTimeout" });
      return;
    }
    case "DecisionTaskScheduled": {
      s.decisionQueue.push(runId);
      const timeout = event.decisionTaskScheduledEventAttributes?.scheduleToStartTimeout;
      if (timeout !== undefined && /^\d+$/.test(timeout))
        s.deadlines.arm(runId, s.clock.now() + Number(timeout) * 1000, {
          kind: "decisionScheduleTimeout",
          scheduledEventId: event.eventId as number,
        });
      return;
    }
    case "ActivityTaskScheduled": {
      const a = event.activityTaskScheduledEventAttributes;
      const act = a?.activityId === undefined ? undefined : b.activities.get(a.activityId);
      if (!act || act.scheduledEventId !== event.eventId) return;
      s.activityQueue.push({
        runId,
        activityId: act.activityId,
        scheduledEventId: act.scheduledEventId,
        taskList: act.taskList,
        activityType: { ...act.activityType },
      });
      const { scheduleToStart, scheduleToClose } = act.timeouts;
      const base = { kind: "activityTimeout", activityId: act.activityId, scheduledEventId: act.scheduledEventId };
      if (scheduleToStart !== undefined)
        s.deadlines.arm(runId, act.scheduledAt + scheduleToStart * 1000, {
          ...base,
          kind: "activityTimeout",
          timeoutType: "SCHEDULE_TO_START",
        });
      if (scheduleToClose !== undefined)
        s.deadlines.arm(runId, act.scheduledAt + scheduleToClose * 1000, {
          ...base,
          kind: "activityTimeout",
          timeoutType: "SCHEDULE_TO_CLOSE",
        });
      return;
    }
    case "ActivityTaskStarted": {
      const act = activityByScheduledId(exec, event.activityTaskStartedEventAttributes?.scheduledEventId);
      if (!act) return;
      const base = {
        kind: "activityTimeout",
        activityId: act.activityId,
        scheduledEventId: act.scheduledEventId,
      } as const;
      s.deadlines.disarm(deadlineKey(runId, { ...base, timeoutType: "SCHEDULE_TO_START" }));
      const at = act.startedAt ?? s.clock.now();
      if (act.timeouts.startToClose !== undefined)
        s.deadlines.arm(runId, at + act.timeouts.startToClose * 1000, { ...base, timeoutType: "START_TO_CLOSE" });
      if (act.timeouts.heartbeat !== undefined)
        s.deadlines.arm(runId, at + act.timeouts.heartbeat * 1000, { ...base, timeoutType: "HEARTBEAT" });
      return;
    }
    case "ActivityTaskCancelRequested": {
      const act = b.activities.get(event.activityTaskCancelRequestedEventAttributes?.activityId as string);
      if (act) s.hooks.activityCancelRequested(activityToken(runId, act.scheduledEventId, act.activityId));
      return;
    }
    case "ActivityTaskCompleted":
    case "ActivityTaskFailed":
    case "ActivityTaskTimedOut":
    case "ActivityTaskCanceled": {
      const attrs = activityCloseAttributes(event);
      const scheduledEventId = attrs?.scheduledEventId as number;
      const activityId = b.events[scheduledEventId - 1]?.activityTaskScheduledEventAttributes?.activityId as string;
      for (const timeoutType of ["SCHEDULE_TO_START", "START_TO_CLOSE", "SCHEDULE_TO_CLOSE", "HEARTBEAT"] as const)
        s.deadlines.disarm(deadlineKey(runId, { kind: "activityTimeout", activityId, scheduledEventId, timeoutType }));
      // a started task left the queue when it was polled
      if (!attrs?.startedEventId) {
        const i = s.activityQueue.findIndex((q) => q.runId === runId && q.scheduledEventId === scheduledEventId);
        if (i >= 0) s.activityQueue.splice(i, 1);
      }
      const token = activityToken(runId, scheduledEventId, activityId);
      s.hooks.activityClosed(token, `activity ${activityId} closed (${event.eventType})`);
      s.lastHeartbeat.delete(token);
      return;
    }
    case "TimerStarted": {
      const timerId = event.timerStartedEventAttributes?.timerId as string;
      const timer = b.timers.get(timerId);
      if (timer && timer.startedEventId === event.eventId)
        s.deadlines.arm(runId, timer.fireAt, { kind: "timer", timerId });
      return;
    }
    case "TimerCanceled":
      s.deadlines.disarm(
        deadlineKey(runId, { kind: "timer", timerId: event.timerCanceledEventAttributes?.timerId as string }),
      );
      return;
    case "StartChildWorkflowExecutionInitiated": {
      const child = b.children.get(event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId as string);
      if (child && child.initiatedEventId === event.eventId) startChild(s, exec, child, event);
      return;
    }
    case "SignalExternalWorkflowExecutionInitiated":
    case "RequestCancelExternalWorkflowExecutionInitiated":
      deliverExternal(s, exec, event.eventId as number);
      return;
    case "WorkflowExecutionCompleted":
    case "WorkflowExecutionFailed":
    case "WorkflowExecutionCanceled":
    case "WorkflowExecutionTerminated":
    case "WorkflowExecutionContinuedAsNew":
    case "WorkflowExecutionTimedOut":
      closeRun(s, exec, event);
      return;
    default:
      return;
  }
}

function activityByScheduledId(exec: ExecutionRecord, scheduledEventId: number | undefined) {
  for (const act of exec.recorder.activities.values()) if (act.scheduledEventId === scheduledEventId) return act;
  return undefined;
}

function startChild(s: ServiceState, parent: ExecutionRecord, child: OpenChild, event: HistoryEvent): void {
  const a = event.startChildWorkflowExecutionInitiatedEventAttributes;
  const workflow = s.registry.workflow(child.workflowType) as WorkflowTypeDefaults;
  const runId = s.newRunId(child.workflowId);
  s.createRun({
    workflow,
    workflowId: child.workflowId,
    runId,
    input: child.input,
    taskList: a?.taskList?.name ?? workflow.taskList,
    executionStartToCloseTimeout:
      a?.executionStartToCloseTimeout ?? optionalSeconds(workflow.timeouts.executionStartToClose),
    taskStartToCloseTimeout: a?.taskStartToCloseTimeout ?? optionalSeconds(workflow.timeouts.taskStartToClose),
    childPolicy: (a?.childPolicy as ChildPolicy | undefined) ?? workflow.childPolicy,
    tagList: a?.tagList as string[] | undefined,
    parent: { workflowId: parent.workflowId, runId: parent.runId, initiatedEventId: child.initiatedEventId },
  });
  s.mutate(parent, (b) => b.childStarted(child.workflowId, runId));
}

function deliverExternal(s: ServiceState, source: ExecutionRecord, initiatedEventId: number): void {
  const x = source.recorder.externals.get(initiatedEventId);
  if (!x) return;
  const latest = s.latestRun.get(x.workflowId);
  const target = latest === undefined ? undefined : s.runs.get(x.runId ?? latest);
  // The decision task that initiated the request may also have closed the source (a cancelled branch's child and
  // the closing decision go out together): SWF still delivers the request, but records nothing more in its history.
  const sourceOpen = source.recorder.closedBy === undefined;
  if (!target || target.workflowId !== x.workflowId || target.closeStatus) {
    if (sourceOpen)
      s.mutate(source, (b) => b.externalDelivered(initiatedEventId, x.runId, "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"));
    return;
  }
  if (x.kind === "signal") {
    const from = { workflowId: source.workflowId, runId: source.runId, initiatedEventId };
    s.mutate(target, (b) => b.signal(x.signalName as string, x.input, from));
  } else {
    s.mutate(target, (b) =>
      b.cancelRequested({ workflowId: source.workflowId, runId: source.runId, initiatedEventId }),
    );
  }
  if (sourceOpen) s.mutate(source, (b) => b.externalDelivered(initiatedEventId, target.runId));
}

function closeRun(s: ServiceState, exec: ExecutionRecord, event: HistoryEvent): void {
  const status = closeStatusOf(event.eventType);
  exec.closeStatus = status;
  const runId = exec.runId;
  s.deadlines.disarmRun(runId);
  for (let i = s.activityQueue.length - 1; i >= 0; i--)
    if (s.activityQueue[i]?.runId === runId) s.activityQueue.splice(i, 1);
  for (const act of exec.recorder.activities.values()) {
    const token = activityToken(runId, act.scheduledEventId, act.activityId);
    s.hooks.activityClosed(token, `the workflow execution closed (${status})`);
    s.lastHeartbeat.delete(token);
  }
  if (status === "TERMINATED" || status === "TIMED_OUT") applyChildPolicy(s, exec, event);
  if (status === "CONTINUED_AS_NEW") {
    const a = event.workflowExecutionContinuedAsNewEventAttributes;
    const type = { name: a?.workflowType?.name as string, version: a?.workflowType?.version as string };
    const workflow = s.registry.workflow(type);
    const next = s.createRun({
      // an unregistered version gets a run whose decision tasks fail with a clear error
      workflow: workflow ?? { ...(s.registry.workflow(exec.workflowType) as WorkflowTypeDefaults), ...type },
      workflowId: exec.workflowId,
      runId: a?.newExecutionRunId as string,
      input: a?.input,
      taskList: a?.taskList?.name,
      executionStartToCloseTimeout: a?.executionStartToCloseTimeout,
      taskStartToCloseTimeout: a?.taskStartToCloseTimeout,
      childPolicy: a?.childPolicy as ChildPolicy | undefined,
      tagList: a?.tagList as string[] | undefined,
      previousRunId: runId,
      ...(exec.parent && { parent: exec.parent }),
    });
    exec.nextRunId = next.runId;
  } else if (exec.parent) {
    notifyParent(s, exec, status as Exclude<typeof status, "CONTINUED_AS_NEW" | undefined>, event);
  }
  s.hooks.runChanged(runId);
}

function applyChildPolicy(s: ServiceState, exec: ExecutionRecord, event: HistoryEvent): void {
  const policy =
    event.workflowExecutionTerminatedEventAttributes?.childPolicy ??
    event.workflowExecutionTimedOutEventAttributes?.childPolicy ??
    "TERMINATE";
  if (policy === "ABANDON") return;
  for (const child of [...exec.recorder.children.values()]) {
    const latest = s.latestRun.get(child.workflowId);
    const target = latest === undefined ? undefined : s.runs.get(latest);
    if (!target || target.closeStatus) continue;
    if (policy === "TERMINATE")
      s.mutate(target, (b) =>
        b.terminated(`parent ${exec.workflowId} closed; child policy TERMINATE`, "CHILD_POLICY_APPLIED"),
      );
    else s.mutate(target, (b) => b.cancelRequested(undefined, "CHILD_POLICY_APPLIED"));
  }
}

function notifyParent(
  s: ServiceState,
  exec: ExecutionRecord,
  status: "COMPLETED" | "FAILED" | "CANCELED" | "TERMINATED" | "TIMED_OUT",
  event: HistoryEvent,
): void {
  const parent = s.runs.get(exec.parent?.runId as string);
  if (!parent || parent.closeStatus || !parent.recorder.children.has(exec.workflowId)) return;
  const data = {
    result: event.workflowExecutionCompletedEventAttributes?.result,
    reason: event.workflowExecutionFailedEventAttributes?.reason,
    details:
      event.workflowExecutionFailedEventAttributes?.details ?? event.workflowExecutionCanceledEventAttributes?.details,
  };
  s.mutate(parent, (b) => b.childClosed(exec.workflowId, status, data));
}

function optionalSeconds(s: number | undefined): string | undefined {
  return s === undefined ? undefined : String(s);
}
