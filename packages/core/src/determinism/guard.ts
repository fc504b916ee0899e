/**
 * The determinism guard: while a step of workflow code runs (one `next()`/`throw()` of a workflow generator),
 * `Math.random()`, `Date.now()`, `new Date()` and `Date()` give the run's deterministic values (a random stream
 * seeded from the run id; the workflow time of the decision task), and timers, `queueMicrotask` and `fetch` throw a
 * {@link DeterminismGuardError} that says what to use instead. The globals are put back when the step returns or
 * throws, so nothing else (activities, drivers, side-effect functions, the engine between steps) is affected.
 *
 * This is the one module of core allowed to touch globals (biome.json exempts this file from core's purity rules):
 * core stays a pure function of the history because the guard only ever *replaces* the wall clock and randomness
 * with values derived from the history and the run id, never reads them. Code that keeps a reference obtained
 * before the step (`const now = Date.now` at module load) bypasses it: the guard catches mistakes, it is not a
 * sandbox.
 */
import { DeterminismGuardError } from "../errors.js";
import { createRandom, type DeterministicRandom } from "./random.js";

/** What workflow code sees during a step. */
export interface GuardValues {
  /** Workflow time, epoch ms. */
  now(): number;
  /** A deterministic number in [0, 1). */
  random(): number;
}

/**
 * A run's guard values: the workflow time of the task being decided, and for `Math.random()` a stream of its own
 * (seeded from the run id when first used), so that `Math.random()` in workflow code does not shift what `random()`
 * returns. One small object per engine, no closures.
 */
export class RunGuardValues implements GuardValues {
  private stream: DeterministicRandom | undefined;
  constructor(
    private readonly clock: { readonly time: number },
    private readonly runId: string,
  ) {}

  now(): number {
    return this.clock.time;
  }

  random(): number {
    this.stream ??= createRandom(`yieldflow:${this.runId}:Math.random`);
    return this.stream.next();
  }
}

const g = globalThis as unknown as Record<string, unknown>;
const NativeDate = Date;
const nativeRandom = Math.random;

/** The values of the step running now (undefined between steps). */
let active: GuardValues | undefined;

const guardedNow = (): number => (active ? active.now() : NativeDate.now());
const guardedRandom = (): number => (active ? active.random() : nativeRandom());

/** `Date` during a step: `new Date()`, `Date()` and `Date.now()` give workflow time; everything else is `Date`'s. */
const GuardedDate: DateConstructor = new Proxy(NativeDate, {
  construct(target, args, newTarget): object {
    const at = args.length === 0 ? [guardedNow()] : args;
    return Reflect.construct(target, at, newTarget === GuardedDate ? target : newTarget);
  },
  apply() {
    return new NativeDate(guardedNow()).toString();
  },
  get(target, property, receiver) {
    if (property === "now") return guardedNow;
    return Reflect.get(target, property, receiver);
  },
});

/** What to use instead of each global that throws during a step. */
const INSTEAD = {
  setTimeout: "to wait, use `yield* sleep(duration)` (a durable timer)",
  setInterval: "to repeat, loop with `yield* sleep(duration)`",
  setImmediate: "workflow code runs step by step: just go on, or use `yield* sleep(0)`",
  queueMicrotask: "workflow code runs step by step: just go on",
  fetch: "do I/O in an activity: `yield* activity(myCall, input)`",
} as const;
type Forbidden = keyof typeof INSTEAD;

function thrower(name: Forbidden): () => never {
  return function forbidden(): never {
    throw new DeterminismGuardError(
      name,
      `${name}() was called in workflow code, which is replayed from its history many times and must make the same decisions every time: ${INSTEAD[name]}. (The determinism guard forbids it; see "The determinism rules" in the README.)`,
    );
  };
}
const throwers: Record<Forbidden, () => never> = {
  setTimeout: thrower("setTimeout"),
  setInterval: thrower("setInterval"),
  setImmediate: thrower("setImmediate"),
  queueMicrotask: thrower("queueMicrotask"),
  fetch: thrower("fetch"),
};

/**
 * The globals replaced by the step running now. Named accesses, not a loop over names: a keyed access to the global
 * object by a variable name is much slower, and this runs on every step (the measured cost is in bench/README.md).
 */
const saved: Record<Forbidden, unknown> & { Date: unknown; random: () => number } = {
  setTimeout: undefined,
  setInterval: undefined,
  setImmediate: undefined,
  queueMicrotask: undefined,
  fetch: undefined,
  Date: undefined,
  random: nativeRandom,
};

function install(): void {
  saved.Date = g.Date;
  saved.random = Math.random;
  saved.setTimeout = g.setTimeout;
  saved.setInterval = g.setInterval;
  saved.setImmediate = g.setImmediate;
  saved.queueMicrotask = g.queueMicrotask;
  saved.fetch = g.fetch;
  g.Date = GuardedDate;
  Math.random = guardedRandom;
  if (saved.setTimeout !== undefined) g.setTimeout = throwers.setTimeout;
  if (saved.setInterval !== undefined) g.setInterval = throwers.setInterval;
  if (saved.setImmediate !== undefined) g.setImmediate = throwers.setImmediate;
  if (saved.queueMicrotask !== undefined) g.queueMicrotask = throwers.queueMicrotask;
  if (saved.fetch !== undefined) g.fetch = throwers.fetch;
}

function uninstall(): void {
  g.Date = saved.Date;
  Math.random = saved.random;
  if (saved.setTimeout !== undefined) g.setTimeout = saved.setTimeout;
  if (saved.setInterval !== undefined) g.setInterval = saved.setInterval;
  if (saved.setImmediate !== undefined) g.setImmediate = saved.setImmediate;
  if (saved.queueMicrotask !== undefined) g.queueMicrotask = saved.queueMicrotask;
  if (saved.fetch !== undefined) g.fetch = saved.fetch;
}

/**
 * Runs one step of a workflow generator under the guard: `gen.next(value)` when `ok`, else `gen.throw(value)`. The
 * globals are restored however the step ends. A step inside a step (a nested engine) only swaps the values.
 */
export function stepGuarded(
  values: GuardValues,
  gen: Generator<unknown, unknown, unknown>,
  ok: boolean,
  value: unknown,
): IteratorResult<unknown, unknown> {
  const outer = active;
  active = values;
  if (outer === undefined) install();
  try {
    return ok ? gen.next(value) : gen.throw(value);
  } finally {
    active = outer;
    if (outer === undefined) uninstall();
  }
}
