/**
 * A replayed decision task does not serialize again the activity inputs its decisions recorded: the history says how
 * large each input was (all the decision emitter needs, to defer exactly what the live task deferred), and a
 * replayed task's decisions are only matched with the history. What the history did not record is still serialized
 * at the call, so a value that cannot be serialized is still thrown into workflow code there. (A task that deferred
 * activities by size: tests/core/decisions/outbox.test.ts, the byte budget.)
 */
import { activity, all, decide, defineActivity, defineWorkflow, InvalidArgumentError } from "@yieldflow/core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { attrs, countingSerializer, Driver, resultOf, types } from "../support.ts";

const act = defineActivity<{ i: number }, number>({ name: "act", version: "1" });
const bigAct = defineActivity<string, string>({ name: "bigAct", version: "1" });

const sequence = defineWorkflow({ name: "sequence", version: "1" }, function* (n: number) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* activity(act, { i });
  return sum;
});

const fanOut = defineWorkflow({ name: "fan-out", version: "1" }, function* (n: number) {
  let sum = 0;
  for (let round = 0; round < 2; round++) {
    const batch = [];
    for (let i = 0; i < n; i++) batch.push(activity(act, { i: round * n + i }));
    for (const r of yield* all(batch)) sum += r;
  }
  return sum;
});

const test = suite("replayed activity inputs");

test("a full replay of a sequence serializes only what the open task decides", () => {
  const d = new Driver(sequence, 4);
  for (let i = 1; i <= 4; i++) {
    d.decide();
    d.b.activityCompleted(`activity-${i}`, String(i));
  }
  d.b.startDecisionTask();
  const ser = countingSerializer();
  const r = decide(sequence, d.events, { workflowId: "wf-1", runId: "run-1", serializer: ser });
  assert.is(resultOf(r.decisions), 10);
  assert.equal(ser.serialized, [10], "the four replayed inputs are not serialized again; the result is");
});

test("a full replay of a fan-out serializes only the inputs of the open task's batch", () => {
  const d = new Driver(fanOut, 3);
  d.decide();
  for (let i = 1; i <= 3; i++) d.b.activityCompleted(`activity-${i}`, "1");
  d.b.startDecisionTask();
  const ser = countingSerializer();
  const r = decide(fanOut, d.events, { workflowId: "wf-1", runId: "run-1", serializer: ser });
  assert.equal(types(r.decisions), ["ScheduleActivityTask", "ScheduleActivityTask", "ScheduleActivityTask"]);
  assert.equal(ser.serialized, [{ i: 3 }, { i: 4 }, { i: 5 }]);
  // what goes out is the live serialization, not anything the replay remembered
  assert.equal(
    r.decisions.map((x) => attrs(x).input),
    ['{"i":3}', '{"i":4}', '{"i":5}'],
  );
});

test("an input that cannot be serialized is thrown at the call in a replay too", () => {
  const wf = defineWorkflow({ name: "unserializable", version: "1" }, function* () {
    const circular: { self?: unknown } = {};
    circular.self = circular;
    let caught = "";
    try {
      yield* activity(bigAct, circular as unknown as string);
    } catch (err) {
      caught = err instanceof InvalidArgumentError ? "refused" : String(err);
    }
    const r = yield* activity(bigAct, "fine");
    return `${caught} ${r}`;
  });
  const d = new Driver(wf);
  const r1 = d.decide();
  // the refused call took activity-1; the one that went out is activity-2
  assert.equal(
    r1.decisions.map((x) => attrs(x).activityId),
    ["activity-2"],
  );
  d.b.activityCompleted("activity-2", '"ok"');
  assert.is(resultOf(d.decide().decisions), "refused ok");
});

test.run();
