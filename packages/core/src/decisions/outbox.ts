/**
 * The decision emitter's queue. Commands go in as the workflow code produces them; `take()` hands out the
 * commands of one RespondDecisionTaskCompleted (their decisions built when read), honouring SWF's rules:
 * - at most `maxOpenActivities` / `maxOpenTimers` / `maxOpenChildren` open at once: further commands of a full kind
 *   wait here, in order, and go out as slots free up (other kinds are not held back);
 * - at most `maxPerResponse` decisions (markers not counted) and about 900 kB per response (SWF's request limit is
 *   1 MB); when more are ready, the rest wait, in order, and a zero-second wake-up timer makes SWF schedule another
 *   decision task at once;
 * - exactly one closing decision, always last, and only when nothing else is waiting.
 * Everything is deterministic: the same commands in the same order give the same decisions.
 */
import { InvalidDecisionError } from "../errors.js";
import type { Decision } from "../history/events.js";
import { makeDecision } from "../history/events.js";
import { jsonUtf8Length } from "../json-size.js";
import { SWF_LIMITS } from "./limits.js";
import { validateDecision } from "./validate.js";

/** Which open-item limit a command counts against (`marker`: none). */
export type LimitKind = "activity" | "timer" | "child" | "marker";

/**
 * A command waiting to go out. Withdrawn by identity (`drop`) if its effect is cancelled before it goes out. Its
 * `decision` may be built only when read: the decisions of replayed tasks are only compared with the history (by
 * their maker's signature, see replay/match.ts) and need not exist, unless the response must be measured exactly.
 * A replayed activity whose decision the history recorded has only its `size` (from the history): reading its
 * `decision` throws, so code here reads `size` before `decision`, and never reads a replayed response's decisions.
 */
export interface Command {
  readonly decision: Decision;
  readonly limit: LimitKind | undefined;
  /** Called when the decision goes out. */
  onEmit?: (() => void) | undefined;
  /** `approximateSize(decision)`, when the command's maker computed it more cheaply from the parts. */
  size?: number | undefined;
  /**
   * An upper bound of `approximateSize(decision)` that costs nothing to compute (lengths times 6): while the bounds
   * of a response add up to less than its byte budget the exact sizes are never needed, and once they would not, the
   * response is measured exactly from the start, so what is deferred is exactly what exact sizes defer.
   */
  bound?: number | undefined;
}

/** A command of a decision already built. */
export function commandOf(decision: Decision, limit?: LimitKind, onEmit?: () => void): Command {
  return { decision, limit, onEmit, size: undefined, bound: undefined };
}

const LIMITS: Record<"activity" | "timer" | "child", number> = {
  activity: SWF_LIMITS.maxOpenActivities,
  // one timer slot stays free for the wake-up timer
  timer: SWF_LIMITS.maxOpenTimers - 1,
  child: SWF_LIMITS.maxOpenChildren,
};

export class Outbox {
  /**
   * The commands waiting, in order: the first `count` slots (the rest are empty). Kept across responses, with its
   * length, so that queueing and taking one command per decision task allocates nothing.
   */
  private readonly queue: (Command | undefined)[] = [];
  private count = 0;
  /** The response `take()` returns, refilled by the next one. */
  private readonly out: Command[] = [];
  private close: Decision | undefined;
  private readonly open = { activity: 0, timer: 0, child: 0 };

  constructor(
    private readonly maxPerResponse: number,
    private readonly wakeupId: () => string,
  ) {}

  /** Bytes (exact, or a sum of upper bounds until `exact`) and counted decisions of the response `take()` builds. */
  private bytes = 0;
  private exact = false;
  private counted = 0;

  /**
   * Whether command `cmd` still fits in the response being built (its first `n` commands in `out`), and if so counts
   * it. Markers do not count toward the decision cap (a convention, not an SWF limit), only toward the byte budget:
   * the workflow already used their values, and a marker recorded later could be recomputed by a replay before it.
   */
  private fits(n: number, cmd: Command, counts: boolean): boolean {
    const budget = this.maxPerResponse - 1; // keep room for a wake-up timer or the closing decision
    if (counts && this.counted >= budget) return false;
    const bytes = SWF_LIMITS.responseBytesBudget;
    const { size, bound } = cmd;
    let add =
      size ??
      (!this.exact && bound !== undefined && this.bytes + bound <= bytes ? bound : approximateSize(cmd.decision));
    if (this.bytes + add > bytes && !this.exact) {
      // upper bounds were added so far: measure the response exactly before deciding anything on it
      this.exact = true;
      this.bytes = 0;
      for (let i = 0; i < n; i++) {
        const o = this.out[i] as Command;
        this.bytes += o.size ?? approximateSize(o.decision);
      }
      add = size ?? approximateSize(cmd.decision);
    }
    if (this.bytes + add > bytes) return false;
    this.bytes += add;
    if (counts) this.counted++;
    return true;
  }

  /** Commands waiting to go out. */
  get queued(): number {
    return this.count;
  }

  push(command: Command): void {
    this.queue[this.count++] = command;
  }

  /** Queues the closing decision (again, after SWF refused it with UNHANDLED_DECISION). */
  queueClose(decision: Decision): void {
    this.close = decision;
  }

  /** Withdraws a command that has not gone out yet. Returns false if it already went out. */
  drop(command: Command): boolean {
    const queue = this.queue;
    const count = this.count;
    let i = 0;
    while (i < count && queue[i] !== command) i++;
    if (i === count) return false;
    for (; i < count - 1; i++) queue[i] = queue[i + 1];
    queue[i] = undefined;
    this.count = count - 1;
    return true;
  }

  /** An activity, timer or child closed: its slot is free. */
  closed(kind: "activity" | "timer" | "child"): void {
    this.open[kind] = Math.max(0, this.open[kind] - 1);
  }

  /**
   * The commands of one response, in order. Their decisions are built by whoever reads them: the open task's are
   * about to leave the process ({@link decisionsOf}); those of replayed tasks are only compared with the history.
   * The list is the outbox's own: read it before the next `take()`.
   */
  take(): readonly Command[] {
    const out = this.out;
    let n = 0;
    let deferred = false;
    this.bytes = 0;
    this.exact = false;
    this.counted = 0;
    const queue = this.queue;
    const count = this.count;
    /** What stays queued, moved to the front: commands waiting for a slot, and all from the first that did not fit. */
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const cmd = queue[i] as Command;
      const kind = cmd.limit;
      if (kind !== undefined && kind !== "marker" && this.open[kind] >= LIMITS[kind]) {
        queue[kept++] = cmd; // waits for a slot
        continue;
      }
      if (!this.fits(n, cmd, kind !== "marker")) {
        neverFits(cmd);
        // everything after it waits too: later decisions may carry values (a marker's) that must be recorded first
        deferred = true;
        for (let j = i; j < count; j++) queue[kept++] = queue[j];
        break;
      }
      if (kind !== undefined && kind !== "marker") this.open[kind]++;
      out[n++] = cmd;
      cmd.onEmit?.();
    }
    for (let j = kept; j < count; j++) queue[j] = undefined;
    this.count = kept;
    if (!deferred && this.close && kept === 0) {
      const close = commandOf(this.close);
      if (this.fits(n, close, true)) {
        out[n++] = close;
        this.close = undefined;
      } else {
        neverFits(close);
        deferred = true;
      }
    }
    if (deferred)
      out[n++] = commandOf(makeDecision("StartTimer", { timerId: this.wakeupId(), startToFireTimeout: "0" }));
    if (n === 0) {
      // let go of the last response's commands (their inputs can be large) but keep the list's storage, which
      // emptying it would drop
      if (out[0] !== undefined) out.fill(undefined as unknown as Command);
      return NOTHING;
    }
    if (out.length !== n) out.length = n;
    return out;
  }
}

const NOTHING: readonly Command[] = Object.freeze([]);

/** The decisions of `commands` (a response of the open task), each checked against SWF's rules. */
export function decisionsOf(commands: readonly Command[]): Decision[] {
  const out: Decision[] = [];
  for (const c of commands) {
    const d = c.decision;
    validateDecision(d);
    out.push(d);
  }
  return out;
}

/**
 * A deferral is only for a decision that fits in a later response: one larger than a whole response fails now
 * (its oversized field with `YF_PAYLOAD_TOO_LARGE`), instead of being deferred behind a wake-up timer for ever.
 */
function neverFits(cmd: Command): void {
  if ((cmd.size ?? approximateSize(cmd.decision)) <= SWF_LIMITS.responseBytesBudget) return;
  const d = cmd.decision;
  validateDecision(d);
  throw new InvalidDecisionError(
    "YF_PAYLOAD_TOO_LARGE",
    d.decisionType,
    "(all fields)",
    `the decision is about ${approximateSize(d)} bytes; one response carries at most ${SWF_LIMITS.responseBytesBudget}`,
  );
}

/**
 * A decision's size in the request, closely enough: its data fields (the only large parts, up to 32,768 characters
 * each) as UTF-8 JSON, plus a fixed allowance for names, ids and punctuation. Deterministic, so replay defers
 * exactly what the live decision deferred.
 */
export function approximateSize(d: Decision): number {
  let size = DECISION_SIZE_ALLOWANCE;
  const attrs = Object.values(d)[1] as Record<string, unknown> | undefined;
  if (attrs) for (const v of Object.values(attrs)) if (typeof v === "string") size += jsonUtf8Length(v);
  return size;
}

/** What {@link approximateSize} allows for a decision's names, ids and punctuation. */
export const DECISION_SIZE_ALLOWANCE = 400;
