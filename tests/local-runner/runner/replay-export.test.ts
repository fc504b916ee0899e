/**
 * Every history the runner records is a real SWF history: a workflow that uses every kind of effect runs to the
 * end, and each of its runs (parent, children, continued runs) replays with core's `decide` from the exported JSON,
 * with the same final status.
 */
import {
  ApplicationFailure,
  activity,
  all,
  childWorkflow,
  continueAsNew,
  decide,
  defineActivity,
  defineWorkflow,
  implement,
  log,
  now,
  patched,
  race,
  random,
  retry,
  sideEffect,
  signal,
  signalExternal,
  sleep,
  start,
  uuid,
  workflowInfo,
} from "@yieldflow/core";
import { LocalRunner, VirtualClock } from "@yieldflow/local-runner";
import { test } from "uvu";
import * as assert from "uvu/assert";

const charge = defineActivity<number, string>({
  taskList: "default",
  name: "charge",
  version: "1",
  timeouts: { startToClose: "1m" },
});
const ship = defineActivity<string, string>({ taskList: "default", name: "ship", version: "2" });

let shipCalls = 0;
const activities = [
  implement(charge, async (cents) => `ch_${cents}`),
  implement(ship, async (id) => {
    shipCalls++;
    if (shipCalls % 2 === 1) throw new ApplicationFailure("CarrierDown", "try again");
    return `label-${id}`;
  }),
];

const packer = defineWorkflow({ name: "packer", version: "1" }, function* (items: string[]) {
  const info = yield* workflowInfo();
  yield* sleep("10m");
  if (items.length > 1) yield* continueAsNew(items.slice(1));
  yield* signalExternal(info.parent?.workflowId as string, "packed", items[0]);
  return `${items[0]} packed`;
});

const order = defineWorkflow({ name: "order", version: "1" }, function* (input: { cents: number; items: string[] }) {
  const id = yield* uuid();
  const r = yield* random();
  const t0 = yield* now();
  const coupon = yield* sideEffect(() => (r > 0.5 ? "BIG" : "SMALL"));
  yield* log("info", "order started", { id });
  const chargeId = yield* activity(charge, input.cents);
  const packing = yield* start(childWorkflow(packer, input.items));
  const [label, packed] = yield* all([
    retry(activity(ship, id), { maximumAttempts: 3, initialInterval: "5s" }),
    signal<string>("packed", { timeout: "1d" }),
  ]);
  const packResult = yield* packing;
  const fast = (yield* patched("express")) ? yield* race([signal<string>("rush"), sleep("1h")]) : undefined;
  const t1 = yield* now();
  return {
    chargeId,
    label,
    packed,
    packResult,
    coupon,
    fast: fast ?? null,
    hours: (t1.getTime() - t0.getTime()) / 3.6e6,
  };
});

test("a workflow using every effect runs, and every run's exported history replays to the same status", async () => {
  // fully virtual: the workflow's own durations (1.5 h) are then exact, whatever the activities took in real time
  const runner = new LocalRunner({
    workflows: [order, packer],
    activities,
    clock: new VirtualClock(undefined, { activityTime: "virtual" }),
  });
  const h = await runner.start(order, { cents: 1200, items: ["a", "b", "c"] }, { workflowId: "order-1" });
  const result = (await h.result()) as Record<string, unknown>;
  assert.is(result.chargeId, "ch_1200");
  assert.is(result.packResult, "c packed");
  assert.is(result.packed, "c");
  assert.match(String(result.label), /^label-/);
  assert.is(result.fast, null);
  assert.is(result.hours, 1.5);

  const started = h.history().find((e) => e.eventType === "ChildWorkflowExecutionStarted");
  const childId = started?.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId as string;
  const childRuns = runner.runIdsOf(childId);
  assert.is(childRuns.length, 3);
  const runs: [typeof order | typeof packer, string, string][] = [
    [order, "order-1", h.runId],
    ...childRuns.map((runId) => [packer, childId, runId] as [typeof packer, string, string]),
  ];
  for (const [workflow, workflowId, runId] of runs) {
    const exported = JSON.parse(runner.getHandle(workflowId, runId).exportHistory(runId)) as { events: unknown[] };
    const replay = decide(workflow, exported.events, { workflowId, runId });
    const last = (exported.events.at(-1) as { eventType: string }).eventType;
    const expected = last === "WorkflowExecutionContinuedAsNew" ? "continuedAsNew" : "completed";
    assert.is(replay.status.status, expected, `${workflowId} ${runId}`);
    assert.equal(replay.decisions, []);
  }
});

test.run();
