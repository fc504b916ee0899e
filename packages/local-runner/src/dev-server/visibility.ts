/**
 * Visibility operations: DescribeWorkflowExecution, List/Count Open/Closed WorkflowExecutions with SWF's filters
 * (mutually exclusive execution, type, tag and close-status filters; start or close time ranges), read from the
 * index `observe` keeps (`executions.ts`).
 */
import { compact } from "@yieldflow/core";
import { SwfFault } from "./faults.js";
import { paginate } from "./paging.js";
import {
  type BackendState,
  cmp,
  domainOf,
  type ExecutionInfo,
  type Handlers,
  type Input,
  type Output,
  unknownExecution,
} from "./state.js";

/** The handlers of the visibility operations. */
export const visibilityOperations = {
  DescribeWorkflowExecution: describeExecution,
  ListOpenWorkflowExecutions: (st, i) => list(st, i, true),
  ListClosedWorkflowExecutions: (st, i) => list(st, i, false),
  CountOpenWorkflowExecutions: (st, i) => ({ count: visible(st, i, true).length, truncated: false }),
  CountClosedWorkflowExecutions: (st, i) => ({ count: visible(st, i, false).length, truncated: false }),
} satisfies Handlers;

function list(st: BackendState, i: Input, open: boolean): Output {
  const page = paginate(visible(st, i, open), i, "executionInfos");
  return { executionInfos: page.items.map(executionInfo), ...page.next };
}

function describeExecution(st: BackendState, i: Input): Output {
  const d = domainOf(st, i.domain, true);
  const e = i.execution as { workflowId: string; runId: string };
  const info = d.runs.get(e.runId);
  const exec = d.service.runById(e.runId);
  if (!info || !exec || info.workflowId !== e.workflowId) throw unknownExecution(e);
  const started = exec.recorder.events[0]?.workflowExecutionStartedEventAttributes;
  const b = exec.recorder;
  return compact({
    executionInfo: executionInfo(info),
    executionConfiguration: compact({
      taskStartToCloseTimeout: started?.taskStartToCloseTimeout ?? "30",
      executionStartToCloseTimeout: started?.executionStartToCloseTimeout ?? "NONE",
      taskList: { name: info.taskList },
      childPolicy: started?.childPolicy ?? "TERMINATE",
      taskPriority: started?.taskPriority,
    }),
    openCounts: {
      openActivityTasks: info.closeStatus ? 0 : b.activities.size,
      openDecisionTasks: info.closeStatus ? 0 : b.decisionTaskOpen ? 1 : 0,
      openTimers: info.closeStatus ? 0 : b.timers.size,
      openChildWorkflowExecutions: info.closeStatus ? 0 : b.children.size,
      openLambdaFunctions: 0,
    },
    latestActivityTaskTimestamp: info.latestActivityTaskTimestamp,
    latestExecutionContext: info.latestExecutionContext,
  });
}

/** The runs a List/Count call selects, in SWF's order (newest start first; `reverseOrder` oldest first). */
function visible(st: BackendState, i: Input, open: boolean): ExecutionInfo[] {
  const d = domainOf(st, i.domain, true);
  const exclusive = ["executionFilter", "typeFilter", "tagFilter", "closeStatusFilter"].filter(
    (k) => i[k] !== undefined && i[k] !== null,
  );
  if (exclusive.length > 1)
    throw new SwfFault(
      "ValidationException",
      `${exclusive.join(", ")} are mutually exclusive: give at most one of executionFilter, typeFilter, tagFilter and closeStatusFilter`,
    );
  const startF = i.startTimeFilter as { oldestDate: number; latestDate?: number } | undefined;
  const closeF = i.closeTimeFilter as { oldestDate: number; latestDate?: number } | undefined;
  if (!open && (startF === undefined) === (closeF === undefined))
    throw new SwfFault("ValidationException", "give exactly one of startTimeFilter and closeTimeFilter");
  const inRange = (t: number | undefined, f: { oldestDate: number; latestDate?: number } | undefined) =>
    f === undefined || (t !== undefined && t >= f.oldestDate && (f.latestDate === undefined || t <= f.latestDate));
  const wid = (i.executionFilter as { workflowId: string } | undefined)?.workflowId;
  const tf = i.typeFilter as { name: string; version?: string } | undefined;
  const tag = (i.tagFilter as { tag: string } | undefined)?.tag;
  const cs = (i.closeStatusFilter as { status: string } | undefined)?.status;
  return [...d.runs.values()]
    .filter(
      (r) =>
        (r.closeStatus === undefined) === open &&
        inRange(r.startTimestamp, startF) &&
        inRange(r.closeTimestamp, closeF) &&
        (wid === undefined || r.workflowId === wid) &&
        (tf === undefined ||
          (r.workflowType.name === tf.name && (tf.version === undefined || r.workflowType.version === tf.version))) &&
        (tag === undefined || r.tagList.includes(tag)) &&
        (cs === undefined || r.closeStatus === cs),
    )
    .sort((a, b) => b.startTimestamp - a.startTimestamp || cmp(a.runId, b.runId));
}

function executionInfo(r: ExecutionInfo): Output {
  return compact({
    execution: { workflowId: r.workflowId, runId: r.runId },
    workflowType: { ...r.workflowType },
    startTimestamp: r.startTimestamp,
    closeTimestamp: r.closeTimestamp,
    executionStatus: r.closeStatus === undefined ? "OPEN" : "CLOSED",
    closeStatus: r.closeStatus,
    parent: r.parent,
    tagList: r.tagList.length > 0 ? [...r.tagList] : undefined,
    cancelRequested: r.cancelRequested,
  });
}
