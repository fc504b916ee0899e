import type { HistoryEvent as SdkHistoryEvent } from "@aws-sdk/client-swf";
import { activity, decide, defineActivity, defineWorkflow, now, sleep } from "@yieldflow/core";
import { simulate } from "@yieldflow/core/testing";
import { fromSdkHistory, toSdkDecisions } from "@yieldflow/swf-adapter";
import { test } from "uvu";
import * as assert from "uvu/assert";

const greet = defineActivity<string, string>({ name: "greet", version: "1", taskList: "t" });
const wf = defineWorkflow({ name: "sdk-shapes", version: "1" }, function* (name: string) {
  const text = yield* activity(greet, name);
  yield* sleep("1h");
  return { text, at: (yield* now()).toISOString() };
});

test("a history in the SDK's form (Date timestamps) decides exactly like SWF's wire JSON", () => {
  const sim = simulate(wf, { input: "ada" });
  assert.is(sim.ended, "closed");
  const wire = sim.events;
  const sdk: SdkHistoryEvent[] = wire.map(
    (e) => ({ ...(e as object), eventTimestamp: new Date((e.eventTimestamp as number) * 1000) }) as SdkHistoryEvent,
  );
  for (const t of sim.tasks) {
    const fromWire = decide(wf, wire.slice(0, t.historyLength));
    const fromSdk = decide(wf, fromSdkHistory(sdk.slice(0, t.historyLength)));
    assert.equal(fromSdk.decisions, fromWire.decisions);
    assert.equal(fromSdk.status, fromWire.status);
  }
  const done = decide(wf, fromSdkHistory(sdk));
  assert.equal(done.status, { status: "completed", result: { text: null, at: "2026-01-01T01:00:00.000Z" } });
});

test("core's decisions go to the SDK unchanged", () => {
  const sim = simulate(wf, { input: "ada" });
  const first = sim.tasks[0]?.decisions ?? [];
  const sdk = toSdkDecisions(first);
  assert.equal(sdk, first);
  assert.is(sdk[0]?.decisionType, "ScheduleActivityTask");
  assert.is(sdk[0]?.scheduleActivityTaskDecisionAttributes?.activityType?.name, "greet");
});

test.run();
