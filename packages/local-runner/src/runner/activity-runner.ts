/**
 * The in-process activity worker: runs activity tasks as local async functions, at most `maxConcurrent` at once,
 * and reports their outcome through the same calls a remote worker would make (completed, failed, canceled,
 * heartbeat). It never touches histories; the workflow service records what it reports.
 *
 * It is the local runner's one activity-worker loop: the `LocalRunner` runs its in-process activities with it, and
 * the testing kit's scenario runner (`testing/run-scenario.ts`) answers the tasks a scenario completes with it too,
 * with two options of its own: failure details without stacks (a scenario's story must not depend on where the code
 * lives) and a wall-clock limit on how long a function may run before it is given up on as hung.
 *
 * Invariants: an outcome is reported at most once per task; once the workflow asked to cancel a task, its outcome
 * is reported as canceled (whether the function threw or returned); a task whose run closed it (timeout, termination) has
 * its AbortSignal aborted and any late outcome is dropped by the service (the task token is no longer valid).
 */
import {
  type ActivityContext,
  type ActivityImplementation,
  type ActivityLogLine,
  activityLogger,
  activityTaskInput,
  type EncodedPayload,
  encodeRemoteError,
  formatActivityLogLine,
  PAYLOAD_LIMITS,
  type Payloads,
  SWF_LIMITS,
} from "@yieldflow/core";
import type { Clock } from "./clock.js";

/** An activity task as a worker receives it (the shape of PollForActivityTask's response). */
export interface ActivityTask {
  taskToken: string;
  activityId: string;
  activityType: { name: string; version: string };
  input: string | undefined;
  workflowExecution: { workflowId: string; runId: string };
  startedEventId: number;
  /** The attempt number from the scheduling decision's `control` (1 outside `retry`). */
  attempt: number;
}

/** What a worker calls to report on its tasks (SWF's RespondActivityTask* and RecordActivityTaskHeartbeat). */
export interface ActivityTaskService {
  respondActivityTaskCompleted(taskToken: string, result?: string): void;
  respondActivityTaskFailed(taskToken: string, reason: string, details?: string): void;
  respondActivityTaskCanceled(taskToken: string, details?: string): void;
  recordActivityTaskHeartbeat(taskToken: string, details?: string): { cancelRequested: boolean };
}

/**
 * `service` with its four calls guarded: a call that throws (a bug in the service, not the activity's outcome) is
 * handed to `onError` and answered as if the task were gone (a heartbeat hears "cancel requested"), so the
 * worker's loop goes on and the error surfaces where the driver reports its own errors.
 */
export function guardedTaskService(service: ActivityTaskService, onError: (err: unknown) => void): ActivityTaskService {
  const guarded =
    <A extends unknown[], R>(fn: (...args: A) => R, fallback: R) =>
    (...args: A): R => {
      try {
        return fn.apply(service, args);
      } catch (err) {
        onError(err);
        return fallback;
      }
    };
  return {
    respondActivityTaskCompleted: guarded(service.respondActivityTaskCompleted, undefined),
    respondActivityTaskFailed: guarded(service.respondActivityTaskFailed, undefined),
    respondActivityTaskCanceled: guarded(service.respondActivityTaskCanceled, undefined),
    recordActivityTaskHeartbeat: guarded(service.recordActivityTaskHeartbeat, { cancelRequested: true }),
  };
}

/** What `new ActivityRunner(...)` takes. */
export interface ActivityRunnerOptions {
  /** Where outcomes and heartbeats are reported. */
  service: ActivityTaskService;
  /** The payload pipeline: decodes inputs, encodes results, failure details and heartbeat details. */
  payloads: Payloads;
  /** Activity functions running at once. */
  maxConcurrent: number;
  /** Told each time a task's function ended and its slot is free again (the local runner pumps then). */
  onSlotFree?: () => void;
  /** Told when activity code starts and stops running (a virtual clock lets real time pass meanwhile). */
  clock?: Pick<Clock, "activityRunning">;
  /** Where the activities' log lines go, and the clock that times them. Default: stderr, the wall clock. */
  logging?: { sink: (line: ActivityLogLine) => void; now: () => number };
  /** Failure details carry the error's stack (default true). False: name, message and cause only. */
  failureStacks?: boolean;
  /**
   * Wall-clock milliseconds a function may run before it is given up on as hung: its task is closed (its signal
   * aborted, its outcome never reported) and `onHung` is told. Default: never (SWF's timeouts close a hung task).
   */
  hangAfterMs?: number;
  /** Told when a task was given up on as hung (`hangAfterMs`). */
  onHung?: (task: ActivityTask, afterMs: number) => void;
}

interface Running {
  task: ActivityTask;
  controller: AbortController;
  /** Set once the workflow asked to cancel this task. */
  cancelRequested: boolean;
  /** Set once the service closed the task (timeout, termination): the outcome no longer matters. */
  closed: boolean;
  /** Set while the clock counts this task's code as running (a virtual clock lets real time pass meanwhile). */
  timed: boolean;
  /** `run`'s `done`: the outcome was reported, or the task was closed. */
  done: (() => void) | undefined;
  /** The wall-clock countdown of `hangAfterMs`. */
  hangTimer: ReturnType<typeof setTimeout> | undefined;
}

/** Runs activity functions with bounded concurrency. */
export class ActivityRunner {
  private readonly running = new Map<string, Running>();
  /** Entries closed by the service whose functions are still running (they hold a slot, not the clock). */
  private abandoned = 0;
  private readonly service: ActivityTaskService;
  private readonly payloads: Payloads;
  readonly maxConcurrent: number;
  private readonly options: ActivityRunnerOptions;
  private readonly logging: { sink: (line: ActivityLogLine) => void; now: () => number };

  constructor(options: ActivityRunnerOptions) {
    this.options = options;
    this.service = options.service;
    this.payloads = options.payloads;
    this.maxConcurrent = options.maxConcurrent;
    this.logging = options.logging ?? {
      sink: (line) => process.stderr.write(`${formatActivityLogLine(line)}\n`),
      now: () => Date.now(),
    };
  }

  /** Tasks running now that the runner still waits for (abandoned ones excluded). */
  get size(): number {
    return this.running.size - this.abandoned;
  }

  /** True when another task may start. */
  get hasCapacity(): boolean {
    return this.running.size < this.maxConcurrent;
  }

  /**
   * Starts `task` with `impl`; the function runs on a later microtask, never inside the caller. `done`, if given, is
   * called once the task's outcome was reported, or once the task was closed (by the service, or given up on as hung).
   */
  run(task: ActivityTask, impl: ActivityImplementation<unknown, unknown>, done?: () => void): void {
    const attempt = task.attempt;
    const entry: Running = {
      task,
      controller: new AbortController(),
      cancelRequested: false,
      closed: false,
      timed: true,
      done,
      hangTimer: undefined,
    };
    this.running.set(task.taskToken, entry);
    this.options.clock?.activityRunning?.(1);
    // the activity type's pipeline: it decodes the input and encodes the result, details and heartbeats
    const payloads = this.payloads.forType(impl.definition);
    const what = `activity ${task.activityType.name} (${task.activityId})`;
    const hangAfter = this.options.hangAfterMs;
    if (hangAfter !== undefined)
      entry.hangTimer = setTimeout(() => {
        this.close(task.taskToken, `${what} was given up on: it ran longer than ${hangAfter} ms of wall time`);
        this.options.onHung?.(task, hangAfter);
      }, hangAfter);
    const context: ActivityContext = {
      activityId: task.activityId,
      activityType: task.activityType,
      workflowExecution: task.workflowExecution,
      attempt,
      log: activityLogger(
        { ...task.workflowExecution, activityId: task.activityId, activityType: task.activityType, attempt },
        this.logging.sink,
        this.logging.now,
      ),
      signal: entry.controller.signal,
      taskToken: task.taskToken,
      heartbeat: async (details?: unknown) => {
        if (entry.closed) return true;
        // SWF's LimitedData: 2,048 characters; larger details go out of band (never truncated)
        const { data, upload } = payloads.encode(details, `${what} heartbeat details`, PAYLOAD_LIMITS.heartbeat);
        if (upload) await payloads.upload([upload]);
        if (entry.closed) return true;
        const { cancelRequested } = this.service.recordActivityTaskHeartbeat(task.taskToken, data);
        if (cancelRequested) this.requestCancel(task.taskToken);
        return cancelRequested || entry.closed;
      },
    };
    const field = activityTaskInput(task.input).input; // the input without the attempt number it may carry
    const input = { eventId: task.startedEventId, activityTaskStartedEventAttributes: { input: field } };
    Promise.resolve()
      .then(async () => {
        // the input's out-of-band object is read before the function runs; one that cannot be read fails the task
        const lease = await payloads.fetch([input]);
        try {
          return payloads.decode(field, `${what} input`);
        } finally {
          lease.release();
        }
      })
      .then((decoded) => impl.run(decoded, context))
      .then(
        (value) => this.finish(entry, payloads, { ok: true, value }),
        (error: unknown) => this.finish(entry, payloads, { ok: false, error }),
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
   * The service closed the task (timed out, execution closed): abort it and forget its outcome. A function that
   * keeps running still holds its slot (the concurrency limit counts what really runs) until it settles.
   */
  close(taskToken: string, reason: string): void {
    const entry = this.running.get(taskToken);
    if (!entry || entry.closed) return;
    entry.closed = true;
    this.abandoned++;
    clearTimeout(entry.hangTimer);
    // the runner no longer waits for it: its time is idle time again
    this.stopTiming(entry);
    entry.controller.abort(new Error(reason));
    entry.done?.();
  }

  /** The clock stops counting the task's code as running: once, whether it returned or the service closed it. */
  private stopTiming(entry: Running): void {
    if (!entry.timed) return;
    entry.timed = false;
    this.options.clock?.activityRunning?.(-1);
  }

  /** Aborts every running task (runner shutdown). */
  closeAll(reason: string): void {
    for (const token of [...this.running.keys()]) this.close(token, reason);
  }

  /** The function ended (returned or threw): report its outcome, unless the task was closed meanwhile. */
  private async finish(
    entry: Running,
    payloads: Payloads,
    outcome: { ok: true; value: unknown } | { ok: false; error: unknown },
  ): Promise<void> {
    if (entry.closed) {
      this.running.delete(entry.task.taskToken);
      // an abandoned function finally ended: its slot is free again, its outcome is not reported
      this.abandoned--;
      this.options.onSlotFree?.();
      return;
    }
    clearTimeout(entry.hangTimer);
    // stop the clock's real time before the outcome is recorded: the event's time is when the function returned
    this.stopTiming(entry);
    const token = entry.task.taskToken;
    const what = `activity ${entry.task.activityType.name} (${entry.task.activityId})`;
    // Reports at most once, and only if the service did not close the task while its payloads were being stored.
    // The entry leaves `running` before the report, so what the report triggers (the run closing) finds it gone.
    const report = (send: () => void) => {
      if (entry.closed) return;
      entry.closed = true;
      this.running.delete(token);
      send();
    };
    try {
      if (entry.cancelRequested) {
        // Cancellation was requested: whether the function threw (the usual acknowledgement) or returned, this
        // worker answers RespondActivityTaskCanceled, as SWF expects of a worker that saw cancelRequested.
        const details = outcome.ok
          ? await this.encoded(payloads, () => payloads.encode(outcome.value, `${what} cancellation details`))
          : await this.encoded(payloads, () =>
              payloads.encodeText(
                outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
                `${what} cancellation details`,
              ),
            );
        report(() => this.service.respondActivityTaskCanceled(token, details));
      } else if (outcome.ok) {
        let result: string | undefined;
        try {
          // stored before the response that refers to it
          result = await this.encoded(payloads, () => payloads.encode(outcome.value, `${what} result`));
        } catch (err) {
          const failure = await this.failure(payloads, what, err);
          report(() => this.service.respondActivityTaskFailed(token, failure.reason, failure.details));
          return;
        }
        report(() => this.service.respondActivityTaskCompleted(token, result));
      } else {
        const failure = await this.failure(payloads, what, outcome.error);
        report(() => this.service.respondActivityTaskFailed(token, failure.reason, failure.details));
      }
    } catch (err) {
      // the details could not be encoded or stored: report that instead (small, inline)
      const { reason, details } = encodeRemoteError(err, { stack: this.options.failureStacks !== false });
      report(() =>
        this.service.respondActivityTaskFailed(
          token,
          reason.slice(0, SWF_LIMITS.reasonChars),
          details.slice(0, SWF_LIMITS.dataChars),
        ),
      );
    } finally {
      if (this.running.get(token) === entry) {
        // the service closed it while its payloads were being stored: it was counted as abandoned
        this.running.delete(token);
        this.abandoned--;
      }
      entry.done?.();
      this.options.onSlotFree?.();
    }
  }

  /** Runs `encode` and stores its object, if any, before returning the field's text. */
  private async encoded(payloads: Payloads, encode: () => EncodedPayload): Promise<string | undefined> {
    const { data, upload } = encode();
    if (upload) await payloads.upload([upload]);
    return data;
  }

  /** A failure's reason (≤ 256 characters) and its whole details through the payload pipeline. */
  private async failure(
    payloads: Payloads,
    what: string,
    error: unknown,
  ): Promise<{ reason: string; details: string | undefined }> {
    const { reason, details } = encodeRemoteError(error, { stack: this.options.failureStacks !== false });
    let data: string | undefined;
    try {
      data = await this.encoded(payloads, () => payloads.encodeText(details, `${what} failure details`));
    } catch {
      data = details.slice(0, SWF_LIMITS.dataChars); // no store: as before, the details are cut to fit
    }
    return { reason: reason.slice(0, SWF_LIMITS.reasonChars), details: data };
  }
}
