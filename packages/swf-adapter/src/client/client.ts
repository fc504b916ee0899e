/**
 * The typed SWF client: start a workflow from its definition with typed input, signal, request cancel, terminate,
 * describe, list, fetch a whole history, and await a result (following continue-as-new) with typed output or a
 * `WorkflowExecutionError`. It implements `WorkflowClient`, the interface `LocalRunner` implements too.
 */
import { randomUUID } from "node:crypto";
import {
  DescribeWorkflowExecutionCommand,
  GetWorkflowExecutionHistoryCommand,
  ListClosedWorkflowExecutionsCommand,
  ListOpenWorkflowExecutionsCommand,
  RequestCancelWorkflowExecutionCommand,
  SignalWorkflowExecutionCommand,
  StartWorkflowExecutionCommand,
  type SWFClient,
  TerminateWorkflowExecutionCommand,
  type WorkflowExecutionInfo,
} from "@aws-sdk/client-swf";
import {
  type AnyWorkflow,
  type CloseStatus,
  checkSwfId,
  closeStatusOf,
  compact,
  type Duration,
  type ExecutionDescription,
  type HistoryEvent,
  InvalidArgumentError,
  type PayloadOptions,
  Payloads,
  type RunSelector,
  toSeconds,
  type WorkflowClient,
  type WorkflowDefinition,
  WorkflowExecutionError,
  type WorkflowHandle,
  type WorkflowStartOptions,
} from "@yieldflow/core";
import { createSwfClient, type SwfConnectionOptions } from "../config.js";
import { SwfAdapterError } from "../errors.js";
import { delay, withRetries } from "../worker/backoff.js";
import { collectAll } from "../worker/history-pages.js";

/** Options of {@link SwfClient}. */
export interface SwfClientOptions extends SwfConnectionOptions {
  domain: string;
  /** An SDK client to use instead of one made from the connection options. */
  client?: SWFClient;
  /**
   * The payload pipeline (serializer, codecs, store) that inputs are encoded and results decoded with: the one
   * the workers use. Default: JSON, inline.
   */
  payloads?: Payloads | PayloadOptions;
  /**
   * Workflow definitions whose own `payloads` options (a serializer, codecs or a store of their type) apply to
   * their results, failure details and signals, as in the workers. Those passed to `start` are known anyway; list
   * the others whose results or signals this client handles (the worker module's `workflows`).
   */
  workflows?: readonly AnyWorkflow[];
  /** Longest wait between two checks of a result, ms. Default 2,000. */
  resultPollMaxMs?: number;
}

/** One execution as `list` returns it. */
export interface ExecutionSummary {
  workflowId: string;
  runId: string;
  workflowType: { name: string; version: string };
  status: "OPEN" | CloseStatus;
  startTimestamp: Date | undefined;
  closeTimestamp: Date | undefined;
  tagList: string[];
}

/** What `list` filters on. */
export interface ListOptions {
  /** Open (default) or closed executions. */
  closed?: boolean;
  /** Executions started at or after this time. Default: 30 days ago. */
  startedAfter?: Date;
  workflowId?: string;
  workflowType?: { name: string; version?: string };
  /** At most this many (all pages are fetched up to it). Default 1,000. */
  limit?: number;
}

/** A started SWF execution. */
export class SwfWorkflowHandle<O = unknown> implements WorkflowHandle<O> {
  constructor(
    private readonly client: SwfClient,
    readonly workflowId: string,
    readonly runId: string,
  ) {}
  result(): Promise<O> {
    return this.client.result<O>(this.workflowId, { runId: this.runId });
  }
  signal(name: string, input?: unknown): Promise<void> {
    return this.client.signal(this.workflowId, name, input);
  }
  cancel(): Promise<void> {
    return this.client.cancel(this.workflowId);
  }
  terminate(reason?: string): Promise<void> {
    return this.client.terminate(this.workflowId, reason === undefined ? {} : { reason });
  }
  describe(): Promise<ExecutionDescription> {
    return this.client.describe(this.workflowId, { runId: this.runId });
  }
  history(): Promise<HistoryEvent[]> {
    return this.client.history(this.workflowId, { runId: this.runId });
  }
}

/**
 * The client side of SWF, typed by workflow definitions.
 *
 * @example
 * const client = new SwfClient({ domain: "shop" });            // or { domain, endpoint: "http://127.0.0.1:8080" }
 * const handle = await client.start(order, { id: "o-1", items: ["book"], cents: 4200 });
 * const receipt = await handle.result();                        // typed by `order`
 */
export class SwfClient implements WorkflowClient {
  readonly swf: SWFClient;
  readonly domain: string;
  private readonly payloads: Payloads;
  /** Known workflow definitions by `name\0version`: their payload options apply to their runs. */
  private readonly definitions = new Map<string, AnyWorkflow>();

  constructor(private readonly options: SwfClientOptions) {
    if (!options?.domain) throw new SwfAdapterError("YF_SWF_OPTIONS", "SwfClient: `domain` is required");
    this.swf = options.client ?? createSwfClient(options);
    this.domain = options.domain;
    this.payloads = options.payloads instanceof Payloads ? options.payloads : new Payloads(options.payloads);
    for (const w of options.workflows ?? []) {
      if (w?.kind !== "workflow")
        throw new SwfAdapterError("YF_SWF_OPTIONS", "SwfClient: `workflows` must be defineWorkflow(...) results");
      this.definitions.set(typeKey(w), w);
    }
  }

  /** The payload pipeline of a workflow type: its definition's options over the client's (the default if unknown). */
  private payloadsOf(type: { name: string; version: string }): Payloads {
    const def = this.definitions.get(typeKey(type));
    return def ? this.payloads.forType(def) : this.payloads;
  }

  /** StartWorkflowExecution. The workflow id defaults to `<workflow name>-<uuid>`. */
  async start<I, O>(
    workflow: WorkflowDefinition<I, O>,
    input: I,
    options: WorkflowStartOptions = {},
  ): Promise<SwfWorkflowHandle<O>> {
    if (workflow?.kind !== "workflow")
      throw new InvalidArgumentError("start(workflow, input): workflow must come from defineWorkflow");
    const workflowId = options.workflowId ?? `${workflow.name}-${randomUUID()}`.slice(0, 256);
    checkSwfId(workflowId, "workflowId");
    this.definitions.set(typeKey(workflow), workflow);
    // too large without a store: YF_PAYLOAD_TOO_LARGE; out of band: stored before the start that refers to it
    const payloads = this.payloads.forType(workflow);
    const { data, upload } = payloads.encode(input, `workflow ${workflow.name} input`);
    if (upload) await payloads.upload([upload]);
    const t = options.timeouts ?? {};
    const secs = (d: Duration | undefined, fallback: number | undefined) =>
      d !== undefined ? String(toSeconds(d)) : fallback !== undefined ? String(fallback) : undefined;
    const taskList = options.taskList ?? workflow.taskList;
    const out = await this.call(() =>
      this.swf.send(
        new StartWorkflowExecutionCommand({
          domain: this.domain,
          workflowId,
          workflowType: { name: workflow.name, version: workflow.version },
          ...(taskList !== undefined && { taskList: { name: taskList } }),
          ...(data !== undefined && { input: data }),
          ...compact({
            executionStartToCloseTimeout: secs(t.executionStartToClose, workflow.timeouts.executionStartToClose),
            taskStartToCloseTimeout: secs(t.taskStartToClose, workflow.timeouts.taskStartToClose),
            childPolicy: options.childPolicy ?? workflow.childPolicy,
            tagList: options.tagList,
          }),
        }),
      ),
    );
    if (!out.runId) throw new SwfAdapterError("YF_SWF_BAD_RESPONSE", "StartWorkflowExecution returned no runId");
    this.types.set(out.runId, { name: workflow.name, version: workflow.version });
    return new SwfWorkflowHandle<O>(this, workflowId, out.runId);
  }

  /** A handle on an existing execution. */
  getHandle<O = unknown>(workflowId: string, runId: string): SwfWorkflowHandle<O> {
    return new SwfWorkflowHandle<O>(this, workflowId, runId);
  }

  /**
   * SignalWorkflowExecution. The input is encoded with the pipeline of the run's workflow type when that type has
   * payload options of its own (its type is then looked up, unless this client started the run).
   */
  async signal(workflowId: string, signalName: string, input?: unknown, options: RunSelector = {}): Promise<void> {
    const payloads = await this.signalPayloads(workflowId, options.runId);
    const { data, upload } = payloads.encode(input, `signal ${signalName} input`);
    if (upload) await payloads.upload([upload]);
    await this.call(() =>
      this.swf.send(
        new SignalWorkflowExecutionCommand({
          domain: this.domain,
          workflowId,
          signalName,
          ...(data !== undefined && { input: data }),
          ...(options.runId !== undefined && { runId: options.runId }),
        }),
      ),
    );
  }

  async cancel(workflowId: string, options: RunSelector = {}): Promise<void> {
    await this.call(() =>
      this.swf.send(
        new RequestCancelWorkflowExecutionCommand({
          domain: this.domain,
          workflowId,
          ...(options.runId !== undefined && { runId: options.runId }),
        }),
      ),
    );
  }

  async terminate(
    workflowId: string,
    options: RunSelector & { reason?: string; details?: string } = {},
  ): Promise<void> {
    await this.call(() =>
      this.swf.send(
        new TerminateWorkflowExecutionCommand({
          domain: this.domain,
          workflowId,
          ...compact({ runId: options.runId, reason: options.reason?.slice(0, 256), details: options.details }),
        }),
      ),
    );
  }

  /** DescribeWorkflowExecution (of the latest run of `workflowId` unless `runId` is given). */
  async describe(workflowId: string, options: RunSelector = {}): Promise<ExecutionDescription> {
    const runId = options.runId ?? (await this.latestRunId(workflowId));
    const out = await this.call(() =>
      this.swf.send(new DescribeWorkflowExecutionCommand({ domain: this.domain, execution: { workflowId, runId } })),
    );
    const info = out.executionInfo;
    const counts = out.openCounts;
    return {
      workflowId,
      runId,
      workflowType: { name: info?.workflowType?.name ?? "", version: info?.workflowType?.version ?? "" },
      status: info?.executionStatus === "CLOSED" ? ((info.closeStatus as CloseStatus) ?? "COMPLETED") : "OPEN",
      open: {
        activities: counts?.openActivityTasks ?? 0,
        timers: counts?.openTimers ?? 0,
        children: counts?.openChildWorkflowExecutions ?? 0,
        decisionTask: (counts?.openDecisionTasks ?? 0) > 0,
      },
    };
  }

  /** ListOpenWorkflowExecutions / ListClosedWorkflowExecutions, all pages up to `limit`. */
  async list(options: ListOptions = {}): Promise<ExecutionSummary[]> {
    const limit = options.limit ?? 1000;
    const oldestDate = options.startedAfter ?? new Date(Date.now() - 30 * 86_400_000);
    const filter = {
      domain: this.domain,
      startTimeFilter: { oldestDate },
      ...(options.workflowId !== undefined && { executionFilter: { workflowId: options.workflowId } }),
      ...(options.workflowId === undefined &&
        options.workflowType !== undefined && { typeFilter: options.workflowType }),
    };
    const out: ExecutionSummary[] = [];
    let token: string | undefined;
    do {
      const input = { ...filter, ...(token && { nextPageToken: token }) };
      const page = await this.call(() =>
        options.closed
          ? this.swf.send(new ListClosedWorkflowExecutionsCommand(input))
          : this.swf.send(new ListOpenWorkflowExecutionsCommand(input)),
      );
      for (const info of page.executionInfos ?? []) out.push(summary(info));
      token = page.nextPageToken || undefined;
    } while (token !== undefined && out.length < limit);
    return out.slice(0, limit);
  }

  /** Every event of a run's history, oldest first (the latest run of `workflowId` unless `runId` is given). */
  async history(workflowId: string, options: RunSelector = {}): Promise<HistoryEvent[]> {
    const runId = options.runId ?? (await this.latestRunId(workflowId));
    const page = (nextPageToken?: string) =>
      this.call(() =>
        this.swf.send(
          new GetWorkflowExecutionHistoryCommand({
            domain: this.domain,
            execution: { workflowId, runId },
            maximumPageSize: 1000,
            ...(nextPageToken !== undefined && { nextPageToken }),
          }),
        ),
      );
    return collectAll(await page(), page);
  }

  /**
   * Waits for the execution to close, following continue-as-new, and returns its result (decoded). Rejects with
   * `WorkflowExecutionError` when it failed, was cancelled, terminated or timed out.
   */
  async result<O = unknown>(workflowId: string, options: RunSelector = {}): Promise<O> {
    let runId = options.runId ?? (await this.latestRunId(workflowId));
    let wait = 100;
    for (;;) {
      const last = await this.lastEvent(workflowId, runId);
      const status = closeStatusOf(last?.eventType);
      if (status === undefined) {
        await delay(wait);
        wait = Math.min(this.options.resultPollMaxMs ?? 2_000, wait * 2);
        continue;
      }
      const type = await this.typeOf(workflowId, runId);
      const exec = { workflowId, runId, workflowType: type };
      switch (status) {
        case "COMPLETED": {
          // the type's pipeline (its serializer, codecs, store), as the decider encoded the result with it
          const payloads = this.payloadsOf(type);
          const lease = await payloads.fetch(last ? [last] : []);
          try {
            return payloads.decode(last?.workflowExecutionCompletedEventAttributes?.result, "workflow result") as O;
          } finally {
            lease.release();
          }
        }
        case "CONTINUED_AS_NEW": {
          const next = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
          if (!next) throw new SwfAdapterError("YF_SWF_BAD_RESPONSE", `run ${runId} continued as new without a run id`);
          runId = next;
          wait = 100;
          continue;
        }
        case "FAILED": {
          const a = last?.workflowExecutionFailedEventAttributes;
          const details = await this.detailsText(type, last, a?.details);
          throw new WorkflowExecutionError("FAILED", exec, { reason: a?.reason, details });
        }
        case "CANCELED": {
          const details = last?.workflowExecutionCanceledEventAttributes?.details;
          throw new WorkflowExecutionError("CANCELED", exec, { details: await this.detailsText(type, last, details) });
        }
        case "TERMINATED": {
          const a = last?.workflowExecutionTerminatedEventAttributes;
          throw new WorkflowExecutionError("TERMINATED", exec, { reason: a?.reason, details: a?.details });
        }
        case "TIMED_OUT":
          throw new WorkflowExecutionError("TIMED_OUT", exec);
      }
    }
  }

  /** The run id of the open execution of `workflowId`, else of its most recently started closed one. */
  async latestRunId(workflowId: string): Promise<string> {
    const since = new Date(0);
    for (const closed of [false, true]) {
      const found = await this.list({ closed, workflowId, startedAfter: since, limit: 100 });
      const latest = found.sort((a, b) => (b.startTimestamp?.getTime() ?? 0) - (a.startTimestamp?.getTime() ?? 0))[0];
      if (latest) return latest.runId;
    }
    throw new SwfAdapterError(
      "YF_SWF_UNKNOWN_EXECUTION",
      `no execution with workflow id ${JSON.stringify(workflowId)} in domain ${this.domain}`,
    );
  }

  private async lastEvent(workflowId: string, runId: string): Promise<HistoryEvent | undefined> {
    const out = await this.call(() =>
      this.swf.send(
        new GetWorkflowExecutionHistoryCommand({
          domain: this.domain,
          execution: { workflowId, runId },
          reverseOrder: true,
          maximumPageSize: 1,
        }),
      ),
    );
    return out.events?.[0];
  }

  private readonly types = new Map<string, { name: string; version: string }>();

  /**
   * Failure or cancellation details as text, their envelope opened with the type's pipeline (an out-of-band object
   * fetched first), as the local runner gives them; details that cannot be read are given as recorded.
   */
  private async detailsText(
    type: { name: string; version: string },
    close: HistoryEvent | undefined,
    details: string | undefined,
  ): Promise<string | undefined> {
    const payloads = this.payloadsOf(type);
    try {
      const lease = await payloads.fetch(close ? [close] : []);
      try {
        return payloads.decodeText(details, "the workflow's failure details");
      } finally {
        lease.release();
      }
    } catch {
      return details;
    }
  }

  /** The pipeline a signal to `workflowId` is encoded with: its run's type's, when that type has its own. */
  private async signalPayloads(workflowId: string, runId: string | undefined): Promise<Payloads> {
    const typed = [...this.definitions.values()].some((d) => d.payloads !== undefined);
    if (!typed) return this.payloads;
    let type = runId === undefined ? undefined : this.types.get(runId);
    if (!type) {
      const open = await this.list({ workflowId, startedAfter: new Date(0), limit: 10 });
      const run = runId === undefined ? open[0] : open.find((r) => r.runId === runId);
      type = run?.workflowType ?? (runId === undefined ? undefined : await this.typeOf(workflowId, runId));
    }
    return type ? this.payloadsOf(type) : this.payloads;
  }

  private async typeOf(workflowId: string, runId: string): Promise<{ name: string; version: string }> {
    const known = this.types.get(runId);
    if (known) return known;
    const d = await this.describe(workflowId, { runId });
    this.types.set(runId, d.workflowType);
    return d.workflowType;
  }

  /** Retries throttling and transient errors (a few times: the caller is waiting). */
  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withRetries(fn, { maxAttempts: 6 });
  }
}

const typeKey = (t: { name: string; version: string }) => `${t.name}\u0000${t.version}`;

function summary(info: WorkflowExecutionInfo): ExecutionSummary {
  return {
    workflowId: info.execution?.workflowId ?? "",
    runId: info.execution?.runId ?? "",
    workflowType: { name: info.workflowType?.name ?? "", version: info.workflowType?.version ?? "" },
    status: info.executionStatus === "CLOSED" ? ((info.closeStatus as CloseStatus) ?? "COMPLETED") : "OPEN",
    startTimestamp: info.startTimestamp,
    closeTimestamp: info.closeTimestamp,
    tagList: info.tagList ?? [],
  };
}
