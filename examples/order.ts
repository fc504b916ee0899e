/**
 * An order with a saga: reserve stock, charge the card, then ship and email the receipt in parallel. If anything
 * fails after the stock was reserved, the compensations run (refund, release) and the failure is rethrown.
 *
 *   npx yieldflow run examples/order.ts --input '{"id":"o-1","items":["book"],"cents":4200}'
 *   npx yieldflow run examples/order.ts --input '{"id":"o-2","items":["book"],"cents":999999}'   # declined → saga
 *
 * Definitions (types, task lists, timeouts, retry policies) and workflow code come first; a decider needs only
 * these. The activity implementations below them are what an activity worker runs.
 */
import {
  ApplicationFailure,
  activity,
  all,
  defineActivity,
  defineWorkflow,
  type Effect,
  implement,
  log,
  retry,
  sideEffect,
} from "@yieldflow/core";

export interface Order {
  id: string;
  items: string[];
  cents: number;
}

export const reserveStock = defineActivity<string[], { holdId: string }>({
  name: "reserveStock",
  version: "1",
  taskList: "inventory",
  timeouts: { startToClose: "30s" },
});
export const releaseStock = defineActivity<{ holdId: string }, void>({
  name: "releaseStock",
  version: "1",
  taskList: "inventory",
  timeouts: { startToClose: "30s" },
});
export const chargeCard = defineActivity<{ orderId: string; cents: number }, { chargeId: string }>({
  name: "chargeCard",
  version: "1",
  taskList: "payments",
  timeouts: { startToClose: "30s" },
  retry: { maximumAttempts: 3, initialInterval: "1s", nonRetryableErrorNames: ["CardDeclined"] },
});
export const refund = defineActivity<{ chargeId: string }, void>({
  name: "refund",
  version: "1",
  taskList: "payments",
  timeouts: { startToClose: "30s" },
});
export const ship = defineActivity<Order, { label: string }>({
  name: "ship",
  version: "1",
  taskList: "shipping",
  timeouts: { startToClose: "5m" },
});
export const emailReceipt = defineActivity<{ orderId: string; chargeId: string }, void>({
  name: "emailReceipt",
  version: "1",
  taskList: "email",
  timeouts: { startToClose: "1m" },
});

export const order = defineWorkflow({ name: "order", version: "1" }, function* (o: Order) {
  // effects are plain data: the compensations are kept as effects and run only if something fails
  const compensations: Effect<unknown>[] = [];
  try {
    const { holdId } = yield* activity(reserveStock, o.items);
    compensations.push(activity(releaseStock, { holdId }));

    const { chargeId } = yield* retry(activity(chargeCard, { orderId: o.id, cents: o.cents }));
    compensations.push(activity(refund, { chargeId }));

    const [{ label }] = yield* all([activity(ship, o), activity(emailReceipt, { orderId: o.id, chargeId })]);
    const confirmation = yield* sideEffect(() => `C-${o.id}-${label.length}`);
    yield* log("info", `order ${o.id} shipped`, { label });
    return { chargeId, label, confirmation };
  } catch (err) {
    yield* log("warn", `order ${o.id} failed, compensating`, { error: (err as Error).message });
    for (const undo of compensations.reverse()) yield* undo;
    throw err;
  }
});

// ─── activity implementations (an activity worker's code) ───────────────────────────────────────────────────

export const activities = [
  implement(reserveStock, async (items) => ({ holdId: `hold-${items.join("+")}` })),
  implement(releaseStock, async () => {}),
  implement(chargeCard, async ({ orderId, cents }) => {
    if (cents > 100_000)
      throw new ApplicationFailure(
        "CardDeclined",
        `card declined for ${cents} cents`,
        { orderId },
        { nonRetryable: true },
      );
    return { chargeId: `ch-${orderId}` };
  }),
  implement(refund, async () => {}),
  implement(ship, async (o) => ({ label: `LBL-${o.id}` })),
  implement(emailReceipt, async () => {}),
];
