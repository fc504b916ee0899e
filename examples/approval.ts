/**
 * A human approval: ask for it, then wait for the "decision" signal for up to 3 days. No answer in time →
 * escalate. Locally the 3 days pass in milliseconds on the virtual clock.
 *
 *   npx yieldflow run examples/approval.ts --input '{"request":"new laptop","approver":"ada"}'
 */
import { activity, defineActivity, defineWorkflow, implement, signal, TimeoutFailure } from "@yieldflow/core";

export const askForApproval = defineActivity<{ request: string; approver: string }, void>({
  name: "askForApproval",
  version: "1",
  taskList: "notify",
  timeouts: { startToClose: "1m" },
});
export const escalate = defineActivity<{ request: string }, string>({
  name: "escalate",
  version: "1",
  taskList: "notify",
  timeouts: { startToClose: "1m" },
});

export const approval = defineWorkflow(
  { name: "approval", version: "1" },
  function* (r: { request: string; approver: string }) {
    yield* activity(askForApproval, r);
    try {
      const decision = yield* signal<{ approved: boolean; by: string }>("decision", { timeout: "3d" });
      return { ...decision, escalated: false };
    } catch (err) {
      if (!(err instanceof TimeoutFailure)) throw err;
      const ticket = yield* activity(escalate, { request: r.request });
      return { approved: false, by: "nobody", escalated: true, ticket };
    }
  },
);

export const activities = [
  implement(askForApproval, async () => {}),
  implement(escalate, async ({ request }) => `ESC-${request.length}`),
];
