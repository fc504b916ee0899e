/**
 * The SWF service in miniature: executions and their histories (recorded with core's `HistoryRecorder`, the only
 * recorder), decision and activity task lists, deadlines (timers and timeouts), signals, cancel requests, child
 * workflows, continue-as-new. It does no work itself: deciders and activity workers poll it for tasks and respond,
 * exactly as they would call SWF, so in-process workers (the `LocalRunner`) and workers in other processes (the dev
 * server speaking SWF's wire protocol) drive the same state.
 *
 * Invariants:
 * - every history is a real SWF history: events are only recorded by the recorder, at the clock's time;
 * - at most one decision task per run is open (the recorder enforces it);
 * - every recorded event is processed exactly once, in order (`run-store.ts`, then `react` in `reactions.ts`, which
 *   is where deadlines are armed and disarmed, tasks queued, children started and external requests delivered);
 * - deadlines with equal times fire in the order they were armed (`deadlines.ts`).
 *
 * This file is the service's API (what SWF's API calls would be); the runs and the recording loop are in
 * `run-store.ts`, task tokens in `task-tokens.ts`, the shared state in `service-state.ts`.
 */
import type { ChildPolicy, Decision } from "@yieldflow/core";
import { activityAttempt, SWF_LIMITS } from "@yieldflow/core";
import type { RecordOptions } from "@yieldflow/core/service";
import type { ActivityTask, ActivityTaskService } from "./activity-runner.js";
import type { Clock } from "./clock.js";
import { DeadlineQueue, deadlineKey, fireDeadline } from "./deadlines.js";
import { UnknownResourceError } from "./errors.js";
import type { ExecutionRecord } from "./execution.js";
import { react } from "./reactions.js";
import type { Registry } from "./registry.js";
import { RunStore } from "./run-store.js";
import type {
  PolledDecisionTask,
  QueuedActivity,
  RunStart,
  ServiceHooks,
  ServiceRegistry,
  ServiceState,
} from "./service-state.js";
import { activityToken, decisionToken, parseActivityToken, parseDecisionToken } from "./task-tokens.js";

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
  /** Every run, and the recording loop. */
  private readonly store: RunStore;
  private readonly decisionQueue: string[] = [];
  private readonly activityQueue: QueuedActivity[] = [];
  private readonly deadlines = new DeadlineQueue();
  private readonly lastHeartbeat = new Map<string, string | undefined>();
  /** What the reactions and deadlines work on: this service's own maps and queues, and three of its methods. */
  private readonly state: ServiceState;

  /** `hooks` tell the driver what changed (tasks to poll, deadlines, closed runs, events for listeners). */
  constructor(
    private readonly clock: Clock,
    readonly registry: R,
    private readonly hooks: ServiceHooks,
  ) {
    const store = new RunStore(
      clock,
      hooks,
      (exec, event) => react(this.state, exec, event),
      registry.workflowTypeDefaults && ((t) => registry.workflowTypeDefaults?.(t)),
    );
    this.store = store;
    this.state = {
      clock,
      registry,
      hooks,
      runs: store.runs,
      latestRun: store.latestRun,
      decisionQueue: this.decisionQueue,
      activityQueue: this.activityQueue,
      deadlines: this.deadlines,
      lastHeartbeat: this.lastHeartbeat,
      mutate: (exec, record) => store.mutate(exec, record),
      createRun: (o) => store.create(o),
      newRunId: (workflowId) => store.newRunId(workflowId),
    };
  }

  // ─── executions ──────────────────────────────────────────────────────────────────────────────────────────────

  /** Starts a run (StartWorkflowExecution). The caller checked the workflow id is free. */
  startWorkflowExecution(start: RunStart): ExecutionRecord {
    return this.store.create({ ...start, runId: this.store.newRunId(start.workflowId) });
  }

  /** SignalWorkflowExecution, with the input already serialized. */
  signalWorkflowExecution(workflowId: string, signalName: string, input: string | undefined, runId?: string): void {
    const exec = this.store.open(workflowId, runId, "signal");
    this.store.mutate(exec, (b) => b.signal(signalName, input));
  }

  /** RequestCancelWorkflowExecution. */
  requestCancelWorkflowExecution(workflowId: string, runId?: string): void {
    const exec = this.store.open(workflowId, runId, "cancel");
    this.store.mutate(exec, (b) => b.cancelRequested());
  }

  /** TerminateWorkflowExecution; the run's children follow `childPolicy`, by default the run's own. */
  terminateWorkflowExecution(
    workflowId: string,
    reason?: string,
    runId?: string,
    details?: string,
    childPolicy?: ChildPolicy,
  ): void {
    const exec = this.store.open(workflowId, runId, "terminate");
    const why = reason?.slice(0, SWF_LIMITS.reasonChars);
    this.store.mutate(exec, (b) => b.terminated(why, "OPERATOR_INITIATED", details, childPolicy));
  }

  /** The run of `workflowId` with `runId`, or its latest run. Throws `UnknownResourceError`. */
  run(workflowId: string, runId?: string): ExecutionRecord {
    return this.store.run(workflowId, runId);
  }

  /** The run with `runId`, if any. */
  runById(runId: string): ExecutionRecord | undefined {
    return this.store.runs.get(runId);
  }

  /** True when the latest run of `workflowId` is open. */
  isOpen(workflowId: string): boolean {
    return this.store.isOpen(workflowId);
  }

  /** The first run of the continue-as-new chain that ends in the latest run of `workflowId`. */
  firstRun(workflowId: string): string {
    return this.store.firstRun(workflowId);
  }

  /** The latest run of the chain starting at `runId`. */
  latestOf(runId: string): ExecutionRecord {
    return this.store.latestOf(runId);
  }

  /** The activity tasks waiting in task lists (not yet started), in order. */
  queuedActivities(): QueuedActivity[] {
    return this.activityQueue.map((q) => ({ ...q, activityType: { ...q.activityType } }));
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
        const r = this.store.runs.get(id)?.recorder;
        return r === undefined || accept(r.decisionTaskList, id);
      });
      if (i < 0) return undefined;
      const runId = this.decisionQueue.splice(i, 1)[0] as string;
      const exec = this.store.runs.get(runId);
      if (!exec || exec.closeStatus || exec.stuck || !exec.recorder.decisionTaskScheduled) continue;
      if (this.deadlines.has(deadlineKey(runId, { kind: "decisionRetry" }))) continue;
      let startedEventId = 0;
      this.store.mutate(exec, (b) => {
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
    this.store.mutate(exec, (b) => {
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
    const exec = this.store.runs.get(parseDecisionToken(taskToken).runId);
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
    if (open) this.store.mutate(exec, (h) => h.timeOutDecisionTask());
    if (!willRetry) this.hooks.runChanged(exec.runId);
    return { attempt, willRetry };
  }

  /** The run whose started decision task `taskToken` names (events may have arrived since it started). */
  private startedDecisionTask(taskToken: string): ExecutionRecord {
    const { runId, startedEventId } = parseDecisionToken(taskToken);
    const exec = this.store.runs.get(runId);
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
      const exec = this.store.runs.get(q.runId);
      const act = exec?.recorder.activities.get(q.activityId);
      if (!exec || exec.closeStatus || !act || act.scheduledEventId !== q.scheduledEventId) continue;
      if (act.startedEventId !== undefined) continue;
      this.store.mutate(exec, (b) => b.activityStarted(q.activityId, identity));
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
    this.store.mutate(t.exec, (b) => b.activityCompleted(t.activityId, result));
    return true;
  }

  /** RespondActivityTaskFailed; false when the token no longer names a started activity task. */
  respondActivityTaskFailed(taskToken: string, reason: string, details?: string): boolean {
    const t = this.resolveToken(taskToken);
    if (!t) return false;
    this.store.mutate(t.exec, (b) => b.activityFailed(t.activityId, reason, details));
    return true;
  }

  /** RespondActivityTaskCanceled; false when the token no longer names a started activity task. */
  respondActivityTaskCanceled(taskToken: string, details?: string): boolean {
    const t = this.resolveToken(taskToken);
    if (!t) return false;
    this.store.mutate(t.exec, (b) => b.activityCanceled(t.activityId, details));
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
      newRunId: () => this.store.newRunId(exec.workflowId),
    };
  }

  /** The open run and started activity an activity task token names, if it still names one. */
  private resolveToken(taskToken: string): { exec: ExecutionRecord; activityId: string } | undefined {
    const { runId, scheduledEventId, activityId } = parseActivityToken(taskToken);
    const exec = this.store.runs.get(runId);
    if (!exec || exec.closeStatus) return undefined;
    const act = exec.recorder.activities.get(activityId);
    if (!act || act.scheduledEventId !== scheduledEventId || act.startedEventId === undefined) return undefined;
    return { exec, activityId };
  }
}
