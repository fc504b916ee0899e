/** A custom serializer is used for every payload: inputs, results, signals, markers, and the history's data fields. */

import {
  activity,
  decide,
  defineActivity,
  defineWorkflow,
  jsonSerializer,
  PayloadError,
  type Serializer,
  sideEffect,
  signal,
} from "@yieldflow/core";
import { checkReplay, simulate } from "@yieldflow/core/testing";
import { suite, test } from "uvu";
import * as assert from "uvu/assert";
import { Driver } from "../support.ts";

/** JSON, then base64: nothing in the history is readable JSON any more. */
const base64: Serializer = {
  serialize: (v) => {
    const json = jsonSerializer.serialize(v);
    return json === undefined ? undefined : `b64:${Buffer.from(json).toString("base64")}`;
  },
  deserialize: (d) => {
    if (d === undefined) return undefined;
    if (!d.startsWith("b64:")) throw new PayloadError(`not a b64 payload: ${d.slice(0, 10)}`);
    return jsonSerializer.deserialize(Buffer.from(d.slice(4), "base64").toString());
  },
};

const double = defineActivity<number, number>({ name: "double", version: "1", taskList: "t" });
const wf = defineWorkflow({ name: "custom-ser", version: "1" }, function* (n: number) {
  const d = yield* activity(double, n);
  const s = yield* signal<string>("go");
  const m = yield* sideEffect(() => ({ at: "marker" }));
  return { d, s, m };
});

test("every data field in the history is the serializer's, and the workflow sees decoded values", () => {
  const sim = simulate(wf, {
    input: 21,
    serializer: base64,
    next: (b) => {
      const a = [...b.activities.values()][0];
      if (a) return [{ kind: "activityCompleted", activityId: a.activityId, result: 42 }];
      return [{ kind: "signal", name: "go", input: "hello" }];
    },
  });
  assert.is(sim.ended, "closed");
  assert.equal(sim.status, { status: "completed", result: { d: 42, s: "hello", m: { at: "marker" } } });
  const data = sim.events.flatMap((e) =>
    Object.values(e).flatMap((v) =>
      typeof v === "object" && v !== null
        ? Object.entries(v)
            .filter(([k]) => ["input", "result", "details"].includes(k))
            .map(([, x]) => String(x))
        : [],
    ),
  );
  assert.ok(data.length >= 5, `${data.length} data fields`);
  for (const d of data) assert.ok(d.startsWith("b64:"), d);
  checkReplay(wf, sim, { serializer: base64 });
});

test("a history written with another serializer fails to decode with a PayloadError naming the payload", () => {
  const sim = simulate(wf, {
    input: 1,
    next: (b) => {
      const a = [...b.activities.values()][0];
      return a ? [{ kind: "activityCompleted", activityId: a.activityId, result: 2 }] : [];
    },
  });
  try {
    decide(wf, sim.events, { serializer: base64 });
    assert.unreachable("JSON payloads are not base64 ones");
  } catch (err) {
    assert.instance(err, PayloadError);
    assert.match((err as Error).message, "workflow input");
  }
});

test.run();

// ─── regressions found by the code review (moved from regressions/review.test.ts) ───
{
  const act = defineActivity<number, number>({ name: "a", version: "1", taskList: "t" });
  const review = suite("serializer: code review regressions");

  review("a value the serializer cannot carry is thrown into workflow code where the effect was called", () => {
    const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
      try {
        yield* activity(act, (() => 10) as unknown as number);
        return "sent";
      } catch (err) {
        return `caught ${(err as Error).name}: ${(err as Error).message.slice(0, 20)}`;
      }
    });
    const r = new Driver(wf).decide();
    assert.is(r.status.status, "completed");
    assert.match(String((r.status as { result: string }).result), "caught InvalidArgumentError: activity a input");
  });

  review.run();
}
