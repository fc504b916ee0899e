/** The error `checkWorkflow` and `runScenario` throw when a property does not hold. */
import { YieldflowError } from "@yieldflow/core";

/**
 * Which property failed:
 * - `prefix-replay`, `incremental-equals-full`, `unique-ids`, `valid-decisions`: core's replay properties
 *   (`checkReplay`) on the history the local runner recorded;
 * - `replay`: replaying the recorded history threw (a `NondeterminismError`, usually);
 * - `decision-task`: a decision task failed while the runner ran the workflow (its code threw a non-`Failure`
 *   error, or the runner's own replay diverged);
 * - `terminates`: the execution did not reach a terminal state (it waits for ever, or outgrew `maxEvents`);
 * - `activity-settles`: an activity implementation did not settle within `activityWallTimeoutMs`;
 * - `check`: the `check` callback threw;
 * - `harness`: the scenario could not run at all (a bad input, an activity type nobody implements, …).
 */
export type WorkflowCheckProperty =
  | "prefix-replay"
  | "incremental-equals-full"
  | "unique-ids"
  | "valid-decisions"
  | "replay"
  | "decision-task"
  | "terminates"
  | "activity-settles"
  | "check"
  | "harness";

/** A property of a workflow does not hold in a scenario. The message tells the scenario in words. */
export class WorkflowCheckError extends YieldflowError {
  declare readonly code: "YF_WORKFLOW_CHECK";
  readonly property: WorkflowCheckProperty;
  /** What went wrong, without the scenario. */
  readonly problem: string;
  /** The scenario in words: one line per thing that happened, with its virtual time. */
  readonly story: string;
  /** The scenario as data (what `scenarioArbitrary` generated, after shrinking). */
  readonly scenario: unknown;
  /** Set by `checkWorkflow`: the seed and path that reproduce the failure, and how many runs it took. */
  readonly seed: number | undefined;
  readonly path: string | undefined;
  readonly runs: number | undefined;
  constructor(
    o: {
      workflow: string;
      property: WorkflowCheckProperty;
      problem: string;
      story: string;
      scenario: unknown;
      seed?: number | undefined;
      path?: string | undefined;
      runs?: number | undefined;
      shrinks?: number | undefined;
    },
    options?: { cause?: unknown },
  ) {
    const where =
      o.seed === undefined
        ? "scenario"
        : `scenario (seed ${o.seed}, path "${o.path}", failed at run ${o.runs}, shrunk ${o.shrinks ?? 0} times)`;
    const reproduce =
      o.seed === undefined ? "" : `\nreproduce it with checkWorkflow(…, { seed: ${o.seed}, path: "${o.path}" })`;
    super(
      "YF_WORKFLOW_CHECK",
      `${o.workflow}: property "${o.property}" failed: ${indentRest(o.problem)}\n${where}:\n${o.story}${reproduce}`,
      options,
    );
    this.property = o.property;
    this.problem = o.problem;
    this.story = o.story;
    this.scenario = o.scenario;
    this.seed = o.seed;
    this.path = o.path;
    this.runs = o.runs;
  }
}

function indentRest(text: string): string {
  return text.split("\n").join("\n    ");
}
