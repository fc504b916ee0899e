/**
 * The UI's pages without a browser: a 25,000-event history is served in pages of 1,000 events (the execution page
 * stays small), the raw JSON is the whole history, and everything from the history is escaped.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { directCalls, type Harness, harness } from "./support.ts";

let h: Harness;
test.before(async () => {
  h = await harness();
});
test.after(async () => {
  await h.close();
});

test("a 25,000-event execution is shown 1,000 events a page; its raw history is complete", async () => {
  const b = h.server.backend;
  const x = directCalls(h.server, "big");
  x("RegisterActivityType", {
    domain: "big",
    name: "a",
    version: "1",
    defaultTaskList: { name: "w" },
    defaultTaskScheduleToCloseTimeout: "600",
    defaultTaskScheduleToStartTimeout: "600",
    defaultTaskStartToCloseTimeout: "600",
    defaultTaskHeartbeatTimeout: "NONE",
  });
  const { runId } = x("StartWorkflowExecution", {
    domain: "big",
    workflowId: '<big & "bold">',
    workflowType: { name: "wf", version: "1" },
    input: "<script>alert(1)</script>",
  }) as { runId: string };
  let n = 0;
  while ((b.history("big", runId)?.length ?? 0) < 24_000) {
    const t = x("PollForDecisionTask", { domain: "big", taskList: { name: "t" } }) as { taskToken: string };
    const decisions = Array.from({ length: 100 }, () => ({
      decisionType: "ScheduleActivityTask",
      scheduleActivityTaskDecisionAttributes: { activityType: { name: "a", version: "1" }, activityId: `a${n++}` },
    }));
    x("RespondDecisionTaskCompleted", { taskToken: t.taskToken, decisions });
    for (;;) {
      const a = x("PollForActivityTask", { domain: "big", taskList: { name: "w" } }) as { taskToken: string };
      if (!a.taskToken) break;
      x("RespondActivityTaskCompleted", { taskToken: a.taskToken, result: "ok" });
    }
  }
  const total = b.history("big", runId)?.length as number;
  assert.ok(total >= 24_000);
  const page = await (await fetch(`${h.server.url}/d/big/e/${runId}`)).text();
  assert.is(page.match(/<tr class="event">/g)?.length, 1_000);
  assert.match(page, `?page=${Math.ceil(total / 1_000)}"`);
  assert.ok(page.length < 400_000, `${page.length} bytes`);
  assert.not.match(page, "<script>alert");
  assert.match(page, "&lt;big &amp; &quot;bold&quot;&gt;");
  const last = await (await fetch(`${h.server.url}/d/big/e/${runId}?page=${Math.ceil(total / 1_000)}`)).text();
  assert.match(last, `<td>${total}</td>`);
  const raw = (await (await fetch(`${h.server.url}/d/big/e/${runId}/history.json`)).json()) as { events: unknown[] };
  assert.is(raw.events.length, total);
  const list = await (await fetch(`${h.server.url}/d/big?workflowId=${encodeURIComponent("<big")}`)).text();
  assert.is(list.match(/<tr class="execution">/g)?.length, 1);
});

test.run();
