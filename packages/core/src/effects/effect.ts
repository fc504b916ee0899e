/**
 * Effect descriptors: plain data saying what workflow code wants (run this activity with this input, wait 10
 * minutes, record this value). Workflow code never does I/O; it hands descriptors to the replay engine with
 * `yield*`, which also types the result. Each descriptor is iterable: iterating it yields one
 * {@link EffectRequest} and returns what the engine sends back.
 */

import type { ChildPolicy } from "../history/swf-types.js";
import type { ActivityDefinition, WorkflowDefinition } from "../workflow.js";
import type { RetryPolicy } from "./retry.js";

/** The marker of a request yielded to the engine. A bare effect (yielded without `*`) lacks it. */
export const REQUEST = "yieldflow/request" as const;

/** What the engine receives from workflow code: always produced by `yield*` on an effect. */
export interface EffectRequest {
  readonly type: typeof REQUEST;
  readonly effect: Descriptor;
}

/** An effect whose result has type `T`. Use it with `yield*`, or pass it to `all`, `race`, `any`, `start`. */
export interface Effect<T> {
  readonly kind: Descriptor["kind"];
  [Symbol.iterator](): Generator<EffectRequest, T, unknown>;
}

/** A concurrent branch: an effect, or a started generator (a call of a `function*`) that uses effects. */
export type Branch<T = unknown> = Effect<T> | Generator<EffectRequest, T, unknown>;

/** The result type of a branch. */
export type BranchResult<B> =
  B extends Effect<infer T> ? T : B extends Generator<EffectRequest, infer T, unknown> ? T : never;

/** Activity scheduling fields, already resolved to SWF's units (seconds). */
export interface ActivityScheduling {
  taskList: string | undefined;
  taskPriority: number | undefined;
  scheduleToStart: number | undefined;
  startToClose: number | undefined;
  scheduleToClose: number | undefined;
  heartbeat: number | undefined;
}

export interface ActivityDescriptor {
  kind: "activity";
  activity: ActivityDefinition<unknown, unknown>;
  input: unknown;
  /** A user-supplied activity id, or undefined for a deterministic one. */
  id: string | undefined;
  scheduling: ActivityScheduling;
  /** Set by `retry`: the attempt number, recorded in the decision's `control` as `{"attempt":n}` (from 2 on, in the input too). */
  attempt?: number;
  /**
   * The retry policy that governs a plain call (the call's `retry` option, else the definition's), or undefined when
   * none does (none declared, or `retry: false`). A call with one runs under `retry`; see effects/activity.ts.
   */
  retry?: RetryPolicy | undefined;
}
export interface TimerDescriptor {
  kind: "timer";
  seconds: number;
  id: string | undefined;
}
export interface SideEffectDescriptor {
  kind: "sideEffect";
  fn: () => unknown;
  id: string | undefined;
}
export interface ChildDescriptor {
  kind: "child";
  workflow: WorkflowDefinition<unknown, unknown>;
  input: unknown;
  workflowId: string | undefined;
  taskList: string | undefined;
  executionStartToClose: number | undefined;
  taskStartToClose: number | undefined;
  childPolicy: ChildPolicy | undefined;
  tagList: readonly string[] | undefined;
}
export interface SignalDescriptor {
  kind: "signal";
  name: string;
  timeoutSeconds: number | undefined;
}
export interface SignalExternalDescriptor {
  kind: "signalExternal";
  workflowId: string;
  runId: string | undefined;
  signalName: string;
  input: unknown;
}
export interface CancelExternalDescriptor {
  kind: "cancelExternal";
  workflowId: string;
  runId: string | undefined;
}
export interface CombinatorDescriptor {
  kind: "all" | "race" | "any";
  branches: readonly Branch[];
  /** `all` only: at most this many branches run at once (started in input order). */
  concurrency?: number | undefined;
}
export interface StartDescriptor {
  kind: "start";
  branch: Branch;
}
export interface WaitDescriptor {
  kind: "wait";
  /** The engine's operation behind a handle. */
  op: unknown;
}
export interface CancelDescriptor {
  kind: "cancel";
  op: unknown;
}
export interface InfoDescriptor {
  kind: "info";
  what: "now" | "random" | "uuid" | "workflowInfo" | "log";
  /** For `log`: the level and message parts. */
  args?: readonly unknown[];
}
export interface ContinueAsNewDescriptor {
  kind: "continueAsNew";
  input: unknown;
  workflowTypeVersion: string | undefined;
  taskList: string | undefined;
  executionStartToClose: number | undefined;
  taskStartToClose: number | undefined;
  childPolicy: ChildPolicy | undefined;
  tagList: readonly string[] | undefined;
}
export interface PatchDescriptor {
  kind: "patch";
  patchId: string;
  deprecated: boolean;
}

/** Every effect the engine understands, discriminated by `kind`. */
export type Descriptor =
  | ActivityDescriptor
  | TimerDescriptor
  | SideEffectDescriptor
  | ChildDescriptor
  | SignalDescriptor
  | SignalExternalDescriptor
  | CancelExternalDescriptor
  | CombinatorDescriptor
  | StartDescriptor
  | WaitDescriptor
  | CancelDescriptor
  | InfoDescriptor
  | ContinueAsNewDescriptor
  | PatchDescriptor;

/** The kinds of effect. */
export type EffectKind = Descriptor["kind"];

/**
 * What `yield*` on an effect iterates: it yields one request, then returns what the engine sent back (or throws
 * what the engine threw in). Written by hand rather than as a generator function: every effect of every replay
 * makes one, and a generator object costs several times as much.
 */
class EffectIterator implements EffectRequest {
  /** The iterator is its own request (one object less per effect). */
  declare readonly type: typeof REQUEST;
  declare readonly effect: Descriptor;
  declare private requested: boolean;
  // fields set here rather than initialized where declared: no field-initializer call per effect
  constructor(effect: Descriptor) {
    this.type = REQUEST;
    this.effect = effect;
    this.requested = false;
  }
  /**
   * Each result is a fresh object: `yield*` hands the first one to whoever steps the workflow (a test stepping a
   * generator by hand keeps and compares them), so it must never change afterwards nor refer to itself.
   */
  next(value?: unknown): IteratorResult<EffectRequest, unknown> {
    if (this.requested) return { value, done: true };
    this.requested = true;
    return { value: this, done: false };
  }
  return(value?: unknown): IteratorResult<EffectRequest, unknown> {
    this.requested = true;
    return { value, done: true };
  }
  throw(error?: unknown): IteratorResult<EffectRequest, unknown> {
    this.requested = true;
    throw error;
  }
  [Symbol.iterator](): this {
    return this;
  }
}

const effectPrototype = {
  [Symbol.iterator](this: Descriptor): Generator<EffectRequest, unknown, unknown> {
    return new EffectIterator(this) as unknown as Generator<EffectRequest, unknown, unknown>;
  },
};

/** Wraps a descriptor so that `yield*` on it asks the engine to perform it. */
export function makeEffect<T>(descriptor: Descriptor, prototype: object = effectPrototype): Effect<T> {
  return Object.assign(Object.create(prototype) as object, descriptor) as unknown as Effect<T>;
}

/**
 * A prototype for effects whose `yield*` runs workflow-side code of its own instead of one request (an activity
 * that retries under its policy runs `retry`'s generator). Such effects are still effects ({@link isEffect}).
 */
export function effectPrototypeWith(iterate: (this: Descriptor) => Generator<EffectRequest, unknown, unknown>): object {
  return Object.create(effectPrototype, { [Symbol.iterator]: { value: iterate } });
}

/** What makes activity effects of one prototype (see {@link activityEffects}). */
export type ActivityEffects = new (
  activity: ActivityDefinition<unknown, unknown>,
  input: unknown,
  id: string | undefined,
  scheduling: ActivityScheduling,
  retry: RetryPolicy | undefined,
) => ActivityDescriptor;

/**
 * A class of activity effects whose prototype inherits `prototype` (an effect prototype). An instance is the object
 * {@link makeEffect} would make, same fields in the same order, but all six held in the object itself: one made by
 * `Object.create` holds four and puts the rest in a second allocation, and workflows make one per activity call,
 * every replay all of them again.
 */
export function activityEffects(prototype: object): ActivityEffects {
  class ActivityEffect {
    declare kind: "activity";
    declare activity: ActivityDefinition<unknown, unknown>;
    declare input: unknown;
    declare id: string | undefined;
    declare scheduling: ActivityScheduling;
    declare retry: RetryPolicy | undefined;
    constructor(
      activity: ActivityDefinition<unknown, unknown>,
      input: unknown,
      id: string | undefined,
      scheduling: ActivityScheduling,
      retry: RetryPolicy | undefined,
    ) {
      this.kind = "activity";
      this.activity = activity;
      this.input = input;
      this.id = id;
      this.scheduling = scheduling;
      this.retry = retry;
    }
  }
  Object.setPrototypeOf(ActivityEffect.prototype, prototype);
  return ActivityEffect;
}

const plainActivities = activityEffects(effectPrototype);

/** {@link makeEffect} for an activity, without the descriptor object it would copy (of class `effects`). */
export function makeActivityEffect<T>(
  activity: ActivityDefinition<unknown, unknown>,
  input: unknown,
  id: string | undefined,
  scheduling: ActivityScheduling,
  retry: RetryPolicy | undefined,
  effects: ActivityEffects = plainActivities,
): Effect<T> {
  return new effects(activity, input, id, scheduling, retry) as unknown as Effect<T>;
}

/** True for an effect (used to explain a bare `yield`). */
export function isEffect(value: unknown): value is Effect<unknown> & Descriptor {
  return typeof value === "object" && value !== null && Object.prototype.isPrototypeOf.call(effectPrototype, value);
}

/** True for an {@link EffectRequest}. */
export function isRequest(value: unknown): value is EffectRequest {
  return typeof value === "object" && value !== null && (value as EffectRequest).type === REQUEST;
}

/** True for a generator object (a started `function*`). */
export function isGenerator(value: unknown): value is Generator<EffectRequest, unknown, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Generator).next === "function" &&
    typeof (value as Generator).throw === "function" &&
    typeof (value as Generator)[Symbol.iterator] === "function"
  );
}
