/**
 * The history-mutation fuzz suite (issue 7): valid histories recorded by the local runner for six workflow shapes
 * (sequence, `all` fan-out, race with a timer, signal with a time-out, child workflow, retry) are mutated at random
 * (tests/fixtures/fuzz-mutations.ts) and fed to `decide` and to an incremental `Replayer` fed in random pieces.
 * Properties, for every mutated history:
 * - only yieldflow's own typed errors come out (YieldflowError with a YF_ code), never a TypeError, a RangeError or
 *   a stack overflow;
 * - nothing hangs (each case well within a second or two);
 * - Object.prototype is untouched;
 * - a mutation is either rejected or replays exactly like the mutated history says: full and incremental replay
 *   agree (both reject, or both accept with the same decisions and status), the decisions for the open task are
 *   valid for SWF, a closed history replays to the close it records, and the history cut where its last completed
 *   decision task started decides exactly the decisions recorded for that task.
 * Default: a few hundred mutations (seconds). Deep: YIELDFLOW_FUZZ_MUTATIONS=20000 (or YIELDFLOW_PROP_RUNS=2000).
 * The CLI half is tests/local-runner/cli/history-fuzz.prop.test.ts.
 */
import { decide, foldHistory, matchDecisions, Replayer, validateDecision, YieldflowError } from "@yieldflow/core";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fuzzRuns, type Mutation, mutate, mutationsArb } from "../../fixtures/fuzz-mutations.ts";
import { type RecordedShape, recordShapes } from "../../fixtures/fuzz-shapes.ts";

const RUNS = fuzzRuns(600);
const prototypeNames = () => Object.getOwnPropertyNames(Object.prototype).sort().join(",");
const PROTOTYPE = prototypeNames();

/** Runs `fn`; returns its result, or the typed error it threw. Anything else fails the property. */
function typed<T>(fn: () => T, what: string): { ok: true; value: T } | { ok: false; code: string } {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (!(err instanceof YieldflowError) || !/^YF_[A-Z_]+$/.test(err.code)) {
      const e = err as Error;
      throw new Error(`${what}: an untyped error came out: ${e?.name}: ${e?.message}\n${e?.stack ?? ""}`);
    }
    return { ok: false, code: err.code };
  }
}

const CLOSES: Record<string, string> = {
  WorkflowExecutionCompleted: "completed",
  WorkflowExecutionFailed: "failed",
  WorkflowExecutionCanceled: "canceled",
  WorkflowExecutionContinuedAsNew: "continuedAsNew",
};

test("mutated histories: typed errors only, no hang, no prototype pollution, full = incremental", async () => {
  const shapes: RecordedShape[] = await recordShapes();
  const stats = { mutations: 0, accepted: 0, byCode: new Map<string, number>(), untyped: 0, slowestMs: 0 };
  fc.assert(
    fc.property(
      fc.nat({ max: shapes.length - 1 }),
      mutationsArb(false),
      fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 6 }),
      (s, mutations: Mutation[], pieces) => {
        const shape = shapes[s] as RecordedShape;
        const events = mutate(shape.events, mutations);
        const ids = { workflowId: shape.workflowId, runId: shape.runId };
        stats.mutations++;
        const t0 = performance.now();
        let full: ReturnType<typeof typed<ReturnType<typeof decide>>>;
        try {
          full = typed(() => decide(shape.workflow, events, ids), "decide");
        } catch (err) {
          stats.untyped++;
          throw err;
        }
        const incremental = typed(() => {
          const r = new Replayer(shape.workflow, ids);
          let at = 0;
          let k = 0;
          let last = r.advance([], { partial: true });
          while (at < events.length) {
            const size = pieces[k++ % pieces.length] as number;
            const chunk = events.slice(at, at + size);
            at += chunk.length;
            last = r.advance(chunk, { partial: at < events.length });
          }
          return last;
        }, "Replayer.advance");
        const ms = performance.now() - t0;
        stats.slowestMs = Math.max(stats.slowestMs, ms);
        assert.ok(ms < 5_000, `a case took ${Math.round(ms)} ms`);
        assert.is(prototypeNames(), PROTOTYPE, "Object.prototype was changed");
        assert.is(({} as Record<string, unknown>).polluted, undefined, "Object.prototype was polluted");
        if (!full.ok) {
          stats.byCode.set(full.code, (stats.byCode.get(full.code) ?? 0) + 1);
          // (decide refuses an empty history; a Replayer that was given no events yet simply has nothing to decide)
          if (events.length > 0)
            assert.not.ok(incremental.ok, `full replay rejected it (${full.code}), incremental accepted it`);
          return;
        }
        stats.accepted++;
        assert.ok(
          incremental.ok,
          `full replay accepted it, incremental rejected it (${(incremental as { code: string }).code})`,
        );
        assert.equal(
          incremental.value.decisions,
          full.value.decisions,
          "incremental decisions differ from full replay",
        );
        assert.is(incremental.value.status.status, full.value.status.status);
        for (const d of full.value.decisions) validateDecision(d);
        // cut where the last completed decision task started: deciding that prefix anew must make exactly the
        // decisions the (mutated) history recorded for that task
        const cut = events.findLastIndex(
          (e, k) =>
            (e as { eventType?: unknown }).eventType === "DecisionTaskStarted" &&
            (events[k + 1] as { eventType?: unknown } | undefined)?.eventType === "DecisionTaskCompleted",
        );
        if (cut > 0) {
          const prefix = typed(() => decide(shape.workflow, events.slice(0, cut + 1), ids), "decide(prefix)");
          assert.ok(prefix.ok, `the history was accepted but its prefix to event ${cut + 1} was not`);
          const task = foldHistory(events).tasks.find((t) => t.startedEventId === cut + 1);
          if (task) matchDecisions(task, prefix.value.decisions, shape.workflow.name, shape.runId);
        }
        const lastEvent = events[events.length - 1] as { eventType?: unknown };
        const closed = typeof lastEvent?.eventType === "string" ? CLOSES[lastEvent.eventType] : undefined;
        if (closed !== undefined) assert.is(full.value.status.status, closed, "a closed history replays to its close");
      },
    ),
    { numRuns: RUNS },
  );
  const codes = [...stats.byCode]
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${n}`)
    .join(", ");
  console.log(
    `history fuzz (core): ${stats.mutations} mutated histories, ${stats.accepted} accepted, typed errors by code: ${codes}; untyped: ${stats.untyped}; slowest case ${Math.round(stats.slowestMs)} ms`,
  );
  assert.is(stats.untyped, 0);
});

test.run();
