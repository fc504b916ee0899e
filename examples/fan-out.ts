/**
 * Fan-out/fan-in over many items with bounded concurrency: `map(items, fn, { concurrency })` runs at most `limit`
 * activities at once (the next starts when one finishes) and returns the results in item order. A failure cancels
 * the running ones and starts no more, as in `all`.
 *
 *   npx yieldflow run examples/fan-out.ts --input '{"items":[1,2,3,4,5,6,7,8,9,10],"limit":3}'
 */
import { activity, defineActivity, defineWorkflow, implement, map } from "@yieldflow/core";

export const square = defineActivity<number, number>({
  name: "square",
  version: "1",
  taskList: "math",
  timeouts: { startToClose: "10s" },
});

export const sumOfSquares = defineWorkflow(
  { name: "sumOfSquares", version: "1" },
  function* ({ items, limit }: { items: number[]; limit: number }) {
    const squares = yield* map(items, (n) => activity(square, n), { concurrency: limit });
    return { squares, sum: squares.reduce((a, b) => a + b, 0) };
  },
);

export const activities = [implement(square, async (n) => n * n)];
