/**
 * The in-process decision worker, the decision-task twin of `activity-runner.ts`: polls the service for a decision
 * task, fetches the out-of-band payloads its new events refer to, decides it with core's `Replayer` (one per run,
 * so each task only folds the new events), stores what the decisions refer to, and responds. A task that fails
 * (the workflow code threw, its replay diverged, a payload could not be read or stored) is reported to the
 * service, which times it out and retries it up to `decisionTaskAttempts` times; the run's replayer is dropped
 * and the next task rebuilds it from the full history.
 *
 * Invariants: nothing is responded that points at an object not yet stored; a task whose payloads are all cached
 * is decided and answered synchronously, inside the pump's step.
 */

import { type AnyWorkflow, type DecideResult, type HistoryEvent, type Payloads, Replayer } from "@yieldflow/core";
import type { RunnerEvent } from "./events.js";
import type { WorkflowService } from "./service.js";
import type { PolledDecisionTask } from "./service-state.js";

/** What `new DecisionRunner(...)` takes. */
export interface DecisionRunnerOptions {
  service: WorkflowService;
  /** The payload pipeline: fetches what events refer to, stores what decisions refer to. */
  payloads: Payloads;
  /** The workflow definition of a type. */
  lookup: (type: { name: string; version: string }) => AnyWorkflow | undefined;
  /** Run workflow code under core's determinism guard (a workflow can also opt out on its own). */
  determinismGuard: boolean;
  /** The identity recorded in DecisionTaskStarted. */
  identity: string;
  /** Attempts of a failing decision task before the run is given up on. */
  decisionTaskAttempts: number;
  /** Reports logs, warnings, decisions made and failed tasks. */
  emit: (event: RunnerEvent) => void;
  /** True when someone listens (the decisions are copied for them only then). */
  listening: () => boolean;
  /** True once the runner was closed: nothing is responded any more. */
  closed: () => boolean;
  /** Told when a task that waited for payload I/O is done. */
  onTaskDone: () => void;
}

/** Runs decision tasks in process, with a replayer cached per run. */
export class DecisionRunner {
  private readonly cache = new Map<string, { replayer: Replayer; seen: number }>();
  private readonly service: WorkflowService;
  private readonly payloads: Payloads;
  /** Decision tasks waiting for their payloads to be fetched or uploaded (the clock must not skip meanwhile). */
  private waiting = 0;

  constructor(private readonly options: DecisionRunnerOptions) {
    this.service = options.service;
    this.payloads = options.payloads;
  }

  /** Decision tasks waiting for payload I/O. */
  get inFlight(): number {
    return this.waiting;
  }

  /**
   * Takes one waiting decision task and decides it: at once when the payloads its events refer to are cached and
   * its decisions need nothing stored, else after that I/O (asynchronously). False when no task was waiting.
   */
  runOne(): boolean {
    const task = this.service.pollForDecisionTask(this.options.identity);
    if (!task) return false;
    this.waiting++;
    const done = () => {
      this.waiting--;
      this.options.onTaskDone();
    };
    if (!this.payloads.isFetched(this.eventsToRead(task))) {
      void this.fetchThenDecide(task).finally(done);
      return true;
    }
    const uploading = this.decideTask(task);
    if (uploading) void uploading.finally(done);
    else this.waiting--;
    return true;
  }

  private async fetchThenDecide(task: PolledDecisionTask): Promise<void> {
    let lease: { release(): void };
    try {
      lease = await this.payloads.fetch(this.eventsToRead(task));
    } catch (error) {
      this.failTask(task, error);
      return;
    }
    try {
      const uploading = this.decideTask(task);
      if (uploading) await uploading;
    } finally {
      lease.release();
    }
  }

  private failTask(task: PolledDecisionTask, error: unknown): void {
    if (this.options.closed()) return;
    const ref = { ...task.workflowExecution, workflowType: task.workflowType };
    const max = this.options.decisionTaskAttempts;
    const { attempt, willRetry } = this.service.failDecisionTask(task.taskToken, error, max);
    this.options.emit({ kind: "decisionTaskFailed", ...ref, error, attempt, maxAttempts: max, willRetry });
  }

  /** Decides `task` (its payloads are cached) and responds, after uploading what the decisions refer to if needed. */
  private decideTask(task: PolledDecisionTask): Promise<void> | undefined {
    const ref = { ...task.workflowExecution, workflowType: task.workflowType };
    const emit = this.options.emit;
    try {
      const historyLength = task.events.length;
      const result = this.decide(task);
      // what the code logged in this task comes before the events its decisions record
      for (const entry of result.logs) emit({ kind: "log", ...ref, entry });
      for (const message of result.warnings) emit({ kind: "warning", ...ref, message });
      if (this.options.listening())
        emit({
          kind: "decided",
          ...ref,
          startedEventId: task.startedEventId,
          historyLength,
          decisions: structuredClone(result.decisions),
        });
      const exec = this.service.runById(task.workflowExecution.runId);
      if (exec) exec.waitingForSignals = result.waitingForSignals;
      const uploads = this.payloads.notStored(result.uploads);
      if (uploads.length === 0) {
        this.service.respondDecisionTaskCompleted(task.taskToken, result.decisions);
        return undefined;
      }
      // nothing is responded that points at an object not yet stored
      return this.payloads.upload(uploads).then(
        () => {
          if (!this.options.closed()) this.service.respondDecisionTaskCompleted(task.taskToken, result.decisions);
        },
        (error: unknown) => this.failTask(task, error),
      );
    } catch (error) {
      this.failTask(task, error);
      return undefined;
    }
  }

  /** Decides `task` (the parts of a polled decision task a decider uses). Throws what core throws (`NondeterminismError`, `WorkflowTaskError`, `HistoryError`, …). */
  decide(task: Pick<PolledDecisionTask, "workflowExecution" | "workflowType" | "events">): DecideResult {
    const { workflowId, runId } = task.workflowExecution;
    let cached = this.cache.get(runId);
    if (!cached || cached.seen > task.events.length) {
      const workflow = this.options.lookup(task.workflowType);
      if (!workflow) {
        throw new Error(
          `no workflow ${task.workflowType.name}@${task.workflowType.version} is registered with this runner`,
        );
      }
      cached = {
        replayer: new Replayer(workflow, {
          workflowId,
          runId,
          payloads: this.payloads,
          determinismGuard: this.options.determinismGuard,
        }),
        seen: 0,
      };
      this.cache.set(runId, cached);
    }
    try {
      const result = cached.replayer.advance(task.events.slice(cached.seen));
      cached.seen = task.events.length;
      return result;
    } catch (err) {
      this.cache.delete(runId);
      throw err;
    }
  }

  /**
   * The events that deciding `task` will read: the new ones when the run's replayer is cached, else all of them.
   * The driver fetches the out-of-band payloads they refer to before deciding.
   */
  eventsToRead(task: Pick<PolledDecisionTask, "workflowExecution" | "events">): readonly HistoryEvent[] {
    const cached = this.cache.get(task.workflowExecution.runId);
    return cached && cached.seen <= task.events.length ? task.events.slice(cached.seen) : task.events;
  }

  /** Drops the cached replayer of a run (it closed). */
  forget(runId: string): void {
    this.cache.delete(runId);
  }
}
