/**
 * The outbox adds cheap upper bounds of decision sizes while they stay under the response's byte budget, and measures
 * the response exactly once they would not: what goes out and what is deferred must be exactly what exact sizes give.
 * Checked against an outbox given no bounds (every size measured), on random commands: activities with inputs of
 * every kind of character (ASCII, quotes and backslashes, control characters, non-ASCII, surrogate pairs) and sizes
 * around the budget, and big markers.
 *
 * Internal modules are imported on purpose: the property is about two ways one internal queue sizes a response.
 */
import { activity, type Decision, decisionAttributesKey, defineActivity } from "@yieldflow/core";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { approximateSize, type Command, commandOf, Outbox } from "../../../packages/core/src/decisions/outbox.ts";
import * as to from "../../../packages/core/src/decisions/to-decision.ts";
import type { ActivityDescriptor } from "../../../packages/core/src/effects/effect.ts";
import { jsonUtf8Length } from "../../../packages/core/src/json-size.ts";
import { RUNS } from "../../fixtures/programs.ts";

const act = defineActivity<string, string>({
  name: "act",
  version: "1",
  timeouts: { startToClose: "1m", scheduleToClose: "5m" },
});

const chars = fc.constantFrom("a", "Z", " ", '"', "\\", "\n", "\u0001", "é", "€", "😀", "\ud800");
const text = fc
  .tuple(fc.array(chars, { maxLength: 8 }), fc.integer({ min: 0, max: 40_000 }))
  .map(([cs, n]) => (cs.join("") + "x".repeat(n)).slice(0, 32_000));

const command = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      { kind: fc.constant("activity" as const), input: text, attempt: fc.integer({ min: 1, max: 12 }) },
      { requiredKeys: ["kind", "input"] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("marker" as const), input: text }) },
);

/**
 * How the commands are queued: `exact`, their decisions built (every size measured); `bounds`, as the engine queues
 * an activity of the open task (a bound, its decision built only if read); `recorded`, as it queues one a replayed
 * task recorded (only its size, from the recorded input's size; its decision is never read).
 */
type Mode = "exact" | "bounds" | "recorded";

/** Everything an outbox hands out, response by response, until it is empty: the ids of each response's commands. */
function responses(commands: { kind: "activity" | "marker"; input: string; attempt?: number }[], mode: Mode): string[] {
  const outbox = new Outbox(100, () => "wakeup");
  commands.forEach((c, i) => {
    if (c.kind === "marker") {
      outbox.push(commandOf(to.recordMarker(`m${i}`, c.input), "marker"));
      return;
    }
    const effect = activity(act, c.input) as unknown as ActivityDescriptor;
    if (c.attempt !== undefined) effect.attempt = c.attempt;
    const id = `activity-${i}`;
    const input = JSON.stringify(c.input);
    if (mode === "exact") {
      outbox.push(commandOf(to.scheduleActivityTask(effect, id, input), "activity"));
      return;
    }
    if (mode === "recorded") {
      // the input field as the decision carried it (with the attempt, from the second on), as the history records it
      const field = inputOf(to.scheduleActivityTask(effect, id, input));
      const size = to.scheduleActivityTaskSize(effect, id, field === undefined ? 0 : jsonUtf8Length(field));
      outbox.push({
        get decision(): never {
          throw new Error(`the decision of ${id} was read`);
        },
        limit: "activity",
        size,
        id,
      } as Command);
      return;
    }
    // as the engine queues an activity: its decision is built only if the outbox reads it (to measure it exactly)
    let built: ReturnType<typeof to.scheduleActivityTask> | undefined;
    const lazy: Command = {
      get decision() {
        built ??= to.scheduleActivityTask(effect, id, input);
        return built;
      },
      limit: "activity",
      bound: to.scheduleActivityTaskBound(effect, id, input),
    };
    outbox.push(lazy);
  });
  const out: string[] = [];
  for (let r = 0; r < 200 && outbox.queued > 0; r++) {
    out.push(JSON.stringify(outbox.take().map((c) => ("id" in c ? c.id : idOf(c.decision)))));
    for (let i = 0; i < 100; i++) outbox.closed("activity");
  }
  return out;
}

/** The input field of a ScheduleActivityTask decision. */
function inputOf(d: Decision): string | undefined {
  return d.decisionType === "ScheduleActivityTask" ? d.scheduleActivityTaskDecisionAttributes.input : undefined;
}

function idOf(d: Decision): string {
  const a = (d as unknown as Record<string, Record<string, string>>)[decisionAttributesKey(d.decisionType)] ?? {};
  return a.activityId ?? a.markerName ?? a.timerId ?? d.decisionType;
}

test("a character takes at most 6 bytes in JSON: the bound is never below the exact size", () => {
  fc.assert(
    fc.property(text, (t) => {
      assert.ok(2 + 6 * t.length >= jsonUtf8Length(t));
    }),
    { numRuns: RUNS * 5 },
  );
});

test("a replayed activity's size, from its recorded input's size, is exactly its decision's size", () => {
  fc.assert(
    fc.property(
      text,
      fc.option(fc.integer({ min: 1, max: 1_000_000 })),
      fc.option(fc.constantFrom("order-7", "ñandú-3", "😀")),
      (t, attempt, given) => {
        const effect = activity(act, t, given === null ? undefined : { id: given }) as unknown as ActivityDescriptor;
        if (attempt !== null) effect.attempt = attempt;
        const id = effect.id ?? "activity-12";
        const decision = to.scheduleActivityTask(effect, id, JSON.stringify(t));
        const field = inputOf(decision);
        const recorded = field === undefined ? 0 : jsonUtf8Length(field);
        assert.is(to.scheduleActivityTaskSize(effect, id, recorded), approximateSize(decision));
      },
    ),
    { numRuns: RUNS * 5 },
  );
});

test("responses with size bounds, or with the sizes a history recorded, are exactly the responses measured exactly", () => {
  let deferred = 0;
  fc.assert(
    fc.property(fc.array(command, { minLength: 1, maxLength: 120, size: "max" }), (commands) => {
      const exact = responses(commands, "exact");
      assert.equal(responses(commands, "bounds"), exact);
      assert.equal(responses(commands, "recorded"), exact);
      if (exact.length > 1) deferred++;
    }),
    { numRuns: RUNS },
  );
  assert.ok(deferred > 0, "some runs must have deferred decisions by size");
});

test("an empty response lets go of the previous response's commands (their inputs can be large)", () => {
  const outbox = new Outbox(100, () => "wakeup");
  const effect = activity(act, "x") as unknown as ActivityDescriptor;
  const big = JSON.stringify("y".repeat(30_000));
  outbox.push(commandOf(to.scheduleActivityTask(effect, "activity-1", big), "activity"));
  assert.is(outbox.take().length, 1);
  assert.is(outbox.take().length, 0);
  // white-box: the list take() refills is the outbox's own; nothing of the last response may stay reachable from it
  const kept = (outbox as unknown as { out: unknown[] }).out;
  assert.ok(
    kept.every((c) => c === undefined),
    "the outbox still holds a command of a response already taken",
  );
});

test.run();
