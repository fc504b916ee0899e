/**
 * @yieldflow/local-runner/testing: property checks of users' workflows in the local runner (needs fast-check).
 * - `checkWorkflow(workflow, { activities, input | inputs, signals, … })`: random scenarios, each run in a
 *   `LocalRunner`; rejects with a `WorkflowCheckError` telling the shrunk scenario in words
 * - `scenarioArbitrary` + `runScenario`: the same pieces, for a `fc.assert` of your own
 */
export { type CheckReport, type CheckWorkflowOptions, checkWorkflow, defaultRuns } from "./check.js";
export { WorkflowCheckError, type WorkflowCheckProperty } from "./errors.js";
export { type RunScenarioOptions, runScenario, type ScenarioReport } from "./run-scenario.js";
export {
  arrivalArbitrary,
  delayArbitrary,
  type Scenario,
  type ScenarioOptions,
  type ScenarioSignal,
  type ScenarioStep,
  type SignalSpec,
  type StepOutcome,
  scenarioArbitrary,
  stepArbitrary,
} from "./scenario.js";
export { formatDuration, formatStory, type StoryLine, storyOf } from "./story.js";
