/**
 * Decision task operations: PollForDecisionTask (a task with its history paged by `nextPageToken`,
 * `maximumPageSize`, `reverseOrder` and `startAtPreviousStartedEvent`), RespondDecisionTaskCompleted (decisions
 * checked as SWF checks them, with the registered types' defaults filled in, and the task list override), and
 * CountPendingDecisionTasks. A run's decision task token works once and dies with the task.
 */
import type { Decision, HistoryEvent } from "@yieldflow/core";
import { checkDecisions, checkDuration, checkId } from "./checks.js";
import { badPageToken, decodePage, historyPage } from "./paging.js";
import {
  type BackendState,
  domainOf,
  type ExecutionInfo,
  eventsOf,
  type Handlers,
  type Input,
  type Output,
  s,
  unknownTask,
} from "./state.js";

/** The handlers of the decision task operations. */
export const decisionTaskOperations = {
  PollForDecisionTask: (st, i) =>
    pollDecision(st, i) ?? { taskToken: "", startedEventId: 0, events: [], previousStartedEventId: 0 },
  RespondDecisionTaskCompleted: respondDecision,
  CountPendingDecisionTasks: (st, i) => {
    const d = domainOf(st, i.domain, true);
    const name = (i.taskList as { name: string }).name;
    let count = 0;
    for (const info of d.runs.values()) {
      const r = info.closeStatus === undefined ? d.service.runById(info.runId)?.recorder : undefined;
      if (r?.decisionTaskScheduled && r.decisionTaskList === name) count++;
    }
    return { count, truncated: false };
  },
} satisfies Handlers;

/** A decision task (or the next page of one), or undefined when none is waiting. */
function pollDecision(st: BackendState, i: Input): Output | undefined {
  const d = domainOf(st, i.domain, true);
  if (typeof i.nextPageToken === "string" && i.nextPageToken !== "") {
    const p = decodePage(i.nextPageToken);
    if (p.k !== "d" || typeof p.r !== "string" || typeof p.t !== "string") throw badPageToken();
    const info = d.runs.get(p.r);
    if (!info) throw badPageToken();
    const events = eventsOf(d, p.r);
    const page = historyPage(events, p.e as number, i, p);
    return decisionTaskOutput(st, info, p.t, p.e as number, page);
  }
  const taskList = (i.taskList as { name: string }).name;
  const task = d.service.pollForDecisionTask(s(i.identity) ?? "", (tl) => tl === taskList);
  if (!task) return undefined;
  const token = st.newToken();
  const runId = task.workflowExecution.runId;
  st.tokens.set(token, { kind: "decision", domain: d.record.name, runId, internal: task.taskToken });
  const previous = st.decisionTokens.get(runId);
  if (previous !== undefined) st.tokens.delete(previous);
  st.decisionTokens.set(runId, token);
  const info = d.runs.get(runId) as ExecutionInfo;
  const events = eventsOf(d, runId);
  const prev = previousStarted(events, task.startedEventId);
  const from = i.startAtPreviousStartedEvent === true && prev > 0 ? prev - 1 : 0;
  const page = historyPage(
    events,
    task.startedEventId,
    { ...i, nextPageToken: undefined },
    { k: "d", r: runId, t: token, e: task.startedEventId, f: from },
  );
  return decisionTaskOutput(st, info, token, task.startedEventId, page);
}

function decisionTaskOutput(
  st: BackendState,
  info: ExecutionInfo,
  token: string,
  startedEventId: number,
  page: ReturnType<typeof historyPage>,
): Output {
  const events = eventsOf(domainOf(st, info.domain, true), info.runId);
  return {
    taskToken: token,
    startedEventId,
    workflowExecution: { workflowId: info.workflowId, runId: info.runId },
    workflowType: { ...info.workflowType },
    events: page.events,
    previousStartedEventId: previousStarted(events, startedEventId),
    ...page.next,
  };
}

function respondDecision(st: BackendState, i: Input): Output {
  const ref = st.tokens.get(i.taskToken as string);
  if (ref?.kind !== "decision") throw unknownTask();
  const d = domainOf(st, ref.domain, true);
  const exec = d.service.runById(ref.runId);
  const info = d.runs.get(ref.runId);
  if (!exec || !info) throw unknownTask();
  const decisions = checkDecisions((i.decisions as Decision[] | undefined) ?? []).map((x) =>
    d.types.withDefaults(x, info.workflowType),
  );
  const override = (i.taskList as { name: string } | undefined)?.name;
  const scheduleToStart = s(i.taskListScheduleToStartTimeout);
  if (override !== undefined) checkId(override, "taskList.name");
  if (scheduleToStart !== undefined) checkDuration(scheduleToStart, "taskListScheduleToStartTimeout", true);
  d.service.respondDecisionTaskCompleted(ref.internal, decisions, {
    executionContext: s(i.executionContext),
    taskList: override === undefined ? undefined : { name: override, scheduleToStartTimeout: scheduleToStart },
  });
  st.tokens.delete(i.taskToken as string);
  if (st.decisionTokens.get(ref.runId) === i.taskToken) st.decisionTokens.delete(ref.runId);
  if (typeof i.executionContext === "string") info.latestExecutionContext = i.executionContext;
  return {};
}

/** The DecisionTaskStarted event id of the last decision task the decider completed before `startedEventId`. */
function previousStarted(events: readonly HistoryEvent[], startedEventId: number): number {
  for (let k = Math.min(startedEventId, events.length) - 1; k >= 0; k--) {
    const e = events[k] as HistoryEvent;
    if (e.eventType === "DecisionTaskCompleted")
      return (e.decisionTaskCompletedEventAttributes?.startedEventId as number) ?? 0;
  }
  return 0;
}
