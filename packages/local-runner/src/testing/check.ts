/**
 * `checkWorkflow`: the property check users run on their own workflows. It generates random scenarios (activity
 * outcomes, timeouts, delays, signal arrivals), runs each in the local runner, checks each one (see
 * `runScenario`), and on failure shrinks the scenario and rejects with a `WorkflowCheckError` that tells the
 * shrunk scenario in words, with the seed and path that reproduce it.
 */
import type { CloseStatus, WorkflowDefinition } from "@yieldflow/core";
import fc from "fast-check";
import { WorkflowCheckError } from "./errors.js";
import { describeThrown } from "./explain.js";
import { type RunScenarioOptions, runScenario } from "./run-scenario.js";
import { type ScenarioOptions, scenarioArbitrary } from "./scenario.js";

/** What `checkWorkflow` takes. */
export interface CheckWorkflowOptions<I> extends ScenarioOptions<I>, RunScenarioOptions {
  /** Scenarios to run. Default: `YIELDFLOW_PROP_RUNS` from the environment, else 50. */
  numRuns?: number;
  /** The seed (printed when a check fails). Default: random. */
  seed?: number;
  /** With `seed`: replay exactly the failing scenario a previous failure printed. */
  path?: string;
}

/** What a passing check ran. */
export interface CheckReport {
  runs: number;
  seed: number;
  /** How many scenarios ended in each terminal state. */
  outcomes: Partial<Record<CloseStatus, number>>;
}

/** The default number of scenarios: `YIELDFLOW_PROP_RUNS`, else 50. */
export function defaultRuns(): number {
  const env = Number(process.env.YIELDFLOW_PROP_RUNS);
  return Number.isFinite(env) && env > 0 ? Math.floor(env) : 50;
}

/**
 * Runs `workflow` under random scenarios in the local runner and checks, for each, that its replays are
 * deterministic (every history prefix replays to the decisions made live, incremental = full, unique ids, valid
 * decisions), that no decision task fails, and that it reaches a terminal state. Resolves with counts of the
 * terminal states seen; rejects with a `WorkflowCheckError` (code `YF_WORKFLOW_CHECK`) naming the property and
 * telling the shrunk scenario in words.
 *
 * @example
 * test("approval is deterministic under any timing", async () => {
 *   await checkWorkflow(approval, {
 *     activities,
 *     input: { request: "laptop", approver: "ada" },
 *     signals: [{ name: "decision", input: fc.record({ approved: fc.boolean(), by: fc.constant("ada") }) }],
 *   });
 * });
 */
export async function checkWorkflow<I, O>(
  workflow: WorkflowDefinition<I, O>,
  options: CheckWorkflowOptions<I>,
): Promise<CheckReport> {
  const outcomes: Partial<Record<CloseStatus, number>> = {};
  const details = await fc.check(
    fc.asyncProperty(scenarioArbitrary(options), async (scenario) => {
      const report = await runScenario(workflow, scenario, options);
      outcomes[report.status] = (outcomes[report.status] ?? 0) + 1;
    }),
    {
      numRuns: options.numRuns ?? defaultRuns(),
      ...(options.seed !== undefined && { seed: options.seed }),
      ...(options.path !== undefined && { path: options.path }),
    },
  );
  if (!details.failed) return { runs: details.numRuns, seed: details.seed, outcomes };
  const common = {
    workflow: `${workflow.name}@${workflow.version}`,
    seed: details.seed,
    path: details.counterexamplePath ?? "",
    runs: details.numRuns,
    shrinks: details.numShrinks,
  };
  const err = details.errorInstance;
  if (err instanceof WorkflowCheckError)
    throw new WorkflowCheckError(
      { ...common, property: err.property, problem: err.problem, story: err.story, scenario: err.scenario },
      { cause: err.cause },
    );
  throw new WorkflowCheckError(
    {
      ...common,
      property: "harness",
      problem: `the scenario could not run: ${describeThrown(err)}`,
      story: `  ${JSON.stringify(details.counterexample?.[0]) ?? "(no counterexample)"}`,
      scenario: details.counterexample?.[0],
    },
    { cause: err },
  );
}
