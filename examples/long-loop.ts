/**
 * A long-running loop that continues as new: it processes a large dataset in pages, and after every `pagesPerRun`
 * pages starts a fresh run with the cursor, so no single history grows toward SWF's 25,000-event cap.
 *
 *   npx yieldflow run examples/long-loop.ts --input '{"cursor":0,"total":45,"pageSize":5,"pagesPerRun":3,"sum":0}'
 */
import { activity, continueAsNew, defineActivity, defineWorkflow, implement, sleep } from "@yieldflow/core";

export interface Progress {
  cursor: number;
  total: number;
  pageSize: number;
  pagesPerRun: number;
  sum: number;
}

export const processPage = defineActivity<{ from: number; to: number }, number>({
  name: "processPage",
  version: "1",
  taskList: "batch",
  timeouts: { startToClose: "5m" },
});

export const loop = defineWorkflow({ name: "pagedLoop", version: "1" }, function* (p: Progress) {
  let { cursor, sum } = p;
  for (let page = 0; page < p.pagesPerRun && cursor < p.total; page++) {
    const to = Math.min(p.total, cursor + p.pageSize);
    sum += yield* activity(processPage, { from: cursor, to });
    cursor = to;
    yield* sleep("1h"); // pace the work
  }
  if (cursor < p.total) return yield* continueAsNew({ ...p, cursor, sum });
  return { processed: cursor, sum };
});

export const activities = [
  implement(processPage, async ({ from, to }) => {
    let s = 0;
    for (let i = from; i < to; i++) s += i;
    return s;
  }),
];
