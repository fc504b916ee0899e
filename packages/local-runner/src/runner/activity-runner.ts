/**
 * The in-process activity worker: runs activity tasks as local async functions, at most `maxConcurrent` at once,
 * and reports their outcome through the same calls a remote worker would make (completed, failed, canceled,
 * heartbeat). It never touches histories; the engine records what it reports.
 *
 * Invariants: an outcome is reported at most once per task; once the workflow asked to cancel a task, its outcome
 * is reported as canceled (whether the function threw or returned); a task whose run closed it (timeout, termination) has
 * its AbortSignal aborted and any late outcome is dropped by the engine (the task token is no longer valid).
 */
import {
  type ActivityContext,
  type ActivityImplementation,
  encodeRemoteError,
  type Serializer,
  SWF_LIMITS,
} from "@yieldflow/core";

/** An activity task as a worker receives it (the shape of PollForActivityTask's response). */
export interface ActivityTask {
  taskToken: string;
  activityId: string;
  activityType: { name: string; version: string };
  input: string | undefined;
  workflowExecution: { workflowId: string; runId: string };
  startedEventId: number;
}

/** What a worker calls to report on its tasks (SWF's RespondActivityTask* and RecordActivityTaskHeartbeat). */
export interface ActivityTaskService {
  respondActivityTaskCompleted(taskToken: string, result?: string): void;
  respondActivityTaskFailed(taskToken: string, reason: string, details?: string): void;
  respondActivityTaskCanceled(taskToken: string, details?: string): void;
  recordActivityTaskHeartbeat(taskToken: string, details?: string): { cancelRequested: boolean };
}

/** SWF's `LimitedData`: heartbeat details are at most 2,048 characters. */
const HEARTBEAT_DETAILS_CHARS = 2048;

interface Running {
  task: ActivityTask;
  controller: AbortController;
  /** Set once the workflow asked to cancel this task. */
  cancelRequested: boolean;
  /** Set once the engine closed the task (timeout, termination): the outcome no longer matters. */
  closed: boolean;
}

/** Runs activity functions with bounded concurrency. */
export class ActivityRunner {
  private readonly running = new Map<string, Running>();
  /** Entries closed by the engine whose functions are still running (they hold a slot, not the clock). */
  private abandoned = 0;

  constructor(
    private readonly service: ActivityTaskService,
    private readonly serializer: Serializer,
    readonly maxConcurrent: number,
    private readonly onSettled: () => void,
  ) {}

  /** Tasks running now that the engine still waits for (abandoned ones excluded). */
  get size(): number {
    return this.running.size - this.abandoned;
  }

  /** True when another task may start. */
  get hasCapacity(): boolean {
    return this.running.size < this.maxConcurrent;
  }

  /** Starts `task` with `impl`; the function runs on a later microtask, never inside the caller. */
  run(task: ActivityTask, impl: ActivityImplementation<unknown, unknown>): void {
    const entry: Running = { task, controller: new AbortController(), cancelRequested: false, closed: false };
    this.running.set(task.taskToken, entry);
    const ser = this.serializer;
    const context: ActivityContext = {
      activityId: task.activityId,
      activityType: task.activityType,
      workflowExecution: task.workflowExecution,
      signal: entry.controller.signal,
      heartbeat: async (details?: unknown) => {
        if (entry.closed) return true;
        const data = details === undefined ? undefined : ser.serialize(details)?.slice(0, HEARTBEAT_DETAILS_CHARS);
        const { cancelRequested } = this.service.recordActivityTaskHeartbeat(task.taskToken, data);
        if (cancelRequested) this.requestCancel(task.taskToken);
        return cancelRequested || entry.closed;
      },
    };
    Promise.resolve()
      .then(() => impl.run(ser.deserialize(task.input), context))
      .then(
        (value) => this.settle(entry, { ok: true, value }),
        (error: unknown) => this.settle(entry, { ok: false, error }),
      );
  }

  /** The workflow asked to cancel the task: abort its signal (it may acknowledge by throwing). */
  requestCancel(taskToken: string): void {
    const entry = this.running.get(taskToken);
    if (!entry || entry.cancelRequested) return;
    entry.cancelRequested = true;
    entry.controller.abort(new Error(`activity ${entry.task.activityId} was asked to cancel`));
  }

  /**
   * The engine closed the task (timed out, execution closed): abort it and forget its outcome. A function that
   * keeps running still holds its slot (the concurrency limit counts what really runs) until it settles.
   */
  close(taskToken: string, reason: string): void {
    const entry = this.running.get(taskToken);
    if (!entry || entry.closed) return;
    entry.closed = true;
    this.abandoned++;
    entry.controller.abort(new Error(reason));
  }

  /** Aborts every running task (runner shutdown). */
  closeAll(reason: string): void {
    for (const token of [...this.running.keys()]) this.close(token, reason);
  }

  private settle(entry: Running, outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): void {
    this.running.delete(entry.task.taskToken);
    if (entry.closed) {
      // an abandoned function finally ended: its slot is free again, its outcome is not reported
      this.abandoned--;
      this.onSettled();
      return;
    }
    entry.closed = true;
    const token = entry.task.taskToken;
    try {
      if (entry.cancelRequested) {
        // Cancellation was requested: whether the function threw (the usual acknowledgement) or returned, this
        // worker answers RespondActivityTaskCanceled, as SWF expects of a worker that saw cancelRequested.
        const details = outcome.ok
          ? this.serializer.serialize(outcome.value)
          : outcome.error instanceof Error
            ? outcome.error.message
            : String(outcome.error);
        this.service.respondActivityTaskCanceled(token, details?.slice(0, SWF_LIMITS.dataChars));
      } else if (outcome.ok) {
        let result: string | undefined;
        try {
          result = this.serializer.serialize(outcome.value);
        } catch (err) {
          this.fail(token, err);
          return;
        }
        if (result !== undefined && result.length > SWF_LIMITS.dataChars) {
          const { reason, details } = encodeRemoteError(
            new Error(
              `activity ${entry.task.activityType.name} returned ${result.length} characters; SWF results are limited to ${SWF_LIMITS.dataChars}`,
            ),
          );
          this.service.respondActivityTaskFailed(token, "YF_PAYLOAD_TOO_LARGE", details || reason);
          return;
        }
        this.service.respondActivityTaskCompleted(token, result);
      } else {
        this.fail(token, outcome.error);
      }
    } finally {
      this.onSettled();
    }
  }

  private fail(token: string, error: unknown): void {
    const { reason, details } = encodeRemoteError(error);
    this.service.respondActivityTaskFailed(
      token,
      reason.slice(0, SWF_LIMITS.reasonChars),
      details.slice(0, SWF_LIMITS.dataChars),
    );
  }
}
