/**
 * The dev server's SWF: every operation of the API applied to in-memory state. Each domain has its own
 * `WorkflowService` (the service the local runner uses, with the one SWF recorder), whose type registry is the
 * domain's registered types, so executions run from registered types and their defaults, not from code.
 *
 * The operations live by family, each a table of handlers over the shared state (`state.ts`):
 * `registration.ts` (domains, types, tags), `executions.ts` (start, signal, cancel, terminate, history),
 * `visibility.ts` (describe, list, count), `decision-tasks.ts` and `activity-tasks.ts`. This file owns the state,
 * dispatches calls, fires deadlines and tells the server when time may skip.
 *
 * Invariants:
 * - `execute` is deterministic given the operation, its input, the time and the task tokens it hands out: the
 *   store persists exactly those (one row per acknowledged call) and rebuilds the state after a restart by
 *   executing them again in order. Randomness (task tokens) is drawn by `newToken` and recorded.
 * - a refused call changes nothing: every check that can fail runs before the first change;
 * - task tokens are random (256 bits), map to the service's task, and work once: a response removes them, and so
 *   does the task closing any other way (timeout, the run closing).
 */
import type { HistoryEvent } from "@yieldflow/core";
import { InvalidArgumentError } from "@yieldflow/core";
import { UnknownResourceError } from "../runner/errors.js";
import { activityTaskOperations } from "./activity-tasks.js";
import { decisionTaskOperations } from "./decision-tasks.js";
import { executionOperations } from "./executions.js";
import { SwfFault, unknownResource } from "./faults.js";
import { registrationOperations } from "./registration.js";
import type { Operation } from "./shapes.js";
import {
  type BackendState,
  CallClock,
  cmp,
  type ExecutionInfo,
  eventsOf,
  freshToken,
  type Handler,
  type Input,
  type Output,
  type RecordedEvent,
  type TokenSource,
  unknownOperation,
} from "./state.js";
import { visibilityOperations } from "./visibility.js";

export {
  CallClock,
  type DomainRecord,
  type ExecutionInfo,
  freshToken,
  type RecordedEvent,
  type TokenSource,
} from "./state.js";

/** Every operation's handler; `satisfies` makes leaving one out a compile error. */
const OPERATIONS: ReadonlyMap<string, Handler> = new Map(
  Object.entries({
    ...registrationOperations,
    ...executionOperations,
    ...visibilityOperations,
    ...decisionTaskOperations,
    ...activityTaskOperations,
  } satisfies Record<Operation, Handler>),
);

/** The whole server state and every SWF operation on it. */
export class SwfBackend {
  readonly clock = new CallClock();
  /** Called when something changed that a waiting poll or a deadline may care about. */
  onChange: () => void = () => {};
  private readonly st: BackendState = {
    clock: this.clock,
    domains: new Map(),
    tokens: new Map(),
    activityTokens: new Map(),
    decisionTokens: new Map(),
    recorded: [],
    newToken: freshToken,
    changed: () => this.onChange(),
  };

  /** Events recorded since the last call, taken by the store. */
  takeRecorded(): RecordedEvent[] {
    return this.st.recorded.splice(0);
  }

  /** Runs `op` at `now` (epoch ms). Throws an `SwfFault` when SWF would refuse the call. */
  execute(op: Operation | "$fire", input: Input, now: number, tokens: TokenSource = freshToken): Output {
    this.clock.advanceTo(now);
    this.st.newToken = tokens;
    try {
      if (op === "$fire") return this.fireDue();
      const handler = OPERATIONS.get(op);
      if (!handler) throw unknownOperation(op);
      return handler(this.st, input);
    } catch (err) {
      if (err instanceof SwfFault) throw err;
      if (err instanceof UnknownResourceError) throw unknownResource(err.message);
      if (err instanceof InvalidArgumentError) throw new SwfFault("ValidationException", err.message);
      throw err;
    } finally {
      this.st.newToken = freshToken;
    }
  }

  // ─── for the UI and the server ─────────────────────────────────────────────────────────────────────────────────

  /** Every domain, by name. */
  domainNames(): string[] {
    return [...this.st.domains.keys()].sort(cmp);
  }

  /** The run's events (for the UI). */
  history(domain: string, runId: string): readonly HistoryEvent[] | undefined {
    const d = this.st.domains.get(domain);
    return d?.runs.has(runId) ? eventsOf(d, runId) : undefined;
  }

  /** The visibility record of a run (for the UI). */
  execution(domain: string, runId: string): ExecutionInfo | undefined {
    return this.st.domains.get(domain)?.runs.get(runId);
  }

  /** Every run of a domain (for the UI), newest first. */
  executions(domain: string): ExecutionInfo[] {
    const d = this.st.domains.get(domain);
    return d ? [...d.runs.values()].sort((a, b) => b.startTimestamp - a.startTimestamp) : [];
  }

  // ─── deadlines and time skipping ───────────────────────────────────────────────────────────────────────────────

  /** The earliest armed deadline over all domains, epoch ms. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const d of this.st.domains.values()) {
      const at = d.service.nextDeadline();
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  /**
   * True when time may skip (see `clock.ts`): no open run of any domain has a decision or activity task scheduled
   * or started, and some open run has a timer.
   */
  idleWithTimer(): boolean {
    let timer = false;
    for (const d of this.st.domains.values())
      for (const info of d.runs.values()) {
        if (info.closeStatus !== undefined) continue;
        const r = d.service.runById(info.runId)?.recorder;
        if (!r) continue;
        if (r.decisionTaskOpen || r.activities.size > 0) return false;
        if (r.timers.size > 0) timer = true;
      }
    return timer;
  }

  private fireDue(): Output {
    const now = this.clock.now();
    let fired = 0;
    for (const d of this.st.domains.values()) while (d.service.fireDue(now)) fired++;
    return { fired };
  }
}
