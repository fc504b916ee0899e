/**
 * Execution operations: StartWorkflowExecution (from the registered type and its defaults), Signal,
 * RequestCancel, Terminate, GetWorkflowExecutionHistory; and `observe`, which every recorded event passes once to
 * keep the visibility index (`ExecutionInfo`) and the list of events the store persists up to date.
 */
import { type ChildPolicy, closeStatusOf, type HistoryEvent } from "@yieldflow/core";
import { checkDuration, checkId } from "./checks.js";
import { SwfFault, unknownResource } from "./faults.js";
import { historyPage } from "./paging.js";
import {
  type BackendState,
  type Domain,
  domainOf,
  type ExecutionInfo,
  eventsOf,
  type Handlers,
  type Input,
  type Output,
  runIdOf,
  s,
  typeOf,
  typeText,
  unknownExecution,
} from "./state.js";
import type { DomainTypes } from "./types.js";

/** The handlers of the execution operations. */
export const executionOperations = {
  StartWorkflowExecution: start,
  SignalWorkflowExecution: (st, i) => {
    const d = domainOf(st, i.domain);
    d.service.signalWorkflowExecution(i.workflowId as string, i.signalName as string, s(i.input), runIdOf(i));
    return {};
  },
  RequestCancelWorkflowExecution: (st, i) => {
    const d = domainOf(st, i.domain);
    d.service.requestCancelWorkflowExecution(i.workflowId as string, runIdOf(i));
    return {};
  },
  TerminateWorkflowExecution: (st, i) => {
    const d = domainOf(st, i.domain);
    const policy = i.childPolicy as ChildPolicy | undefined;
    d.service.terminateWorkflowExecution(i.workflowId as string, s(i.reason), runIdOf(i), s(i.details), policy);
    return {};
  },
  GetWorkflowExecutionHistory: (st, i) => {
    const d = domainOf(st, i.domain);
    const e = i.execution as { workflowId: string; runId: string };
    const info = d.runs.get(e.runId);
    if (!info || info.workflowId !== e.workflowId) throw unknownExecution(e);
    const events = eventsOf(d, e.runId);
    const page = historyPage(events, events.length, i, { k: "h", r: e.runId });
    return { events: page.events, ...page.next };
  },
} satisfies Handlers;

function start(st: BackendState, i: Input): Output {
  const d = domainOf(st, i.domain);
  const workflowId = i.workflowId as string;
  checkId(workflowId, "workflowId");
  const ref = typeOf(i.workflowType);
  const type = d.types.get("workflow", ref);
  if (!type) throw unknownResource(`Unknown type: ${typeText("WorkflowType", ref)}`);
  if (type.status === "DEPRECATED")
    throw new SwfFault("TypeDeprecatedFault", `${typeText("WorkflowType", ref)} is deprecated`);
  const c = type.config;
  const taskList =
    (i.taskList as { name: string } | undefined)?.name ?? (c.defaultTaskList as { name: string } | undefined)?.name;
  const execTimeout = s(i.executionStartToCloseTimeout) ?? s(c.defaultExecutionStartToCloseTimeout);
  const taskTimeout = s(i.taskStartToCloseTimeout) ?? s(c.defaultTaskStartToCloseTimeout);
  const childPolicy = (i.childPolicy ?? c.defaultChildPolicy) as ChildPolicy | undefined;
  const undefinedDefault = (what: string) =>
    new SwfFault(
      "DefaultUndefinedFault",
      `${what} is neither given nor registered as a default of ${typeText("WorkflowType", ref)}`,
    );
  if (taskList === undefined) throw undefinedDefault("taskList");
  if (execTimeout === undefined) throw undefinedDefault("executionStartToCloseTimeout");
  if (taskTimeout === undefined) throw undefinedDefault("taskStartToCloseTimeout");
  if (childPolicy === undefined) throw undefinedDefault("childPolicy");
  checkId(taskList, "taskList.name");
  checkDuration(execTimeout, "executionStartToCloseTimeout", false);
  checkDuration(taskTimeout, "taskStartToCloseTimeout", true);
  if (d.service.isOpen(workflowId))
    throw new SwfFault(
      "WorkflowExecutionAlreadyStartedFault",
      `An open execution with workflowId ${workflowId} already exists`,
    );
  const exec = d.service.startWorkflowExecution({
    workflow: d.types.workflow(ref) as NonNullable<ReturnType<DomainTypes["workflow"]>>,
    workflowId,
    input: s(i.input),
    taskList,
    executionStartToCloseTimeout: execTimeout,
    taskStartToCloseTimeout: taskTimeout,
    childPolicy,
    tagList: i.tagList as string[] | undefined,
  });
  return { runId: exec.runId };
}

/** Keeps the visibility index and the store's list of new events up to date; every event passes here once. */
export function observe(st: BackendState, d: Domain, runId: string, workflowId: string, event: HistoryEvent): void {
  let info = d.runs.get(runId);
  if (event.eventType === "WorkflowExecutionStarted") {
    const a = event.workflowExecutionStartedEventAttributes;
    const created: ExecutionInfo = {
      domain: d.record.name,
      workflowId,
      runId,
      workflowType: typeOf(a?.workflowType),
      startTimestamp: event.eventTimestamp as number,
      closeTimestamp: undefined,
      closeStatus: undefined,
      tagList: [...((a?.tagList as string[] | undefined) ?? [])],
      parent: a?.parentWorkflowExecution
        ? {
            workflowId: a.parentWorkflowExecution.workflowId as string,
            runId: a.parentWorkflowExecution.runId as string,
          }
        : undefined,
      cancelRequested: false,
      taskList: a?.taskList?.name ?? "default",
      latestExecutionContext: undefined,
      latestActivityTaskTimestamp: undefined,
    };
    d.runs.set(runId, created);
    info = created;
  }
  if (!info) return;
  const status = closeStatusOf(event.eventType);
  if (status) {
    info.closeStatus = status;
    info.closeTimestamp = event.eventTimestamp as number;
    const token = st.decisionTokens.get(runId);
    if (token !== undefined) st.tokens.delete(token);
    st.decisionTokens.delete(runId);
  } else if (event.eventType === "WorkflowExecutionCancelRequested") info.cancelRequested = true;
  else if (event.eventType === "ActivityTaskScheduled")
    info.latestActivityTaskTimestamp = event.eventTimestamp as number;
  st.recorded.push({ domain: d.record.name, info, event });
}
