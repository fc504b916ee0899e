/**
 * Fan-out/fan-in over many items with bounded concurrency: at most `limit` activities run at once, results come
 * back in item order. Each "lane" is an ordinary generator; `all` runs the lanes concurrently inside the workflow.
 *
 *   npx yieldflow run examples/fan-out.ts --input '{"items":[1,2,3,4,5,6,7,8,9,10],"limit":3}'
 */
import {
  activity,
  all,
  type Branch,
  defineActivity,
  defineWorkflow,
  type EffectRequest,
  implement,
} from "@yieldflow/core";

export const square = defineActivity<number, number>({
  name: "square",
  version: "1",
  taskList: "math",
  timeouts: { startToClose: "10s" },
});

/** Runs `work(item)` for every item, at most `limit` at a time; results in item order. */
export function* mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Branch<R>,
): Generator<EffectRequest, R[], unknown> {
  const results: R[] = new Array(items.length);
  let next = 0;
  function* lane(): Generator<EffectRequest, void, unknown> {
    while (next < items.length) {
      const i = next++;
      results[i] = (yield* work(items[i] as T) as Generator<EffectRequest, R, unknown>) as R;
    }
  }
  yield* all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => lane()));
  return results;
}

export const sumOfSquares = defineWorkflow(
  { name: "sumOfSquares", version: "1" },
  function* ({ items, limit }: { items: number[]; limit: number }) {
    const squares = yield* mapConcurrently(items, limit, (n) => activity(square, n));
    return { squares, sum: squares.reduce((a, b) => a + b, 0) };
  },
);

export const activities = [implement(square, async (n) => n * n)];
