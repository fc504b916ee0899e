/**
 * The SWF service in miniature: executions and their histories (recorded with core's `HistoryRecorder`, the only
 * recorder), decision and activity task lists, deadlines (timers and timeouts), signals, cancel requests, child
 * workflows, continue-as-new. It does no work itself: deciders and activity workers poll it for tasks and respond,
 * exactly as they would call SWF, so in-process workers (the `LocalRunner`) and, later, workers in other processes
 * (a dev server speaking SWF's wire protocol) drive the same state.
 *
 * Invariants:
 * - every history is a real SWF history: events are only recorded by the recorder, at the clock's time;
 * - at most one decision task per run is open (the recorder enforces it);
 * - every recorded event is processed exactly once, in order (`react`, in `reactions.ts`), which is where deadlines
 *   are armed and disarmed, tasks queued, children started and external requests delivered;
 * - deadlines with equal times fire in the order they were armed (`deadlines.ts`).
 *
 * This file is the service's API (what SWF's API calls would be) and its recording loop; task tokens are in
 * `task-tokens.ts`, the shared state in `service-state.ts`.
 */
import { createHash } from "node:crypto";
import type { ChildPolicy, Decision, HistoryEvent } from "@yieldflow/core";
import { activityAttempt, SWF_LIMITS, timestampToMillis } from "@yieldflow/core";
import { effectiveStart, HistoryRecorder, type RecordOptions } from "@yieldflow/core/service";
import type { ActivityTask, ActivityTaskService } from "./activity-runner.js";
import type { Clock } from "./clock.js";
import { DeadlineQueue, deadlineKey, fireDeadline } from "./deadlines.js";
import { UnknownResourceError } from "./errors.js";
import type { ExecutionRecord } from "./execution.js";
import { react } from "./reactions.js";
import type { Registry } from "./registry.js";
import type {
  PolledDecisionTask,
  QueuedActivity,
  RunCreation,
  RunStart,
  ServiceHooks,
  ServiceRegistry,
  ServiceState,
} from "./service-state.js";
import { activityToken, decisionToken, parseActivityToken, parseDecisionToken } from "./task-tokens.js";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export type {
  PolledDecisionTask,
  QueuedActivity,
  RunStart,
  ServiceHooks,
  ServiceRegistry,
  WorkflowTypeDefaults,
} from "./service-state.js";

/**
 * The SWF service in miniature (see the file's header). Drivers call it as they would call SWF: start, signal,
 * cancel and terminate executions; poll for and respond to decision and activity tasks; and the driver that owns
 * the clock fires due deadlines (`fireDue`).
 */
export class WorkflowService<R extends ServiceRegistry = Registry> implements ActivityTaskService {
  private readonly runs = new Map<string, ExecutionRecord>();
  /** workflowId → its latest run. */
  private readonly latestRun = new Map<string, string>();
  private readonly decisionQueue: string[] = [];
  private readonly activityQueue: QueuedActivity[] = [];
  private readonly deadlines = new DeadlineQueue();
  private readonly lastHeartbeat = new Map<string, string | undefined>();
  /** Runs with newly recorded events, in recording order, and how far each recording went. */
  private readonly recorded: { exec: ExecutionRecord; upTo: number }[] = [];
  private flushing = false;
  private runSeq = 0;
  /** What the reactions and deadlines work on: this service's own maps and queues, and three of its methods. */
  private readonly state: ServiceState;

  /** `hooks` tell the driver what changed (tasks to poll, deadlines, closed runs, events for listeners). */
  constructor(
    private readonly clock: Clock,
    readonly registry: R,
    private readonly hooks: ServiceHooks,
  ) {
    this.state = {
      clock,
      registry,
      hooks,
      runs: this.runs,
      latestRun: this.latestRun,
      decisionQueue: this.decisionQueue,
      activityQueue: this.activityQueue,
      deadlines: this.deadlines,
      lastHeartbeat: this.lastHeartbeat,
      mutate: (exec, record) => this.mutate(exec, record),
      createRun: (o) => this.createRun(o),
      newRunId: (workflowId) => this.newRunId(workflowId),
    };
  }

  // ─── executions ──────────────────────────────────────────────────────────────────────────────────────────────

  /** Starts a run (StartWorkflowExecution). The caller checked the workflow id is free. */
  startWorkflowExecution(start: RunStart): ExecutionRecord {
    return this.createRun({ ...start, runId: this.newRunId(start.workflowId) });
  }

  /** SignalWorkflowExecution, with the input already serialized. */
  signalWorkflowExecution(workflowId: string, signalName: string, input: string | undefined, runId?: string): void {
    const exec = this.openRun(workflowId, runId, "signal");
    this.mutate(exec, (b) => b.signal(signalName, input));
  }

  /** RequestCancelWorkflowExecution. */
  requestCancelWorkflowExecution(workflowId: string, runId?: string): void {
    const exec = this.openRun(workflowId, runId, "cancel");
    this.mutate(exec, (b) => b.cancelRequested());
  }

  /** TerminateWorkflowExecution; the run's children follow `childPolicy`, by default the run's own. */
  terminateWorkflowExecution(
    workflowId: string,
    reason?: string,
    runId?: string,
    details?: string,
    childPolicy?: ChildPolicy,
  ): void {
    const exec = this.openRun(workflowId, runId, "terminate");
    const why = reason?.slice(0, SWF_LIMITS.reasonChars);
    this.mutate(exec, (b) => b.terminated(why, "OPERATOR_INITIATED", details, childPolicy));
  }

  /** The run of `workflowId` with `runId`, or its latest run. Throws `UnknownResourceError`. */
  run(workflowId: string, runId?: string): ExecutionRecord {
    const id = runId ?? this.latestRun.get(workflowId);
    const exec = id === undefined ? undefined : this.runs.get(id);
    if (!exec || exec.workflowId !== workflowId)
      throw new UnknownResourceError(
        `no execution with workflow id ${JSON.stringify(workflowId)}${runId ? ` and run id ${runId}` : ""}`,
      );
    return exec;
  }

  /** The run with `runId`, if any. */
  runById(runId: string): ExecutionRecord | undefined {
    return this.runs.get(runId);
  }

  /** True when the latest run of `workflowId` is open. */
  isOpen(workflowId: string): boolean {
    const id = this.latestRun.get(workflowId);
    const exec = id === undefined ? undefined : this.runs.get(id);
    return exec !== undefined && exec.closeStatus === undefined;
  }

  /** The first run of the continue-as-new chain that ends in the latest run of `workflowId`. */
  firstRun(workflowId: string): string {
    let id = this.latestRun.get(workflowId);
    if (id === undefined) throw new UnknownResourceError(`no execution with workflow id ${JSON.stringify(workflowId)}`);
    for (let exec = this.runs.get(id); exec?.previousRunId !== undefined; exec = this.runs.get(id))
      id = exec.previousRunId;
    return id;
  }

  /** The activity tasks waiting in task lists (not yet started), in order. */
  queuedActivities(): QueuedActivity[] {
    return this.activityQueue.map((q) => ({ ...q, activityType: { ...q.activityType } }));
  }

  /** The latest run of the chain starting at `runId`. */
  latestOf(runId: string): ExecutionRecord {
    let exec = this.runs.get(runId);
    if (!exec) throw new UnknownResourceError(`no run ${runId}`);
    while (exec.nextRunId !== undefined) exec = this.runs.get(exec.nextRunId) as ExecutionRecord;
    return exec;
  }

  private openRun(workflowId: string, runId: string | undefined, what: string): ExecutionRecord {
    const exec = this.run(workflowId, runId);
    if (exec.closeStatus)
      throw new UnknownResourceError(
        `cannot ${what} ${workflowId} (run ${exec.runId}): the execution is closed (${exec.closeStatus})`,
      );
    return exec;
  }

  /**
   * A run id: 32 base64url characters that never start with `-` or `_` (a leading `-` makes a command line read it
   * as an option: `--run-id -x…`).
   */
  private newRunId(workflowId: string): string {
    const digest = createHash("sha256")
      .update(`${workflowId}\u0000${++this.runSeq}`)
      .digest();
    const id = digest.toString("base64url").slice(0, 32);
    return `${ALPHANUMERIC[(digest[31] as number) % ALPHANUMERIC.length]}${id.slice(1)}`;
  }

  private createRun(created: RunCreation): ExecutionRecord {
    // what the start left out, the type's registered defaults fill, as SWF records WorkflowExecutionStarted
    const o = effectiveStart(created, this.registry.workflowTypeDefaults?.(created.workflow));
    const recorder = new HistoryRecorder({
      workflowType: { name: o.workflow.name, version: o.workflow.version },
      startTime: this.clock.now(),
      ...(o.input !== undefined && { input: o.input }),
      ...(o.taskList !== undefined && { taskList: o.taskList }),
      ...(o.executionStartToCloseTimeout !== undefined && {
        executionStartToCloseTimeout: o.executionStartToCloseTimeout,
      }),
      ...(o.taskStartToCloseTimeout !== undefined && { taskStartToCloseTimeout: o.taskStartToCloseTimeout }),
      ...(o.childPolicy !== undefined && { childPolicy: o.childPolicy }),
      ...(o.tagList !== undefined && { tagList: o.tagList }),
      ...(o.parent !== undefined && { parent: o.parent }),
      ...(o.previousRunId !== undefined && { continuedExecutionRunId: o.previousRunId }),
    });
    const exec: ExecutionRecord = {
      workflowId: o.workflowId,
      runId: o.runId,
      workflowType: { name: o.workflow.name, version: o.workflow.version },
      recorder,
      processed: 0,
      previousRunId: o.previousRunId,
      nextRunId: undefined,
      parent: o.parent,
      decisionFailures: 0,
      lastDecisionError: undefined,
      waitingForSignals: [],
      stuck: undefined,
      closeStatus: undefined,
    };
    this.runs.set(exec.runId, exec);
    this.latestRun.set(exec.workflowId, exec.runId);
    this.mutate(exec, (b) => b.scheduleDecisionTask());
    return exec;
  }

  // ─── recording and reacting ──────────────────────────────────────────────────────────────────────────────────

  /** Records something in a run's history at the clock's time, then reacts to what was recorded. */
  private mutate(exec: ExecutionRecord, record: (r: HistoryRecorder) => unknown): void {
    exec.recorder.at(this.clock.now());
    try {
      record(exec.recorder);
    } finally {
      // even a recording that threw half-way may have appended events: they must be processed
      this.recorded.push({ exec, upTo: exec.recorder.events.length });
      this.flush();
      this.enforceEventLimit(exec);
      this.hooks.changed();
    }
  }

  /**
   * SWF's hard cap: an execution whose history reaches 25,000 events is terminated with cause EVENT_LIMIT_EXCEEDED
   * (SWF-FACTS §5b). The termination is recorded right after the event that reached the cap (as the 25,000th event
   * when events arrive one at a time; a decision response's events are recorded together, so it may go past the cap
   * by those), so a run-away loop fails here the way it will fail on SWF.
   */
  private enforceEventLimit(exec: ExecutionRecord): void {
    const r = exec.recorder;
    if (r.closedBy !== undefined || r.events.length < SWF_LIMITS.maxHistoryEvents - 1) return;
    this.mutate(exec, (h) => h.terminated(undefined, "EVENT_LIMIT_EXCEEDED"));
  }

  /** Processes newly recorded events until none is left (reentrant calls just return: the outer loop goes on). */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      // events are processed (and listeners told) in the order they were recorded, across runs
      for (let next = this.recorded.shift(); next; next = this.recorded.shift()) {
        const { exec, upTo } = next;
        const events = exec.recorder.events;
        while (exec.processed < upTo) {
          const event = events[exec.processed++] as HistoryEvent;
          this.hooks.emit({
            kind: "event",
            workflowId: exec.workflowId,
            runId: exec.runId,
            workflowType: exec.workflowType,
            event,
            eventType: event.eventType as string,
            eventId: event.eventId as number,
            time: timestampToMillis(event.eventTimestamp),
          });
          react(this.state, exec, event);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  // ─── decision tasks (what a decider calls) ────────────────────────────────────────────────────────────────────

  /** True when some run has a decision task waiting. */
  get hasDecisionTask(): boolean {
    return this.decisionQueue.length > 0;
  }

  /**
   * Takes the next scheduled decision task (of a run whose task list `accept` takes) and starts it
   * (PollForDecisionTask).
   */
  pollForDecisionTask(
    identity: string,
    accept: (taskList: string, runId: string) => boolean = () => true,
  ): PolledDecisionTask | undefined {
    for (;;) {
      const i = this.decisionQueue.findIndex((id) => {
        const r = this.runs.get(id)?.recorder;
        return r === undefined || accept(r.decisionTaskList, id);
      });
      if (i < 0) return undefined;
      const runId = this.decisionQueue.splice(i, 1)[0] as string;
      const exec = this.runs.get(runId);
      if (!exec || exec.closeStatus || exec.stuck || !exec.recorder.decisionTaskScheduled) continue;
      if (this.deadlines.has(deadlineKey(runId, { kind: "decisionRetry" }))) continue;
      let startedEventId = 0;
      this.mutate(exec, (b) => {
        startedEventId = b.startDecisionTask(identity);
      });
      // unanswered within taskStartToCloseTimeout, the task times out and another is scheduled (as on SWF)
      this.deadlines.arm(runId, this.clock.now() + this.taskTimeoutSeconds(exec) * 1000, {
        kind: "decisionTimeout",
        startedEventId,
      });
      return {
        taskToken: decisionToken(runId, startedEventId),
        startedEventId,
        workflowExecution: { workflowId: exec.workflowId, runId },
        workflowType: { ...exec.workflowType },
        events: exec.recorder.events,
      };
    }
  }

  /**
   * RespondDecisionTaskCompleted: records the decisions as SWF would (including SWF's …Failed events), with the
   * decider's `executionContext`. `taskList` overrides where the execution's next decision tasks go (with
   * `scheduleToStartTimeout`, until one waits longer).
   */
  respondDecisionTaskCompleted(
    taskToken: string,
    decisions: readonly Decision[],
    response: {
      executionContext?: string | undefined;
      taskList?: { name: string; scheduleToStartTimeout: string | undefined } | undefined;
    } = {},
  ): void {
    const exec = this.startedDecisionTask(taskToken);
    this.deadlines.disarm(deadlineKey(exec.runId, { kind: "decisionTimeout", startedEventId: 0 }));
    this.mutate(exec, (b) => {
      const { taskList, executionContext } = response;
      if (taskList) b.overrideDecisionTaskList(taskList.name, taskList.scheduleToStartTimeout);
      return b.completeDecisionTask(decisions, this.recordOptions(exec), executionContext);
    });
    exec.decisionFailures = 0;
    exec.lastDecisionError = undefined;
  }

  /**
   * The decider could not decide (the workflow code threw, or replay diverged). SWF would time the task out after
   * taskStartToCloseTimeout; the service records DecisionTaskTimedOut at once. Unless the run's failures reached
   * `maxAttempts`, a new decision task is offered after taskStartToCloseTimeout; otherwise the run is left open
   * and stuck (no more decision tasks) with `error`.
   */
  failDecisionTask(taskToken: string, error: unknown, maxAttempts: number): { attempt: number; willRetry: boolean } {
    const exec = this.runs.get(parseDecisionToken(taskToken).runId);
    if (!exec) throw new UnknownResourceError(`decision task ${taskToken} is unknown`);
    exec.decisionFailures++;
    exec.lastDecisionError = error;
    const attempt = exec.decisionFailures;
    const b = exec.recorder;
    // The task may already be gone (the run closed meanwhile, or recording its decisions failed half-way).
    const open = b.decisionTaskOpen && !b.decisionTaskScheduled && !exec.closeStatus;
    const willRetry = open && attempt < maxAttempts;
    this.deadlines.disarm(deadlineKey(exec.runId, { kind: "decisionTimeout", startedEventId: 0 }));
    if (willRetry) {
      this.deadlines.arm(exec.runId, this.clock.now() + this.taskTimeoutSeconds(exec) * 1000, {
        kind: "decisionRetry",
      });
    } else if (!exec.closeStatus) {
      exec.stuck = { error, attempts: attempt };
    }
    if (open) this.mutate(exec, (h) => h.timeOutDecisionTask());
    if (!willRetry) this.hooks.runChanged(exec.runId);
    return { attempt, willRetry };
  }

  /** The run whose started decision task `taskToken` names (events may have arrived since it started). */
  private startedDecisionTask(taskToken: string): ExecutionRecord {
    const { runId, startedEventId } = parseDecisionToken(taskToken);
    const exec = this.runs.get(runId);
    if (!exec || exec.closeStatus || exec.recorder.startedDecisionTaskId !== startedEventId)
      throw new UnknownResourceError(`decision task ${taskToken} is not open (it timed out, or the run closed)`);
    return exec;
  }

  /** The run's decision task start-to-close timeout, in seconds (SWF's default here: 30). */
  private taskTimeoutSeconds(exec: ExecutionRecord): number {
    const t = Number(exec.recorder.events[0]?.workflowExecutionStartedEventAttributes?.taskStartToCloseTimeout ?? "30");
    return Number.isFinite(t) ? t : 30;
  }

  // ─── activity tasks (what an activity worker calls) ──────────────────────────────────────────────────────────

  /** True when an activity task that `accept`s is waiting. */
  hasActivityTask(accept: (q: QueuedActivity) => boolean): boolean {
    return this.activityQueue.some(accept);
  }

  /** Takes the first waiting activity task that `accept`s and starts it (PollForActivityTask). */
  pollForActivityTask(accept: (q: QueuedActivity) => boolean, identity: string): ActivityTask | undefined {
    for (;;) {
      const i = this.activityQueue.findIndex(accept);
      if (i < 0) return undefined;
      const q = this.activityQueue.splice(i, 1)[0] as QueuedActivity;
      const exec = this.runs.get(q.runId);
      const act = exec?.recorder.activities.get(q.activityId);
      if (!exec || exec.closeStatus || !act || act.scheduledEventId !== q.scheduledEventId) continue;
      if (act.startedEventId !== undefined) continue;
      this.mutate(exec, (b) => b.activityStarted(q.activityId, identity));
      return {
        taskToken: activityToken(exec.runId, act.scheduledEventId, act.activityId),
        activityId: act.activityId,
        activityType: { ...act.activityType },
        input: act.input,
        workflowExecution: { workflowId: exec.workflowId, runId: exec.runId },
        startedEventId: act.startedEventId ?? 0,
        attempt: activityAttempt(
          exec.recorder.events[act.scheduledEventId - 1]?.activityTaskScheduledEventAttributes?.control,
        ),
      };
    }
  }

  /** RespondActivityTaskCompleted; false when the token no longer names a started activity task (it closed). */
  respondActivityTaskCompleted(taskToken: string, result?: string): boolean {
    const t = this.resolveToken(taskToken);
    if (!t) return false;
    this.mutate(t.exec, (b) => b.activityCompleted(t.activityId, result));
    return true;
  }

  /** RespondActivityTaskFailed; false when the token no longer names a started activity task. */
  respondActivityTaskFailed(taskToken: string, reason: string, details?: string): boolean {
    const t = this.resolveToken(taskToken);
    if (!t) return false;
    this.mutate(t.exec, (b) => b.activityFailed(t.activityId, reason, details));
    return true;
  }

  /** RespondActivityTaskCanceled; false when the token no longer names a started activity task. */
  respondActivityTaskCanceled(taskToken: string, details?: string): boolean {
    const t = this.resolveToken(taskToken);
    if (!t) return false;
    this.mutate(t.exec, (b) => b.activityCanceled(t.activityId, details));
    return true;
  }

  /**
   * RecordActivityTaskHeartbeat: restarts the heartbeat timeout and keeps `details` for a timeout to report.
   * `cancelRequested` is true when the workflow asked to cancel the task, or the token names no open task.
   */
  recordActivityTaskHeartbeat(taskToken: string, details?: string): { cancelRequested: boolean } {
    const t = this.resolveToken(taskToken);
    if (!t) return { cancelRequested: true };
    const act = t.exec.recorder.activities.get(t.activityId);
    this.lastHeartbeat.set(taskToken, details);
    if (act?.timeouts.heartbeat !== undefined) {
      this.deadlines.arm(t.exec.runId, this.clock.now() + act.timeouts.heartbeat * 1000, {
        kind: "activityTimeout",
        activityId: t.activityId,
        scheduledEventId: act.scheduledEventId,
        timeoutType: "HEARTBEAT",
      });
      this.hooks.changed();
    }
    return { cancelRequested: act?.cancelRequested ?? true };
  }

  // ─── deadlines ───────────────────────────────────────────────────────────────────────────────────────────────

  /** The earliest armed deadline, epoch ms. */
  nextDeadline(): number | undefined {
    return this.deadlines.peek()?.at;
  }

  /** True when any deadline is armed. */
  get hasDeadlines(): boolean {
    return this.deadlines.size > 0;
  }

  /** Fires the earliest deadline if it is due at `now`; returns false when none is. */
  fireDue(now: number): boolean {
    const due = this.deadlines.takeDue(now);
    if (!due) return false;
    fireDeadline(this.state, due);
    return true;
  }

  private recordOptions(exec: ExecutionRecord): RecordOptions {
    return {
      activityTypeExists: (t) => this.registry.activityTypeExists(t),
      ...(this.registry.activityTypeDefaults && {
        activityTypeDefaults: (t: { name: string; version: string }) => this.registry.activityTypeDefaults?.(t),
      }),
      workflowTypeExists: (t) => this.registry.workflowTypeExists(t),
      ...(this.registry.workflowTypeDefaults && {
        workflowTypeDefaults: (t: { name: string; version: string }) => this.registry.workflowTypeDefaults?.(t),
      }),
      workflowIdAvailable: (id) => !this.isOpen(id),
      ...(this.registry.refuseDecision && { failDecision: (d: Decision) => this.registry.refuseDecision?.(d) }),
      newRunId: () => this.newRunId(exec.workflowId),
    };
  }

  /** The open run and started activity an activity task token names, if it still names one. */
  private resolveToken(taskToken: string): { exec: ExecutionRecord; activityId: string } | undefined {
    const { runId, scheduledEventId, activityId } = parseActivityToken(taskToken);
    const exec = this.runs.get(runId);
    if (!exec || exec.closeStatus) return undefined;
    const act = exec.recorder.activities.get(activityId);
    if (!act || act.scheduledEventId !== scheduledEventId || act.startedEventId === undefined) return undefined;
    return { exec, activityId };
  }
}
