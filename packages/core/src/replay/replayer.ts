/**
 * The replayer: WHAT TO DO NEXT. Holds one run's folded history and its suspended workflow, and turns new events
 * into decisions. Full replay is incremental replay from an empty history, so the two cannot disagree: `decide`
 * makes a fresh replayer for every call; a driver keeps one per run (in an LRU cache) and passes only new events.
 * A fresh replayer given a whole history replays each completed task while the fold goes on (as if it were fed the
 * history task by task), so a cold replay of 25,000 events works on each task while its events are fresh, and
 * `decide` lets the tasks it replayed go.
 *
 * Invariants:
 * - every completed decision task is replayed and its recorded events checked against the decisions made now;
 * - decisions are only ever produced for the open decision task (the history ends after its DecisionTaskStarted);
 * - if the open task the replayer decided is not the one that completed (it timed out and another one ran), the
 *   replayer rebuilds itself from its folded history: the fast path never guesses.
 */

import { SWF_LIMITS } from "../decisions/limits.js";
import { fnv1a } from "../determinism/hash.js";
import { HistoryError, InvalidArgumentError, YieldflowError } from "../errors.js";
import type { Decision } from "../history/events.js";
import {
  type DecisionTask,
  foldHistoryInPlace,
  type HistoryState,
  newHistoryState,
  startedTask,
} from "../history/fold.js";
import { type PayloadOptions, Payloads, type PayloadUpload } from "../payload/pipeline.js";
import type { Serializer } from "../payload/serializer.js";
import type { AnyWorkflow } from "../workflow.js";
import { Engine, type LogEntry, type WorkflowStatus } from "./engine.js";
import { matchCommands, matchDecisions } from "./match.js";

/** Options of `decide` and `Replayer`. */
export interface DecideOptions {
  /** The execution's workflow id (child workflow ids derive from it). Default: the workflow type's name. */
  workflowId?: string;
  /**
   * The execution's run id (seeds `random()`/`uuid()`, derives child ids). Drivers pass the real one; without it a
   * stable id is derived from the WorkflowExecutionStarted event.
   */
  runId?: string;
  /**
   * The payload pipeline (serializer → codecs → store), or options to make one. Default: the default serializer,
   * no codecs, no store. A driver passes its `Payloads` so that the objects it fetched before deciding are found.
   */
  payloads?: Payloads | PayloadOptions;
  /** Shorthand for `payloads: { serializer }`. */
  serializer?: Serializer;
  /** Decisions per response before the rest are deferred with a wake-up timer. Default 100. */
  maxDecisionsPerResponse?: number;
  /**
   * Run workflow code under the determinism guard: `Math.random`, `Date.now`, `new Date()` give deterministic values
   * and timers/`fetch` throw, during each step of workflow code only. Default true; a workflow definition can also
   * opt out (`defineWorkflow({ determinismGuard: false })`).
   */
  determinismGuard?: boolean;
}

/** What `decide` returns. */
export interface DecideResult {
  /** The decisions for the open decision task (empty if the history has no open decision task). */
  decisions: Decision[];
  /** How the execution stands once these decisions are made. */
  status: WorkflowStatus;
  /** The events in the history. */
  historyLength: number;
  /** Lines logged by workflow code during the open decision task (none while replaying). */
  logs: LogEntry[];
  /** Things a person should know: history nearing SWF's cap, signals nobody consumed, failures nobody awaited. */
  warnings: string[];
  /** The DecisionTaskStarted event id of the open task, if any. */
  decisionTaskStartedEventId: number | undefined;
  /**
   * Out-of-band payloads the decisions refer to: the driver stores them (`payloads.upload(uploads)`) before it
   * responds, never after.
   */
  uploads: PayloadUpload[];
  /** The signals workflow code waits for once these decisions are made (a run blocked on one can name it). */
  waitingForSignals: string[];
}

/** Marks a replayer made by `decide` (set by `Replayer`'s static block: the mark is private to this module). */
let markOneShot: (replayer: Replayer) => void;

/**
 * Replays one workflow execution incrementally: give it each decision task's new events (`advance`) and it
 * returns the decisions for the open task, folding only what is new and keeping the workflow's generators
 * suspended between tasks. A stateless decider uses `decide` instead (the same replay from the whole history).
 *
 * Invariants: the same history gives the same decisions, whether fed at once or in pieces; the decisions of every
 * completed decision task are checked against what the history recorded (a `NondeterminismError` names the first
 * difference); a malformed batch rejected before anything was folded leaves the replayer usable, one that left
 * the state half-folded poisons it (`YF_REPLAYER_POISONED`: create a new one).
 *
 * @example
 * const replayer = new Replayer(orderWorkflow, { workflowId, runId });
 * const first = replayer.advance(task1.events);                         // the whole history so far
 * const next = replayer.advance(task2.events.slice(task1.events.length)); // only what is new
 * respond(next.decisions);
 */
export class Replayer {
  /** Folded in place: this replayer owns it. */
  private readonly state: HistoryState = newHistoryState();
  /** Set when a malformed history left the state partly folded. */
  private poisoned: unknown = undefined;
  private engine: Engine | undefined;
  /** Completed decision tasks already replayed. */
  private consumed = 0;
  /** The open task this replayer decided, and what it decided. */
  private decidedOpen: { startedEventId: number; result: DecideResult } | undefined;
  private broken = false;
  /** The run id replay uses, as error messages name it. */
  private runId = "";
  private readonly options: Required<Omit<DecideOptions, "serializer" | "payloads">> & { payloads: Payloads };
  /** Made by `decide`: used once, so the tasks it replayed need not be kept (see `replaySealed`). */
  #oneShot = false;

  static {
    markOneShot = (replayer) => {
      replayer.#oneShot = true;
    };
  }

  constructor(
    private readonly workflow: AnyWorkflow,
    options: DecideOptions = {},
  ) {
    this.options = {
      workflowId: options.workflowId ?? "",
      runId: options.runId ?? "",
      payloads:
        options.payloads instanceof Payloads
          ? options.payloads
          : new Payloads({ ...(options.serializer && { serializer: options.serializer }), ...options.payloads }),
      maxDecisionsPerResponse: options.maxDecisionsPerResponse ?? SWF_LIMITS.maxDecisionsPerResponse,
      determinismGuard: options.determinismGuard ?? true,
    };
    const max = this.options.maxDecisionsPerResponse;
    if (!Number.isInteger(max) || max < 2) {
      throw new InvalidArgumentError(
        `maxDecisionsPerResponse must be an integer ≥ 2 (one decision and the wake-up timer), got ${max}`,
      );
    }
  }

  /** The folded history so far (a live view: do not modify it). */
  get history(): Readonly<HistoryState> {
    return this.state;
  }

  /**
   * Folds the new events (those after the last one seen) and returns the decisions for the open task.
   * With `partial`, the caller says more events of the last completed decision task may still follow (it feeds
   * a history in arbitrary pieces), so that task is checked on a later call instead of now.
   */
  advance(newEvents: readonly unknown[], options: { partial?: boolean } = {}): DecideResult {
    if (this.poisoned !== undefined) {
      throw new YieldflowError(
        "YF_REPLAYER_POISONED",
        "this Replayer was given a malformed history earlier; create a new one",
        { cause: this.poisoned },
      );
    }
    const wasStarted = this.state.started !== null;
    const before = this.state.lastEventId;
    // A replayer with no decision of its own in flight (a fresh one given a whole history: a cold full replay)
    // replays each completed task while the fold goes on, as soon as the task after it completed too (until then a
    // late event of its decisions may still join it). The result is what feeding it the history task by task would
    // give; what the fold finds wrong still wins over what the replay finds wrong, as when folding first.
    const stream = this.decidedOpen === undefined && !this.broken;
    const once = this.#oneShot;
    const failure: { error?: unknown; poison?: boolean } = {};
    try {
      foldHistoryInPlace(
        newEvents,
        this.state,
        stream ? () => failure.error === undefined && this.replaySealed(!wasStarted, failure, once) : undefined,
      );
    } catch (err) {
      // a batch rejected before anything was applied leaves the replayer usable; a fresh replayer's state is emptied
      // again by the fold, and what it replayed meanwhile is forgotten with it
      if (this.state.lastEventId !== before) this.poisoned = err;
      else if (before === 0) this.reset();
      throw err;
    }
    if (failure.error !== undefined) {
      if (failure.poison) this.poisoned = failure.error;
      else this.broken = true;
      throw failure.error;
    }
    if (!wasStarted) {
      try {
        this.checkWorkflowType();
      } catch (err) {
        this.poisoned = err; // a history of another workflow type: this replayer must not run it later
        throw err;
      }
    }
    if (this.broken) this.reset();
    try {
      return this.replay(options.partial === true);
    } catch (err) {
      this.broken = true;
      throw err;
    }
  }

  /**
   * Replays the completed tasks the fold has sealed, all but the last; with `checkType`, checks the workflow type
   * first. An error stops it and is kept in `failure` (thrown once the fold is done); `poison` when the history is
   * of another workflow type. A replayer made by `decide` (`once`) then lets the replayed tasks go: nothing replays
   * them again.
   */
  private replaySealed(checkType: boolean, failure: { error?: unknown; poison?: boolean }, once: boolean): void {
    const tasks = this.state.tasks;
    const ready = tasks.length - 1;
    if (this.consumed >= ready) return;
    if (checkType && this.engine === undefined) {
      try {
        this.checkWorkflowType();
      } catch (err) {
        failure.error = err;
        failure.poison = true;
        return;
      }
    }
    try {
      this.engine ??= this.newEngine();
      for (; this.consumed < ready; this.consumed++) {
        const task = tasks[this.consumed] as DecisionTask;
        matchCommands(task, this.engine.replayTask(task), this.workflow.name, this.runId);
      }
    } catch (err) {
      failure.error = err;
      return;
    }
    if (once) {
      if (this.consumed === 1) tasks.shift();
      else tasks.splice(0, this.consumed);
      this.consumed = 0;
    }
  }

  private reset(): void {
    this.engine = undefined;
    this.runId = "";
    this.consumed = 0;
    this.decidedOpen = undefined;
    this.broken = false;
  }

  private newEngine(): Engine {
    // Without a run id, seed random()/uuid() and child ids from the execution's start (its time, type, input,
    // parent): different executions then never share child workflow ids, and the same history always replays alike.
    const started = this.state.started;
    const runId = this.options.runId || (started ? `h${hashOf(JSON.stringify(started))}` : "");
    this.runId = this.options.runId || `${runId} (derived from the start event: no run id was given)`;
    return new Engine(this.workflow, () => this.state, { ...this.options, runId });
  }

  private replay(partial: boolean): DecideResult {
    const { tasks, completing, closed } = this.state;
    const name = this.workflow.name;
    // the completing task is checked now unless more of its events may follow
    const count = tasks.length + (completing !== null && (!partial || closed !== null) ? 1 : 0);
    if (this.decidedOpen) {
      const next = this.consumed < tasks.length ? tasks[this.consumed] : (completing ?? startedTask(this.state));
      // The task we decided timed out (or another history was passed): start over from the folded history.
      if (next?.startedEventId !== this.decidedOpen.startedEventId) this.reset();
    }
    if (this.state.started === null) {
      // nothing to run yet; the engine is made once the start event (which may seed the run id) is known
      return {
        decisions: [],
        status: { status: "running" },
        historyLength: this.state.lastEventId,
        logs: [],
        warnings: [],
        decisionTaskStartedEventId: undefined,
        uploads: [],
        waitingForSignals: [],
      };
    }
    this.engine ??= this.newEngine();
    const engine = this.engine;
    const historyLength = this.state.lastEventId;
    for (; this.consumed < count; this.consumed++) {
      const task = (this.consumed < tasks.length ? tasks[this.consumed] : completing) as DecisionTask;
      if (this.decidedOpen?.startedEventId === task.startedEventId) {
        const decisions = this.decidedOpen.result.decisions;
        this.decidedOpen = undefined;
        // The code goes on from the values it decided live; if the history recorded other marker details (a side
        // effect's value), only a replay from the recorded history gives what a full replay gives: start over.
        if (!markersAsDecided(decisions, this.state.markers)) {
          this.reset();
          return this.replay(partial);
        }
        matchDecisions(task, decisions, name, this.runId);
      } else matchCommands(task, engine.replayTask(task), name, this.runId);
    }
    const started = startedTask(this.state);
    if (started && this.decidedOpen?.startedEventId === started.startedEventId) return this.decidedOpen.result;
    const warnings: string[] = [];
    let decisions: Decision[] = [];
    let logs: LogEntry[] = [];
    let uploads: PayloadUpload[] = [];
    if (started) {
      const out = engine.runTask(started, historyLength);
      decisions = out.decisions;
      logs = out.logs;
      uploads = out.uploads;
      warnings.push(...out.warnings);
    }
    if (historyLength >= SWF_LIMITS.warnHistoryEvents) {
      warnings.push(
        `the history has ${historyLength} events; SWF terminates executions at ${SWF_LIMITS.maxHistoryEvents}. Use continueAsNew() to start a fresh run.`,
      );
    }
    const result: DecideResult = {
      decisions,
      status: engine.status,
      historyLength,
      logs,
      warnings,
      decisionTaskStartedEventId: started?.startedEventId,
      uploads,
      waitingForSignals: engine.waitingForSignals,
    };
    if (started) this.decidedOpen = { startedEventId: started.startedEventId, result };
    return result;
  }

  private checkWorkflowType(): void {
    const t = this.state.started?.workflowType;
    if (!t) return;
    if (t.name !== this.workflow.name || t.version !== this.workflow.version) {
      throw new HistoryError(
        "YF_HISTORY_WRONG_WORKFLOW_TYPE",
        `this history is of workflow type ${t.name}@${t.version}, but it was given to ${this.workflow.name}@${this.workflow.version}` +
          (t.name === this.workflow.name
            ? " (register each version you still have open executions of, and route by version)"
            : ""),
        this.state.started?.eventId,
      );
    }
  }
}

/**
 * The interpreter. Pure: the same workflow, history and options give the same result, with no clock, no I/O and
 * no randomness. Replays every completed decision task (throwing `NondeterminismError` where the code no longer
 * makes the recorded decisions) and returns the decisions for the open decision task.
 *
 * @example
 * const { decisions, status } = decide(order, historyEvents, { workflowId, runId });
 */
export function decide(workflow: AnyWorkflow, history: readonly unknown[], options: DecideOptions = {}): DecideResult {
  if (Array.isArray(history) && history.length === 0) {
    throw new HistoryError(
      "YF_HISTORY_EMPTY",
      "the history is empty; a decision task's history starts with WorkflowExecutionStarted",
    );
  }
  const replayer = new Replayer(workflow, options);
  markOneShot(replayer);
  return replayer.advance(history);
}

/** Two FNV-1a variants: 16 hex digits. */
function hashOf(text: string): string {
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  return hex(fnv1a(text)) + hex(fnv1a(text, 0x01000193, 0x5bd1e995));
}

/** Whether every marker among `decisions` was recorded with the details it was decided with. */
function markersAsDecided(decisions: readonly Decision[], recorded: HistoryState["markers"]): boolean {
  for (const d of decisions) {
    const attrs = d.decisionType === "RecordMarker" ? d.recordMarkerDecisionAttributes : undefined;
    if (attrs && (recorded[attrs.markerName] ?? undefined) !== (attrs.details ?? undefined)) return false;
  }
  return true;
}
