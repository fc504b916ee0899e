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
 */

import { compact, swfSeconds } from "../decisions/build.js";
import { workflowFailure } from "../decisions/failure.js";
import { Outbox } from "../decisions/outbox.js";
import { swfIdProblem } from "../decisions/validate.js";
import { createRandom, type DeterministicRandom } from "../determinism/random.js";
import {
  type ActivityDescriptor,
  type Branch,
  type ChildDescriptor,
  type Descriptor,
  isEffect,
  isGenerator,
  isRequest,
  makeEffect,
} from "../effects/effect.js";
import type { Handle } from "../effects/handle.js";
import type { LogLevel, WorkflowInfo } from "../effects/info.js";
import {
  ActivityFailure,
  AllFailedFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  decodeRemoteError,
  Failure,
  InvalidArgumentError,
  InvalidYieldError,
  ScheduleFailure,
  TimeoutFailure,
  type TimeoutType,
  WorkflowTaskError,
  YieldflowError,
} from "../errors.js";
import { type Decision, makeDecision } from "../history/events.js";
import type { DecisionTask, HistoryState, Input } from "../history/fold.js";
import type { EventType } from "../history/swf-types.js";
import { PayloadError, type Serializer } from "../payload/serializer.js";
import type { WorkflowDefinition } from "../workflow.js";
import { childWorkflowId } from "./ids.js";
import { Op } from "./ops.js";
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
  serializer: Serializer;
  maxDecisionsPerResponse: number;
}

/** A generator being driven: the workflow body, or a branch passed to all/race/any/start. */
interface Fiber {
  gen: Generator<unknown, unknown, unknown>;
  op: Op;
  /** The op this fiber waits for, if it waits. */
  waitingOn: Op | undefined;
  /** A cancellation that arrived while the fiber was runnable: thrown in at its next wait. */
  pendingCancel: CancelledFailure | undefined;
  /** The cancellation of this fiber, shown to it instead of the failure of the op it waits on (cancelled with it). */
  cancelledWith?: CancelledFailure | undefined;
  /** Set once the fiber was cancelled (it may go on running its cleanup). */
  cancelled?: boolean;
}

/** Where every command-producing effect records what it is waiting for. */
interface Pending {
  op: Op;
  kind: "activity" | "timer" | "child" | "external";
  descriptor?: ActivityDescriptor | ChildDescriptor;
  childRunId?: string;
}

/**
 * Drives one run of a workflow: deliver a decision task's inputs, let the code run, collect the decisions.
 * Used by `Replayer` (full and incremental replay); not a public API.
 */
export class Engine {
  private readonly rng: DeterministicRandom;
  private readonly outbox: Outbox;
  /** Numbers the effects that SWF sees (activities, timers, markers, children, external requests). */
  private seq = 0;
  /**
   * Numbers what SWF never sees (combinators and branches), so that wrapping an effect in all() or start() does not
   * shift the ids of the effects after it.
   */
  private internalSeq = 0;
  private time = 0;
  private replaying = true;
  private taskStartedEventId = 0;
  private historyLength = 0;
  private root: Fiber | undefined;
  /** Fibers ready to run, FIFO. `byCancel` marks an entry that delivers the fiber's own cancellation. */
  private readonly runQueue: { fiber: Fiber; ok: boolean; value: unknown; byCancel?: boolean }[] = [];
  /** effect id → what waits on SWF for it. */
  private readonly pending = new Map<string, Pending>();
  private readonly signals = new SignalMailbox();
  private readonly patches = new Map<string, boolean>();
  /** Marker names used by side effects so far: a marker name records one value. */
  private readonly markerNames = new Set<string>();
  /** Ops behind handles given out by start(), checked for unobserved failures when the workflow finishes. */
  private readonly handles: Op[] = [];
  private cancelRequested = false;
  private finished = false;
  private closing: Decision | undefined;
  private statusValue: WorkflowStatus = { status: "running" };
  private logs: LogEntry[] = [];
  private warnings: string[] = [];

  constructor(
    private readonly workflow: WorkflowDefinition<unknown, unknown>,
    private readonly history: () => HistoryState,
    private readonly ctx: EngineContext,
  ) {
    this.rng = createRandom(`yieldflow:${ctx.runId}`);
    // at most one wake-up timer per decision task: named after the task, it takes no number from any sequence
    this.outbox = new Outbox(ctx.maxDecisionsPerResponse, () => `wakeup-${this.taskStartedEventId}`);
  }

  get status(): WorkflowStatus {
    return this.statusValue;
  }

  /** Runs one decision task: delivers its inputs in order, then returns the decisions to make. */
  runTask(
    task: DecisionTask,
    replaying: boolean,
    historyLength: number,
  ): { decisions: Decision[]; logs: LogEntry[]; warnings: string[] } {
    this.time = task.time;
    this.replaying = replaying;
    this.taskStartedEventId = task.startedEventId;
    this.historyLength = historyLength;
    this.logs = [];
    this.warnings = [];
    for (const input of task.inputs) {
      this.deliver(input);
      this.drain();
    }
    const decisions = this.outbox.take(!replaying);
    return { decisions, logs: this.logs, warnings: this.warnings };
  }

  // ─── inputs ─────────────────────────────────────────────────────────────────────────────────────────────────

  private deliver(input: Input): undefined {
    switch (input.type) {
      case "workflowStarted": {
        const started = this.history().started;
        const arg = this.decode(started?.input, "the workflow input");
        const op = new Op("workflow", "workflow");
        let gen: Generator<unknown, unknown, unknown>;
        try {
          gen = this.workflow.body(arg) as Generator<unknown, unknown, unknown>;
        } catch (err) {
          throw this.taskError(err);
        }
        if (!isGenerator(gen)) {
          throw new InvalidArgumentError(
            `workflow ${this.workflow.name}: the body must be a generator function (function*), it returned ${typeof gen}`,
          );
        }
        this.root = { gen, op, waitingOn: undefined, pendingCancel: undefined };
        this.runQueue.push({ fiber: this.root, ok: true, value: undefined });
        return;
      }
      case "activityCompleted":
        return this.resolve("activity", input.id, (p) =>
          p.op.settle("ok", this.decode(input.result, `the result of activity ${input.id}`)),
        );
      case "activityFailed":
        return this.resolve("activity", input.id, (p) => {
          const def = (p.descriptor as ActivityDescriptor).activity;
          p.op.settle(
            "failed",
            new ActivityFailure(
              input.id,
              { name: def.name, version: def.version },
              decodeRemoteError(input.reason, input.details),
            ),
          );
        });
      case "activityTimedOut":
        return this.resolve("activity", input.id, (p) => {
          const def = (p.descriptor as ActivityDescriptor).activity;
          const msg = `activity ${def.name}@${def.version} (${input.id}) timed out (${input.timeoutType})`;
          p.op.settle(
            "failed",
            new TimeoutFailure(
              { kind: "activity", id: input.id },
              input.timeoutType as TimeoutType,
              msg,
              input.details,
            ),
          );
        });
      case "activityCanceled":
        return this.resolve("activity", input.id, (p) => p.op.settle("failed", new CancelledFailure(input.id)));
      case "timerFired":
        return this.resolve("timer", input.id, (p) => {
          p.op.settle("ok", undefined);
        });
      case "childStarted": {
        const p = this.pending.get(keyOf("child", input.id));
        if (p) p.childRunId = input.runId;
        return;
      }
      case "childClosed":
        return this.resolve("child", input.id, (p) => {
          const def = (p.descriptor as ChildDescriptor).workflow;
          if (input.status === "COMPLETED")
            p.op.settle("ok", this.decode(input.result, `the result of child ${input.id}`));
          else {
            const error =
              input.status === "TIMED_OUT" ? undefined : decodeRemoteError(input.reason ?? input.status, input.details);
            p.op.settle(
              "failed",
              new ChildWorkflowFailure(
                input.status,
                { name: def.name, version: def.version },
                input.id,
                input.runId,
                error,
              ),
            );
          }
        });
      case "signal":
        return this.deliverSignal(input.name, input.input);
      case "externalDone":
        return this.resolve("external", input.id, (p) => p.op.settle("ok", undefined));
      case "commandFailed": {
        if (input.eventType === "RecordMarkerFailed") {
          this.warnings.push(
            `marker ${input.id} was not recorded (${input.cause}); its value will be recomputed on replay`,
          );
          return;
        }
        const kind = REFUSED_KIND[input.eventType as keyof typeof REFUSED_KIND];
        if (kind === undefined) throw new YieldflowError("YF_INTERNAL", `unexpected refusal ${input.eventType}`);
        return this.resolve(kind, input.id, (p) => {
          p.op.settle("failed", new ScheduleFailure(input.eventType, input.id, input.cause));
        });
      }
      case "cancelRequested":
        if (this.cancelRequested || this.finished) return;
        this.cancelRequested = true;
        if (this.root)
          this.cancelFiber(this.root, new CancelledFailure("workflow", "the workflow execution was asked to cancel"));
        return;
      case "closeFailed": {
        this.warnUnconsumedSignals();
        if (!this.closing) return;
        if (input.cause === "UNHANDLED_DECISION") {
          this.outbox.queueClose(this.closing); // new events came in while deciding: decide the close again
          return;
        }
        if (input.eventType === "ContinueAsNewWorkflowExecutionFailed") {
          const reason = "ContinueAsNewFailed";
          const details = `SWF refused to continue as new: ${input.cause}`;
          this.closing = makeDecision("FailWorkflowExecution", { reason, details });
          const error = new ScheduleFailure(input.eventType, "workflow", input.cause);
          this.statusValue = { status: "failed", reason, details, error };
          this.outbox.queueClose(this.closing);
          return;
        }
        // Refused for a reason that does not go away by itself (OPERATION_NOT_PERMITTED: permissions): try again
        // after a pause, on a durable timer, instead of answering every decision task with the same refusal.
        const timerId = `close-retry-${input.eventId}`;
        this.warnings.push(
          `SWF refused ${input.eventType.replace(/Failed$/, "")} with ${input.cause}; the workflow tries again in ${CLOSE_RETRY_SECONDS} s`,
        );
        const op = this.startTimer(timerId, CLOSE_RETRY_SECONDS, this.root as Fiber);
        op.listen(() => {
          if (this.closing) this.outbox.queueClose(this.closing);
        });
        return;
      }
      default: {
        const unreachable: never = input;
        throw new YieldflowError("YF_INTERNAL", `unhandled input ${(unreachable as Input).type}`);
      }
    }
  }

  /** Settles what waits for `id`, if anything still does (late results of cancelled ops are ignored). */
  private resolve(kind: Pending["kind"], id: string, fn: (p: Pending) => void): undefined {
    const key = keyOf(kind, id);
    const p = this.pending.get(key);
    if (!p) return;
    this.pending.delete(key);
    // it closed before a cancel of it went out: withdraw the cancel (SWF would refuse it)
    this.outbox.drop(`${key}#cancel`);
    if (p.kind !== "external") this.outbox.closed(p.kind);
    if (p.op.state === "pending") fn(p);
  }

  private deliverSignal(name: string, data: string | undefined): undefined {
    this.signals.deliver(name, this.decode(data, `signal ${name}`));
  }

  /** Signals are never dropped silently: the ones the workflow finished without reading are reported. */
  private warnUnconsumedSignals(): void {
    for (const { name, values } of this.signals.drainUnread()) {
      this.warnings.push(
        `${values.length} signal(s) "${name}" were never consumed: the workflow finished without waiting for them (inputs: ${JSON.stringify(values).slice(0, 200)})`,
      );
    }
  }

  // ─── running fibers ─────────────────────────────────────────────────────────────────────────────────────────

  private drain(): void {
    while (this.runQueue.length > 0 && !this.finished) {
      const { fiber, ok, value } = this.runQueue.shift() as { fiber: Fiber; ok: boolean; value: unknown };
      this.step(fiber, ok, value);
    }
    this.runQueue.length = 0;
  }

  private wake(fiber: Fiber, op: Op): void {
    if (fiber.waitingOn !== op) return;
    fiber.waitingOn = undefined;
    op.observed = true;
    // A fiber cancelled while it waited sees its own cancellation once what it waited on has wound down, whatever
    // that op's outcome (a branch may catch its cancellation and return a value).
    const cancelled = fiber.cancelledWith;
    fiber.cancelledWith = undefined;
    op.giveBack = undefined; // its value reached code
    if (cancelled) this.runQueue.push({ fiber, ok: false, value: cancelled, byCancel: true });
    else this.runQueue.push({ fiber, ok: op.state === "ok", value: op.value });
  }

  private step(fiber: Fiber, ok: boolean, value: unknown): void {
    for (;;) {
      if (this.finished) return;
      let r: IteratorResult<unknown, unknown>;
      try {
        r = ok ? fiber.gen.next(value) : fiber.gen.throw(value);
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
      if (fiber.pendingCancel) {
        // cancelled while runnable: it sees the cancellation here, before this effect starts anything
        ok = false;
        value = fiber.pendingCancel;
        fiber.pendingCancel = undefined;
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
        op.listen((settled) => this.wake(fiber, settled));
        return;
      }
      op.observed = true;
      op.giveBack = undefined; // its value reached code
      ok = op.state === "ok";
      value = op.value;
    }
  }

  private finishFiber(fiber: Fiber, state: "ok" | "failed", value: unknown): void {
    if (state === "failed" && !(value instanceof Failure)) throw this.taskError(value);
    fiber.op.settle(state, value);
    if (fiber !== this.root) return;
    this.finished = true;
    this.warnUnconsumedSignals();
    for (const h of this.handles) {
      if (h.state === "failed" && !h.observed) {
        this.warnings.push(
          `${h.id} failed and the workflow finished without awaiting its handle: ${(h.value as Error).message}`,
        );
      }
    }
    const ser = this.ctx.serializer;
    if (state === "ok") {
      let result: string | undefined;
      try {
        result = ser.serialize(value);
      } catch (err) {
        throw this.taskError(
          new PayloadError(`the workflow's result cannot be serialized: ${(err as Error).message}`, err),
        );
      }
      this.closing = makeDecision("CompleteWorkflowExecution", compact({ result }));
      this.statusValue = { status: "completed", result: value };
    } else if (value instanceof CancelledFailure && this.cancelRequested) {
      const details = ser.serialize(value.message);
      this.closing = makeDecision("CancelWorkflowExecution", compact({ details }));
      this.statusValue = { status: "canceled", details };
    } else {
      const { reason, details, shortened } = workflowFailure(value);
      if (shortened) this.warnings.push(shortened);
      this.closing = makeDecision("FailWorkflowExecution", { reason, details });
      this.statusValue = { status: "failed", reason, details, error: value };
    }
    this.outbox.queueClose(this.closing);
  }

  /**
   * Serializes a value the workflow passes to an effect. A value the serializer cannot carry is a bug at the call:
   * it is thrown into workflow code there (as a bad argument is), naming the effect.
   */
  private encode(value: unknown, what: string): string | undefined {
    try {
      return this.ctx.serializer.serialize(value);
    } catch (err) {
      throw new InvalidArgumentError(`${what}: ${(err as Error).message}`);
    }
  }

  /** Deserializes a payload from the history; one that cannot be read fails the decision task (PayloadError), saying which. */
  private decode(data: string | undefined, what: string): unknown {
    try {
      return this.ctx.serializer.deserialize(data);
    } catch (err) {
      throw new PayloadError(
        `workflow ${this.workflow.name} (run ${this.ctx.runId || "?"}), decision task at event ${this.taskStartedEventId}: ${what} cannot be deserialized: ${(err as Error).message}`,
        err,
      );
    }
  }

  private taskError(err: unknown): WorkflowTaskError {
    return new WorkflowTaskError(this.workflow.name, this.ctx.runId, this.taskStartedEventId, err);
  }

  private invalidYield(value: unknown): InvalidYieldError {
    const where = `workflow ${this.workflow.name} (run ${this.ctx.runId || "?"}), decision task at event ${this.taskStartedEventId}`;
    if (isEffect(value)) {
      return new InvalidYieldError(
        `${where}: a ${(value as unknown as Descriptor).kind} effect was yielded with \`yield\`; write \`yield*\` (with the star) so the engine runs it and types its result`,
      );
    }
    return new InvalidYieldError(
      `${where}: workflow code yielded ${describeValue(value)}; workflows may only use \`yield*\` on yieldflow effects (activity, sleep, signal, all, …)`,
    );
  }

  // ─── effects ────────────────────────────────────────────────────────────────────────────────────────────────

  private nextId(kind: string, given: string | undefined): string {
    const n = ++this.seq;
    return given ?? `${kind}-${n}`;
  }

  private settled(kind: string, state: "ok" | "failed", value: unknown, id: string = kind): Op {
    const op = new Op(kind, id);
    op.settle(state, value);
    return op;
  }

  private own(fiber: Fiber, op: Op): Op {
    op.owner = fiber.op;
    fiber.op.owned.add(op);
    return op;
  }

  /** Starts a branch (effect or generator) on behalf of `owner`, returning the op that settles with it. */
  private startBranch(branch: Branch, owner: Fiber): Op {
    if (isGenerator(branch)) {
      const op = this.own(owner, new Op("branch", `branch-${++this.internalSeq}`));
      const fiber: Fiber = {
        gen: branch as Generator<unknown, unknown, unknown>,
        op,
        waitingOn: undefined,
        pendingCancel: undefined,
      };
      op.onCancel = () => this.cancelFiber(fiber, new CancelledFailure(op.id));
      this.runQueue.push({ fiber, ok: true, value: undefined });
      return op;
    }
    return this.startEffect(branch as unknown as Descriptor, owner);
  }

  /** The table from effect kind to what starting it means. Returns an op (already settled for immediate effects). */
  private startEffect(effect: Descriptor, fiber: Fiber): Op {
    switch (effect.kind) {
      case "activity":
        return this.startActivity(effect, fiber);
      case "timer":
        return this.startTimer(this.nextId("timer", effect.id), effect.seconds, fiber);
      case "sideEffect":
        return this.sideEffect(effect.fn, this.nextId("sideEffect", effect.id));
      case "child":
        return this.startChild(effect, fiber);
      case "signal":
        return this.waitSignal(effect.name, effect.timeoutSeconds, fiber);
      case "signalExternal":
      case "cancelExternal": {
        const id = `${effect.kind === "signalExternal" ? "signal" : "cancel"}-${++this.seq}`;
        const op = this.own(fiber, new Op(effect.kind, id));
        const decision =
          effect.kind === "signalExternal"
            ? makeDecision(
                "SignalExternalWorkflowExecution",
                compact({
                  workflowId: effect.workflowId,
                  runId: effect.runId,
                  signalName: effect.signalName,
                  input: this.encode(effect.input, `signalExternal ${effect.signalName} input`),
                  control: id,
                }),
              )
            : makeDecision(
                "RequestCancelExternalWorkflowExecution",
                compact({ workflowId: effect.workflowId, runId: effect.runId, control: id }),
              );
        const key = keyOf("external", id);
        this.pending.set(key, { op, kind: "external" });
        this.outbox.push({ decision, limit: undefined, id: key });
        op.onCancel = () => {
          this.outbox.drop(key);
          this.pending.delete(key);
        };
        return op;
      }
      case "all":
      case "race":
      case "any":
        return this.combine(effect.kind, effect.branches, fiber);
      case "start": {
        const op = this.startBranch(effect.branch, fiber);
        op.giveBack = undefined; // the value stays reachable through the handle
        this.handles.push(op);
        return this.settled("start", "ok", this.handle(op));
      }
      case "wait":
        return effect.op as Op;
      case "cancel":
        this.cancelOp(effect.op as Op, new CancelledFailure((effect.op as Op).id));
        return this.settled("cancel", "ok", undefined);
      case "info":
        return this.settled("info", "ok", this.info(effect.what, effect.args));
      case "continueAsNew": {
        this.closing = makeDecision(
          "ContinueAsNewWorkflowExecution",
          compact({
            input: this.encode(effect.input, "continueAsNew input"),
            workflowTypeVersion: effect.workflowTypeVersion,
            taskList: effect.taskList === undefined ? undefined : { name: effect.taskList },
            executionStartToCloseTimeout: swfSeconds(effect.executionStartToClose),
            taskStartToCloseTimeout: swfSeconds(effect.taskStartToClose),
            childPolicy: effect.childPolicy,
            tagList: effect.tagList ? [...effect.tagList] : undefined,
          }),
        );
        this.statusValue = { status: "continuedAsNew", input: effect.input };
        this.finished = true;
        this.outbox.queueClose(this.closing);
        return new Op("continueAsNew", "continueAsNew"); // never settles: the run is over
      }
      case "patch":
        return this.settled("patch", "ok", this.patch(effect.patchId, effect.deprecated));
      default: {
        const unreachable: never = effect;
        throw this.invalidYield(unreachable);
      }
    }
  }

  /**
   * Opens a command SWF tracks until it closes (an activity, a timer, a child): its op, its pending entry, its
   * decision in the outbox, and how to cancel it.
   */
  private openCommand(
    kind: "activity" | "timer" | "child",
    id: string,
    fiber: Fiber,
    decision: Decision,
    cancelDecision: (p: Pending) => Decision,
    descriptor?: ActivityDescriptor | ChildDescriptor,
  ): Op {
    const op = this.own(fiber, new Op(kind, id));
    const key = keyOf(kind, id);
    const p: Pending = { op, kind, ...(descriptor && { descriptor }) };
    this.pending.set(key, p);
    this.outbox.push({ decision, limit: kind, id: key });
    op.onCancel = () => this.cancelScheduled(kind, id, () => cancelDecision(p));
    return op;
  }

  private startActivity(effect: ActivityDescriptor, fiber: Fiber): Op {
    const id = this.nextId("activity", effect.id);
    this.checkUnused("activity", id, "activity id");
    const s = effect.scheduling;
    const decision = makeDecision(
      "ScheduleActivityTask",
      compact({
        activityType: { name: effect.activity.name, version: effect.activity.version },
        activityId: id,
        input: this.encode(effect.input, `activity ${effect.activity.name} input`),
        control: effect.attempt === undefined ? undefined : JSON.stringify({ attempt: effect.attempt }),
        taskList: s.taskList === undefined ? undefined : { name: s.taskList },
        taskPriority: s.taskPriority === undefined ? undefined : String(s.taskPriority),
        scheduleToStartTimeout: swfSeconds(s.scheduleToStart),
        startToCloseTimeout: swfSeconds(s.startToClose),
        scheduleToCloseTimeout: swfSeconds(s.scheduleToClose),
        heartbeatTimeout: swfSeconds(s.heartbeat),
      }),
    );
    const cancel = () => makeDecision("RequestCancelActivityTask", { activityId: id });
    return this.openCommand("activity", id, fiber, decision, cancel, effect);
  }

  private startTimer(id: string, secs: number, fiber: Fiber): Op {
    this.checkUnused("timer", id, "timer id");
    const decision = makeDecision("StartTimer", { timerId: id, startToFireTimeout: String(secs) });
    return this.openCommand("timer", id, fiber, decision, () => makeDecision("CancelTimer", { timerId: id }));
  }

  private startChild(effect: ChildDescriptor, fiber: Fiber): Op {
    const n = ++this.seq;
    const id = effect.workflowId ?? childWorkflowId(this.ctx.workflowId || this.workflow.name, this.ctx.runId, n);
    this.checkUnused("child", id, "child workflowId");
    const decision = makeDecision(
      "StartChildWorkflowExecution",
      compact({
        workflowType: { name: effect.workflow.name, version: effect.workflow.version },
        workflowId: id,
        input: this.encode(effect.input, `child ${effect.workflow.name} input`),
        taskList: effect.taskList === undefined ? undefined : { name: effect.taskList },
        executionStartToCloseTimeout: swfSeconds(effect.executionStartToClose),
        taskStartToCloseTimeout: swfSeconds(effect.taskStartToClose),
        childPolicy: effect.childPolicy,
        tagList: effect.tagList ? [...effect.tagList] : undefined,
      }),
    );
    const cancel = (p: Pending) =>
      makeDecision(
        "RequestCancelExternalWorkflowExecution",
        compact({ workflowId: id, runId: p.childRunId, control: `cancel-${n}` }),
      );
    return this.openCommand("child", id, fiber, decision, cancel, effect);
  }

  /**
   * Cancels a command: if its decision has not gone out yet it is simply withdrawn; otherwise a cancel decision is
   * queued. Either way the op fails with `CancelledFailure` now; a late result is ignored.
   */
  private cancelScheduled(kind: "activity" | "timer" | "child", id: string, cancelDecision: () => Decision): void {
    const key = keyOf(kind, id);
    if (this.outbox.drop(key)) {
      this.pending.delete(key);
      return;
    }
    // CancelTimer closes the timer as it goes out (TimerCanceled is recorded with the decision, never delivered);
    // until then a TimerFired in the same batch withdraws it
    const onEmit =
      kind === "timer"
        ? () => {
            if (this.pending.delete(key)) this.outbox.closed("timer");
          }
        : undefined;
    this.outbox.push({ decision: cancelDecision(), limit: undefined, id: `${key}#cancel`, onEmit });
  }

  /** SWF keeps activity ids, timer ids and child workflow ids apart: an id is unique among open ones of its kind. */
  private checkUnused(kind: "activity" | "timer" | "child", id: string, what: string): void {
    if (this.pending.has(keyOf(kind, id)))
      throw new InvalidArgumentError(
        `${what} ${JSON.stringify(id)} is already used by an open ${kind} of this execution`,
      );
    const problem = swfIdProblem(id);
    if (problem) throw new InvalidArgumentError(`${what} ${problem}`);
  }

  private sideEffect(fn: () => unknown, markerName: string): Op {
    if (this.markerNames.has(markerName)) {
      throw new InvalidArgumentError(
        `sideEffect id ${JSON.stringify(markerName)} was already used in this execution; each side effect needs its own id (its value is recorded under it)`,
      );
    }
    this.markerNames.add(markerName);
    const markers = this.history().markers;
    let details: string | undefined;
    if (Object.hasOwn(markers, markerName)) {
      details = markers[markerName] ?? undefined;
    } else {
      let value: unknown;
      try {
        value = fn();
      } catch (err) {
        throw this.taskError(err);
      }
      if (value instanceof Promise) {
        throw this.taskError(
          new InvalidArgumentError(
            `sideEffect ${markerName}: the function returned a Promise; side effects must be synchronous (use an activity for async work)`,
          ),
        );
      }
      details = this.encode(value, `sideEffect ${markerName} value`);
    }
    this.outbox.push({
      decision: makeDecision("RecordMarker", compact({ markerName, details })),
      limit: "marker",
      id: markerName,
    });
    return this.settled("sideEffect", "ok", this.decode(details, `sideEffect ${markerName}`), markerName);
  }

  private patch(patchId: string, deprecated: boolean): boolean {
    const known = this.patches.get(patchId);
    if (known !== undefined) return known;
    const markerName = `patch.${patchId}`;
    const recorded = Object.hasOwn(this.history().markers, markerName);
    // New code paths run when the marker is in the history, or when this decision is being made for the first time.
    const value = recorded || !this.replaying;
    this.patches.set(patchId, value);
    if (value)
      this.outbox.push({ decision: makeDecision("RecordMarker", { markerName }), limit: "marker", id: markerName });
    return deprecated ? true : value;
  }

  private waitSignal(name: string, timeoutSeconds: number | undefined, fiber: Fiber): Op {
    const taken = this.signals.take(name);
    if (taken) {
      const op = this.settled("signal", "ok", taken.value, `signal:${name}`);
      op.giveBack = taken.giveBack; // a race or any() that settles without this wait puts the signal back
      return op;
    }
    const op = this.own(fiber, new Op("signal", `signal:${name}`));
    this.signals.wait(name, op);
    let timer: Op | undefined;
    let cancelling = false;
    if (timeoutSeconds !== undefined) {
      const timerId = `timeout-${++this.seq}`;
      timer = this.startTimer(timerId, timeoutSeconds, fiber);
      // the timer decides the wait if it settles first: fired → timed out; refused by SWF → that failure
      timer.listen((t) => {
        if (op.state !== "pending" || cancelling) return;
        this.signals.remove(name, op);
        const timeout = new TimeoutFailure(
          { kind: "signal", id: timerId },
          "SIGNAL",
          `no signal "${name}" arrived before the timeout`,
        );
        op.settle("failed", t.state === "ok" ? timeout : t.value);
      });
      op.listen(() => {
        if (timer?.state === "pending") this.cancelOp(timer, new CancelledFailure(timerId));
      });
    }
    op.onCancel = () => {
      cancelling = true;
      this.signals.remove(name, op);
      if (timer?.state === "pending") this.cancelOp(timer, new CancelledFailure(timer.id));
    };
    return op;
  }

  /**
   * all / race / any, with structured concurrency: once the outcome is known the branches still running are
   * cancelled, and the combinator settles only when every branch has finished (so a cancelled branch's cleanup, a
   * saga's compensation in its `finally`, runs before the code after the combinator does).
   */
  private combine(kind: "all" | "race" | "any", branches: readonly Branch[], fiber: Fiber): Op {
    const op = this.own(fiber, new Op(kind, `${kind}-${++this.internalSeq}`));
    const children = branches.map((b) => this.startBranch(b, fiber));
    let outcome: { state: "ok" | "failed"; value: unknown } | undefined;
    let remaining = children.length;
    let winner: Op | undefined;
    const conclude = (state: "ok" | "failed", value: unknown, why: string, by?: Op) => {
      if (outcome) return;
      outcome = { state, value };
      winner = by;
      for (const c of children)
        if (c.state === "pending") this.cancelOp(c, new CancelledFailure(c.id, `${c.id} was cancelled: ${why}`));
      // values that will never reach code (race/any losers, every branch of an all() that fails) give back the
      // buffered signals they had taken, last first to keep arrival order
      for (const c of [...children].reverse()) {
        if (c.state === "ok" && c !== by && (kind !== "all" || state === "failed")) c.giveBack?.();
      }
    };
    const finish = () => {
      if (remaining !== 0 || !outcome) return;
      op.settle(outcome.state, outcome.value);
      if (outcome.state === "ok") {
        // if this combinator's own result is discarded, what it carries goes back too
        const carried = kind === "all" ? [...children].reverse() : winner ? [winner] : [];
        op.giveBack = () => {
          for (const c of carried) c.giveBack?.();
        };
      }
    };
    op.onCancel = (failure) => {
      conclude("failed", failure, `${kind}() was cancelled`);
      finish();
    };
    if (children.length === 0) {
      op.settle("ok", []);
      return op;
    }
    for (const child of children) {
      child.listen((c) => {
        c.observed = true;
        remaining--;
        if (!outcome) {
          if (kind === "race" || (kind === "all" && c.state === "failed") || (kind === "any" && c.state === "ok")) {
            conclude(c.state as "ok" | "failed", c.value, `${kind}() settled without it`, c);
          } else if (remaining === 0) {
            if (kind === "all") outcome = { state: "ok", value: children.map((x) => x.value) };
            else outcome = { state: "failed", value: new AllFailedFailure(children.map((x) => x.value)) };
          }
        }
        finish();
      });
    }
    return op;
  }

  private handle(op: Op): Handle<unknown> {
    return Object.assign(makeEffect<unknown>({ kind: "wait", op }), {
      id: op.id,
      op,
      isReady: () => op.state !== "pending",
    }) as Handle<unknown>;
  }

  /**
   * Cancels an op. A primitive (activity, timer, child, signal wait, external request) fails with `failure` at once;
   * a branch gets `failure` thrown in where it waits, and a combinator cancels its branches: both settle when their
   * code has finished.
   */
  private cancelOp(op: Op, failure: CancelledFailure): void {
    if (op.state !== "pending") return;
    const onCancel = op.onCancel;
    onCancel?.(failure);
    if (op.kind === "branch" || op.kind === "all" || op.kind === "race" || op.kind === "any") return;
    op.settle("failed", failure);
  }

  private cancelFiber(fiber: Fiber, failure: CancelledFailure): void {
    // once: a fiber owned twice over (by its starter and by a combinator) is cancelled by the first to ask
    if (fiber.op.state !== "pending" || fiber.cancelled) return;
    fiber.cancelled = true;
    // what the fiber waits on fails because of this cancellation: the fiber sees this failure, not the op's
    fiber.cancelledWith = failure;
    for (const owned of [...fiber.op.owned]) {
      this.cancelOp(owned, new CancelledFailure(owned.id, `${owned.id} was cancelled with ${failure.target}`));
    }
    const waiting = fiber.waitingOn;
    if (waiting && waiting.owner !== fiber.op) {
      // it waits on something it does not own (a handle passed in): wake it now
      fiber.waitingOn = undefined;
      fiber.cancelledWith = undefined;
      this.runQueue.push({ fiber, ok: false, value: failure, byCancel: true });
    } else if (!waiting) {
      // runnable: unless it was just woken by this cancellation, it sees it at its next wait
      fiber.cancelledWith = undefined;
      if (!this.runQueue.some((q) => q.fiber === fiber && q.byCancel)) fiber.pendingCancel = failure;
    }
  }

  private info(
    what: "now" | "random" | "uuid" | "workflowInfo" | "log",
    args: readonly unknown[] | undefined,
  ): unknown {
    switch (what) {
      case "now":
        return new Date(this.time);
      case "random":
        return this.rng.next();
      case "uuid":
        return this.rng.uuid();
      case "workflowInfo": {
        const s = this.history().started;
        const info: WorkflowInfo = {
          workflowId: this.ctx.workflowId,
          runId: this.ctx.runId,
          workflowType: { name: this.workflow.name, version: this.workflow.version },
          taskList: s?.taskList ?? "",
          historyLength: this.historyLength,
          isReplaying: this.replaying,
          continuedExecutionRunId: s?.continuedExecutionRunId,
          parent: s?.parent,
        };
        return info;
      }
      case "log": {
        if (!this.replaying) {
          const [level, message, data] = args as [LogLevel, string, unknown];
          this.logs.push({ level, message, data, time: this.time });
        }
        return undefined;
      }
    }
  }
}

/** How long to wait before deciding a close again after SWF refused it for a lasting reason. */
const CLOSE_RETRY_SECONDS = 60;

/** The key of an open operation: SWF's id namespaces are per kind. */
function keyOf(kind: Pending["kind"], id: string): string {
  return `${kind}:${id}`;
}

/** Which kind of operation SWF refused, by the refusal's event type. */
const REFUSED_KIND = {
  ScheduleActivityTaskFailed: "activity",
  StartTimerFailed: "timer",
  StartChildWorkflowExecutionFailed: "child",
  SignalExternalWorkflowExecutionFailed: "external",
  RequestCancelExternalWorkflowExecutionFailed: "external",
  RecordMarkerFailed: undefined,
} as const satisfies Partial<Record<EventType, Pending["kind"] | undefined>>;

function describeValue(value: unknown): string {
  if (value === undefined) return "undefined (a bare `yield;`)";
  if (typeof value === "object" && value !== null) return `an object (${Object.prototype.toString.call(value)})`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
