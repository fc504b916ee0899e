/**
 * Activity task operations: PollForActivityTask, RespondActivityTaskCompleted/Failed/Canceled,
 * RecordActivityTaskHeartbeat (with `cancelRequested`) and CountPendingActivityTasks. An activity task token works
 * once: a response removes it, and so does the task closing any other way (a timeout, the run closing).
 */
import { compact } from "@yieldflow/core";
import {
  type BackendState,
  domainOf,
  type Handlers,
  type Input,
  type Output,
  s,
  type TokenRef,
  unknownTask,
} from "./state.js";

/** The handlers of the activity task operations. */
export const activityTaskOperations = {
  PollForActivityTask: (st, i) => pollActivity(st, i) ?? { taskToken: "", startedEventId: 0, activityId: "" },
  RespondActivityTaskCompleted: (st, i) =>
    respond(st, i, (service, internal) => service.respondActivityTaskCompleted(internal, s(i.result))),
  RespondActivityTaskFailed: (st, i) =>
    respond(st, i, (service, internal) => service.respondActivityTaskFailed(internal, s(i.reason) ?? "", s(i.details))),
  RespondActivityTaskCanceled: (st, i) =>
    respond(st, i, (service, internal) => service.respondActivityTaskCanceled(internal, s(i.details))),
  RecordActivityTaskHeartbeat: (st, i) => {
    const t = activityToken(st, i.taskToken);
    return domainOf(st, t.domain, true).service.recordActivityTaskHeartbeat(t.internal, s(i.details));
  },
  CountPendingActivityTasks: (st, i) => {
    const d = domainOf(st, i.domain, true);
    const name = (i.taskList as { name: string }).name;
    return { count: d.service.queuedActivities().filter((q) => q.taskList === name).length, truncated: false };
  },
} satisfies Handlers;

/** An activity task, or undefined when none is waiting. */
function pollActivity(st: BackendState, i: Input): Output | undefined {
  const d = domainOf(st, i.domain, true);
  const taskList = (i.taskList as { name: string }).name;
  const task = d.service.pollForActivityTask((q) => q.taskList === taskList, s(i.identity) ?? "");
  if (!task) return undefined;
  const token = st.newToken();
  st.tokens.set(token, {
    kind: "activity",
    domain: d.record.name,
    runId: task.workflowExecution.runId,
    internal: task.taskToken,
  });
  st.activityTokens.set(task.taskToken, token);
  return compact({
    taskToken: token,
    activityId: task.activityId,
    startedEventId: task.startedEventId,
    workflowExecution: { ...task.workflowExecution },
    activityType: { ...task.activityType },
    input: task.input,
  });
}

type Service = ReturnType<typeof domainOf>["service"];

/** A worker's answer: `close` returns false when the token no longer names a started task. */
function respond(st: BackendState, i: Input, close: (service: Service, internal: string) => boolean): Output {
  const t = activityToken(st, i.taskToken);
  if (!close(domainOf(st, t.domain, true).service, t.internal)) throw unknownTask();
  activityClosed(st, t.internal);
  return {};
}

function activityToken(st: BackendState, token: unknown): TokenRef {
  const ref = typeof token === "string" ? st.tokens.get(token) : undefined;
  if (ref?.kind !== "activity") throw unknownTask();
  return ref;
}

/** Forgets the public token of an activity task that closed (answered, timed out, or its run closed). */
export function activityClosed(st: BackendState, internal: string): void {
  const token = st.activityTokens.get(internal);
  if (token === undefined) return;
  st.activityTokens.delete(internal);
  st.tokens.delete(token);
}
