/**
 * The README's code, run: the first workflow (parallel fan-out and a compensating try/catch), the local runner
 * snippet, the property test from "Testing your workflows" and its `checkWorkflow` example. If the README changes,
 * change this file with it.
 */
import { ApplicationFailure, activity, all, decide, defineActivity, defineWorkflow, implement } from "@yieldflow/core";
import { checkReplay, simulate } from "@yieldflow/core/testing";
import { LocalRunner } from "@yieldflow/local-runner";
import { checkWorkflow } from "@yieldflow/local-runner/testing";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { approval, activities as approvalActivities } from "../../examples/approval.ts";

const reserve = defineActivity<string[], { holdId: string }>({
  name: "reserve",
  version: "1",
  taskList: "inventory",
  timeouts: { startToClose: "30s" },
});
const release = defineActivity<{ holdId: string }, void>({ name: "release", version: "1", taskList: "inventory" });
const charge = defineActivity<{ orderId: string; cents: number }, { chargeId: string }>({
  name: "charge",
  version: "1",
  taskList: "payments",
  timeouts: { startToClose: "30s" },
});
const ship = defineActivity<string, string>({ name: "ship", version: "1", taskList: "shipping" });

const checkout = defineWorkflow(
  { name: "checkout", version: "1" },
  function* (o: { id: string; items: string[]; cents: number }) {
    const { holdId } = yield* activity(reserve, o.items);
    try {
      const { chargeId } = yield* activity(charge, { orderId: o.id, cents: o.cents });
      const labels = yield* all(o.items.map((item) => activity(ship, item)));
      return { chargeId, labels };
    } catch (err) {
      yield* activity(release, { holdId });
      throw err;
    }
  },
);

const activities = [
  implement(reserve, async (items) => ({ holdId: `hold-${items.length}` })),
  implement(release, async () => {}),
  implement(charge, async ({ orderId }) => ({ chargeId: `ch-${orderId}` })),
  implement(ship, async (item) => `label-for-${item}`),
];

test("the first workflow runs in the local runner as the README says", async () => {
  const runner = new LocalRunner({ workflows: [checkout], activities });
  const handle = await runner.start(checkout, { id: "o-1", items: ["book", "pen"], cents: 4200 });
  assert.equal(await handle.result(), { chargeId: "ch-o-1", labels: ["label-for-book", "label-for-pen"] });
  const exported = JSON.parse(handle.exportHistory());
  assert.ok(Array.isArray(exported.events));
  decide(checkout, exported.events, { workflowId: handle.workflowId, runId: handle.runId });
});

test("a failing shipment compensates (release) and fails the workflow", async () => {
  const failing = [
    ...activities.filter((a) => a.definition.name !== "ship"),
    implement(ship, async () => {
      throw new ApplicationFailure("NoCarrier", "no carrier today");
    }),
  ];
  const runner = new LocalRunner({ workflows: [checkout], activities: failing });
  const handle = await runner.start(checkout, { id: "o-2", items: ["book"], cents: 1 });
  await handle.result().then(
    () => assert.unreachable("must fail"),
    () => {},
  );
  const names = handle
    .history()
    .flatMap((e) =>
      e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : [],
    );
  assert.equal(names, ["reserve", "charge", "ship", "release"]);
});

test("the README's property test", () => {
  fc.assert(
    fc.property(fc.array(fc.nat(), { minLength: 1 }), (picks) => {
      const run = simulate(checkout, {
        input: { id: "o-1", items: ["a", "b", "c"], cents: 100 },
        next: (b, step) => {
          const open = [...b.activities.values()];
          const a = open[(picks[step % picks.length] ?? 0) % Math.max(1, open.length)];
          return a
            ? [{ kind: "activityCompleted", activityId: a.activityId, result: { chargeId: "c", holdId: "h" } }]
            : [];
        },
        replay: "incremental",
      });
      assert.is(run.ended, "closed");
      checkReplay(checkout, run);
    }),
    { numRuns: 30 },
  );
});

test("the README's checkWorkflow example", async () => {
  await checkWorkflow(approval, {
    activities: approvalActivities,
    input: { request: "new laptop", approver: "ada" },
    signals: [{ name: "decision", input: fc.record({ approved: fc.boolean(), by: fc.constant("ada") }) }],
  });
});

test.run();
