/**
 * The decider worker: long-polls PollForDecisionTask, pages the task's history, runs core's `Replayer` and answers
 * RespondDecisionTaskCompleted. It keeps one replayer per run in an LRU cache, so a warm decision task fetches and
 * folds only the events after the cached ones; a cold one (or any doubt about the cache) replays the whole
 * history. Full and incremental replay agree by construction (core's property tests check it).
 *
 * Invariants:
 * - a decision task is answered within its start-to-close timeout or not at all (a late answer would be refused;
 *   SWF times the task out and schedules a new one, and the run's cache entry is dropped);
 * - an error of the workflow code or a non-determinism is logged with the run id and is not answered (SWF times
 *   the task out and retries it, so a deployed fix lets the run continue), unless `onWorkflowError: "failWorkflow"`;
 * - the cache entry of a run is only kept after SWF accepted the decisions it made.
 */
import {
  PollForDecisionTaskCommand,
  type PollForDecisionTaskCommandOutput,
  RespondDecisionTaskCompletedCommand,
  type SWFClient,
} from "@aws-sdk/client-swf";
import {
  type AnyWorkflow,
  type DecideResult,
  type Decision,
  describeError,
  encodeRemoteError,
  type HistoryEvent,
  makeDecision,
  type PayloadOptions,
  type Payloads,
  Replayer,
  SWF_LIMITS,
} from "@yieldflow/core";
import { MalformedTaskError, SwfAdapterError } from "../errors.js";
import { consoleLogger, type Logger } from "../logger.js";
import { WorkerMetrics } from "../metrics.js";
import { toSdkDecisions } from "../sdk-types.js";
import { type BackoffOptions, backoffDelay, classifyError, delay, withRetries } from "./backoff.js";
import { collectNewestFirst, type HistoryPage } from "./history-pages.js";
import { type PayloadEdge, payloadEdge } from "./payload-edge.js";
import { ReplayerCache } from "./replayer-cache.js";
import { defaultIdentity, typeKey, type Worker } from "./worker.js";

/** Options of {@link DeciderWorker}. */
export interface DeciderWorkerOptions {
  /** The SWF client (see `createSwfClient`). */
  client: SWFClient;
  domain: string;
  /** The decision task list to poll. Default: the first workflow's, else `"default"`. */
  taskList?: string;
  /** The workflow types (and versions) this worker decides. */
  workflows: readonly AnyWorkflow[];
  /** Concurrent long polls (and decision tasks in progress). Default 2. */
  pollers?: number;
  /** Runs whose replayer is kept between decision tasks. 0 disables the cache. Default 1,000. */
  cacheSize?: number;
  /** `maximumPageSize` of history pages (1–1,000). Default 1,000. */
  pageSize?: number;
  /** What to do when workflow code throws a bug or replay diverges. Default `"failTask"` (SWF retries the task). */
  onWorkflowError?: "failTask" | "failWorkflow";
  /** Decisions per response before the rest are deferred. Default core's (100). */
  maxDecisionsPerResponse?: number;
  /** The payload pipeline (serializer, codecs, store), as for the local runner. Default: JSON, inline. */
  payloads?: Payloads | PayloadOptions;
  /** The payload edge itself (a wrapper around `payloadEdge(payloads)`, e.g. to observe it). */
  payload?: PayloadEdge;
  /** Default: `yieldflow-decider@<host>:<pid>`. */
  identity?: string;
  logger?: Logger;
  metrics?: WorkerMetrics;
  backoff?: BackoffOptions;
  /** Answer this long before the task's start-to-close timeout at the latest, ms. Default 10% of it, ≤ 5 s. */
  safetyMarginMs?: number;
}

/** How long a decision task may take before it is late (taskStartToCloseTimeout of the run), ms or undefined. */
function taskTimeoutMs(started: HistoryEvent | undefined): number | undefined {
  const t = started?.workflowExecutionStartedEventAttributes?.taskStartToCloseTimeout;
  if (t === undefined || t === "NONE") return undefined;
  const s = Number(t);
  return Number.isFinite(s) && s > 0 ? s * 1000 : undefined;
}

interface Task {
  token: string;
  workflowId: string;
  runId: string;
  workflow: AnyWorkflow;
  startedEventId: number;
  receivedAt: number;
  first: PollForDecisionTaskCommandOutput;
}

/**
 * Decides the decision tasks of a task list.
 *
 * @example
 * const decider = new DeciderWorker({ client: createSwfClient(), domain: "shop", workflows: [order] });
 * decider.start();
 * process.on("SIGTERM", () => decider.stop());
 */
export class DeciderWorker implements Worker {
  readonly taskList: string;
  readonly metrics: WorkerMetrics;
  readonly cache: ReplayerCache;
  private readonly workflows = new Map<string, AnyWorkflow>();
  private readonly logger: Logger;
  private readonly payload: PayloadEdge;
  private readonly identity: string;
  private readonly pageSize: number;
  private readonly pollAbort = new AbortController();
  private loops: Promise<void>[] = [];
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Runs being decided now: a second task of the same run waits, then finds the cache up to date. */
  private readonly busy = new Map<string, Promise<void>>();

  constructor(private readonly options: DeciderWorkerOptions) {
    if (!options.domain) throw new SwfAdapterError("YF_SWF_OPTIONS", "DeciderWorker: `domain` is required");
    if (!options.workflows?.length)
      throw new SwfAdapterError("YF_SWF_OPTIONS", "DeciderWorker: `workflows` must name at least one workflow");
    for (const w of options.workflows) {
      if (w?.kind !== "workflow")
        throw new SwfAdapterError("YF_SWF_OPTIONS", "DeciderWorker: `workflows` must be defineWorkflow(...) results");
      this.workflows.set(typeKey(w), w);
    }
    this.taskList = options.taskList ?? options.workflows[0]?.taskList ?? "default";
    this.cache = new ReplayerCache(options.cacheSize ?? 1000);
    this.metrics = options.metrics ?? new WorkerMetrics();
    this.identity = options.identity ?? defaultIdentity("decider");
    this.logger = (options.logger ?? consoleLogger()).child({
      worker: "decider",
      domain: options.domain,
      taskList: this.taskList,
    });
    this.payload = options.payload ?? payloadEdge(options.payloads);
    this.pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 1000));
  }

  /** Starts polling. Returns at once; `stop()` ends it. */
  start(): void {
    if (this.loops.length > 0) return;
    const pollers = Math.max(1, this.options.pollers ?? 2);
    this.logger.info({ pollers, workflows: [...this.workflows.keys()] }, "decider started");
    for (let i = 0; i < pollers; i++) this.loops.push(this.pollLoop());
  }

  /**
   * Stops polling (polls in flight are abandoned: a task SWF handed to one times out and is scheduled again) and
   * waits for the decision tasks in progress to be answered, at most `deadlineMs` (default 10 s).
   */
  async stop(deadlineMs = 10_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.pollAbort.abort();
    const timeout = delay(deadlineMs, undefined, { unref: true });
    await Promise.race([Promise.all([...this.loops, ...this.inFlight]), timeout]);
    this.logger.info({ abandoned: this.inFlight.size }, "decider stopped");
  }

  private async pollLoop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let first: PollForDecisionTaskCommandOutput;
      try {
        first = await this.poll(undefined);
        failures = 0;
      } catch (err) {
        if (this.stopping) return;
        failures++;
        this.metrics.counters.polls.errors++;
        const kind = classifyError(err);
        if (kind === "throttled") this.metrics.counters.retries.throttled++;
        else if (kind === "transient") this.metrics.counters.retries.transient++;
        const waitMs = backoffDelay(failures, { maxMs: 30_000, ...this.options.backoff });
        this.logger.warn({ error: describeError(err), kind, waitMs }, "PollForDecisionTask failed; retrying");
        await delay(waitMs, this.pollAbort.signal);
        continue;
      }
      this.metrics.counters.polls.decision++;
      if (!first.taskToken) {
        this.metrics.counters.polls.empty++;
        continue;
      }
      const work = this.handle(first, Date.now()).catch((err) => {
        this.logger.error({ error: describeError(err) }, "decider internal error");
      });
      this.inFlight.add(work);
      this.metrics.counters.inFlight.decisionTasks++;
      await work;
      this.metrics.counters.inFlight.decisionTasks--;
      this.inFlight.delete(work);
    }
  }

  private poll(nextPageToken: string | undefined, signal?: AbortSignal): Promise<PollForDecisionTaskCommandOutput> {
    return this.options.client.send(
      new PollForDecisionTaskCommand({
        domain: this.options.domain,
        taskList: { name: this.taskList },
        identity: this.identity,
        maximumPageSize: this.pageSize,
        reverseOrder: true,
        ...(nextPageToken !== undefined && { nextPageToken }),
      }),
      { abortSignal: nextPageToken === undefined ? this.pollAbort.signal : signal },
    );
  }

  /** Fetches one more page of a decision task's history (PollForDecisionTask with the page token). */
  private async page(token: string, deadline: number | undefined): Promise<HistoryPage> {
    const page = await withRetries(() => this.poll(token, AbortSignal.timeout(30_000)), {
      ...this.options.backoff,
      ...(deadline !== undefined && { deadline }),
      onRetry: (r) => this.countRetry(r.kind),
    });
    this.metrics.counters.historyPages++;
    return page;
  }

  private countRetry(kind: "throttled" | "transient"): void {
    this.metrics.counters.retries[kind]++;
  }

  private async handle(first: PollForDecisionTaskCommandOutput, receivedAt: number): Promise<void> {
    const exec = first.workflowExecution;
    const log = this.logger.child({ workflowId: exec?.workflowId, runId: exec?.runId });
    if (!first.taskToken || !exec?.workflowId || !exec.runId || typeof first.startedEventId !== "number") {
      log.error({ error: "the task has no token, execution or startedEventId" }, "malformed decision task ignored");
      this.metrics.counters.decisionTasks.failed++;
      return;
    }
    const workflow = this.workflows.get(typeKey(first.workflowType ?? {}));
    if (!workflow) {
      // another worker of this task list may know the type: leave the task to time out and be retried
      log.error(
        { workflowType: typeKey(first.workflowType ?? {}), known: [...this.workflows.keys()] },
        "decision task for a workflow type this decider does not have; register it with this worker",
      );
      this.metrics.counters.decisionTasks.failed++;
      return;
    }
    // one task per run at a time in this worker: the cached replayer is mutable state
    for (let other = this.busy.get(exec.runId); other; other = this.busy.get(exec.runId)) await other;
    let release = () => {};
    this.busy.set(exec.runId, new Promise<void>((r) => (release = r)));
    try {
      await this.handleTask(first, exec.workflowId, exec.runId, workflow, receivedAt, log);
    } finally {
      this.busy.delete(exec.runId);
      release();
    }
  }

  private async handleTask(
    first: PollForDecisionTaskCommandOutput,
    workflowId: string,
    runId: string,
    workflow: AnyWorkflow,
    receivedAt: number,
    log: Logger,
  ): Promise<void> {
    const task: Task = {
      token: first.taskToken as string,
      workflowId,
      runId,
      workflow,
      startedEventId: first.startedEventId as number,
      receivedAt,
      first,
    };
    let outcome: { result: DecideResult; replayer: Replayer; timeoutMs: number | undefined };
    try {
      outcome = await this.decide(task);
    } catch (err) {
      this.cache.delete(task.runId);
      await this.workflowError(task, err, log);
      return;
    }
    const { result, replayer, timeoutMs } = outcome;
    const deadline = timeoutMs === undefined ? undefined : receivedAt + timeoutMs;
    for (const entry of result.logs) log[entry.level]({ data: entry.data, source: "workflow" }, entry.message);
    for (const warning of result.warnings) log.warn({}, warning);
    const answered = await this.respond(task, result.decisions, result.uploads, deadline, log);
    if (answered && result.status.status === "running") {
      this.cache.set(task.runId, {
        replayer,
        lastEventId: replayer.history.lastEventId,
        decidedStartedEventId: task.startedEventId,
        taskTimeoutMs: timeoutMs,
      });
    } else {
      this.cache.delete(task.runId);
    }
    this.metrics.counters.cache.evictions = this.cache.evictions;
  }

  /** Pages the history (as little as the cache allows) and runs the replayer. */
  private async decide(
    task: Task,
  ): Promise<{ result: DecideResult; replayer: Replayer; timeoutMs: number | undefined }> {
    const cached = this.cache.get(task.runId);
    const warmDeadline =
      cached?.taskTimeoutMs === undefined
        ? undefined
        : task.receivedAt + cached.taskTimeoutMs - this.margin(cached.taskTimeoutMs);
    const collected = await collectNewestFirst(
      task.first,
      (token) => this.page(token, warmDeadline),
      cached?.lastEventId ?? 0,
    );
    if (cached) {
      this.metrics.counters.cache.hits++;
      try {
        const lease = await this.payload.beforeDecide(collected.events);
        try {
          const result = cached.replayer.advance(collected.events);
          this.checkAnswersTask(result, task);
          return { result, replayer: cached.replayer, timeoutMs: cached.taskTimeoutMs };
        } finally {
          lease.release();
        }
      } catch (err) {
        // any doubt about the cached state: replay the whole history with a fresh replayer
        this.logger.debug(
          { runId: task.runId, error: describeError(err) },
          "warm replay failed; replaying the full history",
        );
        this.cache.delete(task.runId);
        const older = collected.nextPageToken
          ? await collectNewestFirst({ nextPageToken: collected.nextPageToken }, (t) => this.page(t, warmDeadline), 0)
          : { events: [] };
        const all = [...older.events, ...collected.seen];
        if ((all[0]?.eventId ?? 0) !== 1)
          throw new MalformedTaskError(`the history of run ${task.runId} could not be fetched from event 1`);
        return this.cold(task, all);
      }
    }
    this.metrics.counters.cache.misses++;
    return this.cold(task, collected.events);
  }

  private async cold(
    task: Task,
    events: HistoryEvent[],
  ): Promise<{ result: DecideResult; replayer: Replayer; timeoutMs: number | undefined }> {
    const replayer = new Replayer(task.workflow, {
      workflowId: task.workflowId,
      runId: task.runId,
      payloads: this.payload.payloads,
      ...(this.options.maxDecisionsPerResponse !== undefined && {
        maxDecisionsPerResponse: this.options.maxDecisionsPerResponse,
      }),
    });
    const lease = await this.payload.beforeDecide(events);
    try {
      const result = replayer.advance(events);
      this.checkAnswersTask(result, task);
      return { result, replayer, timeoutMs: taskTimeoutMs(events[0]) };
    } finally {
      lease.release();
    }
  }

  /** The replayer decided the task SWF handed out (not an older or newer one). */
  private checkAnswersTask(result: DecideResult, task: Task): void {
    if (result.decisionTaskStartedEventId !== task.startedEventId)
      throw new MalformedTaskError(
        `the history of run ${task.runId} has its open decision task started at event ${result.decisionTaskStartedEventId}, but SWF handed out the one started at event ${task.startedEventId}`,
      );
  }

  private margin(timeoutMs: number): number {
    return this.options.safetyMarginMs ?? Math.min(5_000, timeoutMs * 0.1);
  }

  /** Sends the decisions, unless they would be late. True when SWF accepted them. */
  private async respond(
    task: Task,
    decisions: Decision[],
    uploads: DecideResult["uploads"],
    deadline: number | undefined,
    log: Logger,
  ): Promise<boolean> {
    const c = this.metrics.counters;
    try {
      // nothing goes out that points at an object not yet stored
      await this.payload.beforeRespond(uploads, decisions);
      if (deadline !== undefined && Date.now() >= deadline - this.margin(deadline - task.receivedAt)) {
        c.decisionTasks.late++;
        log.warn(
          { elapsedMs: Date.now() - task.receivedAt, startedEventId: task.startedEventId },
          "decision task not answered: it would arrive after the task's start-to-close timeout; SWF will schedule a new one",
        );
        return false;
      }
      await withRetries(
        () =>
          this.options.client.send(
            new RespondDecisionTaskCompletedCommand({ taskToken: task.token, decisions: toSdkDecisions(decisions) }),
            deadline === undefined ? {} : { abortSignal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) },
          ),
        {
          ...this.options.backoff,
          ...(deadline !== undefined && { deadline }),
          onRetry: (r) => this.countRetry(r.kind),
        },
      );
      c.decisionTasks.completed++;
      this.metrics.decisionLatency(Date.now() - task.receivedAt);
      log.debug({ startedEventId: task.startedEventId, decisions: decisions.length }, "decision task completed");
      return true;
    } catch (err) {
      c.decisionTasks.failed++;
      log.warn(
        { error: describeError(err), startedEventId: task.startedEventId },
        "RespondDecisionTaskCompleted failed; SWF will time the task out and schedule a new one",
      );
      return false;
    }
  }

  /** Workflow code threw a bug, or the replay diverged: fail the task (default) or the workflow. */
  private async workflowError(task: Task, err: unknown, log: Logger): Promise<void> {
    const code = (err as { code?: unknown } | null)?.code;
    log.error(
      {
        workflowType: typeKey(task.workflow),
        code: typeof code === "string" ? code : undefined,
        error: describeError(err),
      },
      this.options.onWorkflowError === "failWorkflow"
        ? "decision task failed; failing the workflow (onWorkflowError: failWorkflow)"
        : "decision task failed; it will time out and be retried (deploy a fix and the run continues)",
    );
    if (this.options.onWorkflowError !== "failWorkflow") {
      this.metrics.counters.decisionTasks.failed++;
      return;
    }
    const { details } = encodeRemoteError(err);
    const reason = typeof code === "string" ? code : err instanceof Error ? err.name : "Error";
    const decision = makeDecision("FailWorkflowExecution", {
      reason: reason.slice(0, SWF_LIMITS.reasonChars),
      details: details.slice(0, SWF_LIMITS.dataChars),
    });
    if (await this.respond(task, [decision], [], undefined, log)) this.metrics.counters.decisionTasks.workflowFailed++;
  }
}
