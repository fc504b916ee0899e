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

/** Whether deadline `a` comes before `b`: earlier `at`, then armed earlier. */
function before(a: Deadline, b: Deadline): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * A priority queue of deadlines by (at, seq): a binary heap with lazy removal. A disarmed or re-armed deadline stays
 * in the heap until it reaches the top, where it is dropped (`byKey` names the live entry of each key); the heap is
 * rebuilt from the live entries when the dropped ones outnumber them. Arming and disarming are O(log n) and O(1):
 * with a thousand runs open at once, each re-arming its activity and decision deadlines, a sorted array's splices
 * were a fifth of the runner's time.
 */
export class DeadlineQueue {
  private heap: Deadline[] = [];
  private readonly byKey = new Map<string, Deadline>();
  private readonly byRun = new Map<string, Set<string>>();
  private seq = 0;

  /** How many deadlines are armed. */
  get size(): number {
    return this.byKey.size;
  }

  /** Arms (or re-arms) a deadline for `runId` at `at`. */
  arm(runId: string, at: number, d: DeadlineKind): void {
    const key = deadlineKey(runId, d);
    this.disarm(key);
    const entry: Deadline = { ...d, at, seq: ++this.seq, runId, key };
    this.push(entry);
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

  /** Removes the deadline with `key`, if armed (its heap entry is dropped when it reaches the top). */
  disarm(key: string): void {
    const entry = this.byKey.get(key);
    if (!entry) return;
    this.byKey.delete(key);
    this.byRun.get(entry.runId)?.delete(key);
    if (this.heap.length > 64 && this.heap.length > 2 * this.byKey.size) this.rebuild();
  }

  /** Removes every deadline of a run. */
  disarmRun(runId: string): void {
    for (const key of [...(this.byRun.get(runId) ?? [])]) this.disarm(key);
    this.byRun.delete(runId);
  }

  /** The earliest deadline. */
  peek(): Deadline | undefined {
    this.dropRemoved();
    return this.heap[0];
  }

  /** Removes and returns the earliest deadline if it is due at `now`. */
  takeDue(now: number): Deadline | undefined {
    const first = this.peek();
    if (!first || first.at > now) return undefined;
    this.pop();
    this.byKey.delete(first.key);
    this.byRun.get(first.runId)?.delete(first.key);
    return first;
  }

  /** Pops entries off the top while they are no longer armed. */
  private dropRemoved(): void {
    for (let top = this.heap[0]; top !== undefined && this.byKey.get(top.key) !== top; top = this.heap[0]) this.pop();
  }

  /** The heap rebuilt from the armed entries only. */
  private rebuild(): void {
    this.heap = [...this.byKey.values()];
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private push(entry: Deadline): void {
    const heap = this.heap;
    let i = heap.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Deadline;
      if (!before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    this.down(0);
  }

  private down(from: number): void {
    const heap = this.heap;
    const entry = heap[from] as Deadline;
    const n = heap.length;
    let i = from;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && before(heap[right] as Deadline, heap[child] as Deadline)) child = right;
      const c = heap[child] as Deadline;
      if (!before(c, entry)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = entry;
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
