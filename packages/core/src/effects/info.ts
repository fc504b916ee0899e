/**
 * What workflow code may know deterministically: workflow time (`now`), seeded randomness (`random`, `uuid`), and
 * facts about the execution (`workflowInfo`). The same values on every replay.
 */
import { type Effect, makeEffect } from "./effect.js";

/** Facts about the running execution. */
export interface WorkflowInfo {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: { readonly name: string; readonly version: string };
  readonly taskList: string;
  /** The number of events in the history seen so far (SWF's hard cap is 25,000). */
  readonly historyLength: number;
  /** True while the engine replays decisions already recorded in the history. */
  readonly isReplaying: boolean;
  /** The run this one continued from (continue-as-new), if any. */
  readonly continuedExecutionRunId: string | undefined;
  /** The parent execution, for a child workflow. */
  readonly parent: { readonly workflowId: string; readonly runId: string } | undefined;
}

/**
 * The workflow's current time: the timestamp of the decision task being replayed, never the wall clock. Constant
 * within one decision task.
 */
export function now(): Effect<Date> {
  return makeEffect<Date>({ kind: "info", what: "now" });
}

/** A deterministic random number in [0, 1), seeded from the run id; the same on every replay. */
export function random(): Effect<number> {
  return makeEffect<number>({ kind: "info", what: "random" });
}

/** A deterministic RFC 4122 version-4 UUID derived from the run id; the same on every replay. */
export function uuid(): Effect<string> {
  return makeEffect<string>({ kind: "info", what: "uuid" });
}

/** Facts about the running execution: ids, type, history length, whether it is replaying. */
export function workflowInfo(): Effect<WorkflowInfo> {
  return makeEffect<WorkflowInfo>({ kind: "info", what: "workflowInfo" });
}
