/**
 * activityCloseAttributes: the one reading of which task an activity-closing event closes (completed, failed,
 * timed out, canceled), shared by the local runner's reactions, the CLI's live progress and the replay check.
 */
import { activityCloseAttributes, type EventType, eventAttributesKey, type HistoryEvent } from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";

const event = (eventType: string, attributes: Record<string, unknown>): HistoryEvent =>
  ({
    eventId: 9,
    eventType,
    eventTimestamp: 0,
    [eventAttributesKey(eventType as EventType)]: attributes,
  }) as HistoryEvent;

test("each of the four closing events gives its own attributes", () => {
  for (const type of ["ActivityTaskCompleted", "ActivityTaskFailed", "ActivityTaskTimedOut", "ActivityTaskCanceled"]) {
    const attrs = { scheduledEventId: 5, startedEventId: 6 };
    assert.is(activityCloseAttributes(event(type, attrs)), attrs, type);
  }
});

test("another event type gives nothing, even with a closing event's attributes on it", () => {
  assert.is(activityCloseAttributes(event("ActivityTaskStarted", { scheduledEventId: 5 })), undefined);
  const stray = {
    ...event("TimerFired", { timerId: "t", startedEventId: 3 }),
    activityTaskCompletedEventAttributes: { scheduledEventId: 5, startedEventId: 6 },
  } as HistoryEvent;
  assert.is(activityCloseAttributes(stray), undefined);
});

test("the type decides which attributes are read: a completed event's failed attributes are ignored", () => {
  const e = {
    ...event("ActivityTaskCompleted", { scheduledEventId: 5, startedEventId: 6 }),
    activityTaskFailedEventAttributes: { scheduledEventId: 99, startedEventId: 100 },
  } as HistoryEvent;
  assert.is(activityCloseAttributes(e)?.scheduledEventId, 5);
  assert.is(activityCloseAttributes(event("ActivityTaskFailed", {}))?.scheduledEventId, undefined);
});

test.run();
