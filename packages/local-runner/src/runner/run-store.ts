/**
 * The runs of the local SWF service and how they are recorded: every run by run id and the latest run of each
 * workflow id; fresh run ids; creating a run (its `HistoryRecorder`, its first decision task); and the recording
 * loop, the one way events enter a history: record at the clock's time, then process every recorded event exactly
 * once, in recording order across runs (listeners are told, the service reacts), and apply SWF's 25,000-event cap.
 */
import { createHash } from "node:crypto";
import { type HistoryEvent, SWF_LIMITS, timestampToMillis } from "@yieldflow/core";
import { effectiveStart, HistoryRecorder } from "@yieldflow/core/service";
import type { Clock } from "./clock.js";
import { UnknownResourceError } from "./errors.js";
import type { ExecutionRecord } from "./execution.js";
import type { RunCreation, ServiceHooks, ServiceRegistry } from "./service-state.js";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** The runs of one service, and the recording loop. */
export class RunStore {
  /** Every run, by run id. */
  readonly runs = new Map<string, ExecutionRecord>();
  /** workflowId → its latest run. */
  readonly latestRun = new Map<string, string>();
  /** Runs with newly recorded events, in recording order, and how far each recording went. */
  private readonly recorded: { exec: ExecutionRecord; upTo: number }[] = [];
  private flushing = false;
  private runSeq = 0;

  constructor(
    private readonly clock: Clock,
    private readonly hooks: ServiceHooks,
    /** What the service does about a recorded event (`reactions.ts`). */
    private readonly react: (exec: ExecutionRecord, event: HistoryEvent) => void,
    /** A workflow type's registered defaults (the registry's), which fill what a start leaves out. */
    private readonly workflowTypeDefaults?: ServiceRegistry["workflowTypeDefaults"],
  ) {}

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

  /** The latest run of the chain starting at `runId`. */
  latestOf(runId: string): ExecutionRecord {
    let exec = this.runs.get(runId);
    if (!exec) throw new UnknownResourceError(`no run ${runId}`);
    while (exec.nextRunId !== undefined) exec = this.runs.get(exec.nextRunId) as ExecutionRecord;
    return exec;
  }

  /** The run of `workflowId` (`runId`, or its latest), which must be open to `what` it. */
  open(workflowId: string, runId: string | undefined, what: string): ExecutionRecord {
    const exec = this.run(workflowId, runId);
    if (exec.closeStatus)
      throw new UnknownResourceError(
        `cannot ${what} ${workflowId} (run ${exec.runId}): the execution is closed (${exec.closeStatus})`,
      );
    return exec;
  }

  /**
   * A run id: 32 base64url characters that never start with `-` or `_` (a leading `-` makes a command line read it
   * as an option: `--run-id -x…`).
   */
  newRunId(workflowId: string): string {
    const digest = createHash("sha256")
      .update(`${workflowId}\u0000${++this.runSeq}`)
      .digest();
    const id = digest.toString("base64url").slice(0, 32);
    return `${ALPHANUMERIC[(digest[31] as number) % ALPHANUMERIC.length]}${id.slice(1)}`;
  }

  /** Creates a run and schedules its first decision task. */
  create(created: RunCreation): ExecutionRecord {
    // what the start left out, the type's registered defaults fill, as SWF records WorkflowExecutionStarted
    const o = effectiveStart(created, this.workflowTypeDefaults?.(created.workflow));
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
      lastDecisionError: undefined,
      waitingForSignals: [],
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
  mutate(exec: ExecutionRecord, record: (r: HistoryRecorder) => unknown): void {
    exec.recorder.at(this.clock.now());
    try {
      record(exec.recorder);
    } finally {
      // even a recording that threw half-way may have appended events: they must be processed
      this.recorded.push({ exec, upTo: exec.recorder.events.length });
      this.flush();
      this.enforceEventLimit(exec);
      this.hooks.changed();
    }
  }

  /**
   * SWF's hard cap: an execution whose history reaches 25,000 events is terminated with cause EVENT_LIMIT_EXCEEDED
   * (SWF-FACTS §5b). The termination is recorded right after the event that reached the cap (as the 25,000th event
   * when events arrive one at a time; a decision response's events are recorded together, so it may go past the cap
   * by those), so a run-away loop fails here the way it will fail on SWF.
   */
  private enforceEventLimit(exec: ExecutionRecord): void {
    const r = exec.recorder;
    if (r.closedBy !== undefined || r.events.length < SWF_LIMITS.maxHistoryEvents - 1) return;
    this.mutate(exec, (h) => h.terminated(undefined, "EVENT_LIMIT_EXCEEDED"));
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
            time: timestampToMillis(event.eventTimestamp),
          });
          this.react(exec, event);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
