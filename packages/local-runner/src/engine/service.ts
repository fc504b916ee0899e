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
 * - every recorded event is processed exactly once, in order (`react`), which is where deadlines are armed and
 *   disarmed, tasks queued, children started and external requests delivered;
 * - deadlines with equal times fire in the order they were armed.
 */
import { createHash } from "node:crypto";
import { type ChildPolicy, type Decision, type HistoryEvent, SWF_LIMITS } from "@yieldflow/core";
import { HistoryRecorder, type OpenChild, type RecordOptions } from "@yieldflow/core/service";
import type { ActivityTask, ActivityTaskService } from "./activity-runner.js";
import type { Clock } from "./clock.js";
import type { DecisionTask } from "./decider.js";
import { UnknownResourceError } from "./errors.js";
import type { RunnerEvent } from "./events.js";
import { CLOSE_STATUS_OF, type ExecutionRecord } from "./execution.js";
import type { AnyWorkflow, Registry } from "./registry.js";
import { type Deadline, deadlineKey, TimerQueue } from "./timer-queue.js";

/** An activity task waiting in its task list. Plain data. */
export interface QueuedActivity {
  runId: string;
  activityId: string;
  scheduledEventId: number;
  taskList: string;
  activityType: { name: string; version: string };
}

/** What the service tells whoever drives it. */
export interface ServiceHooks {
  /** Something changed: there may be tasks to poll or deadlines to wait for. */
  changed(): void;
  /** The workflow asked to cancel a started activity task (a worker learns it on its next heartbeat anyway). */
  activityCancelRequested(taskToken: string): void;
  /** A started activity task closed without its worker (timeout, the run closed): the worker can stop. */
  activityClosed(taskToken: string, reason: string): void;
  /** A run closed, or its decision tasks failed for good. */
  runChanged(runId: string): void;
  /** A notification for listeners. */
  emit(event: RunnerEvent): void;
}

/** What starting a run takes (serialized input, SWF duration strings). */
export interface RunStart {
  workflow: AnyWorkflow;
  workflowId: string;
  input: string | undefined;
  taskList: string | undefined;
  executionStartToCloseTimeout: string | undefined;
  taskStartToCloseTimeout: string | undefined;
  childPolicy: ChildPolicy | undefined;
  tagList: string[] | undefined;
}

/** A decision task handed to a decider. */
export interface PolledDecisionTask extends DecisionTask {
  taskToken: string;
  startedEventId: number;
}

export class WorkflowService implements ActivityTaskService {
  private readonly runs = new Map<string, ExecutionRecord>();
  /** workflowId → its latest run. */
  private readonly latestRun = new Map<string, string>();
  private readonly decisionQueue: string[] = [];
  private readonly activityQueue: QueuedActivity[] = [];
  private readonly timers = new TimerQueue();
  private readonly lastHeartbeat = new Map<string, string | undefined>();
  /** Runs with newly recorded events, in recording order, and how far each recording went. */
  private readonly recorded: { exec: ExecutionRecord; upTo: number }[] = [];
  private flushing = false;
  private runSeq = 0;

  constructor(
    private readonly clock: Clock,
    readonly registry: Registry,
    private readonly hooks: ServiceHooks,
  ) {}

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

  /** TerminateWorkflowExecution; the run's children follow its child policy. */
  terminateWorkflowExecution(workflowId: string, reason?: string, runId?: string): void {
    const exec = this.openRun(workflowId, runId, "terminate");
    this.mutate(exec, (b) => b.terminated(reason?.slice(0, SWF_LIMITS.reasonChars), "OPERATOR_INITIATED"));
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

  private newRunId(workflowId: string): string {
    return createHash("sha256")
      .update(`${workflowId}\u0000${++this.runSeq}`)
      .digest("base64url")
      .slice(0, 32);
  }

  private createRun(
    o: RunStart & { runId: string; parent?: ExecutionRecord["parent"]; previousRunId?: string },
  ): ExecutionRecord {
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
      this.hooks.changed();
    }
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
            time: Math.round((event.eventTimestamp as number) * 1000),
          });
          this.react(exec, event);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** What the engine does when an event is recorded. One case per event that needs something done. */
  private react(exec: ExecutionRecord, event: HistoryEvent): void {
    const b = exec.recorder;
    const runId = exec.runId;
    switch (event.eventType) {
      case "WorkflowExecutionStarted": {
        const timeout = event.workflowExecutionStartedEventAttributes?.executionStartToCloseTimeout;
        if (timeout !== undefined && timeout !== "NONE")
          this.timers.arm(runId, this.clock.now() + Number(timeout) * 1000, { kind: "workflowTimeout" });
        return;
      }
      case "DecisionTaskScheduled":
        this.decisionQueue.push(runId);
        return;
      case "ActivityTaskScheduled": {
        const a = event.activityTaskScheduledEventAttributes;
        const act = a?.activityId === undefined ? undefined : b.activities.get(a.activityId);
        if (!act || act.scheduledEventId !== event.eventId) return;
        this.activityQueue.push({
          runId,
          activityId: act.activityId,
          scheduledEventId: act.scheduledEventId,
          taskList: act.taskList,
          activityType: { ...act.activityType },
        });
        const { scheduleToStart, scheduleToClose } = act.timeouts;
        const base = { kind: "activityTimeout", activityId: act.activityId, scheduledEventId: act.scheduledEventId };
        if (scheduleToStart !== undefined)
          this.timers.arm(runId, act.scheduledAt + scheduleToStart * 1000, {
            ...base,
            kind: "activityTimeout",
            timeoutType: "SCHEDULE_TO_START",
          });
        if (scheduleToClose !== undefined)
          this.timers.arm(runId, act.scheduledAt + scheduleToClose * 1000, {
            ...base,
            kind: "activityTimeout",
            timeoutType: "SCHEDULE_TO_CLOSE",
          });
        return;
      }
      case "ActivityTaskStarted": {
        const act = this.activityByScheduledId(exec, event.activityTaskStartedEventAttributes?.scheduledEventId);
        if (!act) return;
        const base = {
          kind: "activityTimeout",
          activityId: act.activityId,
          scheduledEventId: act.scheduledEventId,
        } as const;
        this.timers.disarm(deadlineKey(runId, { ...base, timeoutType: "SCHEDULE_TO_START" }));
        const at = act.startedAt ?? this.clock.now();
        if (act.timeouts.startToClose !== undefined)
          this.timers.arm(runId, at + act.timeouts.startToClose * 1000, { ...base, timeoutType: "START_TO_CLOSE" });
        if (act.timeouts.heartbeat !== undefined)
          this.timers.arm(runId, at + act.timeouts.heartbeat * 1000, { ...base, timeoutType: "HEARTBEAT" });
        return;
      }
      case "ActivityTaskCancelRequested": {
        const act = b.activities.get(event.activityTaskCancelRequestedEventAttributes?.activityId as string);
        if (act) this.hooks.activityCancelRequested(activityToken(runId, act.scheduledEventId, act.activityId));
        return;
      }
      case "ActivityTaskCompleted":
      case "ActivityTaskFailed":
      case "ActivityTaskTimedOut":
      case "ActivityTaskCanceled": {
        const attrs =
          event.activityTaskCompletedEventAttributes ??
          event.activityTaskFailedEventAttributes ??
          event.activityTaskTimedOutEventAttributes ??
          event.activityTaskCanceledEventAttributes;
        const scheduledEventId = attrs?.scheduledEventId as number;
        const activityId = b.events[scheduledEventId - 1]?.activityTaskScheduledEventAttributes?.activityId as string;
        for (const timeoutType of ["SCHEDULE_TO_START", "START_TO_CLOSE", "SCHEDULE_TO_CLOSE", "HEARTBEAT"] as const)
          this.timers.disarm(
            deadlineKey(runId, { kind: "activityTimeout", activityId, scheduledEventId, timeoutType }),
          );
        // a started task left the queue when it was polled
        if (!attrs?.startedEventId) {
          const i = this.activityQueue.findIndex((q) => q.runId === runId && q.scheduledEventId === scheduledEventId);
          if (i >= 0) this.activityQueue.splice(i, 1);
        }
        const token = activityToken(runId, scheduledEventId, activityId);
        this.hooks.activityClosed(token, `activity ${activityId} closed (${event.eventType})`);
        this.lastHeartbeat.delete(token);
        return;
      }
      case "TimerStarted": {
        const timerId = event.timerStartedEventAttributes?.timerId as string;
        const timer = b.timers.get(timerId);
        if (timer && timer.startedEventId === event.eventId)
          this.timers.arm(runId, timer.fireAt, { kind: "timer", timerId });
        return;
      }
      case "TimerCanceled":
        this.timers.disarm(
          deadlineKey(runId, { kind: "timer", timerId: event.timerCanceledEventAttributes?.timerId as string }),
        );
        return;
      case "StartChildWorkflowExecutionInitiated": {
        const child = b.children.get(event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId as string);
        if (child && child.initiatedEventId === event.eventId) this.startChild(exec, child, event);
        return;
      }
      case "SignalExternalWorkflowExecutionInitiated":
      case "RequestCancelExternalWorkflowExecutionInitiated":
        this.deliverExternal(exec, event.eventId as number);
        return;
      case "WorkflowExecutionCompleted":
      case "WorkflowExecutionFailed":
      case "WorkflowExecutionCanceled":
      case "WorkflowExecutionTerminated":
      case "WorkflowExecutionContinuedAsNew":
      case "WorkflowExecutionTimedOut":
        this.closeRun(exec, event);
        return;
      default:
        return;
    }
  }

  private activityByScheduledId(exec: ExecutionRecord, scheduledEventId: number | undefined) {
    for (const act of exec.recorder.activities.values()) if (act.scheduledEventId === scheduledEventId) return act;
    return undefined;
  }

  private startChild(parent: ExecutionRecord, child: OpenChild, event: HistoryEvent): void {
    const a = event.startChildWorkflowExecutionInitiatedEventAttributes;
    const workflow = this.registry.workflow(child.workflowType) as AnyWorkflow;
    const runId = this.newRunId(child.workflowId);
    this.createRun({
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
    this.mutate(parent, (b) => b.childStarted(child.workflowId, runId));
  }

  private deliverExternal(source: ExecutionRecord, initiatedEventId: number): void {
    const x = source.recorder.externals.get(initiatedEventId);
    if (!x) return;
    const latest = this.latestRun.get(x.workflowId);
    const target = latest === undefined ? undefined : this.runs.get(x.runId ?? latest);
    // The decision task that initiated the request may also have closed the source (a cancelled branch's child and
    // the closing decision go out together): SWF still delivers the request, but records nothing more in its history.
    const sourceOpen = source.recorder.closedBy === undefined;
    if (!target || target.workflowId !== x.workflowId || target.closeStatus) {
      if (sourceOpen)
        this.mutate(source, (b) =>
          b.externalDelivered(initiatedEventId, x.runId, "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"),
        );
      return;
    }
    if (x.kind === "signal") {
      const from = { workflowId: source.workflowId, runId: source.runId, initiatedEventId };
      this.mutate(target, (b) => b.signal(x.signalName as string, x.input, from));
    } else {
      this.mutate(target, (b) =>
        b.cancelRequested({ workflowId: source.workflowId, runId: source.runId, initiatedEventId }),
      );
    }
    if (sourceOpen) this.mutate(source, (b) => b.externalDelivered(initiatedEventId, target.runId));
  }

  private closeRun(exec: ExecutionRecord, event: HistoryEvent): void {
    const status = CLOSE_STATUS_OF[event.eventType as string];
    exec.closeStatus = status;
    const runId = exec.runId;
    this.timers.disarmRun(runId);
    for (let i = this.activityQueue.length - 1; i >= 0; i--)
      if (this.activityQueue[i]?.runId === runId) this.activityQueue.splice(i, 1);
    for (const act of exec.recorder.activities.values()) {
      const token = activityToken(runId, act.scheduledEventId, act.activityId);
      this.hooks.activityClosed(token, `the workflow execution closed (${status})`);
      this.lastHeartbeat.delete(token);
    }
    if (status === "TERMINATED" || status === "TIMED_OUT") this.applyChildPolicy(exec, event);
    if (status === "CONTINUED_AS_NEW") {
      const a = event.workflowExecutionContinuedAsNewEventAttributes;
      const type = { name: a?.workflowType?.name as string, version: a?.workflowType?.version as string };
      const workflow = this.registry.workflow(type);
      const next = this.createRun({
        // an unregistered version gets a run whose decision tasks fail with a clear error
        workflow: workflow ?? { ...(this.registry.workflow(exec.workflowType) as AnyWorkflow), ...type },
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
      this.notifyParent(exec, status as Exclude<typeof status, "CONTINUED_AS_NEW" | undefined>, event);
    }
    this.hooks.runChanged(runId);
  }

  private applyChildPolicy(exec: ExecutionRecord, event: HistoryEvent): void {
    const policy =
      event.workflowExecutionTerminatedEventAttributes?.childPolicy ??
      event.workflowExecutionTimedOutEventAttributes?.childPolicy ??
      "TERMINATE";
    if (policy === "ABANDON") return;
    for (const child of [...exec.recorder.children.values()]) {
      const latest = this.latestRun.get(child.workflowId);
      const target = latest === undefined ? undefined : this.runs.get(latest);
      if (!target || target.closeStatus) continue;
      if (policy === "TERMINATE")
        this.mutate(target, (b) =>
          b.terminated(`parent ${exec.workflowId} closed; child policy TERMINATE`, "CHILD_POLICY_APPLIED"),
        );
      else this.mutate(target, (b) => b.cancelRequested(undefined, "CHILD_POLICY_APPLIED"));
    }
  }

  private notifyParent(
    exec: ExecutionRecord,
    status: "COMPLETED" | "FAILED" | "CANCELED" | "TERMINATED" | "TIMED_OUT",
    event: HistoryEvent,
  ): void {
    const parent = this.runs.get(exec.parent?.runId as string);
    if (!parent || parent.closeStatus || !parent.recorder.children.has(exec.workflowId)) return;
    const data = {
      result: event.workflowExecutionCompletedEventAttributes?.result,
      reason: event.workflowExecutionFailedEventAttributes?.reason,
      details:
        event.workflowExecutionFailedEventAttributes?.details ??
        event.workflowExecutionCanceledEventAttributes?.details,
    };
    this.mutate(parent, (b) => b.childClosed(exec.workflowId, status, dropUndefined(data)));
  }

  // ─── decision tasks (what a decider calls) ────────────────────────────────────────────────────────────────────

  /** True when some run has a decision task waiting. */
  get hasDecisionTask(): boolean {
    return this.decisionQueue.length > 0;
  }

  /** Takes the next scheduled decision task and starts it (PollForDecisionTask). */
  pollForDecisionTask(identity: string): PolledDecisionTask | undefined {
    for (;;) {
      const runId = this.decisionQueue.shift();
      if (runId === undefined) return undefined;
      const exec = this.runs.get(runId);
      if (!exec || exec.closeStatus || exec.stuck || !exec.recorder.decisionTaskScheduled) continue;
      if (this.timers.has(deadlineKey(runId, { kind: "decisionRetry" }))) continue;
      let startedEventId = 0;
      this.mutate(exec, (b) => {
        startedEventId = b.startDecisionTask(identity);
      });
      // unanswered within taskStartToCloseTimeout, the task times out and another is scheduled (as on SWF)
      this.timers.arm(runId, this.clock.now() + this.taskTimeoutSeconds(exec) * 1000, {
        kind: "decisionTimeout",
        startedEventId,
      });
      return {
        taskToken: `${runId}|${startedEventId}`,
        startedEventId,
        workflowExecution: { workflowId: exec.workflowId, runId },
        workflowType: { ...exec.workflowType },
        events: exec.recorder.events,
      };
    }
  }

  /** RespondDecisionTaskCompleted: records the decisions as SWF would (including SWF's …Failed events). */
  respondDecisionTaskCompleted(taskToken: string, decisions: readonly Decision[]): void {
    const exec = this.startedDecisionTask(taskToken);
    this.timers.disarm(deadlineKey(exec.runId, { kind: "decisionTimeout", startedEventId: 0 }));
    this.mutate(exec, (b) => b.completeDecisionTask(decisions, this.recordOptions(exec)));
    exec.decisionFailures = 0;
  }

  /**
   * The decider could not decide (the workflow code threw, or replay diverged). SWF would time the task out after
   * taskStartToCloseTimeout; the service records DecisionTaskTimedOut at once. Unless the run's failures reached
   * `maxAttempts`, a new decision task is offered after taskStartToCloseTimeout; otherwise the run is left open
   * and stuck (no more decision tasks) with `error`.
   */
  failDecisionTask(taskToken: string, error: unknown, maxAttempts: number): { attempt: number; willRetry: boolean } {
    const exec = this.runs.get(taskToken.slice(0, taskToken.lastIndexOf("|")));
    if (!exec) throw new UnknownResourceError(`decision task ${taskToken} is unknown`);
    exec.decisionFailures++;
    const attempt = exec.decisionFailures;
    const b = exec.recorder;
    // The task may already be gone (the run closed meanwhile, or recording its decisions failed half-way).
    const open = b.decisionTaskOpen && !b.decisionTaskScheduled && !exec.closeStatus;
    const willRetry = open && attempt < maxAttempts;
    this.timers.disarm(deadlineKey(exec.runId, { kind: "decisionTimeout", startedEventId: 0 }));
    if (willRetry) {
      this.timers.arm(exec.runId, this.clock.now() + this.taskTimeoutSeconds(exec) * 1000, {
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
    const sep = taskToken.lastIndexOf("|");
    const exec = this.runs.get(taskToken.slice(0, sep));
    if (!exec || exec.closeStatus || exec.recorder.startedDecisionTaskId !== Number(taskToken.slice(sep + 1)))
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
      };
    }
  }

  respondActivityTaskCompleted(taskToken: string, result?: string): boolean {
    const t = this.resolveToken(taskToken);
    if (!t) return false;
    this.mutate(t.exec, (b) => b.activityCompleted(t.activityId, result));
    return true;
  }

  respondActivityTaskFailed(taskToken: string, reason: string, details?: string): boolean {
    const t = this.resolveToken(taskToken);
    if (!t) return false;
    this.mutate(t.exec, (b) => b.activityFailed(t.activityId, reason, details));
    return true;
  }

  respondActivityTaskCanceled(taskToken: string, details?: string): boolean {
    const t = this.resolveToken(taskToken);
    if (!t) return false;
    this.mutate(t.exec, (b) => b.activityCanceled(t.activityId, details));
    return true;
  }

  recordActivityTaskHeartbeat(taskToken: string, details?: string): { cancelRequested: boolean } {
    const t = this.resolveToken(taskToken);
    if (!t) return { cancelRequested: true };
    const act = t.exec.recorder.activities.get(t.activityId);
    this.lastHeartbeat.set(taskToken, details);
    if (act?.timeouts.heartbeat !== undefined) {
      this.timers.arm(t.exec.runId, this.clock.now() + act.timeouts.heartbeat * 1000, {
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
    return this.timers.peek()?.at;
  }

  /** True when any deadline is armed. */
  get hasDeadlines(): boolean {
    return this.timers.size > 0;
  }

  /** Fires the earliest deadline if it is due at `now`; returns false when none is. */
  fireDue(now: number): boolean {
    const due = this.timers.takeDue(now);
    if (!due) return false;
    this.fire(due);
    return true;
  }

  private fire(d: Deadline): void {
    const exec = this.runs.get(d.runId);
    if (!exec || exec.closeStatus) return;
    const b = exec.recorder;
    switch (d.kind) {
      case "timer":
        if (b.timers.has(d.timerId)) this.mutate(exec, (h) => h.timerFired(d.timerId));
        return;
      case "activityTimeout": {
        const act = b.activities.get(d.activityId);
        if (!act || act.scheduledEventId !== d.scheduledEventId) return;
        const started = act.startedEventId !== undefined;
        if (d.timeoutType === "SCHEDULE_TO_START" && started) return;
        if ((d.timeoutType === "START_TO_CLOSE" || d.timeoutType === "HEARTBEAT") && !started) return;
        const token = activityToken(exec.runId, act.scheduledEventId, act.activityId);
        const details = this.lastHeartbeat.get(token);
        this.mutate(exec, (h) => h.activityTimedOut(d.activityId, d.timeoutType, details));
        return;
      }
      case "workflowTimeout":
        this.mutate(exec, (h) => h.timedOut());
        return;
      case "decisionRetry":
        if (b.decisionTaskScheduled) {
          this.decisionQueue.push(exec.runId);
          this.hooks.changed();
        }
        return;
      case "decisionTimeout":
        // the decider never answered: DecisionTaskTimedOut, and a new decision task for whoever polls next
        if (b.startedDecisionTaskId === d.startedEventId) this.mutate(exec, (h) => h.timeOutDecisionTask());
        return;
      default: {
        const unreachable: never = d;
        throw new Error(`unknown deadline ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private recordOptions(exec: ExecutionRecord): RecordOptions {
    return {
      activityTypeExists: (t) => this.registry.activityTypeExists(t),
      workflowTypeExists: (t) => this.registry.workflowTypeExists(t),
      workflowIdAvailable: (id) => !this.isOpen(id),
      newRunId: () => this.newRunId(exec.workflowId),
    };
  }

  private resolveToken(taskToken: string): { exec: ExecutionRecord; activityId: string } | undefined {
    const [runId, scheduled, ...rest] = taskToken.split("|");
    const activityId = rest.join("|");
    const exec = this.runs.get(runId as string);
    if (!exec || exec.closeStatus) return undefined;
    const act = exec.recorder.activities.get(activityId);
    if (!act || act.scheduledEventId !== Number(scheduled) || act.startedEventId === undefined) return undefined;
    return { exec, activityId };
  }
}

function activityToken(runId: string, scheduledEventId: number, activityId: string): string {
  return `${runId}|${scheduledEventId}|${activityId}`;
}

function optionalSeconds(s: number | undefined): string | undefined {
  return s === undefined ? undefined : String(s);
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
