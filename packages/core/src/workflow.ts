/**
 * Workflow and activity definitions: the SWF type (name, version), defaults (task list, timeouts, retry policy)
 * and a typed input/output signature. Definitions carry no activity code, so a decider imports them without
 * importing what the activities do; implementations are registered separately with {@link implement}.
 */

import type { ActivityLogger } from "./activity-context.js";
import { checkSwfName, checkTaskPriority } from "./decisions/validate.js";
import type { Timeout } from "./duration.js";
import { toTimeoutSeconds } from "./duration.js";
import type { EffectRequest } from "./effects/effect.js";
import { checkPolicy, type RetryPolicy } from "./effects/retry.js";
import { InvalidArgumentError } from "./errors.js";
import type { ChildPolicy } from "./history/swf-types.js";
import type { PayloadOptions } from "./payload/pipeline.js";

/** Activity timeouts, as SWF names them. Each is a {@link Timeout} (a duration or `"NONE"`); leave one out to use the type's default. */
export interface ActivityTimeouts {
  scheduleToStart?: Timeout;
  startToClose?: Timeout;
  scheduleToClose?: Timeout;
  heartbeat?: Timeout;
}

/** What {@link defineActivity} takes. */
export interface ActivityOptions {
  /** The SWF activity type name (1–256 characters, no `:`, `/`, `|`). */
  name: string;
  /** The SWF activity type version (1–64 characters). */
  version: string;
  /** Default task list for scheduling this activity. */
  taskList?: string;
  timeouts?: ActivityTimeouts;
  taskPriority?: number;
  /**
   * The activity's retry policy: every call retries under it (`yield* activity(def, x)`, and the activity as a branch
   * of `all`/`race`/`any`/`start`), unless the call gives its own (`{ retry: {...} }`) or opts out
   * (`{ retry: false }`). Without one, a call runs once (wrap it in `retry(...)` to retry it).
   */
  retry?: RetryPolicy;
  /**
   * Payload options of this type (PySWF's `Meta` data store): laid over the runner's or worker's default, e.g. a
   * store of its own or an encryption codec. Applies to the values this type receives and returns.
   */
  payloads?: PayloadOptions;
  description?: string;
}

/** A typed activity type. `I` and `O` are phantom: they type `activity(def, input)` and `implement(def, fn)`. */
export interface ActivityDefinition<I = unknown, O = unknown> {
  readonly kind: "activity";
  readonly name: string;
  readonly version: string;
  readonly taskList: string | undefined;
  readonly timeouts: Readonly<Record<keyof ActivityTimeouts, number | undefined>>;
  readonly taskPriority: number | undefined;
  readonly retry: RetryPolicy | undefined;
  readonly description: string | undefined;
  /** Payload options of this type, laid over the runner's or worker's default. */
  readonly payloads: PayloadOptions | undefined;
  /** @internal phantom types */
  readonly __io?: { input: I; output: O };
}

function resolveTimeouts(t: ActivityTimeouts | undefined, where: string): ActivityDefinition["timeouts"] {
  const pick = (k: keyof ActivityTimeouts) =>
    t?.[k] === undefined ? undefined : toTimeoutSeconds(t[k], `${where} timeouts.${k}`);
  return {
    scheduleToStart: pick("scheduleToStart"),
    startToClose: pick("startToClose"),
    scheduleToClose: pick("scheduleToClose"),
    heartbeat: pick("heartbeat"),
  };
}

/**
 * Declares an activity type.
 *
 * @example
 * export const chargeCard = defineActivity<{ orderId: string; cents: number }, { chargeId: string }>({
 *   name: "chargeCard", version: "1", taskList: "payments", timeouts: { startToClose: "30s" },
 * });
 */
export function defineActivity<I, O>(options: ActivityOptions): ActivityDefinition<I, O> {
  checkSwfName(options?.name, "activity name", 256);
  checkSwfName(options.version, `activity ${options.name} version`, 64);
  checkTaskPriority(options.taskPriority, `activity ${options.name} taskPriority`);
  if (options.retry !== undefined) checkPolicy(options.retry, `activity ${options.name} retry`);
  return Object.freeze({
    kind: "activity" as const,
    name: options.name,
    version: options.version,
    taskList: options.taskList,
    timeouts: Object.freeze(resolveTimeouts(options.timeouts, `activity ${options.name}`)),
    taskPriority: options.taskPriority,
    retry: options.retry,
    description: options.description,
    payloads: options.payloads,
  });
}

/** What an activity implementation receives besides its input. Drivers provide it. */
export interface ActivityContext {
  /** The activity id of this attempt (unique within the workflow execution). */
  readonly activityId: string;
  readonly activityType: { readonly name: string; readonly version: string };
  readonly workflowExecution: { readonly workflowId: string; readonly runId: string };
  /**
   * Which attempt this is: 1, then 2, 3 … for the attempts of a `retry` or of an activity retrying under its policy
   * (read from the scheduled event's `control`, see `activityAttempt`).
   */
  readonly attempt: number;
  /** Logs a line tagged with the workflow id, run id, activity id, type and attempt (where lines go is the driver's). */
  readonly log: ActivityLogger;
  /** Aborted when the workflow requests cancellation (on SWF, learned at the next heartbeat) or the task closes. */
  readonly signal: AbortSignal;
  /** Records a heartbeat (resets the heartbeat timeout). Resolves to true when cancellation was requested. */
  heartbeat(details?: unknown): Promise<boolean>;
  /** SWF's task token of this attempt (opaque; for completing the task from elsewhere). */
  readonly taskToken: string;
}

/** An activity implementation: the definition it implements and the function that does the work. */
export interface ActivityImplementation<I = unknown, O = unknown> {
  readonly definition: ActivityDefinition<I, O>;
  readonly run: (input: I, context: ActivityContext) => O | Promise<O>;
}

/**
 * Implements an activity type with an ordinary (async) function. Throw to fail the attempt; throw an
 * `ApplicationFailure` with `nonRetryable: true` to stop retries.
 *
 * @example
 * export const charge = implement(chargeCard, async ({ orderId, cents }) => ({ chargeId: await bank.charge(orderId, cents) }));
 */
export function implement<I, O>(
  definition: ActivityDefinition<I, O>,
  run: (input: I, context: ActivityContext) => O | Promise<O>,
): ActivityImplementation<I, O> {
  if (definition?.kind !== "activity")
    throw new InvalidArgumentError("implement(definition, fn): definition must come from defineActivity");
  if (typeof run !== "function")
    throw new InvalidArgumentError(`implement(${definition.name}, fn): fn must be a function`);
  return Object.freeze({ definition, run });
}

/** What {@link defineWorkflow} takes. */
export interface WorkflowOptions {
  /** The SWF workflow type name (1–256 characters, no `:`, `/`, `|`). */
  name: string;
  /** The SWF workflow type version (1–64 characters). */
  version: string;
  /** Default decision task list. */
  taskList?: string;
  timeouts?: { executionStartToClose?: Timeout; taskStartToClose?: Timeout };
  childPolicy?: ChildPolicy;
  description?: string;
  /**
   * Payload options of this type (PySWF's `Meta` data store): laid over the runner's or worker's default, e.g. a
   * store of its own or an encryption codec. Applies to the values this type receives and returns.
   */
  payloads?: PayloadOptions;
  /**
   * Run this workflow's code under the determinism guard (default true): while it runs, `Math.random()`,
   * `Date.now()` and `new Date()` give the run's deterministic values, and `setTimeout`, `setInterval`,
   * `setImmediate`, `queueMicrotask` and `fetch` throw. `false` turns it off for this workflow.
   */
  determinismGuard?: boolean;
}

/** The body of a workflow: a generator function that only uses `yield*` on yieldflow effects. */
export type WorkflowBody<I, O> = (input: I) => Generator<EffectRequest, O, unknown>;

/** A typed workflow type: its SWF identity, its defaults and its body. */
export interface WorkflowDefinition<I = unknown, O = unknown> {
  readonly kind: "workflow";
  readonly name: string;
  readonly version: string;
  readonly taskList: string | undefined;
  readonly timeouts: {
    readonly executionStartToClose: number | undefined;
    readonly taskStartToClose: number | undefined;
  };
  readonly childPolicy: ChildPolicy | undefined;
  readonly description: string | undefined;
  /** Payload options of this type, laid over the runner's or worker's default. */
  readonly payloads: PayloadOptions | undefined;
  /** False when the workflow opted out of the determinism guard. */
  readonly determinismGuard: boolean;
  readonly body: WorkflowBody<I, O>;
}

/**
 * Declares a workflow type. The body is a generator function; every effect is used with `yield*`, which types its
 * result. A bare `yield` does not compile.
 *
 * @example
 * export const greet = defineWorkflow({ name: "greet", version: "1" }, function* (name: string) {
 *   const text = yield* activity(makeGreeting, name);
 *   yield* sleep("1d");
 *   return text;
 * });
 */
export function defineWorkflow<I, O>(options: WorkflowOptions, body: WorkflowBody<I, O>): WorkflowDefinition<I, O> {
  checkSwfName(options?.name, "workflow name", 256);
  checkSwfName(options.version, `workflow ${options.name} version`, 64);
  checkWorkflowBody(body, options.name);
  const t = options.timeouts;
  return Object.freeze({
    kind: "workflow" as const,
    name: options.name,
    version: options.version,
    taskList: options.taskList,
    timeouts: Object.freeze({
      executionStartToClose:
        t?.executionStartToClose === undefined
          ? undefined
          : toTimeoutSeconds(t.executionStartToClose, "executionStartToClose"),
      taskStartToClose:
        t?.taskStartToClose === undefined ? undefined : toTimeoutSeconds(t.taskStartToClose, "taskStartToClose"),
    }),
    childPolicy: options.childPolicy,
    description: options.description,
    payloads: options.payloads,
    determinismGuard: options.determinismGuard !== false,
    body,
  });
}

/**
 * A workflow body is a `function*`, refused at once otherwise: an `async function*` (or an async function) would
 * await inside workflow code, and a plain function would fail only when its first decision task runs.
 */
function checkWorkflowBody(body: unknown, name: string): void {
  const kind = typeof body === "function" ? Object.prototype.toString.call(body) : undefined;
  if (kind === "[object GeneratorFunction]") return;
  const what =
    kind === "[object AsyncGeneratorFunction]"
      ? "an async function*: workflow code must not await (use function* and yield* the effects; do async work in activities)"
      : kind === "[object AsyncFunction]"
        ? "an async function: workflow code must not await (use function* and yield* the effects; do async work in activities)"
        : kind !== undefined
          ? "a plain function; write it as function* (…) { … } and use yield* for each effect"
          : `${body === null ? "null" : typeof body}, not a function`;
  throw new InvalidArgumentError(
    `defineWorkflow(${name}): the body must be a generator function (function*), got ${what}`,
  );
}

/** The input type of a workflow or activity definition. */
export type InputOf<D> =
  D extends WorkflowDefinition<infer I, unknown> ? I : D extends ActivityDefinition<infer I, unknown> ? I : never;
/** The output type of a workflow or activity definition. */
export type OutputOf<D> =
  D extends WorkflowDefinition<unknown, infer O> ? O : D extends ActivityDefinition<unknown, infer O> ? O : never;

/** A workflow of any input and output types: what registries, runners and loaders hold. */
// biome-ignore lint/suspicious/noExplicitAny: any input and output types (unknown would reject typed workflows)
export type AnyWorkflow = WorkflowDefinition<any, any>;

/** An activity implementation of any input and output types. */
// biome-ignore lint/suspicious/noExplicitAny: idem
export type AnyActivity = ActivityImplementation<any, any>;

/** An activity definition of any input and output types (what registration takes). */
// biome-ignore lint/suspicious/noExplicitAny: idem
export type AnyActivityDefinition = ActivityDefinition<any, any>;
