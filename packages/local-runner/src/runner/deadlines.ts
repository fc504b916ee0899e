/**
 * The deadlines the runner waits for: workflow timers, activity timeouts, workflow execution timeouts, decision
 * task timeouts and retries. `DeadlineQueue` keeps them as plain data, ordered by deadline and then by the order
 * they were armed, so timers with equal deadlines always fire in the order they were started; `fireDeadline`
 * records what reaching one means.
 */
import type { ServiceState } from "./service-state.js";
import { activityToken } from "./task-tokens.js";

/** What a deadline does when it is reached. */
export type DeadlineKind =
  | { kind: "timer"; timerId: string }
  | {
      kind: "activityTimeout";
      activityId: string;
      scheduledEventId: number;
      timeoutType: "SCHEDULE_TO_START" | "START_TO_CLOSE" | "SCHEDULE_TO_CLOSE" | "HEARTBEAT";
    }
  | { kind: "workflowTimeout" }
  | { kind: "decisionRetry" }
  /** A started decision task not answered within taskStartToCloseTimeout. */
  | { kind: "decisionTimeout"; startedEventId: number }
  /** A decision task scheduled on an overridden task list, not started within its schedule-to-start timeout. */
  | { kind: "decisionScheduleTimeout"; scheduledEventId: number };

/** One armed deadline. */
export type Deadline = DeadlineKind & {
  /** Epoch ms. */
  at: number;
  /** Arming order (ties on `at` fire in this order). */
  seq: number;
  runId: string;
  key: string;
};

/** The key that identifies a deadline, so it can be re-armed or disarmed. */
export function deadlineKey(runId: string, d: DeadlineKind): string {
  switch (d.kind) {
    case "timer":
      return `${runId}|timer|${d.timerId}`;
    case "activityTimeout":
      return `${runId}|activity|${d.activityId}|${d.timeoutType}`;
    case "workflowTimeout":
      return `${runId}|workflow`;
    case "decisionRetry":
      return `${runId}|decision`;
    case "decisionTimeout":
      return `${runId}|decision-timeout`;
    case "decisionScheduleTimeout":
      return `${runId}|decision-schedule-timeout`;
    default: {
      const unreachable: never = d;
      return unreachable;
    }
  }
}

/** A priority queue of deadlines by (at, seq). Small and simple: a sorted array with binary-search insertion. */
export class DeadlineQueue {
  private readonly sorted: Deadline[] = [];
  private readonly byKey = new Map<string, Deadline>();
  private readonly byRun = new Map<string, Set<string>>();
  private seq = 0;

  get size(): number {
    return this.sorted.length;
  }

  /** Arms (or re-arms) a deadline for `runId` at `at`. */
  arm(runId: string, at: number, d: DeadlineKind): void {
    const key = deadlineKey(runId, d);
    this.disarm(key);
    const entry: Deadline = { ...d, at, seq: ++this.seq, runId, key };
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.sorted[mid] as Deadline;
      if (m.at < at || (m.at === at && m.seq < entry.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.sorted.splice(lo, 0, entry);
    this.byKey.set(key, entry);
    let keys = this.byRun.get(runId);
    if (!keys) {
      keys = new Set();
      this.byRun.set(runId, keys);
    }
    keys.add(key);
  }

  /** True when a deadline with `key` is armed. */
  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Removes the deadline with `key`, if armed. */
  disarm(key: string): void {
    const entry = this.byKey.get(key);
    if (!entry) return;
    this.byKey.delete(key);
    this.byRun.get(entry.runId)?.delete(key);
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.sorted[mid] as Deadline;
      if (m.at < entry.at || (m.at === entry.at && m.seq < entry.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.sorted.splice(lo, 1);
  }

  /** Removes every deadline of a run. */
  disarmRun(runId: string): void {
    for (const key of [...(this.byRun.get(runId) ?? [])]) this.disarm(key);
    this.byRun.delete(runId);
  }

  /** The earliest deadline. */
  peek(): Deadline | undefined {
    return this.sorted[0];
  }

  /** Removes and returns the earliest deadline if it is due at `now`. */
  takeDue(now: number): Deadline | undefined {
    const first = this.sorted[0];
    if (!first || first.at > now) return undefined;
    this.sorted.shift();
    this.byKey.delete(first.key);
    this.byRun.get(first.runId)?.delete(first.key);
    return first;
  }
}

/** Fires deadline `d`: records what reaching it means in its run's history, if it still applies. */
export function fireDeadline(s: ServiceState, d: Deadline): void {
  const exec = s.runs.get(d.runId);
  if (!exec || exec.closeStatus) return;
  const b = exec.recorder;
  switch (d.kind) {
    case "timer":
      if (b.timers.has(d.timerId)) s.mutate(exec, (h) => h.timerFired(d.timerId));
      return;
    case "activityTimeout": {
      const act = b.activities.get(d.activityId);
      if (!act || act.scheduledEventId !== d.scheduledEventId) return;
      const started = act.startedEventId !== undefined;
      if (d.timeoutType === "SCHEDULE_TO_START" && started) return;
      if ((d.timeoutType === "START_TO_CLOSE" || d.timeoutType === "HEARTBEAT") && !started) return;
      const token = activityToken(exec.runId, act.scheduledEventId, act.activityId);
      const details = s.lastHeartbeat.get(token);
      s.mutate(exec, (h) => h.activityTimedOut(d.activityId, d.timeoutType, details));
      return;
    }
    case "workflowTimeout":
      s.mutate(exec, (h) => h.timedOut());
      return;
    case "decisionRetry":
      if (b.decisionTaskScheduled) {
        s.decisionQueue.push(exec.runId);
        s.hooks.changed();
      }
      return;
    case "decisionTimeout":
      // the decider never answered: DecisionTaskTimedOut, and a new decision task for whoever polls next
      if (b.startedDecisionTaskId === d.startedEventId) s.mutate(exec, (h) => h.timeOutDecisionTask());
      return;
    case "decisionScheduleTimeout":
      // nobody polled the overridden task list in time: back to the execution's own task list
      if (b.scheduledDecisionTaskId === d.scheduledEventId) s.mutate(exec, (h) => h.timeOutScheduledDecisionTask());
      return;
    default: {
      const unreachable: never = d;
      throw new Error(`unknown deadline ${JSON.stringify(unreachable)}`);
    }
  }
}
