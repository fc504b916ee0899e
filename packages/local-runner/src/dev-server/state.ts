/**
 * The dev server's state, as every operation family works on it: domains (each with its registered types, its
 * `WorkflowService` and its visibility index), the public task tokens, and the events a call recorded. The
 * families (`registration.ts`, `executions.ts`, `visibility.ts`, `decision-tasks.ts`, `activity-tasks.ts`) are
 * functions of this state; `SwfBackend` (`backend.ts`) owns it and dispatches calls to them.
 */
import { randomBytes } from "node:crypto";
import type { CloseStatus, HistoryEvent } from "@yieldflow/core";
import type { Clock } from "../runner/clock.js";
import type { WorkflowService } from "../runner/service.js";
import { SwfFault, unknownResource } from "./faults.js";
import type { Operation } from "./shapes.js";
import type { DomainTypes } from "./types.js";

/** A domain as SWF keeps it. */
export interface DomainRecord {
  name: string;
  description: string | undefined;
  retentionDays: string;
  status: "REGISTERED" | "DEPRECATED";
  tags: Map<string, string>;
}

/** What visibility calls (List/Count/Describe) know about a run. */
export interface ExecutionInfo {
  domain: string;
  workflowId: string;
  runId: string;
  workflowType: { name: string; version: string };
  /** Epoch seconds. */
  startTimestamp: number;
  closeTimestamp: number | undefined;
  closeStatus: CloseStatus | undefined;
  tagList: string[];
  parent: { workflowId: string; runId: string } | undefined;
  cancelRequested: boolean;
  taskList: string;
  latestExecutionContext: string | undefined;
  latestActivityTaskTimestamp: number | undefined;
}

/** A registered domain with everything that lives in it. */
export interface Domain {
  record: DomainRecord;
  types: DomainTypes;
  service: WorkflowService<DomainTypes>;
  runs: Map<string, ExecutionInfo>;
}

/** What a public task token stands for: a task of the domain's service (its internal token). */
export type TokenRef =
  | { kind: "decision"; domain: string; runId: string; internal: string }
  | { kind: "activity"; domain: string; runId: string; internal: string };

/** An event recorded by a call, for the store. */
export interface RecordedEvent {
  domain: string;
  info: ExecutionInfo;
  event: HistoryEvent;
}

/** A clock that stands at the time of the call being executed (all events of one call share its timestamp). */
export class CallClock implements Clock {
  readonly kind = "real" as const;
  private t = 0;
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    if (ms > 0) this.t += ms;
  }
  advanceTo(epochMs: number): void {
    if (epochMs > this.t) this.t = epochMs;
  }
}

/** Where a call's random task tokens come from: fresh ones live, the recorded ones when replaying. */
export type TokenSource = () => string;

export const freshToken: TokenSource = () => randomBytes(32).toString("base64url");

export type Input = Record<string, unknown>;
export type Output = Record<string, unknown>;

/** The state the operation families share (owned by `SwfBackend`). */
export interface BackendState {
  readonly clock: CallClock;
  readonly domains: Map<string, Domain>;
  /** Public task token → the task it stands for. */
  readonly tokens: Map<string, TokenRef>;
  /** Internal activity token → public token (to forget it when the task closes without its worker). */
  readonly activityTokens: Map<string, string>;
  /** runId → its open decision task's public token. */
  readonly decisionTokens: Map<string, string>;
  /** Events recorded by the call being executed. */
  readonly recorded: RecordedEvent[];
  /** Draws the call's task tokens (recorded, so a restart hands out the same ones). */
  newToken: TokenSource;
  /** Tells the server something changed that a waiting poll or a deadline may care about. */
  changed(): void;
}

/** One operation: its input (already checked against SWF's shapes) to its output. */
export type Handler = (st: BackendState, i: Input) => Output;

/** Handlers of some operations (one family). */
export type Handlers = { readonly [op in Operation]?: Handler };

export const s = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export const typeOf = (v: unknown): { name: string; version: string } => {
  const t = v as { name: string; version: string };
  return { name: t.name, version: t.version };
};

export const typeText = (kind: string, t: { name: string; version: string }) =>
  `${kind}=[name=${t.name}, version=${t.version}]`;

export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The domain named `name`; deprecated domains only when `evenDeprecated`. */
export function domainOf(st: BackendState, name: unknown, evenDeprecated = false): Domain {
  const d = typeof name === "string" ? st.domains.get(name) : undefined;
  if (!d) throw unknownResource(`Unknown domain: ${String(name)}`);
  if (!evenDeprecated && d.record.status === "DEPRECATED")
    throw unknownResource(`Domain is deprecated: ${d.record.name}`);
  return d;
}

/** A run's recorded events (empty for a run the domain does not know). */
export function eventsOf(d: Domain, runId: string): readonly HistoryEvent[] {
  return d.service.runById(runId)?.recorder.events ?? [];
}

export function runIdOf(i: Input): string | undefined {
  return typeof i.runId === "string" && i.runId !== "" ? i.runId : undefined;
}

export function unknownTask(): SwfFault {
  return unknownResource("Unknown task token: the task was already answered, timed out, or never existed");
}

export function unknownExecution(e: { workflowId: string; runId: string }): SwfFault {
  return unknownResource(`Unknown execution: WorkflowExecution=[workflowId=${e.workflowId}, runId=${e.runId}]`);
}

/** The `UnknownOperationException` for an operation no family handles (cannot happen for a checked input). */
export function unknownOperation(op: string): SwfFault {
  return new SwfFault("UnknownOperationException", `unknown operation ${op}`);
}
