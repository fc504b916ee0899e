// The runner's deadline queue (a heap with lazy removal) against a plain model (every armed deadline in a list,
// the earliest found by scanning): after any sequence of arming, re-arming, disarming, disarming a whole run and
// taking due deadlines, both agree on what is armed, on the earliest deadline and on what is due, in order — equal
// deadlines in the order they were armed. YIELDFLOW_PROP_RUNS sets the number of runs (default 200).
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type DeadlineKind, DeadlineQueue, deadlineKey } from "../../../packages/local-runner/src/runner/deadlines.ts";

const runs = Number(process.env.YIELDFLOW_PROP_RUNS ?? 200);

const run = fc.constantFrom("r1", "r2", "r3");
const timer = fc.constantFrom("a", "b", "c", "d", "e", "f");
const at = fc.integer({ min: 0, max: 40 }); // few distinct times: many ties
const ops = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant("arm" as const), run, timer, at }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("disarm" as const), run, timer }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("disarmRun" as const), run }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("take" as const), now: at }) },
  ),
  { maxLength: 300 },
);

test("the heap agrees with a scanned list on every step", () => {
  fc.assert(
    fc.property(ops, (steps) => {
      const q = new DeadlineQueue();
      const model: { key: string; runId: string; at: number; seq: number }[] = [];
      let seq = 0;
      const earliest = () =>
        model.reduce<(typeof model)[number] | undefined>(
          (best, d) => (!best || d.at < best.at || (d.at === best.at && d.seq < best.seq) ? d : best),
          undefined,
        );
      const remove = (key: string) => {
        const i = model.findIndex((d) => d.key === key);
        if (i >= 0) model.splice(i, 1);
      };
      for (const s of steps) {
        if (s.op === "arm") {
          const kind: DeadlineKind = { kind: "timer", timerId: s.timer };
          const key = deadlineKey(s.run, kind);
          q.arm(s.run, s.at, kind);
          remove(key);
          model.push({ key, runId: s.run, at: s.at, seq: ++seq });
        } else if (s.op === "disarm") {
          const key = deadlineKey(s.run, { kind: "timer", timerId: s.timer });
          q.disarm(key);
          remove(key);
        } else if (s.op === "disarmRun") {
          q.disarmRun(s.run);
          for (const d of model.filter((d) => d.runId === s.run)) remove(d.key);
        } else {
          for (;;) {
            const want = earliest();
            const got = q.takeDue(s.now);
            if (!want || want.at > s.now) {
              assert.is(got, undefined);
              break;
            }
            assert.equal([got?.key, got?.at], [want.key, want.at]);
            remove(want.key);
          }
        }
        assert.is(q.size, model.length);
        assert.is(q.peek()?.key, earliest()?.key);
        for (const d of model) assert.ok(q.has(d.key), d.key);
      }
    }),
    { numRuns: runs },
  );
});

test("many re-armed deadlines do not pile up: the earliest is still right after thousands of re-arms", () => {
  const q = new DeadlineQueue();
  for (let i = 0; i < 5_000; i++) q.arm("r", 10_000 - i, { kind: "timer", timerId: `t${i % 7}` });
  assert.is(q.size, 7);
  const order: string[] = [];
  for (let d = q.takeDue(Number.MAX_SAFE_INTEGER); d; d = q.takeDue(Number.MAX_SAFE_INTEGER)) order.push(d.key);
  assert.equal(order, [
    "r|timer|t1",
    "r|timer|t0",
    "r|timer|t6",
    "r|timer|t5",
    "r|timer|t4",
    "r|timer|t3",
    "r|timer|t2",
  ]);
  assert.is(q.size, 0);
});

test.run();
