/**
 * BUG (history/events.ts timestampToMillis): a string timestamp that is not epoch seconds goes to `Date.parse`,
 * which reads an ISO date-time *without* an offset ("2026-01-01T00:00:00"), and non-ISO forms such as
 * "2026-01-01 00:00:00" or "01/01/2026", in the decider's LOCAL time zone. The same history then folds to different
 * times (and `now()` returns different values) on deciders in different time zones, so replays of one history are
 * not the same everywhere. The documented forms are a Date, epoch seconds, or an ISO-8601 string (the AWS CLI always
 * prints an offset). Expected: such strings are rejected with YF_HISTORY_BAD_TIMESTAMP, or read as UTC.
 */
import { decide, defineWorkflow, HistoryError, type HistoryEvent, now, timestampToMillis } from "@yieldflow/core";
import { HistoryBuilder } from "@yieldflow/core/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";

function inZone<T>(tz: string, fn: () => T): T | "rejected" {
  const before = process.env.TZ;
  process.env.TZ = tz;
  try {
    return fn();
  } catch (err) {
    assert.instance(err, HistoryError);
    assert.is((err as HistoryError).code, "YF_HISTORY_BAD_TIMESTAMP");
    return "rejected";
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

test("an offset-less or non-ISO timestamp means the same instant in every time zone (or is rejected)", () => {
  for (const s of ["2026-01-01T00:00:00", "2026-01-01 00:00:00", "01/01/2026"]) {
    const utc = inZone("UTC", () => timestampToMillis(s));
    const tokyo = inZone("Asia/Tokyo", () => timestampToMillis(s));
    assert.is(tokyo, utc, JSON.stringify(s));
  }
});

test("now() from such a history is the same on deciders in different time zones", () => {
  const wf = defineWorkflow({ name: "tz", version: "1" }, function* () {
    const t = yield* now();
    return t.toISOString();
  });
  const b = new HistoryBuilder({ workflowType: { name: "tz", version: "1" } });
  b.decisionTask();
  const events = b.events.map((e) => ({
    ...e,
    eventTimestamp: new Date((e.eventTimestamp as number) * 1000).toISOString().replace(/\.\d{3}Z$/, ""),
  })) as HistoryEvent[];
  const decideIn = (tz: string) => inZone(tz, () => JSON.stringify(decide(wf, events).decisions));
  assert.is(decideIn("America/New_York"), decideIn("UTC"));
});

test.run();
