/**
 * The activity worker: long-polls PollForActivityTask on one or more task lists, runs the registered
 * implementations with bounded concurrency, and answers RespondActivityTaskCompleted / Failed / Canceled.
 * Implementations get the same `ActivityContext` as in the local runner: heartbeat with details, an AbortSignal
 * (fired when a heartbeat answers `cancelRequested`, when SWF no longer knows the task — it timed out — or when
 * the definition's start-to-close timeout has passed), the attempt number (carried in the task's input, so no
 * history read), the task token and a logger.
 *
 * Invariants: a slot is taken before polling, so the worker never holds a task it cannot start; an outcome is
 * reported once; a completed result is retried on throttling and transient errors until SWF takes it or refuses
 * the token (the task timed out meanwhile: nothing is lost that SWF still wanted). On `stop()`, polling stops,
 * running tasks get until the deadline, and then are aborted and given back (failed with `YF_WORKER_SHUTDOWN`, so
 * the workflow's retry policy runs them elsewhere at once instead of waiting for a timeout).
 */
import {
  GetWorkflowExecutionHistoryCommand,
  PollForActivityTaskCommand,
  type PollForActivityTaskCommandOutput,
  RecordActivityTaskHeartbeatCommand,
  RespondActivityTaskCanceledCommand,
  RespondActivityTaskCompletedCommand,
  RespondActivityTaskFailedCommand,
  type SWFClient,
} from "@aws-sdk/client-swf";
import {
  type ActivityContext,
  type ActivityLogger,
  type AnyActivity,
  activityAttempt,
  activityTaskInput,
  describeError,
  encodeRemoteError,
  PAYLOAD_LIMITS,
  type PayloadOptions,
  type Payloads,
  SWF_LIMITS,
} from "@yieldflow/core";
import { SwfAdapterError } from "../errors.js";
import { consoleLogger, type Logger } from "../logger.js";
import { WorkerMetrics } from "../metrics.js";
import { type BackoffOptions, backoffDelay, classifyError, delay, withRetries } from "./backoff.js";
import { type PayloadEdge, payloadEdge } from "./payload-edge.js";
import { defaultIdentity, typeKey, type Worker } from "./worker.js";

/** Options of {@link ActivityWorker}. */
export interface ActivityWorkerOptions {
  client: SWFClient;
  domain: string;
  /** The implementations this worker runs. */
  activities: readonly AnyActivity[];
  /** Task lists to poll. Default: the task lists of the activities' definitions (`"default"` when none has one). */
  taskLists?: readonly string[];
  /** Activities running at once. Default 10. */
  maxConcurrent?: number;
  /**
   * The attempt number comes with the task: from attempt 2 on, the decider writes it into the task's input (see
   * core's `withActivityAttempt`). An input too large to carry it cannot tell; for such a task (and only then) the
   * worker reads the attempt from the history: one GetWorkflowExecutionHistory call, newest page first. Default
   * true; false gives such a task attempt 1 and saves the call. `"always"` reads the history for every task whose
   * input carries no attempt: for a rollout while deciders older than this still schedule retries (they record the
   * attempt in `control` only).
   */
  resolveAttempt?: boolean | "always";
  /** The payload pipeline (serializer, codecs, store), as for the local runner. Default: JSON, inline. */
  payloads?: Payloads | PayloadOptions;
  /** The payload edge itself (a wrapper around `payloadEdge(payloads)`). */
  payload?: PayloadEdge;
  identity?: string;
  logger?: Logger;
  metrics?: WorkerMetrics;
  backoff?: BackoffOptions;
}

/** Why a running task's AbortSignal fired. */
class TaskAborted extends Error {
  constructor(
    readonly why: "cancelRequested" | "unknownTask" | "startToClose" | "shutdown",
    message: string,
  ) {
    super(message);
    this.name = "TaskAborted";
  }
}

/**
 * Runs activity tasks.
 *
 * @example
 * const worker = new ActivityWorker({ client: createSwfClient(), domain: "shop", activities, maxConcurrent: 20 });
 * worker.start();
 */
export class ActivityWorker implements Worker {
  readonly taskLists: readonly string[];
  readonly metrics: WorkerMetrics;
  private readonly implementations = new Map<string, AnyActivity>();
  private readonly logger: Logger;
  private readonly payload: PayloadEdge;
  private readonly identity: string;
  private readonly maxConcurrent: number;
  private readonly pollAbort = new AbortController();
  private readonly running = new Map<
    string,
    { controller: AbortController; done: Promise<void>; givenBack: boolean; settled: boolean }
  >();
  private slotWaiters: ((granted: boolean) => void)[] = [];
  private loops: Promise<void>[] = [];
  private stopping = false;

  constructor(private readonly options: ActivityWorkerOptions) {
    if (!options.domain) throw new SwfAdapterError("YF_SWF_OPTIONS", "ActivityWorker: `domain` is required");
    for (const a of options.activities ?? []) {
      if (a?.definition?.kind !== "activity" || typeof a.run !== "function")
        throw new SwfAdapterError("YF_SWF_OPTIONS", "ActivityWorker: `activities` must be implement(...) results");
      this.implementations.set(typeKey(a.definition), a);
    }
    if (this.implementations.size === 0)
      throw new SwfAdapterError("YF_SWF_OPTIONS", "ActivityWorker: `activities` must name at least one implementation");
    this.taskLists = options.taskLists?.length
      ? [...new Set(options.taskLists)]
      : [...new Set(options.activities.map((a) => a.definition.taskList ?? "default"))];
    this.maxConcurrent = Math.max(1, options.maxConcurrent ?? 10);
    this.metrics = options.metrics ?? new WorkerMetrics();
    this.identity = options.identity ?? defaultIdentity("activities");
    this.logger = (options.logger ?? consoleLogger()).child({ worker: "activities", domain: options.domain });
    this.payload = options.payload ?? payloadEdge(options.payloads);
  }

  /** Starts polling every task list. */
  start(): void {
    if (this.loops.length > 0) return;
    if (this.maxConcurrent < this.taskLists.length)
      this.logger.warn(
        { taskLists: this.taskLists.length, maxConcurrent: this.maxConcurrent },
        "fewer slots than task lists: a poll holds a slot while it waits, so task lists take turns (raise maxConcurrent)",
      );
    this.logger.info(
      { taskLists: this.taskLists, maxConcurrent: this.maxConcurrent, activities: [...this.implementations.keys()] },
      "activity worker started",
    );
    for (const taskList of this.taskLists) this.loops.push(this.pollLoop(taskList));
  }

  /**
   * Stops polling, lets running activities finish until `deadlineMs` (default 30 s), then aborts them and gives
   * back the ones that still have not finished (RespondActivityTaskFailed `YF_WORKER_SHUTDOWN`).
   */
  async stop(deadlineMs = 30_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.pollAbort.abort();
    for (const wake of this.slotWaiters.splice(0)) wake(false);
    const all = () => Promise.all([...this.loops, ...[...this.running.values()].map((r) => r.done)]);
    const finished = await Promise.race([
      all().then(() => true),
      delay(deadlineMs, undefined, { unref: true }).then(() => false),
    ]);
    if (!finished) {
      for (const r of this.running.values())
        r.controller.abort(new TaskAborted("shutdown", "the activity worker is shutting down"));
      // the functions were told; one that ends within a short grace period reports its own outcome
      await Promise.race([all(), delay(Math.min(5_000, deadlineMs), undefined, { unref: true })]);
      // the others are given back, so the workflow's retry policy runs them elsewhere now rather than after a timeout
      await Promise.all(
        [...this.running.entries()]
          .filter(([, r]) => !r.settled && !r.givenBack)
          .map(([token, r]) => {
            r.givenBack = true;
            return this.giveBack(token, this.logger);
          }),
      );
    }
    this.logger.info({ abandoned: this.running.size }, "activity worker stopped");
  }

  /** Slots held: by running tasks and by polls in flight (a poll holds the slot its task will run in). */
  private used = 0;

  /** Takes a slot, first come first served (a loop that just gave one back queues behind the waiting ones). */
  private async takeSlot(): Promise<boolean> {
    if (this.stopping) return false;
    if (this.used < this.maxConcurrent && this.slotWaiters.length === 0) {
      this.used++;
      return true;
    }
    return new Promise<boolean>((resolve) => this.slotWaiters.push(resolve));
  }

  /** Gives a slot back, handing it to the first waiter, if any. */
  private releaseSlot(): void {
    const next = this.slotWaiters.shift();
    if (next && !this.stopping) next(true);
    else this.used--;
  }

  private async pollLoop(taskList: string): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      if (!(await this.takeSlot())) return;
      let task: PollForActivityTaskCommandOutput;
      try {
        task = await this.options.client.send(
          new PollForActivityTaskCommand({
            domain: this.options.domain,
            taskList: { name: taskList },
            identity: this.identity,
          }),
          { abortSignal: this.pollAbort.signal },
        );
        failures = 0;
      } catch (err) {
        this.releaseSlot();
        if (this.stopping) return;
        failures++;
        this.metrics.counters.polls.errors++;
        const kind = classifyError(err);
        if (kind === "throttled" || kind === "transient") this.metrics.counters.retries[kind]++;
        const waitMs = backoffDelay(failures, { maxMs: 30_000, ...this.options.backoff });
        this.logger.warn({ taskList, error: describeError(err), kind, waitMs }, "PollForActivityTask failed; retrying");
        await delay(waitMs, this.pollAbort.signal);
        continue;
      }
      this.metrics.counters.polls.activity++;
      if (!task.taskToken) {
        this.metrics.counters.polls.empty++;
        this.releaseSlot();
        continue;
      }
      const controller = new AbortController();
      const token = task.taskToken;
      const done = this.runTask(task, token, controller).finally(() => {
        this.running.delete(token);
        this.metrics.counters.inFlight.activityTasks--;
        this.releaseSlot();
      });
      this.running.set(token, { controller, done, givenBack: false, settled: false });
      this.metrics.counters.inFlight.activityTasks++;
    }
  }

  private async runTask(
    task: PollForActivityTaskCommandOutput,
    token: string,
    controller: AbortController,
  ): Promise<void> {
    const c = this.metrics.counters.activityTasks;
    const exec = { workflowId: task.workflowExecution?.workflowId ?? "", runId: task.workflowExecution?.runId ?? "" };
    const type = { name: task.activityType?.name ?? "", version: task.activityType?.version ?? "" };
    const activityId = task.activityId ?? "";
    const log = this.logger.child({ ...exec, activityId, activityType: typeKey(type) });
    const what = `activity ${type.name} (${activityId})`;
    const impl = this.implementations.get(typeKey(type));
    if (!impl) {
      log.error({ known: [...this.implementations.keys()] }, "activity task of a type this worker does not implement");
      await this.report(log, "failed", () =>
        this.send(
          new RespondActivityTaskFailedCommand({
            taskToken: token,
            reason: "YF_UNKNOWN_ACTIVITY_TYPE",
            details: `no implementation of ${typeKey(type)} in worker ${this.identity}`.slice(0, SWF_LIMITS.dataChars),
          }),
        ),
      );
      c.failed++;
      return;
    }
    const attempt = await this.attemptOf(task, log);
    let cancelRequested = false;
    const startToClose = impl.definition.timeouts.startToClose;
    const timer =
      startToClose === undefined
        ? undefined
        : setTimeout(
            () => controller.abort(new TaskAborted("startToClose", `start-to-close timeout (${startToClose}s) passed`)),
            startToClose * 1000,
          );
    const context: ActivityContext = {
      activityId,
      activityType: type,
      workflowExecution: exec,
      signal: controller.signal,
      attempt,
      taskToken: token,
      log: activityLog(log.child({ attempt })),
      heartbeat: async (details?: unknown) => {
        if (controller.signal.aborted) return cancelRequested;
        // SWF's LimitedData: 2,048 characters; larger details go out of band (never truncated)
        const data = await this.payload.encodeForActivity(impl.definition, (p) =>
          p.encode(details, `${what} heartbeat details`, PAYLOAD_LIMITS.heartbeat),
        );
        try {
          const out = await withRetries(
            () =>
              this.options.client.send(
                new RecordActivityTaskHeartbeatCommand({
                  taskToken: token,
                  ...(data !== undefined && { details: data }),
                }),
              ),
            { ...this.options.backoff, maxAttempts: 5 },
          );
          if (out.cancelRequested) {
            cancelRequested = true;
            controller.abort(new TaskAborted("cancelRequested", `activity ${activityId} was asked to cancel`));
          }
        } catch (err) {
          if ((err as { name?: unknown })?.name === "UnknownResourceFault") {
            controller.abort(
              new TaskAborted("unknownTask", "SWF no longer knows this task (it timed out or the run closed)"),
            );
          } else log.warn({ error: describeError(err) }, "heartbeat failed");
        }
        return cancelRequested;
      },
    };
    let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
    try {
      const input = await this.payload.decodeActivityInput(
        impl.definition,
        { input: task.input, startedEventId: task.startedEventId ?? 0 },
        `${what} input`,
      );
      outcome = { ok: true, value: await impl.run(input, context) };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      if (timer) clearTimeout(timer);
    }
    const entry = this.running.get(token);
    if (entry) entry.settled = true;
    if (entry?.givenBack) {
      log.info({}, "activity ended after it was given back at shutdown; its outcome is not reported");
      return;
    }
    const reason = controller.signal.reason;
    const why = reason instanceof TaskAborted ? reason.why : undefined;
    if (why === "unknownTask" || why === "startToClose") {
      // SWF has closed (or is closing) the task: any answer would be refused
      c.lost++;
      log.warn({ why }, "activity outcome not reported: the task is no longer open on SWF");
      return;
    }
    if (cancelRequested) {
      let details: string | undefined;
      try {
        details = outcome.ok
          ? await this.payload.encodeForActivity(impl.definition, (p) =>
              p.encode(outcome.value, `${what} cancellation details`),
            )
          : describeError(outcome.error);
      } catch (err) {
        details = describeError(err);
      }
      await this.report(log, "canceled", () =>
        this.send(
          new RespondActivityTaskCanceledCommand({
            taskToken: token,
            ...(details !== undefined && { details: details.slice(0, SWF_LIMITS.dataChars) }),
          }),
        ),
      );
      c.canceled++;
      return;
    }
    if (why === "shutdown" && !outcome.ok) {
      await this.giveBack(token, log);
      return;
    }
    if (outcome.ok) {
      let result: string | undefined;
      try {
        // stored before the response that refers to it; too large without a store: YF_PAYLOAD_TOO_LARGE
        result = await this.payload.encodeForActivity(impl.definition, (p) =>
          p.encode(outcome.value, `${what} result`),
        );
      } catch (error) {
        await this.fail(token, error, log);
        c.failed++;
        return;
      }
      await this.report(log, "completed", () =>
        this.send(
          new RespondActivityTaskCompletedCommand({ taskToken: token, ...(result !== undefined && { result }) }),
        ),
      );
      c.completed++;
      return;
    }
    await this.fail(token, outcome.error, log);
    c.failed++;
  }

  /** Fails the task with `YF_WORKER_SHUTDOWN`: SWF records it at once, and the retry policy decides what next. */
  private async giveBack(token: string, log: Logger): Promise<void> {
    await this.report(log, "given back", () =>
      this.send(
        new RespondActivityTaskFailedCommand({
          taskToken: token,
          reason: "YF_WORKER_SHUTDOWN",
          details: JSON.stringify({ name: "YF_WORKER_SHUTDOWN", message: `worker ${this.identity} shut down` }),
        }),
      ),
    );
    this.metrics.counters.activityTasks.givenBack++;
  }

  private async fail(token: string, error: unknown, log: Logger): Promise<void> {
    const { reason, details } = encodeRemoteError(error);
    log.info({ error: describeError(error) }, "activity failed");
    await this.report(log, "failed", () =>
      this.send(
        new RespondActivityTaskFailedCommand({
          taskToken: token,
          reason: reason.slice(0, SWF_LIMITS.reasonChars),
          details: fitDetails(details),
        }),
      ),
    );
  }

  /** Sends an outcome, retrying throttling and transient errors (a completed result is never dropped on those). */
  private async report(log: Logger, what: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await withRetries(call, {
        maxAttempts: 12,
        ...this.options.backoff,
        onRetry: (r) => {
          this.metrics.counters.retries[r.kind]++;
          log.debug({ error: describeError(r.error), waitMs: r.waitMs }, `retrying: activity ${what}`);
        },
      });
      log.debug({}, `activity ${what}`);
    } catch (err) {
      this.metrics.counters.activityTasks.lost++;
      log.warn({ error: describeError(err) }, `activity ${what}, but SWF refused the answer (the task timed out?)`);
    }
  }

  private send<T>(command: { input: unknown }): Promise<T> {
    // biome-ignore lint/suspicious/noExplicitAny: one helper for the several command types
    return this.options.client.send(command as any) as Promise<T>;
  }

  /** The attempt number: the one the task's input carries, else (see `resolveAttempt`) the history's. */
  private async attemptOf(task: PollForActivityTaskCommandOutput, log: Logger): Promise<number> {
    const read = activityTaskInput(task.input);
    const carried = read.input !== task.input; // the input carries one (a plain input reads as 1 without carrying it)
    const resolve = this.options.resolveAttempt ?? true;
    if (carried || (read.attempt !== undefined && resolve !== "always")) return read.attempt ?? 1;
    return resolve === false ? 1 : this.attemptFromHistory(task, log);
  }

  /**
   * The attempt number of a task whose input cannot tell (too large to carry it), from the ActivityTaskScheduled
   * event's `control` (newest history pages first).
   */
  private async attemptFromHistory(task: PollForActivityTaskCommandOutput, log: Logger): Promise<number> {
    const exec = task.workflowExecution;
    const started = task.startedEventId;
    if (!exec?.workflowId || !exec.runId || typeof started !== "number") return 1;
    this.metrics.counters.activityTasks.attemptLookups++;
    try {
      let scheduled: number | undefined;
      let token: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await withRetries(
          () =>
            this.options.client.send(
              new GetWorkflowExecutionHistoryCommand({
                domain: this.options.domain,
                execution: { workflowId: exec.workflowId, runId: exec.runId },
                reverseOrder: true,
                maximumPageSize: 100,
                ...(token !== undefined && { nextPageToken: token }),
              }),
            ),
          { ...this.options.backoff, maxAttempts: 5 },
        );
        for (const e of page.events ?? []) {
          if (e.eventId === started) scheduled = e.activityTaskStartedEventAttributes?.scheduledEventId;
          if (scheduled !== undefined && e.eventId === scheduled)
            return activityAttempt(e.activityTaskScheduledEventAttributes?.control);
        }
        token = page.nextPageToken || undefined;
        if (!token) break;
      }
    } catch (err) {
      log.warn({ error: describeError(err) }, "could not read the attempt number from the history; using 1");
    }
    return 1;
  }
}

/** Failure details within SWF's 32,768 characters, still JSON (the stack is cut first). */
function fitDetails(details: string): string {
  if (details.length <= SWF_LIMITS.dataChars) return details;
  try {
    const body = JSON.parse(details) as { stack?: string; message?: string };
    delete body.stack;
    const again = JSON.stringify(body);
    if (again.length <= SWF_LIMITS.dataChars) return again;
    return JSON.stringify({ ...body, message: String(body.message).slice(0, 16_000), details: "(cut)" }).slice(
      0,
      SWF_LIMITS.dataChars,
    );
  } catch {
    return details.slice(0, SWF_LIMITS.dataChars);
  }
}

/** The activity's `ctx.log` over the worker's (pino-style) logger: a record of data is logged as its fields. */
function activityLog(log: Logger): ActivityLogger {
  const fields = (data: unknown): Record<string, unknown> =>
    data === undefined
      ? {}
      : typeof data === "object" && data !== null && !Array.isArray(data)
        ? { ...data }
        : { data };
  return {
    debug: (message, data) => log.debug(fields(data), message),
    info: (message, data) => log.info(fields(data), message),
    warn: (message, data) => log.warn(fields(data), message),
    error: (message, data) => log.error(fields(data), message),
  };
}
