/**
 * The replay engine: drives a workflow's generators against the inputs of one decision task at a time.
 *
 * Invariants:
 * - deterministic: the same inputs in the same order produce the same commands in the same order; there is no
 *   clock, no I/O and no randomness here beyond what the history and the run id provide;
 * - inputs are delivered one at a time in history order, and after each one every runnable branch runs until it
 *   waits again (FIFO), so whoever completes first in the history wins a race, on every replay;
 * - every effect that needs an SWF id takes the next number of one per-run sequence (patch markers excepted, so
 *   that adding `patched()` does not shift the ids of a running execution);
 * - nothing is dropped: a signal nobody waits for is buffered, a result nobody awaited is kept on its handle.
 *
 * This file is the scheduler of fibers and the engine's state. What each effect does is its handler, found by
 * kind in `effect-handlers.ts` (`handlers/`, `combinators.ts`); what each input does is `inputs.ts`; how values
 * become fields' text and back is `payload-fields.ts`; how the run ends (the closing decision, the status) is
 * `closing.ts`; every decision is built by `decisions/to-decision.ts`.
 */

import { type Command, decisionsOf, Outbox } from "../decisions/outbox.js";
import { describeValue } from "../describe.js";
import { type GuardValues, RunGuardValues, stepGuarded } from "../determinism/guard.js";
import { createRandom, type DeterministicRandom } from "../determinism/random.js";
import { retriesOnItsOwn } from "../effects/activity.js";
import {
  type ActivityDescriptor,
  type Branch,
  type Descriptor,
  isEffect,
  isGenerator,
  isRequest,
} from "../effects/effect.js";
import type { LogLevel } from "../effects/log.js";
import { CancelledFailure, Failure, InvalidArgumentError, InvalidYieldError, WorkflowTaskError } from "../errors.js";
import type { Decision } from "../history/events.js";
import type { DecisionTask, HistoryState, Recorded } from "../history/fold.js";
import { NO_RECORDED } from "../history/state.js";
import type { PayloadOptions, Payloads, PayloadUpload } from "../payload/pipeline.js";
import type { WorkflowDefinition } from "../workflow.js";
import { cancelFiber } from "./cancellation.js";
import { closeWorkflow } from "./closing.js";
import { effectHandlers } from "./effect-handlers.js";
import { type CommandKind, Fiber, type OpenCommand, type OpenCommands, OpenTable, RunQueue } from "./fiber.js";
import { cancelScheduled } from "./handlers/commands.js";
import { deliverInput } from "./inputs.js";
import { Op } from "./ops.js";
import { PayloadFields } from "./payload-fields.js";
import { SignalMailbox } from "./signals.js";

/** How a workflow execution stands after a decision task. */
export type WorkflowStatus =
  | { status: "running" }
  | { status: "completed"; result: unknown }
  | { status: "failed"; reason: string; details: string | undefined; error: unknown }
  | { status: "canceled"; details: string | undefined }
  | { status: "continuedAsNew"; input: unknown };

/** A line logged by workflow code with `log(...)`, emitted once (never while replaying). */
export interface LogEntry {
  level: LogLevel;
  message: string;
  data: unknown;
  /** Workflow time of the decision task, epoch ms. */
  time: number;
}

/** What the engine needs to know about the run. */
export interface EngineContext {
  workflowId: string;
  runId: string;
  /** The payload pipeline (per-type pipelines come from `payloads.forType`). */
  payloads: Payloads;
  maxDecisionsPerResponse: number;
  /** Whether workflow code runs under the determinism guard (`determinism/guard.ts`). */
  determinismGuard: boolean;
}

/** What may carry its own payload options: a workflow or activity definition. */
export type PayloadType = { readonly payloads?: PayloadOptions | undefined };

/**
 * Drives one run of a workflow: deliver a decision task's inputs, let the code run, collect the decisions.
 * Used by `Replayer` (full and incremental replay); not a public API. Its state is open to its effect handlers
 * and inputs (this folder), nobody else.
 */
export class Engine {
  private rngValue: DeterministicRandom | undefined;
  readonly outbox: Outbox;
  /** Numbers the effects that SWF sees (activities, timers, markers, children, external requests). */
  seq = 0;
  /**
   * Numbers what SWF never sees (combinators and branches), so that wrapping an effect in all() or start() does not
   * shift the ids of the effects after it.
   */
  internalSeq = 0;
  time = 0;
  replaying = true;
  /** While a completed task is replayed: the events its decisions recorded, and how far activities have read them. */
  private replayedRecorded: readonly Recorded[] = NO_RECORDED;
  private recordedAt = 0;
  taskStartedEventId = 0;
  historyLength = 0;
  root: Fiber | undefined;
  /** Fibers ready to run, FIFO. */
  readonly runQueue = new RunQueue();
  /** The commands SWF tracks for this run, per kind, by id: what waits on SWF for them. */
  readonly commands: OpenCommands = {
    activity: new OpenTable(),
    timer: new OpenTable(),
    child: new OpenTable(),
    external: new OpenTable(),
  };
  /**
   * Whether the code gave an id of each kind so far (`checkUnused`): until it does, every open id of the kind came
   * from the run's sequence, and a new one from it cannot clash with them.
   */
  readonly givenIds = { activity: false, timer: false, child: false };
  /** Every command's `onCancel` (one function per engine, not a closure per command). */
  readonly cancelCommand = (_failure: CancelledFailure, op: Op): void => cancelScheduled(this, op as OpenCommand);
  readonly signals = new SignalMailbox();
  readonly patches = new Map<string, boolean>();
  /** Marker names used by side effects so far: a marker name records one value. */
  readonly markerNames = new Set<string>();
  /** Ops behind handles given out by start(), checked for unobserved failures when the workflow finishes. */
  readonly handles: Op[] = [];
  cancelRequested = false;
  finished = false;
  closing: Decision | undefined;
  statusValue: WorkflowStatus = { status: "running" };
  logs: readonly LogEntry[] = [];
  warnings: readonly string[] = [];
  /** Out-of-band payloads encoded during the current task: stored by the driver before it responds. */
  uploads: PayloadUpload[] = [];
  /** Whether `uploads` was handed to a driver (a live task's): then the next task gets a list of its own. */
  private uploadsGiven = false;
  /** Values to fields' text and back, through the payload pipeline. */
  readonly fields: PayloadFields = new PayloadFields(this);
  /** What workflow code's `Date`/`Math.random` give under the determinism guard; undefined when it is off. */
  readonly guard: GuardValues | undefined;

  /** A warning for the task being decided (those of replayed tasks are not kept). */
  warn(message: string): void {
    if (!this.replaying) (this.warnings as string[]).push(message);
  }

  constructor(
    readonly workflow: WorkflowDefinition<unknown, unknown>,
    readonly history: () => HistoryState,
    readonly ctx: EngineContext,
  ) {
    // at most one wake-up timer per decision task: named after the task, it takes no number from any sequence
    this.outbox = new Outbox(ctx.maxDecisionsPerResponse, () => `wakeup-${this.taskStartedEventId}`);
    const guarded = ctx.determinismGuard && workflow.determinismGuard !== false;
    this.guard = guarded ? new RunGuardValues(this, ctx.runId) : undefined;
  }

  /** What `random()` and `uuid()` return: a stream seeded from the run id, made when first used. */
  get rng(): DeterministicRandom {
    this.rngValue ??= createRandom(`yieldflow:${this.ctx.runId}`);
    return this.rngValue;
  }

  get status(): WorkflowStatus {
    return this.statusValue;
  }

  /** The names of the signals workflow code is waiting for now, in the order it began waiting. */
  get waitingForSignals(): string[] {
    return this.finished ? [] : this.signals.waitingFor();
  }

  /** Runs the open decision task: delivers its inputs in order, then returns the decisions to make. */
  runTask(
    task: DecisionTask,
    historyLength: number,
  ): { decisions: Decision[]; logs: LogEntry[]; warnings: string[]; uploads: PayloadUpload[] } {
    this.deliverTask(task, false, historyLength);
    const decisions = decisionsOf(this.outbox.take());
    return { decisions, logs: this.logs as LogEntry[], warnings: this.warnings as string[], uploads: this.uploads };
  }

  /**
   * Replays a completed decision task: delivers its inputs in order, then returns the commands the code made, for
   * matching against what the history recorded (their decisions are not built unless something reads them).
   */
  replayTask(task: DecisionTask): readonly Command[] {
    this.deliverTask(task, true, task.startedEventId);
    return this.outbox.take();
  }

  private deliverTask(task: DecisionTask, replaying: boolean, historyLength: number): void {
    this.time = task.time;
    this.replaying = replaying;
    this.replayedRecorded = replaying ? task.recorded : NO_RECORDED;
    this.recordedAt = 0;
    this.taskStartedEventId = task.startedEventId;
    this.historyLength = historyLength;
    // a replayed task's logs and warnings are dropped: only a live one gets lists of its own
    this.logs = replaying ? NOTHING_LOGGED : [];
    this.warnings = replaying ? NO_WARNINGS : [];
    // a replayed task's uploads are dropped too: its list is reused while it stays empty
    if (!replaying || this.uploads.length > 0 || this.uploadsGiven) this.uploads = [];
    this.uploadsGiven = !replaying;
    for (const input of task.inputs) {
      deliverInput(this, input);
      this.drain();
    }
  }

  // ─── inputs ─────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * `id` closed on SWF's side: forgets it and returns what waits for it, for the caller to settle, if anything still
   * does (late results of cancelled ops are ignored).
   */
  resolve(kind: CommandKind, id: string): OpenCommand | undefined {
    const p = this.commands[kind].get(id);
    if (!p) return undefined;
    this.commands[kind].delete(id);
    // it closed before a cancel of it went out: withdraw the cancel (SWF would refuse it)
    if (p.cancelling !== undefined) {
      this.outbox.drop(p.cancelling);
      p.cancelling = undefined;
    }
    if (p.kind !== "external") this.outbox.closed(p.kind);
    return p.state === "pending" ? p : undefined;
  }

  deliverSignal(name: string, data: string | undefined): undefined {
    this.signals.deliver(name, this.fields.decode(data, `signal ${name}`));
  }

  // ─── running fibers ─────────────────────────────────────────────────────────────────────────────────────────

  drain(): void {
    const queue = this.runQueue;
    while (!this.finished) {
      const next = queue.shift();
      if (next === undefined) return;
      const value = next.resumeValue;
      next.resumeValue = undefined;
      this.step(next, next.resumeOk, value);
    }
    queue.clear();
  }

  wake(fiber: Fiber, op: Op): void {
    if (fiber.waitingOn !== op) return;
    fiber.waitingOn = undefined;
    op.observed = true;
    // A fiber cancelled while it waited sees its own cancellation once what it waited on has wound down, whatever
    // that op's outcome (a branch may catch its cancellation and return a value).
    const cancelled = fiber.cancelledWith;
    fiber.cancelledWith = undefined;
    op.giveBack = undefined; // its value reached code
    if (cancelled) this.runQueue.push(fiber, false, cancelled, true);
    else this.runQueue.push(fiber, op.state === "ok", op.value);
  }

  step(fiber: Fiber, ok: boolean, value: unknown): void {
    for (;;) {
      if (this.finished) return;
      let r: IteratorResult<unknown, unknown>;
      try {
        r = this.guard
          ? stepGuarded(this.guard, fiber.gen, ok, value)
          : ok
            ? fiber.gen.next(value)
            : fiber.gen.throw(value);
      } catch (err) {
        this.finishFiber(fiber, "failed", err);
        return;
      }
      if (r.done) {
        this.finishFiber(fiber, "ok", r.value);
        return;
      }
      const request = r.value;
      if (!isRequest(request)) throw this.invalidYield(request);
      if (fiber.cancelAtNextWait) {
        // cancelled while runnable: it sees the cancellation here, before this effect starts anything
        ok = false;
        value = fiber.cancelAtNextWait;
        fiber.cancelAtNextWait = undefined;
        continue;
      }
      let op: Op;
      try {
        op = this.startEffect(request.effect, fiber);
      } catch (err) {
        if (!(err instanceof InvalidArgumentError)) throw err;
        ok = false; // a bad argument surfaces in workflow code, where the call was made
        value = err;
        continue;
      }
      if (this.finished) return;
      if (op.state === "pending") {
        fiber.waitingOn = op;
        op.listen(fiber);
        return;
      }
      op.observed = true;
      op.giveBack = undefined; // its value reached code
      ok = op.state === "ok";
      value = op.value;
    }
  }

  finishFiber(fiber: Fiber, state: "ok" | "failed", value: unknown): void {
    if (state === "failed" && !(value instanceof Failure)) throw this.taskError(value);
    fiber.op.settle(state, value);
    if (fiber !== this.root) return;
    this.finished = true;
    closeWorkflow(this, state, value);
  }

  taskError(err: unknown): WorkflowTaskError {
    return new WorkflowTaskError(this.workflow.name, this.ctx.runId, this.taskStartedEventId, err);
  }

  invalidYield(value: unknown): InvalidYieldError {
    const where = `workflow ${this.workflow.name} (run ${this.ctx.runId || "?"}), decision task at event ${this.taskStartedEventId}`;
    if (isEffect(value)) {
      return new InvalidYieldError(
        `${where}: ${anA((value as unknown as Descriptor).kind)} effect was yielded with \`yield\`; write \`yield*\` (with the star) so the engine runs it and types its result`,
      );
    }
    return new InvalidYieldError(
      `${where}: workflow code yielded ${describeYielded(value)}; workflows may only use \`yield*\` on yieldflow effects (activity, sleep, signal, all, …)`,
    );
  }

  // ─── effects ────────────────────────────────────────────────────────────────────────────────────────────────

  /** The id of an effect SWF sees: the one given, or the next number of the run's sequence (taken either way). */
  nextId(kind: string, given: string | undefined): string {
    const n = ++this.seq;
    return given ?? `${kind}-${n}`;
  }

  /**
   * While a completed task is replayed: the ActivityTaskScheduled that task recorded for activity `id` of `type`, if
   * any, looked for from where the last one was found (activities go out in the order they were opened, so it is
   * normally the next one). What it recorded of the input stands in for serializing the input again.
   */
  recordedSchedule(id: string, type: { name: string; version: string }): Recorded | undefined {
    const recorded = this.replayedRecorded;
    for (let i = this.recordedAt; i < recorded.length; i++) {
      const r = recorded[i] as Recorded;
      if (r.id === id && r.eventType === "ActivityTaskScheduled") {
        if (r.name !== type.name || r.version !== type.version) return undefined;
        this.recordedAt = i + 1;
        return r;
      }
    }
    return undefined;
  }

  /** An op that is already settled (immediate effects). */
  immediate(kind: string, state: "ok" | "failed", value: unknown, id: string = kind): Op {
    const op = new Op(kind, id);
    op.settle(state, value);
    return op;
  }

  /** Makes `op` owned by `fiber`: cancelled with it. */
  own(fiber: Fiber, op: Op): Op {
    op.ownBy(fiber);
    return op;
  }

  /** Starts a branch (effect or generator) on behalf of `owner`, returning the op that settles with it. */
  startBranch(branch: Branch, owner: Fiber): Op {
    if (isGenerator(branch)) {
      const op = this.own(owner, new Op("branch", `branch-${++this.internalSeq}`));
      const fiber = new Fiber(this, branch as Generator<unknown, unknown, unknown>, op);
      op.onCancel = () => cancelFiber(this, fiber, new CancelledFailure(op.id));
      this.runQueue.push(fiber, true, undefined);
      return op;
    }
    const effect = branch as unknown as Descriptor;
    if (retriesOnItsOwn(effect)) return this.startRetrying(effect, owner);
    return this.startEffect(effect, owner);
  }

  /**
   * Starts, as a branch, an activity that retries on its own (`retry`'s generator). It is run now up to its first
   * attempt, not queued like other branches, so that the attempt takes the id and place it takes as a plain effect
   * (ids do not shift when a definition gains a policy) and a bad argument is thrown at the caller, as for any effect.
   */
  startRetrying(effect: ActivityDescriptor, owner: Fiber): Op {
    const gen = (effect as unknown as Iterable<unknown>)[Symbol.iterator]() as Generator<unknown, unknown, unknown>;
    const op = new Op("branch", effect.id ?? `activity-${this.seq + 1}`); // the id its first attempt takes
    const fiber = new Fiber(this, gen, op);
    const first = gen.next().value; // retry's own code, up to the request of attempt 1
    if (!isRequest(first)) throw this.invalidYield(first);
    const attempt = this.startEffect(first.effect, fiber);
    this.own(owner, op);
    op.onCancel = () => cancelFiber(this, fiber, new CancelledFailure(op.id));
    fiber.waitingOn = attempt;
    attempt.listen(fiber);
    return op;
  }

  /** Starts an effect with its handler from the table (`effect-handlers.ts`). */
  startEffect(effect: Descriptor, fiber: Fiber): Op {
    const handler = effectHandlers.get(effect.kind);
    if (handler === undefined) throw this.invalidYield(effect);
    return handler(this, effect, fiber);
  }
}

/** The logs and warnings of every replayed task: none are kept. */
const NOTHING_LOGGED: readonly LogEntry[] = Object.freeze([]);
const NO_WARNINGS: readonly string[] = Object.freeze([]);

/** `kind` with its article: "an activity", "a timer". */
function anA(kind: string): string {
  return `${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind}`;
}

function describeYielded(value: unknown): string {
  if (value === undefined) return "undefined (a bare `yield;`)";
  if (typeof value === "object" && value !== null) return `an object (${Object.prototype.toString.call(value)})`;
  return `${typeof value} ${describeValue(value)}`;
}
