/**
 * How the testing kit puts a failed check in words: which decision task, replayed from scratch or incrementally,
 * decides other than the workflow did live, and how (which decisions, or which attribute of them); and what a
 * thrown value was (its class, code and, for assertions, what was compared).
 */

import type { AnyWorkflow } from "@yieldflow/core";
import {
  type Decision,
  decide,
  describeError,
  describeSignature,
  type HistoryEvent,
  NondeterminismError,
  Replayer,
  signatureOf,
  type YieldflowError,
} from "@yieldflow/core";
import type { DecidedTask } from "@yieldflow/core/testing";
import { eventTime, formatDuration, formatValue } from "./story.js";

/** The hint every replay property's failure ends with. */
export const NOT_DETERMINISTIC =
  "The workflow does not decide the same way when its history is replayed: something in it is not deterministic (Math.random, Date.now, state kept between runs, I/O, iteration over unordered data); see the README's determinism rules.";

/**
 * Finds the first decision task that, replayed from scratch (`"prefix"`: a fresh `decide` on the history up to it)
 * or incrementally (`"incremental"`: one `Replayer` fed task by task), does not reproduce what the runner decided
 * live, and says so in words. Undefined when every task replays (a non-determinism that did not strike again).
 */
export function explainReplay(
  how: "prefix" | "incremental",
  workflow: AnyWorkflow,
  events: readonly HistoryEvent[],
  tasks: readonly DecidedTask[],
  ids: { workflowId: string; runId: string },
): string | undefined {
  const t0 = eventTime(events[0]);
  const replayer = how === "incremental" ? new Replayer(workflow, ids) : undefined;
  let seen = 0;
  for (const t of tasks) {
    const at = formatDuration(eventTime(events[t.startedEventId - 1]) - t0);
    const what = `${how === "prefix" ? "replaying the history" : "an incremental replay of the history"} up to the decision task started at event ${t.startedEventId} (+${at})`;
    let got: Decision[];
    try {
      got = replayer
        ? replayer.advance(events.slice(seen, t.historyLength)).decisions
        : decide(workflow, events.slice(0, t.historyLength), ids).decisions;
      seen = t.historyLength;
    } catch (err) {
      const hint = err instanceof NondeterminismError ? "" : `\n${NOT_DETERMINISTIC}`;
      return `${what} threw ${describeThrown(err)}${hint}`;
    }
    if (JSON.stringify(got) === JSON.stringify(t.decisions)) continue;
    const list = (ds: readonly Decision[]) =>
      ds.length === 0 ? "nothing" : ds.map((d) => describeSignature(signatureOf(d))).join(", ");
    let text = `${what} decides ${list(got)}; live, the workflow decided ${list(t.decisions)}`;
    if (list(got) === list(t.decisions)) {
      const i = got.findIndex((d, k) => JSON.stringify(d) !== JSON.stringify(t.decisions[k]));
      const diff = firstDifference(got[i], t.decisions[i], "");
      const key = diff?.path.replace(/^\w+DecisionAttributes\./, "") || "attributes";
      text = `${what} decides ${list(got)} as it did live, but with another ${key}: now ${shown(diff?.now)}, live ${shown(diff?.live)}`;
    }
    return `${text}\n${NOT_DETERMINISTIC}`;
  }
  return undefined;
}

/** Where two JSON values first differ: a dotted path and both values there. */
function firstDifference(
  now: unknown,
  live: unknown,
  path: string,
): { path: string; now: unknown; live: unknown } | undefined {
  if (JSON.stringify(now) === JSON.stringify(live)) return undefined;
  if (
    now &&
    live &&
    typeof now === "object" &&
    typeof live === "object" &&
    Array.isArray(now) === Array.isArray(live)
  ) {
    const a = now as Record<string, unknown>;
    const b = live as Record<string, unknown>;
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  return { path, now, live };
}

/** A decision attribute for a sentence: serialized payloads are shown parsed. */
function shown(v: unknown): string {
  if (typeof v === "string") {
    try {
      return formatValue(JSON.parse(v), 200);
    } catch {
      return formatValue(v, 200);
    }
  }
  return v === undefined ? "none" : formatValue(v, 200);
}

/**
 * What a check reports of a thrown value: `NondeterminismError (YF_NONDETERMINISM): …`, with what an assertion
 * compared. Never throws (a getter that throws leaves core's `describeError` to describe it).
 */
export function describeThrown(err: unknown): string {
  try {
    if (!(err instanceof Error)) return describeError(err);
    const code = (err as Partial<YieldflowError>).code;
    // assertion errors (uvu's, node:assert's) keep what was compared out of their message
    const a = err as { expects?: unknown; expected?: unknown; actual?: unknown };
    const expected = "expects" in a ? a.expects : a.expected;
    const compared =
      "actual" in a && ("expects" in a || "expected" in a)
        ? ` (expected ${formatValue(expected)}, got ${formatValue(a.actual)})`
        : "";
    return `${err.name}${typeof code === "string" ? ` (${code})` : ""}: ${err.message}${compared}`;
  } catch {
    return describeError(err);
  }
}
