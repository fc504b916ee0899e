/**
 * What a `LocalRunner` is configured with: its workflow and activity types, which activities it runs in process,
 * its clock, concurrency, decision-task attempts, payload pipeline, identity, activity log sink and determinism
 * guard; and what `start` takes.
 */
import type {
  ActivityDefinition,
  ActivityLogLine,
  AnyActivity,
  AnyWorkflow,
  PayloadOptions,
  Payloads,
  Serializer,
  WorkflowStartOptions,
} from "@yieldflow/core";
import type { Clock } from "./clock.js";

/** What `new LocalRunner(...)` takes. */
export interface LocalRunnerOptions {
  /** The workflow types this runner knows (children must be here too; `start` registers what it is given). */
  workflows?: readonly AnyWorkflow[];
  /** Activity implementations, run in process. */
  activities?: readonly AnyActivity[];
  /** Test doubles: each replaces the implementation of the activity type with the same name (any version). */
  stubs?: readonly AnyActivity[];
  /**
   * Activity types that are registered but not run in process (another worker would poll for them). Scheduling
   * them succeeds; they wait in their task list until a schedule-to-start timeout, if any.
   */
  activityTypes?: readonly ActivityDefinition<unknown, unknown>[];
  /** Only run activity tasks of these task lists in process. Default: all. */
  activityTaskLists?: readonly string[];
  /** `"virtual"` (default): skip idle time. `"real"`: timers wait for the wall clock. Or a clock of your own. */
  clock?: "virtual" | "real" | Clock;
  /** Activities running at once in process. Default 10. */
  maxConcurrentActivities?: number;
  /**
   * Decision task attempts before the runner gives up on a run whose workflow code keeps throwing (or whose replay
   * diverges). Default 1 on a virtual clock (the same code fails the same way), 3 on a real clock.
   */
  decisionTaskAttempts?: number;
  /**
   * The payload pipeline (serializer → codecs → store) for every value that crosses into a history, or its options:
   * the default for every workflow and activity type, which their definitions' `payloads` override. Default: the
   * default serializer, no codecs, no store (a value too large for its field is `YF_PAYLOAD_TOO_LARGE`).
   */
  payloads?: Payloads | PayloadOptions;
  /** Shorthand for `payloads: { serializer }`. */
  serializer?: Serializer;
  /** The identity recorded in DecisionTaskStarted and ActivityTaskStarted events. Default `"yieldflow-local"`. */
  identity?: string;
  /**
   * Where the lines activities log with `context.log` go, tagged with workflow, run, activity id, type and attempt.
   * Default: one line each on stderr (`formatActivityLogLine`), so a CLI's stdout keeps only the result.
   */
  activityLog?: (line: ActivityLogLine) => void;
  /**
   * Run workflow code under core's determinism guard (default true): `Math.random`, `Date.now`, `new Date()` give
   * the run's deterministic values and timers/`fetch` throw while workflow code runs. A workflow can also opt out with
   * `defineWorkflow({ determinismGuard: false })`.
   */
  determinismGuard?: boolean;
}

/** What `start` takes besides the workflow and its input (the same as every `WorkflowClient`'s). */
export type StartOptions = WorkflowStartOptions;
