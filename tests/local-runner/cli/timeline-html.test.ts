/**
 * The HTML timeline, checked in headless Chromium (the Debian package at /usr/bin/chromium, driven by
 * playwright-core): the legend, details on click (input, result, the whole failure, a signal's input, a log line's
 * data), arrived signals as rows, signal waits in human units, grouping of hundreds of rows with the time axis kept
 * in view, and a hostile history that stays text. Screenshots are written to a temporary folder (the path is printed)
 * for a person to look at.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ApplicationFailure,
  activity,
  all,
  defineActivity,
  defineWorkflow,
  type HistoryEvent,
  implement,
  log,
  retry,
  signal,
  TimeoutFailure,
  type WorkflowDefinition,
} from "@yieldflow/core";
import { buildTimeline, LocalRunner, renderHtml, type TimelineLog } from "@yieldflow/local-runner";
import type { BrowserContext, Page } from "playwright-core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CHROMIUM, launchChromium } from "../../fixtures/chromium.ts";

const dir = mkdtempSync(join(tmpdir(), "yieldflow-timeline-"));
console.log(`timeline screenshots: ${dir}`);

const charge = defineActivity<{ cents: number }, { chargeId: string }>({
  taskList: "default",
  name: "charge",
  version: "1",
});
const notify = defineActivity<string, void>({ taskList: "default", name: "notify", version: "1" });
const ship = defineActivity<number, string>({ taskList: "default", name: "ship", version: "1" });
const pack = defineActivity<number, string>({ taskList: "default", name: "pack", version: "1" });

let charges = 0;
const activities = [
  implement(charge, async ({ cents }) => {
    if (charges++ === 0)
      throw new ApplicationFailure("GatewayTimeout", "the gateway did not answer", { gateway: "eu-1", cents });
    return { chargeId: "ch-1" };
  }),
  implement(notify, async () => {}),
  implement(ship, async (n) => `label-${n}`),
  implement(pack, async (n) => `box-${n}`),
];

const approval = defineWorkflow({ name: "approval", version: "1" }, function* (who: string) {
  const { chargeId } = yield* retry(activity(charge, { cents: 4200 }), { initialInterval: "30s" });
  yield* log("info", "charged", { chargeId, who });
  const decision = yield* signal<{ approved: boolean }>("decision", { timeout: "3d" });
  let reminder = "answered";
  try {
    yield* signal("reminder", { timeout: "2d" });
  } catch (err) {
    if (!(err instanceof TimeoutFailure)) throw err;
    reminder = "no reminder";
  }
  yield* activity(notify, who);
  return { ...decision, reminder };
});

const warehouse = defineWorkflow({ name: "warehouse", version: "1" }, function* (n: number) {
  const items = Array.from({ length: n }, (_, i) => i);
  yield* all(items.map((i) => activity(pack, i)));
  return yield* all(items.map((i) => activity(ship, i)));
});

/** Runs `workflow` locally; returns its history and the lines it logged. */
async function record<I, O>(
  workflow: WorkflowDefinition<I, O>,
  input: I,
  signals: [number, string, unknown][] = [],
): Promise<{ events: HistoryEvent[]; logs: TimelineLog[] }> {
  const runner = new LocalRunner({ workflows: [workflow], activities, maxConcurrentActivities: 50 });
  const logs: TimelineLog[] = [];
  runner.onEvent((e) => {
    if (e.kind === "log")
      logs.push({
        time: e.entry.time,
        level: e.entry.level,
        message: e.entry.message,
        data: JSON.stringify(e.entry.data),
      });
  });
  const h = await runner.start(workflow, input);
  let at = 0;
  for (const [ms, name, value] of signals) {
    await runner.advance(ms - at);
    at = ms;
    await h.signal(name, value);
  }
  await h.result();
  const events = (JSON.parse(h.exportHistory()) as { events: HistoryEvent[] }).events;
  runner.close();
  return { events, logs };
}

function writePage(name: string, events: HistoryEvent[], logs: TimelineLog[] = [], source = name): string {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, renderHtml(buildTimeline(events), source, { logs }));
  return file;
}

let context: BrowserContext | undefined;
/** Opens `file` in a fresh page; collects the page's errors. */
async function open(file: string, viewport = { width: 1300, height: 800 }): Promise<{ page: Page; errors: string[] }> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Chromium (apt-get install -y chromium) to run the page tests`);
  context ??= await launchChromium(mkdtempSync(join(tmpdir(), "yieldflow-chromium-")));
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  // a self-contained page: any request other than the file itself is a bug
  page.on("request", (r) => {
    if (!r.url().startsWith("file://")) errors.push(`requested ${r.url()}`);
  });
  await page.goto(`file://${file}`);
  return { page, errors };
}

/** The details panel's text as a person sees it (headings and blocks on lines of their own). */
// biome-ignore lint/performance/useDomNodeTextContent: the rendered text, line breaks included, is what is checked
const panelText = (page: Page) => page.locator("#details").innerText();

const runs = {
  approval: record(approval, "ada", [[7_200_000, "decision", { approved: true }]]),
  warehouse: record(warehouse, 150),
};

test("a run's page: legend, rows for signals and signal waits in human units, details on click", async () => {
  const { events, logs } = await runs.approval;
  const { page, errors } = await open(writePage("approval", events, logs));
  const legend = (await page.locator(".legend").textContent()) ?? "";
  for (const words of ["completed", "failed", "timer fired", "waiting in the task list", "signal arrived", "log line"])
    assert.ok(legend.includes(words), `legend: ${legend}`);
  const labels = await page.locator(".row .label").allInnerTexts();
  // the arrived signal is a row; the signal waits read as such, in days
  assert.ok(labels.includes("signal decision"), labels.join(" | "));
  assert.ok(
    labels.some((l) => /^signal wait timeout-\d+ \(3d\)$/.test(l)),
    labels.join(" | "),
  );
  assert.ok(
    labels.some((l) => /^signal wait timeout-\d+ \(2d\)$/.test(l)),
    labels.join(" | "),
  );
  assert.not.ok(
    labels.some((l) => /\d+s\)$/.test(l) && /\(\d{4,}s\)/.test(l)),
    "no durations in raw seconds",
  );
  assert.ok(labels.includes("charge · activity-1"), labels.join(" | "));
  assert.ok(labels.includes("charge · activity-3 · retry 1"), labels.join(" | "));
  assert.ok(labels.includes("log info: charged"), labels.join(" | "));
  await page.screenshot({ path: join(dir, "approval.png"), fullPage: true });

  // hover: a summary in the bar's title
  const failedBar = page.locator(".row", { hasText: "charge · activity-1" }).locator(".bar");
  assert.match((await failedBar.getAttribute("title")) ?? "", /failed: GatewayTimeout: the gateway did not answer/);
  // click: the whole failure, with its details
  await failedBar.click();
  let panel = await panelText(page);
  assert.match(panel, /FAILURE\s+GatewayTimeout: the gateway did not answer/i);
  assert.match(panel, /"gateway": "eu-1"/);
  assert.match(panel, /INPUT\s+\{\s+"cents": 4200\s+\}/i);
  await page.screenshot({ path: join(dir, "approval-failure.png") });
  // the retry's result
  await page.locator(".row", { hasText: "charge · activity-3 · retry 1" }).locator(".bar").click();
  assert.match(await panelText(page), /RESULT\s+\{\s+"chargeId": "ch-1"\s+\}/i);
  // the signal's input
  await page.locator(".row", { hasText: "signal decision" }).locator(".mark").click();
  panel = await panelText(page);
  assert.match(panel, /INPUT\s+\{\s+"approved": true\s+\}/i);
  // a log line's data
  await page.locator(".row", { hasText: "log info: charged" }).locator(".mark").click();
  assert.match(await panelText(page), /DATA\s+\{\s+"chargeId": "ch-1",\s+"who": "ada"\s+\}/i);
  // the workflow's input and result
  await page.locator("h1 button").click();
  panel = await panelText(page);
  assert.match(panel, /INPUT\s+"ada"/i);
  assert.match(panel, /"reminder": "no reminder"/);
  await page.locator("#details .close").click();
  assert.not.ok(await page.locator("#details").isVisible());
  assert.equal(errors, []);
});

test("hundreds of rows: grouped by activity type, expandable, with the time axis always in view", async () => {
  const { events } = await runs.warehouse;
  const { page, errors } = await open(writePage("warehouse", events), { width: 1300, height: 600 });
  const groups = (await page.locator(".row.group .label").allInnerTexts()).map((g) => g.replace(/^[▸▾]\s*/, ""));
  // one group per activity type (in order of first start), and the zero-second timers core uses to send the
  // decisions beyond SWF's 100 per response
  assert.equal(
    groups.filter((g) => g.startsWith("activity")),
    ["activity pack ×150", "activity ship ×150"],
  );
  assert.ok(groups.length <= 3, groups.join(" | "));
  assert.is(await page.locator(".row.member:visible").count(), 0, "groups start collapsed");
  await page.screenshot({ path: join(dir, "warehouse-grouped.png") });
  await page.locator(".row.group", { hasText: "activity ship" }).locator(".label").click();
  assert.is(await page.locator(".row.member:visible").count(), 150);
  // scroll far down: the axis stays at the top of the window
  await page.mouse.wheel(0, 2500);
  await page.waitForTimeout(100);
  const axis = await page.locator(".axis").boundingBox();
  assert.ok(axis && Math.abs(axis.y) < 2, `axis at y=${axis?.y}`);
  assert.ok(await page.locator(".axis .tick").first().isVisible());
  await page.screenshot({ path: join(dir, "warehouse-expanded-scrolled.png") });
  // a member's details
  await page.locator(".row.member", { hasText: "ship · activity-200" }).locator(".bar").click();
  assert.match(await panelText(page), /RESULT\s+"label-49"/i);
  assert.equal(errors, []);
});

test("a hostile history stays text: names, inputs, signals and failures never become markup or script", async () => {
  const { events } = await runs.approval;
  const evil = `</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`;
  const mutated = events.map((e) => {
    const copy = structuredClone(e) as HistoryEvent & Record<string, unknown>;
    const scheduled = copy.activityTaskScheduledEventAttributes;
    if (scheduled) {
      scheduled.input = JSON.stringify(evil);
      if (scheduled.activityType) scheduled.activityType.name = `charge${evil}`;
    }
    const signaled = copy.workflowExecutionSignaledEventAttributes;
    if (signaled) {
      signaled.signalName = `decision${evil}`;
      signaled.input = `${evil}\u2028\u2029<!--`;
    }
    const failed = copy.activityTaskFailedEventAttributes;
    if (failed) failed.details = JSON.stringify({ name: evil, message: evil, details: { evil } });
    return copy;
  });
  const file = writePage("hostile", mutated, [], `history-${evil}.json`);
  const { page, errors } = await open(file);
  const pwned = await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned);
  assert.is(pwned, undefined);
  assert.is(await page.locator("img").count(), 0);
  assert.ok(((await page.locator(".meta").textContent()) ?? "").startsWith(`history-${evil}.json`));
  const labels = await page.locator(".row .label").allInnerTexts();
  assert.ok(labels.includes(`signal decision${evil}`), labels.join(" | "));
  await page.locator(".row", { hasText: "signal decision" }).locator(".mark").click();
  // shown as text, and the line separators as visible escapes (as everything printed from a history)
  assert.ok((await panelText(page)).includes(`${evil}\\u2028\\u2029<!--`));
  await page.locator(".row", { hasText: "· activity-1" }).first().locator(".bar").click();
  assert.ok((await panelText(page)).includes(`${evil}: ${evil}`));
  assert.is(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);
  await page.screenshot({ path: join(dir, "hostile.png") });
  assert.equal(errors, []);
});

test.after(async () => {
  await context?.close();
});

test.run();
