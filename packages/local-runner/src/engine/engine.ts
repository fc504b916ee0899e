/**
 * The local runner: an in-process engine with SWF's semantics. It keeps one history per run (recorded with core's
 * `HistoryBuilder`, the only recorder), hands decision tasks to an in-process decider (core's `Replayer`) and
 * activity tasks to an in-process activity worker, fires timers and timeouts on a virtual or real clock, delivers
 * signals and cancel requests, runs child workflows as executions of the same engine, and follows continue-as-new.
 *
 * Invariants:
 * - every history is a real SWF history: events are only ever recorded by the builder, with the clock's time;
 * - at most one decision task per run is open (the builder enforces it), and decision tasks run one at a time;
 * - the virtual clock only moves when nothing is runnable (no decision task pending, no activity running) and
 *   someone waits for a result, or when `advance` moves it; it then jumps to the next deadline, and deadlines
 *   that are equal fire in the order they were armed;
 * - an error thrown by the decider never escapes the engine: it is recorded as DecisionTaskTimedOut and
 *   surfaced through `result()` and listeners.
 *
 * The engine works through SWF-shaped task calls (activity tasks have tokens, heartbeats, respond calls) so the
 * same state can later be served over SWF's wire protocol to workers in other processes.
 */
import { createHash } from "node:crypto";
import {
  type ActivityDefinition,
  type ActivityImplementation,
  type ChildPolicy,
  type Duration,
  type HistoryEvent,
  InvalidArgumentError,
  jsonSerializer,
  type Serializer,
  SWF_LIMITS,
  toSeconds,
  type WorkflowDefinition,
} from "@yieldflow/core";
import { HistoryBuilder, type OpenChild, type RecordOptions } from "@yieldflow/core/testing";
import { ActivityRunner, type ActivityTaskService } from "./activity-runner.js";
import { type Clock, RealClock, VirtualClock } from "./clock.js";
import { LocalDecider } from "./decider.js";
import { UnknownResourceError, WorkflowAlreadyStartedError, WorkflowExecutionError } from "./errors.js";
import type { RunnerEvent, RunnerListener } from "./events.js";
import { CLOSE_STATUS_OF, describeExecution, type ExecutionRecord, type ExecutionStatus } from "./execution.js";
import { ExecutionHandle } from "./handle.js";
import { type Deadline, deadlineKey, TimerQueue } from "./timer-queue.js";

// biome-ignore lint/suspicious/noExplicitAny: registries hold workflows and activities of any input/output types
type AnyWorkflow = WorkflowDefinition<any, any>;
// biome-ignore lint/suspicious/noExplicitAny: idem
type AnyActivity = ActivityImplementation<any, any>;

/** What `new LocalRunner(...)` takes. */
export interface LocalRunnerOptions {
  /** The workflow types this runner knows (children must be here too; `start` registers what it is given). */
  workflows?: readonly AnyWorkflow[];
  /** Activity implementations, run in process. */
  activities?: readonly AnyActivity[];
  /** Test doubles: each replaces the implementation of the activity type with the same name (any version). */
  stubs?: readonly AnyActivity[];
  /**
   * Activity types that are registered but not run in process (another worker would poll for them). Scheduling
   * them succeeds; they wait in their task list until a schedule-to-start timeout, if any.
   */
  activityTypes?: readonly ActivityDefinition<unknown, unknown>[];
  /** Only run activity tasks of these task lists in process. Default: all. */
  activityTaskLists?: readonly string[];
  /** `"virtual"` (default): skip idle time. `"real"`: timers wait for the wall clock. Or a clock of your own. */
  clock?: "virtual" | "real" | Clock;
  /** Activities running at once in process. Default 10. */
  maxConcurrentActivities?: number;
  /**
   * Decision task attempts before the runner gives up on a run whose workflow code keeps throwing (or whose replay
   * diverges). Default 1 on a virtual clock (the same code fails the same way), 3 on a real clock.
   */
  decisionTaskAttempts?: number;
  /** The payload serializer. Default JSON. */
  serializer?: Serializer;
  /** The identity recorded in DecisionTaskStarted and ActivityTaskStarted events. Default `"yieldflow-local"`. */
  identity?: string;
}

/** What `start` takes besides the workflow and its input. */
export interface StartOptions {
  /** Default: `<workflow name>-<n>`. */
  workflowId?: string;
  /** The decision task list. Default: the workflow's, else `"default"`. */
  taskList?: string;
  timeouts?: { executionStartToClose?: Duration; taskStartToClose?: Duration };
  /** What happens to children if this execution is terminated or times out. Default: the workflow's, else TERMINATE. */
  childPolicy?: ChildPolicy;
  tagList?: string[];
}

interface QueuedActivity {
  runId: string;
  activityId: string;
  scheduledEventId: number;
  taskList: string;
  activityType: { name: string; version: string };
}

interface Waiter {
  resolve: () => void;
  /** True when the waiter is satisfied. */
  ready: () => boolean;
}

const typeKey = (t: { name: string; version: string }) => `${t.name}@${t.version}`;

/**
 * Runs workflows and their activities in this process, with SWF's semantics and real SWF histories.
 *
 * @example
 * const runner = new LocalRunner({ workflows: [order], activities: [chargeImpl, shipImpl] });
 * const handle = await runner.start(order, { id: "o-1", total: 4200 });
 * await handle.signal("approve", true);
 * const receipt = await handle.result();          // a 7-day sleep takes milliseconds on the virtual clock
 * writeFileSync("order.history.json", handle.exportHistory());
 */
export class LocalRunner implements ActivityTaskService {
  readonly clock: Clock;
  private readonly serializer: Serializer;
  private readonly identity: string;
  private readonly decisionTaskAttempts: number;
  private readonly workflows = new Map<string, AnyWorkflow>();
  private readonly implementations = new Map<string, AnyActivity>();
  private readonly stubs = new Map<string, AnyActivity>();
  private readonly activityTypes = new Set<string>();
  private readonly servedTaskLists: ReadonlySet<string> | undefined;
  private readonly runs = new Map<string, ExecutionRecord>();
  /** workflowId → its latest run. */
  private readonly latestRun = new Map<string, string>();
  private readonly decisionQueue: string[] = [];
  private readonly activityQueue: QueuedActivity[] = [];
  private readonly timers = new TimerQueue();
  private readonly lastHeartbeat = new Map<string, string | undefined>();
  private readonly decider: LocalDecider;
  private readonly activityRunner: ActivityRunner;
  private readonly listeners = new Set<RunnerListener>();
  /** runId → callbacks to run when the run closes or gets stuck. */
  private readonly runWaiters = new Map<string, (() => void)[]>();
  private readonly settleWaiters: Waiter[] = [];
  private readonly dirty = new Set<ExecutionRecord>();
  private flushing = false;
  private pumpPending = false;
  private wakeTimer: ReturnType<typeof setTimeout> | undefined;
  /** How many `result()` calls are waiting: while any is, the virtual clock skips idle time. */
  private awaitingResults = 0;
  private runSeq = 0;
  private workflowSeq = 0;
  private closed = false;

  constructor(options: LocalRunnerOptions = {}) {
    const clock = options.clock ?? "virtual";
    this.clock = clock === "virtual" ? new VirtualClock() : clock === "real" ? new RealClock() : clock;
    this.serializer = options.serializer ?? jsonSerializer;
    this.identity = options.identity ?? "yieldflow-local";
    this.decisionTaskAttempts = Math.max(1, options.decisionTaskAttempts ?? (this.clock.kind === "virtual" ? 1 : 3));
    for (const w of options.workflows ?? []) this.registerWorkflow(w);
    for (const a of options.activities ?? []) {
      if (a?.definition?.kind !== "activity" || typeof a.run !== "function")
        throw new InvalidArgumentError("LocalRunner: activities must be implement(definition, fn) results");
      this.implementations.set(typeKey(a.definition), a);
      this.activityTypes.add(typeKey(a.definition));
    }
    for (const s of options.stubs ?? []) {
      if (s?.definition?.kind !== "activity" || typeof s.run !== "function")
        throw new InvalidArgumentError("LocalRunner: stubs must be implement(definition, fn) results");
      this.stubs.set(s.definition.name, s);
    }
    for (const t of options.activityTypes ?? []) this.activityTypes.add(typeKey(t));
    this.servedTaskLists = options.activityTaskLists ? new Set(options.activityTaskLists) : undefined;
    const max = options.maxConcurrentActivities ?? 10;
    if (!(max >= 1)) throw new InvalidArgumentError(`maxConcurrentActivities must be ≥ 1, got ${max}`);
    this.decider = new LocalDecider((t) => this.workflows.get(typeKey(t)), this.serializer);
    this.activityRunner = new ActivityRunner(this, this.serializer, max, () => this.schedulePump());
  }

  // ─── public API ───────────────────────────────────────────────────────────────────────────────────────────────

  /** Registers a workflow type (also done by `start`). */
  registerWorkflow(workflow: AnyWorkflow): void {
    if (workflow?.kind !== "workflow" || typeof workflow.body !== "function")
      throw new InvalidArgumentError("LocalRunner: workflows must be defineWorkflow(...) results");
    this.workflows.set(typeKey(workflow), workflow);
  }

  /** Starts an execution of `workflow` with `input`. Rejects if an open execution already has the workflow id. */
  async start<I, O>(
    workflow: WorkflowDefinition<I, O>,
    input: I,
    options: StartOptions = {},
  ): Promise<ExecutionHandle<O>> {
    if (this.closed) throw new InvalidArgumentError("this LocalRunner was closed");
    this.registerWorkflow(workflow as AnyWorkflow);
    const workflowId = options.workflowId ?? `${workflow.name}-${++this.workflowSeq}`;
    if (this.isOpen(workflowId)) throw new WorkflowAlreadyStartedError(workflowId);
    const data = this.serializer.serialize(input);
    if (data !== undefined && data.length > SWF_LIMITS.dataChars)
      throw new InvalidArgumentError(
        `workflow input is ${data.length} characters; SWF accepts at most ${SWF_LIMITS.dataChars}`,
      );
    const t = options.timeouts ?? {};
    const seconds = (d: Duration | undefined, fallback: number | undefined) =>
      d !== undefined ? String(toSeconds(d)) : fallback !== undefined ? String(fallback) : undefined;
    const exec = this.createRun({
      workflow: workflow as AnyWorkflow,
      workflowId,
      runId: this.newRunId(workflowId),
      input: data,
      taskList: options.taskList ?? workflow.taskList,
      executionStartToCloseTimeout: seconds(t.executionStartToClose, workflow.timeouts.executionStartToClose),
      taskStartToCloseTimeout: seconds(t.taskStartToClose, workflow.timeouts.taskStartToClose),
      childPolicy: options.childPolicy ?? workflow.childPolicy,
      tagList: options.tagList,
    });
    return new ExecutionHandle<O>(this, exec.workflowId, exec.runId);
  }

  /** A handle on an execution this runner started (by workflow id, its first or a given run). */
  getHandle<O = unknown>(workflowId: string, runId?: string): ExecutionHandle<O> {
    const id = runId ?? this.firstRun(workflowId);
    if (!this.runs.has(id)) throw new UnknownResourceError(`no execution ${workflowId} (run ${id})`);
    return new ExecutionHandle<O>(this, workflowId, id);
  }

  /** Listens to every recorded event, log line, warning and failed decision task. Returns the unsubscribe. */
  onEvent(listener: RunnerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends a signal to the open run of `workflowId` (SWF SignalWorkflowExecution). */
  signalWorkflowExecution(workflowId: string, signalName: string, input?: unknown, runId?: string): void {
    const exec = this.openRun(workflowId, runId, "signal");
    const data = this.serializer.serialize(input);
    this.mutate(exec, (b) => b.signal(signalName, data));
  }

  /** Asks the open run of `workflowId` to cancel (SWF RequestCancelWorkflowExecution). */
  requestCancelWorkflowExecution(workflowId: string, runId?: string): void {
    const exec = this.openRun(workflowId, runId, "cancel");
    this.mutate(exec, (b) => b.cancelRequested());
  }

  /** Terminates the open run of `workflowId` (SWF TerminateWorkflowExecution); its children follow its child policy. */
  terminateWorkflowExecution(workflowId: string, reason?: string, runId?: string): void {
    const exec = this.openRun(workflowId, runId, "terminate");
    this.mutate(exec, (b) => b.terminated(reason?.slice(0, SWF_LIMITS.reasonChars), "OPERATOR_INITIATED"));
  }

  /** A copy of a run's history events (SWF wire form). Default: the latest run of `workflowId`. */
  getWorkflowExecutionHistory(workflowId: string, runId?: string): HistoryEvent[] {
    return structuredClone(this.run(workflowId, runId).builder.events);
  }

  /** How a run stands. Default: the latest run of `workflowId`. */
  describeWorkflowExecution(workflowId: string, runId?: string): ExecutionStatus {
    return describeExecution(this.run(workflowId, runId));
  }

  /** The run ids of `workflowId`, oldest first (more than one after continue-as-new or a reused id). */
  runIdsOf(workflowId: string, fromRunId?: string): string[] {
    const ids: string[] = [];
    let id: string | undefined = fromRunId ?? this.firstRun(workflowId);
    while (id !== undefined) {
      ids.push(id);
      id = this.runs.get(id)?.nextRunId;
    }
    return ids;
  }

  /**
   * Waits for a run's chain of continue-as-new runs to close and returns the workflow's result. Rejects with a
   * `WorkflowExecutionError` if it failed, was cancelled, terminated or timed out, and with the decider's error
   * (`NondeterminismError`, `WorkflowTaskError`, …) if its decision tasks failed `decisionTaskAttempts` times.
   * While a result is awaited, the virtual clock skips idle time.
   */
  async resultOf<O>(runId: string): Promise<O> {
    this.awaitingResults++;
    this.schedulePump();
    try {
      let id = runId;
      for (;;) {
        const exec = this.runs.get(id);
        if (!exec) throw new UnknownResourceError(`no run ${id}`);
        if (!exec.closeStatus && !exec.stuck) {
          await new Promise<void>((resolve) => {
            const list = this.runWaiters.get(id) ?? [];
            list.push(resolve);
            this.runWaiters.set(id, list);
          });
          continue;
        }
        if (!exec.closeStatus && exec.stuck) throw exec.stuck.error;
        const close = exec.builder.events[exec.builder.events.length - 1] as HistoryEvent;
        switch (exec.closeStatus) {
          case "CONTINUED_AS_NEW":
            id = exec.nextRunId as string;
            continue;
          case "COMPLETED":
            return this.serializer.deserialize(close.workflowExecutionCompletedEventAttributes?.result) as O;
          case "FAILED": {
            const a = close.workflowExecutionFailedEventAttributes;
            throw new WorkflowExecutionError("FAILED", exec, { reason: a?.reason, details: a?.details });
          }
          case "CANCELED":
            throw new WorkflowExecutionError("CANCELED", exec, {
              details: close.workflowExecutionCanceledEventAttributes?.details,
            });
          case "TERMINATED": {
            const a = close.workflowExecutionTerminatedEventAttributes;
            throw new WorkflowExecutionError("TERMINATED", exec, { reason: a?.reason, details: a?.details });
          }
          case "TIMED_OUT":
            throw new WorkflowExecutionError("TIMED_OUT", exec);
          default:
            throw new Error(`unexpected close status ${exec.closeStatus}`);
        }
      }
    } finally {
      this.awaitingResults--;
    }
  }

  /**
   * Moves time forward by `ms`, firing every deadline on the way in order (letting decisions and activities run
   * between them). Runs whatever is runnable first. Works on both clocks (the real clock gets an offset).
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new InvalidArgumentError(`advance(${ms}): time only moves forward`);
    await this.quiesce();
    const target = this.clock.now() + ms;
    for (;;) {
      const next = this.timers.peek();
      if (!next || next.at > target) break;
      this.clock.advanceTo(next.at);
      this.schedulePump();
      await this.quiesce();
    }
    this.clock.advanceTo(target);
    this.schedulePump();
    await this.quiesce();
  }

  /** Alias of {@link advance}. */
  skipTime(ms: number): Promise<void> {
    return this.advance(ms);
  }

  /**
   * Resolves once nothing more can happen by itself: no decision task pending, no activity running, and no
   * deadline the clock will reach on its own (on the virtual clock, time only skips while a result is awaited).
   */
  settle(): Promise<void> {
    return new Promise((resolve) => {
      this.settleWaiters.push({ resolve, ready: () => this.isSettled() });
      this.schedulePump();
    });
  }

  /** The open activity tasks waiting in task lists (not yet started), in order. Plain data. */
  queuedActivities(): QueuedActivity[] {
    return this.activityQueue.map((q) => ({ ...q, activityType: { ...q.activityType } }));
  }

  /** Stops the runner: aborts running activities and clears its timers. Open executions stay as they are. */
  close(): void {
    this.closed = true;
    this.activityRunner.closeAll("the runner was closed");
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
  }

  // ─── activity task service (what an activity worker calls) ───────────────────────────────────────────────────

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
    const act = t.exec.builder.activities.get(t.activityId);
    this.lastHeartbeat.set(taskToken, details);
    if (act?.timeouts.heartbeat !== undefined) {
      this.timers.arm(t.exec.runId, this.clock.now() + act.timeouts.heartbeat * 1000, {
        kind: "activityTimeout",
        activityId: t.activityId,
        scheduledEventId: act.scheduledEventId,
        timeoutType: "HEARTBEAT",
      });
      this.schedulePump();
    }
    return { cancelRequested: act?.cancelRequested ?? true };
  }

  // ─── runs ─────────────────────────────────────────────────────────────────────────────────────────────────────

  /** @internal the record of a run (handles use it). */
  runRecord(runId: string): ExecutionRecord | undefined {
    return this.runs.get(runId);
  }

  /** @internal the latest run of a chain starting at `runId`. */
  latestOf(runId: string): ExecutionRecord {
    let exec = this.runs.get(runId);
    if (!exec) throw new UnknownResourceError(`no run ${runId}`);
    while (exec.nextRunId !== undefined) exec = this.runs.get(exec.nextRunId) as ExecutionRecord;
    return exec;
  }

  private firstRun(workflowId: string): string {
    let id = this.latestRun.get(workflowId);
    if (id === undefined) throw new UnknownResourceError(`no execution with workflow id ${JSON.stringify(workflowId)}`);
    for (let exec = this.runs.get(id); exec?.previousRunId !== undefined; exec = this.runs.get(id))
      id = exec.previousRunId;
    return id;
  }

  private run(workflowId: string, runId: string | undefined): ExecutionRecord {
    const id = runId ?? this.latestRun.get(workflowId);
    const exec = id === undefined ? undefined : this.runs.get(id);
    if (!exec || exec.workflowId !== workflowId)
      throw new UnknownResourceError(
        `no execution with workflow id ${JSON.stringify(workflowId)}${runId ? ` and run id ${runId}` : ""}`,
      );
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

  private isOpen(workflowId: string): boolean {
    const id = this.latestRun.get(workflowId);
    const exec = id === undefined ? undefined : this.runs.get(id);
    return exec !== undefined && exec.closeStatus === undefined;
  }

  private newRunId(workflowId: string): string {
    return createHash("sha256")
      .update(`${workflowId}\u0000${++this.runSeq}`)
      .digest("base64url")
      .slice(0, 32);
  }

  private createRun(o: {
    workflow: AnyWorkflow;
    workflowId: string;
    runId: string;
    input: string | undefined;
    taskList: string | undefined;
    executionStartToCloseTimeout: string | undefined;
    taskStartToCloseTimeout: string | undefined;
    childPolicy: ChildPolicy | undefined;
    tagList: string[] | undefined;
    parent?: ExecutionRecord["parent"];
    previousRunId?: string;
  }): ExecutionRecord {
    const builder = new HistoryBuilder({
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
      builder,
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
  private mutate(exec: ExecutionRecord, record: (b: HistoryBuilder) => unknown): void {
    exec.builder.at(this.clock.now());
    record(exec.builder);
    this.dirty.add(exec);
    this.flush();
    this.schedulePump();
  }

  /** Processes newly recorded events of every touched run, until none is left (reentrant calls just return). */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.dirty.size > 0) {
        const exec = this.dirty.values().next().value as ExecutionRecord;
        this.dirty.delete(exec);
        const events = exec.builder.events;
        while (exec.processed < events.length) {
          const event = events[exec.processed++] as HistoryEvent;
          this.emit({
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
    const b = exec.builder;
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
        if (act) this.activityRunner.requestCancel(activityToken(runId, act.scheduledEventId, act.activityId));
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
        this.timers.disarmPrefix(`${runId}|activity|${activityId}|`);
        const i = this.activityQueue.findIndex((q) => q.runId === runId && q.scheduledEventId === scheduledEventId);
        if (i >= 0) this.activityQueue.splice(i, 1);
        const token = activityToken(runId, scheduledEventId, activityId);
        this.activityRunner.close(token, `activity ${activityId} closed (${event.eventType})`);
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
    for (const act of exec.builder.activities.values()) if (act.scheduledEventId === scheduledEventId) return act;
    return undefined;
  }

  private startChild(parent: ExecutionRecord, child: OpenChild, event: HistoryEvent): void {
    const a = event.startChildWorkflowExecutionInitiatedEventAttributes;
    const workflow = this.workflows.get(typeKey(child.workflowType)) as AnyWorkflow;
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
    const x = source.builder.externals.get(initiatedEventId);
    if (!x) return;
    const latest = this.latestRun.get(x.workflowId);
    const target = latest === undefined ? undefined : this.runs.get(x.runId ?? latest);
    if (!target || target.workflowId !== x.workflowId || target.closeStatus) {
      this.mutate(source, (b) => b.externalDelivered(initiatedEventId, x.runId, "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"));
      return;
    }
    if (x.kind === "signal") {
      const from = { workflowId: source.workflowId, runId: source.runId, initiatedEventId };
      this.mutate(target, (b) => b.signal(x.signalName as string, x.input, from));
    } else {
      this.mutate(target, (b) => b.cancelRequested());
    }
    this.mutate(source, (b) => b.externalDelivered(initiatedEventId, target.runId));
  }

  private closeRun(exec: ExecutionRecord, event: HistoryEvent): void {
    const status = CLOSE_STATUS_OF[event.eventType as string];
    exec.closeStatus = status;
    const runId = exec.runId;
    this.timers.disarmRun(runId);
    this.decider.forget(runId);
    for (let i = this.activityQueue.length - 1; i >= 0; i--)
      if (this.activityQueue[i]?.runId === runId) this.activityQueue.splice(i, 1);
    for (const act of exec.builder.activities.values()) {
      const token = activityToken(runId, act.scheduledEventId, act.activityId);
      this.activityRunner.close(token, `the workflow execution closed (${status})`);
      this.lastHeartbeat.delete(token);
    }
    if (status === "TERMINATED" || status === "TIMED_OUT") this.applyChildPolicy(exec, event);
    if (status === "CONTINUED_AS_NEW") {
      const a = event.workflowExecutionContinuedAsNewEventAttributes;
      const type = { name: a?.workflowType?.name as string, version: a?.workflowType?.version as string };
      const workflow = this.workflows.get(typeKey(type));
      const next = this.createRun({
        // an unregistered version gets a run whose decision tasks fail with a clear error
        workflow: workflow ?? { ...(this.workflows.get(typeKey(exec.workflowType)) as AnyWorkflow), ...type },
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
    this.wakeRun(runId);
  }

  private applyChildPolicy(exec: ExecutionRecord, event: HistoryEvent): void {
    const policy =
      event.workflowExecutionTerminatedEventAttributes?.childPolicy ??
      event.workflowExecutionTimedOutEventAttributes?.childPolicy ??
      "TERMINATE";
    if (policy === "ABANDON") return;
    for (const child of [...exec.builder.children.values()]) {
      const latest = this.latestRun.get(child.workflowId);
      const target = latest === undefined ? undefined : this.runs.get(latest);
      if (!target || target.closeStatus) continue;
      if (policy === "TERMINATE")
        this.mutate(target, (b) =>
          b.terminated(`parent ${exec.workflowId} closed; child policy TERMINATE`, "CHILD_POLICY_APPLIED"),
        );
      else this.mutate(target, (b) => b.cancelRequested());
    }
  }

  private notifyParent(
    exec: ExecutionRecord,
    status: "COMPLETED" | "FAILED" | "CANCELED" | "TERMINATED" | "TIMED_OUT",
    event: HistoryEvent,
  ): void {
    const parent = this.runs.get(exec.parent?.runId as string);
    if (!parent || parent.closeStatus || !parent.builder.children.has(exec.workflowId)) return;
    const data = {
      result: event.workflowExecutionCompletedEventAttributes?.result,
      reason: event.workflowExecutionFailedEventAttributes?.reason,
      details:
        event.workflowExecutionFailedEventAttributes?.details ??
        event.workflowExecutionCanceledEventAttributes?.details,
    };
    this.mutate(parent, (b) => b.childClosed(exec.workflowId, status, dropUndefined(data)));
  }

  private wakeRun(runId: string): void {
    const list = this.runWaiters.get(runId);
    this.runWaiters.delete(runId);
    for (const fn of list ?? []) fn();
  }

  private emit(event: RunnerEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        process.emitWarning(`a LocalRunner listener threw: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  // ─── the pump: decision tasks, deadlines, activity dispatch, time skipping ────────────────────────────────────

  private schedulePump(): void {
    if (this.pumpPending || this.closed) return;
    this.pumpPending = true;
    setImmediate(() => {
      this.pumpPending = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.closed) return;
    // A bounded batch, then yield to the event loop so a workflow that loops forever cannot starve the process.
    for (let budget = 2_000; budget > 0; budget--) {
      if (this.runOneDecisionTask()) continue;
      const due = this.timers.takeDue(this.clock.now());
      if (due) {
        this.fire(due);
        continue;
      }
      if (this.dispatchActivity()) continue;
      if (this.canSkip()) {
        const next = this.timers.peek();
        if (next) {
          this.clock.advanceTo(next.at);
          continue;
        }
      }
      this.armWake();
      this.releaseSettled();
      return;
    }
    this.schedulePump();
  }

  private canSkip(): boolean {
    return (
      this.clock.kind === "virtual" &&
      this.awaitingResults > 0 &&
      this.activityRunner.size === 0 &&
      this.decisionQueue.length === 0
    );
  }

  private isSettled(): boolean {
    if (this.pumpPending || this.decisionQueue.length > 0 || this.activityRunner.size > 0) return false;
    if (this.timers.size > 0 && (this.clock.kind === "real" || this.canSkip())) return false;
    return !this.hasDispatchableActivity();
  }

  private releaseSettled(): void {
    for (let i = this.settleWaiters.length - 1; i >= 0; i--) {
      const w = this.settleWaiters[i] as Waiter;
      if (w.ready()) {
        this.settleWaiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  /** Arms a wall-clock wake-up for the next deadline when time has to pass for real (real clock, or activities running). */
  private armWake(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    const next = this.timers.peek();
    if (!next) return;
    if (this.clock.kind === "virtual" && this.activityRunner.size === 0) return;
    const delay = Math.min(Math.max(0, next.at - this.clock.now()), 2_147_483_647);
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      // on the virtual clock, a running activity lets time pass at the wall clock's pace until its deadline
      if (this.clock.kind === "virtual" && this.activityRunner.size > 0) this.clock.advanceTo(next.at);
      this.schedulePump();
    }, delay);
  }

  /** Lets microtasks and immediates run until the pump has nothing left to do (running activities may remain). */
  private async quiesce(): Promise<void> {
    for (let i = 0; i < 100_000; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.pumpPending) continue;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!this.pumpPending) return;
    }
  }

  private fire(d: Deadline): void {
    const exec = this.runs.get(d.runId);
    if (!exec || exec.closeStatus) return;
    const b = exec.builder;
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
        if (b.decisionTaskScheduled) this.decisionQueue.push(exec.runId);
        return;
      default: {
        const unreachable: never = d;
        throw new Error(`unknown deadline ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private runOneDecisionTask(): boolean {
    const runId = this.decisionQueue.shift();
    if (runId === undefined) return false;
    const exec = this.runs.get(runId);
    if (!exec || exec.closeStatus || exec.stuck || !exec.builder.decisionTaskScheduled) return true;
    if (this.timers.has(deadlineKey(runId, { kind: "decisionRetry" }))) return true;
    const b = exec.builder;
    b.at(this.clock.now());
    b.startDecisionTask(this.identity);
    this.dirty.add(exec);
    this.flush();
    const ref = { workflowId: exec.workflowId, runId, workflowType: exec.workflowType };
    try {
      const result = this.decider.decide({ workflowExecution: ref, workflowType: exec.workflowType, events: b.events });
      b.completeDecisionTask(result.decisions, this.recordOptions(exec));
      exec.decisionFailures = 0;
      for (const entry of result.logs) this.emit({ kind: "log", ...ref, entry });
      for (const message of result.warnings) this.emit({ kind: "warning", ...ref, message });
    } catch (error) {
      this.decisionTaskFailed(exec, error);
    }
    this.dirty.add(exec);
    this.flush();
    return true;
  }

  private decisionTaskFailed(exec: ExecutionRecord, error: unknown): void {
    const b = exec.builder;
    exec.decisionFailures++;
    const attempt = exec.decisionFailures;
    const willRetry = attempt < this.decisionTaskAttempts;
    // SWF would time the task out after taskStartToCloseTimeout; the runner records that at once.
    if (b.decisionTaskOpen && !b.decisionTaskScheduled) b.timeOutDecisionTask();
    this.emit({
      kind: "decisionTaskFailed",
      workflowId: exec.workflowId,
      runId: exec.runId,
      workflowType: exec.workflowType,
      error,
      attempt,
      maxAttempts: this.decisionTaskAttempts,
      willRetry,
    });
    if (willRetry) {
      const taskTimeout = Number(b.events[0]?.workflowExecutionStartedEventAttributes?.taskStartToCloseTimeout ?? "30");
      this.timers.arm(exec.runId, this.clock.now() + (Number.isFinite(taskTimeout) ? taskTimeout : 30) * 1000, {
        kind: "decisionRetry",
      });
    } else {
      exec.stuck = { error, attempts: attempt };
      this.wakeRun(exec.runId);
    }
  }

  private recordOptions(exec: ExecutionRecord): RecordOptions {
    return {
      activityTypeExists: (t) => this.activityTypes.has(typeKey(t)) || this.stubs.has(t.name),
      workflowTypeExists: (t) => this.workflows.has(typeKey(t)),
      workflowIdAvailable: (id) => !this.isOpen(id),
      newRunId: () => this.newRunId(exec.workflowId),
    };
  }

  private implementationFor(type: { name: string; version: string }): AnyActivity | undefined {
    return this.stubs.get(type.name) ?? this.implementations.get(typeKey(type));
  }

  private servable(q: QueuedActivity): boolean {
    return (
      (this.servedTaskLists === undefined || this.servedTaskLists.has(q.taskList)) &&
      this.implementationFor(q.activityType) !== undefined
    );
  }

  private hasDispatchableActivity(): boolean {
    return this.activityRunner.hasCapacity && this.activityQueue.some((q) => this.servable(q));
  }

  private dispatchActivity(): boolean {
    if (!this.activityRunner.hasCapacity) return false;
    const i = this.activityQueue.findIndex((q) => this.servable(q));
    if (i < 0) return false;
    const q = this.activityQueue.splice(i, 1)[0] as QueuedActivity;
    const exec = this.runs.get(q.runId);
    const act = exec?.builder.activities.get(q.activityId);
    if (!exec || exec.closeStatus || !act || act.scheduledEventId !== q.scheduledEventId) return true;
    if (act.startedEventId !== undefined) return true;
    this.mutate(exec, (b) => b.activityStarted(q.activityId, this.identity));
    const token = activityToken(exec.runId, act.scheduledEventId, act.activityId);
    this.activityRunner.run(
      {
        taskToken: token,
        activityId: act.activityId,
        activityType: { ...act.activityType },
        input: act.input,
        workflowExecution: { workflowId: exec.workflowId, runId: exec.runId },
        startedEventId: act.startedEventId ?? 0,
      },
      this.implementationFor(q.activityType) as AnyActivity,
    );
    return true;
  }

  private resolveToken(taskToken: string): { exec: ExecutionRecord; activityId: string } | undefined {
    const [runId, scheduled, ...rest] = taskToken.split("|");
    const activityId = rest.join("|");
    const exec = this.runs.get(runId as string);
    if (!exec || exec.closeStatus) return undefined;
    const act = exec.builder.activities.get(activityId);
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
