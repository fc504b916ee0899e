/**
 * A handle on one workflow execution of a `LocalRunner`: its ids, its result, and the calls a client makes on it
 * (signal, cancel, terminate, history). Calls go to the latest run of the execution's continue-as-new chain.
 */
import type { HistoryEvent } from "@yieldflow/core";
import type { ExecutionStatus } from "./execution.js";
import type { LocalRunner } from "./local-runner.js";

/** A started workflow execution. `O` is the workflow's result type. */
export class ExecutionHandle<O = unknown> {
  constructor(
    private readonly runner: LocalRunner,
    /** The execution's workflow id. */
    readonly workflowId: string,
    /** The run id `start` returned (the first run of a continue-as-new chain). */
    readonly runId: string,
  ) {}

  /**
   * The workflow's result, following continue-as-new to the last run. Rejects with `WorkflowExecutionError`
   * (`closeStatus` FAILED, CANCELED, TERMINATED or TIMED_OUT, with SWF's reason and details), or with the
   * decider's error when the workflow's decision tasks keep failing (`NondeterminismError`, `WorkflowTaskError`).
   */
  result(): Promise<O> {
    return this.runner.resultOf<O>(this.runId);
  }

  /** Sends a signal to the execution's open run. */
  async signal(name: string, input?: unknown): Promise<void> {
    await this.runner.signalWorkflowExecution(this.workflowId, name, input, this.currentRunId);
  }

  /** Asks the execution to cancel (RequestCancelWorkflowExecution): workflow code sees a `CancelledFailure`. */
  async cancel(): Promise<void> {
    this.runner.requestCancelWorkflowExecution(this.workflowId, this.currentRunId);
  }

  /** Terminates the execution at once; no workflow code runs. */
  async terminate(reason?: string): Promise<void> {
    this.runner.terminateWorkflowExecution(this.workflowId, reason, this.currentRunId);
  }

  /** The run ids of this execution's continue-as-new chain, oldest first. */
  runIds(): string[] {
    return this.runner.runIdsOf(this.workflowId, this.runId);
  }

  /** The run calls go to: the latest run of the chain. */
  get currentRunId(): string {
    return this.runner.latestOf(this.runId).runId;
  }

  /** A copy of a run's history events (SWF wire JSON form). Default: the latest run. */
  history(runId: string = this.currentRunId): HistoryEvent[] {
    return this.runner.getWorkflowExecutionHistory(this.workflowId, runId);
  }

  /** A run's history as GetWorkflowExecutionHistory returns it: `{"events":[...]}`. Default: the latest run. */
  exportHistory(runId: string = this.currentRunId): string {
    return JSON.stringify({ events: this.history(runId) });
  }

  /** How the latest run stands. */
  status(): ExecutionStatus {
    return this.runner.describeWorkflowExecution(this.workflowId, this.currentRunId);
  }
}
