/**
 * Task tokens: what the service hands out with a polled task and takes back with its response. A decision task's
 * token names its run and its DecisionTaskStarted event; an activity task's names its run, its
 * ActivityTaskScheduled event and its activity id. Tokens are opaque to workers and checked on the way back in.
 */

/** The token of the decision task of run `runId` started at `startedEventId`. */
export function decisionToken(runId: string, startedEventId: number): string {
  return `${runId}|${startedEventId}`;
}

/** The run and DecisionTaskStarted event id a decision task token names (the event id is NaN when malformed). */
export function parseDecisionToken(taskToken: string): { runId: string; startedEventId: number } {
  const sep = taskToken.lastIndexOf("|");
  return { runId: taskToken.slice(0, sep), startedEventId: Number(taskToken.slice(sep + 1)) };
}

/** The token of activity task `activityId` of run `runId` scheduled at `scheduledEventId`. */
export function activityToken(runId: string, scheduledEventId: number, activityId: string): string {
  return `${runId}|${scheduledEventId}|${activityId}`;
}

/** The run, ActivityTaskScheduled event id and activity id an activity task token names. */
export function parseActivityToken(taskToken: string): { runId: string; scheduledEventId: number; activityId: string } {
  const [runId, scheduled, ...rest] = taskToken.split("|");
  return { runId: runId as string, scheduledEventId: Number(scheduled), activityId: rest.join("|") };
}
