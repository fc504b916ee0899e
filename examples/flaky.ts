/**
 * Retry with backoff against a flaky activity: it fails its first two attempts, the workflow retries it with an
 * exponential backoff on durable timers (1 s, then 2 s) and gets the result on the third attempt.
 *
 *   npx yieldflow run examples/flaky.ts --input '"https://example.com/report"'
 */
import { activity, defineActivity, defineWorkflow, implement, retry } from "@yieldflow/core";

export const fetchReport = defineActivity<string, { url: string; bytes: number }>({
  name: "fetchReport",
  version: "1",
  taskList: "io",
  timeouts: { startToClose: "20s" },
  retry: { maximumAttempts: 5, initialInterval: "1s", backoffCoefficient: 2, maximumInterval: "30s" },
});

export const report = defineWorkflow({ name: "report", version: "1" }, function* (url: string) {
  // no policy here: the activity's default policy applies
  return yield* retry(activity(fetchReport, url));
});

const attempts = new Map<string, number>();
export const activities = [
  implement(fetchReport, async (url) => {
    const n = (attempts.get(url) ?? 0) + 1;
    attempts.set(url, n);
    if (n < 3) throw new Error(`503 Service Unavailable (attempt ${n})`);
    return { url, bytes: 1024 * n };
  }),
];
