/**
 * An order with a saga: reserve stock, charge the card (retried: the payment gateway fails the first attempt of
 * every order here, to show a retry), then ship and email the receipt in parallel, and three days later ask for a
 * review. If anything fails after the stock was reserved, the compensations run (refund, release) and the failure is
 * rethrown. On the local runner's virtual clock the three days take no time: `npm start` runs this in about a second.
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
  sideEffect,
  sleep,
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
  retry: { maximumAttempts: 3, initialInterval: "30s", nonRetryableErrorNames: ["CardDeclined"] },
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

export const askForReview = defineActivity<{ orderId: string }, void>({
  name: "askForReview",
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

    // retried under chargeCard's retry policy (its definition above): a plain call, no retry() needed
    const { chargeId } = yield* activity(chargeCard, { orderId: o.id, cents: o.cents });
    compensations.push(activity(refund, { chargeId }));

    const [{ label }] = yield* all([activity(ship, o), activity(emailReceipt, { orderId: o.id, chargeId })]);
    const confirmation = yield* sideEffect(() => `C-${o.id}-${label.length}`);
    yield* log("info", `order ${o.id} shipped`, { label });
    // a durable timer: on SWF the execution waits three days; the local runner's virtual clock skips them
    yield* sleep("3d");
    yield* activity(askForReview, { orderId: o.id });
    return { chargeId, label, confirmation };
  } catch (err) {
    yield* log("warn", `order ${o.id} failed, compensating`, { error: (err as Error).message });
    for (const undo of compensations.reverse()) yield* undo;
    throw err;
  }
});

// ─── activity implementations (an activity worker's code) ───────────────────────────────────────────────────

/** Activities take a little real time, as real calls do; the timeline shows it. */
const latency = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Charge attempts per order: the simulated gateway times out on the first one. */
const chargeAttempts = new Map<string, number>();

export const activities = [
  implement(reserveStock, async (items) => {
    await latency(40);
    return { holdId: `hold-${items.join("+")}` };
  }),
  implement(releaseStock, async () => {}),
  implement(chargeCard, async ({ orderId, cents }) => {
    await latency(80);
    if (cents > 100_000)
      throw new ApplicationFailure(
        "CardDeclined",
        `card declined for ${cents} cents`,
        { orderId },
        { nonRetryable: true },
      );
    const attempt = (chargeAttempts.get(orderId) ?? 0) + 1;
    chargeAttempts.set(orderId, attempt);
    // a retryable failure: chargeCard's retry policy tries again 30 s (of workflow time) later
    if (attempt === 1) throw new ApplicationFailure("GatewayTimeout", "the payment gateway did not answer in time");
    return { chargeId: `ch-${orderId}` };
  }),
  implement(refund, async () => {}),
  implement(ship, async (o) => {
    await latency(120);
    return { label: `LBL-${o.id}` };
  }),
  implement(emailReceipt, async () => latency(30)),
  implement(askForReview, async () => latency(30)),
];
