/**
 * The local runner: runs workflows and their activities in this process with SWF's semantics. It drives a
 * `WorkflowService` (the SWF service in miniature, which records real SWF histories) with an in-process decision
 * worker (decision-runner.ts: core's `Replayer`, one per run) and an in-process activity worker
 * (activity-runner.ts), and moves a virtual or real clock.
 *
 * Invariants:
 * - work is done by one pump (pump.ts), one step at a time: decision tasks first, then due deadlines, then activity
 *   tasks;
 * - the virtual clock only moves when nothing is runnable (no decision task waiting, no activity running) and a
 *   result is awaited, or when `advance` moves it; it then jumps to the next deadline. While activities run, time
 *   passes at the wall clock's pace, so a hung activity still times out;
 * - an error thrown by the decider never escapes: it is recorded as DecisionTaskTimedOut, reported to listeners,
 *   and after `decisionTaskAttempts` failures `result()` rejects with it.
 */

import { createHash } from "node:crypto";
import type { AnyWorkflow } from "@yieldflow/core";
import {
  type ActivityLogLine,
  checkSwfId,
  type Duration,
  type ExecutionDescription,
  errorMessage,
  formatActivityLogLine,
  type HistoryEvent,
  InvalidArgumentError,
  Payloads,
  type RunSelector,
  toSeconds,
  type WorkflowClient,
  type WorkflowDefinition,
  YieldflowError,
} from "@yieldflow/core";
import { ActivityRunner, guardedTaskService } from "./activity-runner.js";
import { type Clock, RealClock, VirtualClock } from "./clock.js";
import { DecisionRunner } from "./decision-runner.js";
import { UnknownResourceError, WorkflowAlreadyStartedError } from "./errors.js";
import type { RunnerEvent, RunnerListener } from "./events.js";
import { describeExecution, type ExecutionRecord, type ExecutionStatus, outcomeOf } from "./execution.js";
import { ExecutionHandle } from "./handle.js";
import type { LocalRunnerOptions, StartOptions } from "./local-runner-options.js";
import { Pump } from "./pump.js";
import { Registry } from "./registry.js";
import { type QueuedActivity, WorkflowService } from "./service.js";

/** The default sink of activity log lines: stderr, one line each. */
function writeActivityLogLine(line: ActivityLogLine): void {
  process.stderr.write(`${formatActivityLogLine(line)}\n`);
}

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
export class LocalRunner implements WorkflowClient {
  readonly clock: Clock;
  /** The executions, histories and task lists this runner drives (the seam for workers in other processes). */
  readonly service: WorkflowService;
  /** The payload pipeline shared by the decider, the activity worker and the client calls. */
  readonly payloads: Payloads;
  private readonly identity: string;
  private readonly decisionTaskAttempts: number;
  private readonly decisionRunner: DecisionRunner;
  private readonly activityRunner: ActivityRunner;
  private readonly listeners = new Set<RunnerListener>();
  /** runId → callbacks to run when the run closes or gets stuck. */
  private readonly runWaiters = new Map<string, (() => void)[]>();
  private readonly pump: Pump;
  private workflowSeq = 0;
  private closed = false;
  /** An internal error of the runner (a bug): it stops the runner and every `result()` rejects with it. */
  private fatalError: unknown;

  constructor(options: LocalRunnerOptions = {}) {
    const clock = options.clock ?? "virtual";
    this.clock = clock === "virtual" ? new VirtualClock() : clock === "real" ? new RealClock() : clock;
    this.payloads =
      options.payloads instanceof Payloads
        ? options.payloads
        : new Payloads({
            digest: (bytes) => createHash("sha256").update(bytes).digest("hex"),
            ...(options.serializer && { serializer: options.serializer }),
            ...options.payloads,
          });
    this.identity = options.identity ?? "yieldflow-local";
    this.decisionTaskAttempts = Math.max(1, options.decisionTaskAttempts ?? (this.clock.kind === "virtual" ? 1 : 3));
    const servedTaskLists = options.activityTaskLists ? new Set(options.activityTaskLists) : undefined;
    const max = options.maxConcurrentActivities ?? 10;
    if (!(max >= 1)) throw new InvalidArgumentError(`maxConcurrentActivities must be ≥ 1, got ${max}`);
    const registry = new Registry(options);
    this.service = new WorkflowService(this.clock, registry, {
      changed: () => this.pump.schedule(),
      activityCancelRequested: (token) => this.activityRunner.requestCancel(token),
      activityClosed: (token, reason) => this.activityRunner.close(token, reason),
      runChanged: (runId) => this.runChanged(runId),
      emit: (event) => this.emit(event),
    });
    this.decisionRunner = new DecisionRunner({
      service: this.service,
      payloads: this.payloads,
      lookup: (t) => registry.workflow(t),
      determinismGuard: options.determinismGuard ?? true,
      identity: this.identity,
      decisionTaskAttempts: this.decisionTaskAttempts,
      emit: (event) => this.emit(event),
      listening: () => this.listeners.size > 0,
      closed: () => this.closed,
      onTaskDone: () => this.pump.schedule(),
    });
    this.activityRunner = new ActivityRunner({
      service: guardedTaskService(this.service, (err) => this.fatal(err)),
      payloads: this.payloads,
      maxConcurrent: max,
      onSlotFree: () => this.pump.schedule(),
      clock: this.clock,
      logging: { sink: options.activityLog ?? writeActivityLogLine, now: () => this.clock.now() },
    });
    this.pump = new Pump({
      clock: this.clock,
      service: this.service,
      decisions: this.decisionRunner,
      activities: this.activityRunner,
      servedTaskLists,
      identity: this.identity,
      fatal: (err) => this.fatal(err),
    });
  }

  // ─── public API ───────────────────────────────────────────────────────────────────────────────────────────────

  /** Registers a workflow type (also done by `start`). */
  registerWorkflow(workflow: AnyWorkflow): void {
    this.service.registry.registerWorkflow(workflow);
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
    checkSwfId(workflowId, "workflowId"); // 1–256 characters, no ':' '/' '|' or control characters, not "arn"
    if (this.service.isOpen(workflowId)) throw new WorkflowAlreadyStartedError(workflowId);
    const { data, upload } = this.payloads.forType(workflow).encode(input, `workflow ${workflow.name} input`);
    if (upload) await this.payloads.upload([upload]); // stored before the start that refers to it
    const t = options.timeouts ?? {};
    const seconds = (d: Duration | undefined, fallback: number | undefined) =>
      d !== undefined ? String(toSeconds(d)) : fallback !== undefined ? String(fallback) : undefined;
    const exec = this.service.startWorkflowExecution({
      workflow: workflow as AnyWorkflow,
      workflowId,
      input: data,
      taskList: options.taskList ?? workflow.taskList,
      executionStartToCloseTimeout: seconds(t.executionStartToClose, workflow.timeouts.executionStartToClose),
      taskStartToCloseTimeout: seconds(t.taskStartToClose, workflow.timeouts.taskStartToClose),
      childPolicy: options.childPolicy ?? workflow.childPolicy,
      tagList: options.tagList,
    });
    return new ExecutionHandle<O>(this, exec.workflowId, exec.runId);
  }

  /** A handle on an execution of this runner (by workflow id; its first run, or `runId`). */
  getHandle<O = unknown>(workflowId: string, runId?: string): ExecutionHandle<O> {
    const exec = this.service.run(workflowId, runId ?? this.service.firstRun(workflowId));
    return new ExecutionHandle<O>(this, workflowId, exec.runId);
  }

  /** Listens to every recorded event, log line, warning and failed decision task. Returns the unsubscribe. */
  onEvent(listener: RunnerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ─── the WorkflowClient interface (the same calls as the SWF client's) ───────────────────────────────────────

  /** Sends a signal to the open run of `workflowId`. */
  async signal(workflowId: string, signalName: string, input?: unknown, options: RunSelector = {}): Promise<void> {
    await this.signalWorkflowExecution(workflowId, signalName, input, options.runId);
  }

  /** Asks the open run of `workflowId` to cancel. */
  async cancel(workflowId: string, options: RunSelector = {}): Promise<void> {
    this.requestCancelWorkflowExecution(workflowId, options.runId);
  }

  /** Terminates the open run of `workflowId`. */
  async terminate(workflowId: string, options: RunSelector & { reason?: string } = {}): Promise<void> {
    this.terminateWorkflowExecution(workflowId, options.reason, options.runId);
  }

  /** How a run stands (default: the latest run of `workflowId`). */
  async describe(workflowId: string, options: RunSelector = {}): Promise<ExecutionDescription> {
    const { historyLength: _, stuck: __, ...description } = this.describeWorkflowExecution(workflowId, options.runId);
    return description;
  }

  /** The result of `workflowId`'s run (default: the latest), following continue-as-new. */
  result<O = unknown>(workflowId: string, options: RunSelector = {}): Promise<O> {
    return this.resultOf<O>(this.service.run(workflowId, options.runId).runId);
  }

  /** A copy of a run's history (default: the latest run of `workflowId`). */
  async history(workflowId: string, options: RunSelector = {}): Promise<HistoryEvent[]> {
    return this.getWorkflowExecutionHistory(workflowId, options.runId);
  }

  /**
   * Sends a signal to the open run of `workflowId` (SWF SignalWorkflowExecution). The signal is recorded at once,
   * unless its input goes out of band: then once the object is stored (await the promise).
   */
  signalWorkflowExecution(workflowId: string, signalName: string, input?: unknown, runId?: string): Promise<void> {
    const exec = this.service.run(workflowId, runId);
    const workflow = this.service.registry.workflow(exec.workflowType);
    const { data, upload } = this.payloads.forType(workflow ?? {}).encode(input, `signal ${signalName} input`);
    if (!upload) {
      this.service.signalWorkflowExecution(workflowId, signalName, data, runId);
      return Promise.resolve();
    }
    return this.payloads
      .upload([upload])
      .then(() => this.service.signalWorkflowExecution(workflowId, signalName, data, runId));
  }

  /** Asks the open run of `workflowId` to cancel (SWF RequestCancelWorkflowExecution). */
  requestCancelWorkflowExecution(workflowId: string, runId?: string): void {
    this.service.requestCancelWorkflowExecution(workflowId, runId);
  }

  /** Terminates the open run of `workflowId` (SWF TerminateWorkflowExecution); its children follow its child policy. */
  terminateWorkflowExecution(workflowId: string, reason?: string, runId?: string): void {
    this.service.terminateWorkflowExecution(workflowId, reason, runId);
  }

  /** A copy of a run's history events (SWF wire form). Default: the latest run of `workflowId`. */
  getWorkflowExecutionHistory(workflowId: string, runId?: string): HistoryEvent[] {
    return structuredClone(this.service.run(workflowId, runId).recorder.events);
  }

  /** How a run stands. Default: the latest run of `workflowId`. */
  describeWorkflowExecution(workflowId: string, runId?: string): ExecutionStatus {
    return describeExecution(this.service.run(workflowId, runId));
  }

  /** The run ids of the continue-as-new chain of `workflowId` (from `fromRunId`, default its first run), oldest first. */
  runIdsOf(workflowId: string, fromRunId?: string): string[] {
    const ids: string[] = [];
    let id: string | undefined = fromRunId ?? this.service.firstRun(workflowId);
    while (id !== undefined) {
      ids.push(id);
      id = this.service.runById(id)?.nextRunId;
    }
    return ids;
  }

  /** The latest run of the continue-as-new chain that starts at `runId`. */
  latestOf(runId: string): ExecutionRecord {
    return this.service.latestOf(runId);
  }

  /**
   * Waits for a run's chain of continue-as-new runs to close and returns the workflow's result. Rejects with a
   * `WorkflowExecutionError` if it failed, was cancelled, terminated or timed out, and with the decider's error
   * (`NondeterminismError`, `WorkflowTaskError`, …) if its decision tasks failed `decisionTaskAttempts` times.
   * While a result is awaited, the virtual clock skips idle time.
   */
  async resultOf<O>(runId: string): Promise<O> {
    this.pump.awaitingResult(1);
    try {
      let id = runId;
      for (;;) {
        if (this.fatalError !== undefined) throw this.fatalError;
        if (this.closed) {
          throw new YieldflowError("YF_RUNNER_CLOSED", `the runner was closed before run ${id} finished`);
        }
        const exec = this.service.runById(id);
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
        // timed out while its decision tasks failed (on the virtual clock the time-out comes at once): the task's
        // error is what went wrong, the time-out only its consequence
        if (exec.closeStatus === "TIMED_OUT" && exec.lastDecisionError !== undefined) throw exec.lastDecisionError;
        const workflow = this.service.registry.workflow(exec.workflowType);
        const payloads = this.payloads.forType(workflow ?? {});
        const lease = await payloads.fetch(exec.recorder.events.slice(-1)); // the close event's result or details
        let outcome: ReturnType<typeof outcomeOf>;
        try {
          outcome = outcomeOf(exec, payloads);
        } finally {
          lease.release();
        }
        if ("continuedAs" in outcome) {
          id = outcome.continuedAs;
          continue;
        }
        return outcome.value as O;
      }
    } finally {
      this.pump.awaitingResult(-1);
    }
  }

  /**
   * Moves time forward by `ms`, firing every deadline on the way in order (letting decisions and activities run
   * between them). Runs whatever is runnable first. Works on both clocks (the real clock gets an offset).
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new InvalidArgumentError(`advance(${ms}): time only moves forward`);
    await this.pump.quiesce();
    const target = this.clock.now() + ms;
    for (;;) {
      const next = this.service.nextDeadline();
      if (next === undefined || next > target) break;
      if (this.activityRunner.size > 0) {
        // running activities take real time: they get until the deadline (at the wall clock's pace) before it fires
        await this.pump.waitForActivities(next - this.clock.now());
        await this.pump.quiesce();
        if (this.service.nextDeadline() !== next) continue; // they changed what comes next
      }
      this.clock.advanceTo(next);
      this.pump.schedule();
      await this.pump.quiesce();
    }
    this.clock.advanceTo(target);
    this.pump.schedule();
    await this.pump.quiesce();
  }

  /**
   * Resolves once the runner is idle, nothing more can happen by itself: no decision task waiting, no activity running, and no
   * deadline the clock will reach on its own (on the virtual clock, time only skips while a result is awaited).
   */
  idle(): Promise<void> {
    return this.pump.idle();
  }

  /** The activity tasks waiting in task lists (not yet started), in order. Plain data. */
  queuedActivities(): QueuedActivity[] {
    return this.service.queuedActivities();
  }

  /** Stops the runner: aborts running activities and clears its wake-up timer. Open executions stay as they are. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // nobody is left waiting for ever: idle() calls resolve, waiting result() calls reject
    this.pump.stop();
    this.activityRunner.closeAll("the runner was closed");
    for (const runId of [...this.runWaiters.keys()]) this.runChanged(runId);
  }

  // ─── notifications ───────────────────────────────────────────────────────────────────────────────────────────

  private runChanged(runId: string): void {
    const exec = this.service.runById(runId);
    if (exec?.closeStatus) this.decisionRunner.forget(runId);
    const list = this.runWaiters.get(runId);
    this.runWaiters.delete(runId);
    for (const fn of list ?? []) fn();
  }

  private emit(event: RunnerEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        process.emitWarning(`a LocalRunner listener threw: ${errorMessage(err)}`);
      }
    }
  }

  /** Stops the runner after an internal error, so it surfaces through `result()` instead of crashing the process. */
  private fatal(err: unknown): void {
    if (this.fatalError !== undefined) return;
    this.fatalError = new Error(`yieldflow local runner internal error (the runner stopped): ${errorMessage(err)}`, {
      cause: err,
    });
    this.close();
  }
}
