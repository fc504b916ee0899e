/**
 * Scenarios: what the outside world does to one execution of a workflow (its input, which activity tasks complete,
 * fail or time out and when, when signals arrive), as plain data that fast-check generates and shrinks.
 *
 * A scenario is a list of abstract choices, interpreted against the execution as it runs: choice k says which of
 * the activity tasks waiting at that moment is answered (`pick`), how (`outcome`), and how much virtual time
 * passes first (`delay`). When the choices run out, every remaining task completes at once, in order. Shrinking
 * therefore moves towards "everything succeeds immediately, no signal arrives".
 */
import { InvalidArgumentError } from "@yieldflow/core";
import fc from "fast-check";

/** How the activity task a step picks is answered. */
export type StepOutcome =
  /** Poll it and complete it with what the activity's implementation (or stub) returns (or fail with what it throws). */
  | "complete"
  /** Poll it and fail it with `Error: injected failure`. */
  | "fail"
  /** Let one of its configured timeouts happen (the virtual clock moves to that deadline). */
  | "timeout"
  /** Answer nothing now: the virtual clock moves to the next deadline (a timer fires, a timeout happens). */
  | "wait";

/** One choice of a scenario. */
export interface ScenarioStep {
  /** Which waiting activity task (index modulo how many wait), and which of its timeouts for `"timeout"`. */
  pick: number;
  outcome: StepOutcome;
  /** Virtual milliseconds that pass before the task is answered. */
  delay: number;
}

/** A signal the execution receives, `at` virtual milliseconds after it started. */
export interface ScenarioSignal {
  name: string;
  input: unknown;
  at: number;
}

/** One scenario: the input, what arrives when, and the choices. Plain data (JSON-friendly except the inputs). */
export interface Scenario<I = unknown> {
  input: I;
  /** In arrival order. */
  signals: ScenarioSignal[];
  /** When the execution is asked to cancel (virtual ms after start), if it is. */
  cancelAt: number | undefined;
  steps: ScenarioStep[];
}

/** A signal the workflow may receive: its name, an arbitrary of its input, and how many times it arrives. */
export interface SignalSpec<T = unknown> {
  name: string;
  /** Default: no input. */
  input?: fc.Arbitrary<T>;
  /** How many times it arrives per scenario. Default 0 to 2 (give `min: 1` for a signal that always comes). */
  count?: { min?: number; max?: number };
}

/** What a scenario arbitrary takes. */
export interface ScenarioOptions<I> {
  /** The input of every scenario… */
  input?: I;
  /** …or an arbitrary of inputs (takes precedence). */
  inputs?: fc.Arbitrary<I>;
  /** The signals the workflow may receive, at random times. */
  signals?: readonly SignalSpec[];
  /**
   * How often an activity task fails, times out, or is left waiting while time passes to the next deadline
   * (probabilities, each 0–1). Default `{ failure: 0.1, timeout: 0.1, wait: 0.1 }`; the rest complete.
   */
  outcomes?: { failure?: number; timeout?: number; wait?: number };
  /** The probability that a cancel request arrives at a random time. Default 0. */
  cancel?: number;
  /** The longest list of choices. Default 30. */
  maxSteps?: number;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Virtual time between events: mostly none, often seconds or minutes, sometimes hours or days. */
export const delayArbitrary: fc.Arbitrary<number> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.constant(0), weight: 6 },
  { arbitrary: fc.integer({ min: 1, max: MINUTE }), weight: 3 },
  { arbitrary: fc.integer({ min: MINUTE, max: 6 * HOUR }), weight: 2 },
  { arbitrary: fc.integer({ min: 6 * HOUR, max: 7 * DAY }), weight: 1 },
);

/** When a signal or cancel request arrives, after the start: seconds, minutes, hours or days. */
export const arrivalArbitrary: fc.Arbitrary<number> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.integer({ min: 0, max: MINUTE }), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: HOUR }), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 3 * DAY }), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 30 * DAY }), weight: 1 },
);

function probability(p: number | undefined, fallback: number, what: string): number {
  const v = p ?? fallback;
  if (!(v >= 0 && v <= 1)) throw new InvalidArgumentError(`${what} must be a probability between 0 and 1, got ${p}`);
  return v;
}

/** The arbitrary of one choice. */
export function stepArbitrary(outcomes: ScenarioOptions<unknown>["outcomes"] = {}): fc.Arbitrary<ScenarioStep> {
  const failure = probability(outcomes.failure, 0.1, "outcomes.failure");
  const timeout = probability(outcomes.timeout, 0.1, "outcomes.timeout");
  const wait = probability(outcomes.wait, 0.1, "outcomes.wait");
  const complete = 1 - failure - timeout - wait;
  if (complete < -1e-9) throw new InvalidArgumentError("outcomes: failure + timeout + wait must not exceed 1");
  const weighted = (
    [
      ["complete", complete],
      ["fail", failure],
      ["timeout", timeout],
      ["wait", wait],
    ] as const
  )
    .filter(([, p]) => p > 0)
    .map(([o, p]) => ({ arbitrary: fc.constant<StepOutcome>(o), weight: Math.round(p * 1000) }))
    .filter((w) => w.weight > 0);
  return fc.record({
    pick: fc.nat({ max: 1_000 }),
    outcome: fc.oneof({ withCrossShrink: true }, ...weighted),
    delay: delayArbitrary,
  });
}

/**
 * The arbitrary of scenarios for one workflow, for users who write their own `fc.assert` around
 * {@link runScenario}. `checkWorkflow` uses it.
 *
 * @example
 * await fc.assert(fc.asyncProperty(scenarioArbitrary({ inputs: fc.nat() }), async (s) => {
 *   const report = await runScenario(myWorkflow, s, { activities });
 *   assert.ok(report.status !== "FAILED");
 * }));
 */
export function scenarioArbitrary<I>(options: ScenarioOptions<I> = {}): fc.Arbitrary<Scenario<I>> {
  const input: fc.Arbitrary<I> = options.inputs ?? fc.constant(options.input as I);
  const signalArbs = (options.signals ?? []).map((spec) => {
    const min = spec.count?.min ?? 0;
    const max = Math.max(min, spec.count?.max ?? 2);
    const value: fc.Arbitrary<unknown> = spec.input ?? fc.constant(undefined);
    return fc.array(
      fc.record({ at: arrivalArbitrary, input: value }).map(({ at, input }) => ({ name: spec.name, input, at })),
      { minLength: min, maxLength: max },
    );
  });
  const cancel = probability(options.cancel, 0, "cancel");
  const cancelAt: fc.Arbitrary<number | undefined> = fc.oneof(
    ...[
      { arbitrary: fc.constant(undefined), weight: Math.round((1 - cancel) * 1000) },
      { arbitrary: arrivalArbitrary, weight: Math.round(cancel * 1000) },
    ].filter((w) => w.weight > 0),
  );
  return fc.record({
    input,
    signals: fc.tuple(...signalArbs).map((lists) => lists.flat().sort((a, b) => a.at - b.at)),
    cancelAt,
    steps: fc.array(stepArbitrary(options.outcomes), { maxLength: options.maxSteps ?? 30 }),
  });
}
