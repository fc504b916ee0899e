/**
 * The web UI in a real headless browser (Debian's chromium, driven by playwright-core): the list shows the
 * executions, an execution page shows its timeline and events, and the cancel button really cancels.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as SWF from "@aws-sdk/client-swf";
import type { BrowserContext } from "playwright-core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CHROMIUM, launchChromium } from "../fixtures/chromium.ts";
import { eventually, type Harness, harness, historyOf, pollDecision, setUp } from "./support.ts";

const profile = mkdtempSync(join(tmpdir(), "yf-chromium-"));
let h: Harness;
let browser: BrowserContext;

const available = existsSync(CHROMIUM);
if (!available)
  console.warn(
    `\n!!! SKIPPED: the web UI browser test needs chromium at ${CHROMIUM} (apt-get install -y chromium, or set YIELDFLOW_CHROMIUM); it did not run !!!\n`,
  );
const browserTest = available ? test : test.skip;

test.before(async () => {
  if (!available) return;
  h = await harness({ pollWaitMs: 300 });
  browser = await launchChromium(profile);
});
test.after(async () => {
  await browser?.close();
  await h?.close();
  rmSync(profile, { recursive: true, force: true });
});

browserTest("the list shows executions, an execution page its timeline, and the cancel button cancels", async () => {
  const { swf, server } = h;
  const domain = "ui";
  await setUp(swf, domain);
  // one execution that ran an activity, got a signal and completed; one left open
  const done = await swf.send(
    new SWF.StartWorkflowExecutionCommand({
      domain,
      workflowId: "order-done",
      workflowType: { name: "wf", version: "1" },
      input: '{"id":1}',
      tagList: ["vip"],
    }),
  );
  let t = await pollDecision(swf, domain);
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({
      taskToken: t.taskToken,
      decisions: [
        {
          decisionType: "ScheduleActivityTask",
          scheduleActivityTaskDecisionAttributes: {
            activityType: { name: "act", version: "1" },
            activityId: "charge",
            input: "42",
          },
        },
      ],
    }),
  );
  const a = await swf.send(new SWF.PollForActivityTaskCommand({ domain, taskList: { name: "workers" } }));
  await swf.send(
    new SWF.SignalWorkflowExecutionCommand({ domain, workflowId: "order-done", signalName: "approve", input: "yes" }),
  );
  await swf.send(new SWF.RespondActivityTaskCompletedCommand({ taskToken: a.taskToken, result: "charged" }));
  t = await pollDecision(swf, domain);
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({
      taskToken: t.taskToken,
      decisions: [
        {
          decisionType: "CompleteWorkflowExecution",
          completeWorkflowExecutionDecisionAttributes: { result: "shipped" },
        },
      ],
    }),
  );
  const open = await swf.send(
    new SWF.StartWorkflowExecutionCommand({
      domain,
      workflowId: "order-open",
      workflowType: { name: "wf", version: "1" },
    }),
  );
  t = await pollDecision(swf, domain);
  await swf.send(new SWF.RespondDecisionTaskCompletedCommand({ taskToken: t.taskToken, decisions: [] }));

  const page = await browser.newPage();
  await page.goto(server.url);
  await page.click(`a[href="/d/${domain}"]`);
  const rows = await page.locator("tr.execution").allTextContents();
  assert.is(rows.length, 2);
  assert.match(rows.join("\n"), "order-done");
  assert.match(rows.join("\n"), "order-open");
  // the filters narrow the list
  await page.selectOption("select[name=status]", "open");
  await page.click("text=Filter");
  assert.equal(
    (await page.locator("tr.execution td:first-child").allTextContents()).map((s) => s.trim()),
    ["order-open"],
  );
  await page.selectOption("select[name=status]", "all");
  await page.fill("input[name=tag]", "vip");
  await page.click("text=Filter");
  assert.equal(
    (await page.locator("tr.execution td:first-child").allTextContents()).map((s) => s.trim()),
    ["order-done"],
  );

  // the completed execution: its timeline, its events with inputs, results and signals, the raw JSON
  await page.click("text=order-done");
  assert.is((await page.locator("#status").textContent())?.trim(), "COMPLETED");
  const events = await page.locator("tr.event").allTextContents();
  const doneEvents = await historyOf(swf, domain, { workflowId: "order-done", runId: done.runId as string });
  assert.is(events.length, doneEvents.length);
  const table = events.join("\n");
  for (const text of [
    "WorkflowExecutionSignaled",
    "signalName: approve",
    "result: charged",
    "result: shipped",
    "input: 42",
  ])
    assert.match(table, text);
  // the timeline chart (the `yieldflow history --html` page) in its frame names the activity
  const frame = page.frameLocator("#timeline");
  await frame.locator("body").waitFor();
  assert.match((await frame.locator("body").textContent()) ?? "", "act");
  const raw = await (await page.request.get(`${server.url}/d/${domain}/e/${done.runId}/history.json`)).json();
  assert.is(raw.events.length, doneEvents.length);

  // the open execution: request cancel, a decider cancels, the page says CANCELED
  await page.goto(`${server.url}/d/${domain}/e/${open.runId}`);
  assert.is((await page.locator("#status").textContent())?.trim(), "OPEN");
  await page.click("#cancel");
  await page.waitForLoadState();
  assert.match((await page.locator("body").textContent()) ?? "", /cancel requested\s*yes/);
  const task = await pollDecision(swf, domain);
  assert.ok(task.events?.some((e) => e.eventType === "WorkflowExecutionCancelRequested"));
  await swf.send(
    new SWF.RespondDecisionTaskCompletedCommand({
      taskToken: task.taskToken,
      decisions: [{ decisionType: "CancelWorkflowExecution" }],
    }),
  );
  await eventually(async () => {
    await page.reload();
    return (await page.locator("#status").textContent())?.trim() === "CANCELED" ? true : undefined;
  });
  assert.is(await page.locator("#cancel").count(), 0, "a closed execution has no buttons");
  // signal and terminate from the page (the browser asks before terminating; saying no changes nothing)
  const third = await swf.send(
    new SWF.StartWorkflowExecutionCommand({
      domain,
      workflowId: "order-3",
      workflowType: { name: "wf", version: "1" },
    }),
  );
  await page.goto(`${server.url}/d/${domain}/e/${third.runId}`);
  await page.fill("input[name=signalName]", "poke");
  await page.fill("input[name=input]", '{"n":1}');
  await page.click("#signal");
  await page.waitForLoadState();
  assert.match((await page.locator("tr.event").allTextContents()).join("\n"), "signalName: poke");
  page.once("dialog", (d) => d.dismiss());
  await page.click("#terminate");
  await page.waitForTimeout(300);
  const still = await swf.send(
    new SWF.DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: "order-3", runId: third.runId } }),
  );
  assert.is(still.executionInfo?.executionStatus, "OPEN");
  page.once("dialog", (d) => d.accept());
  await page.fill("input[name=reason]", "from the UI");
  await page.click("#terminate");
  await page.waitForURL(`${server.url}/d/${domain}/e/${third.runId}`);
  assert.is((await page.locator("#status").textContent())?.trim(), "TERMINATED");
  const terminated = (await historyOf(swf, domain, { workflowId: "order-3", runId: third.runId as string })).at(-1);
  assert.is(terminated?.workflowExecutionTerminatedEventAttributes?.reason, "from the UI");
  if (process.env.YIELDFLOW_UI_SCREENSHOT) {
    await page.goto(`${server.url}/d/${domain}/e/${done.runId}`);
    await page.frameLocator("#timeline").locator("body").waitFor();
    await page.screenshot({ path: process.env.YIELDFLOW_UI_SCREENSHOT, fullPage: true });
  }
  await page.close();
});

test.run();
