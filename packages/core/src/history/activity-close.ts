/**
 * The four events that close an activity task (completed, failed, timed out, canceled) and the attributes they
 * share: which task they close (`scheduledEventId`) and which start it had (`startedEventId`). Written once for
 * the drivers that follow open activities through a history (the local runner's reactions, the CLI's live
 * progress, the replay check), which read SWF events without folding them.
 */
import type { HistoryEvent } from "./events.js";

/** The event types that close an activity task. */
export type ActivityCloseEventType =
  | "ActivityTaskCompleted"
  | "ActivityTaskFailed"
  | "ActivityTaskTimedOut"
  | "ActivityTaskCanceled";

/** The attributes of an event that closes an activity task, as a history event carries them (unchecked). */
export type ActivityCloseAttributes = NonNullable<
  HistoryEvent[`${Uncapitalize<ActivityCloseEventType>}EventAttributes`]
>;

/**
 * The attributes of `event` when it closes an activity task (by its type, so a stray attribute of another kind is
 * not read), else undefined. The fields are as recorded: check them before trusting them.
 *
 * @example
 * const closed = activityCloseAttributes(event);
 * if (closed) open.delete(closed.scheduledEventId);
 */
export function activityCloseAttributes(event: HistoryEvent): ActivityCloseAttributes | undefined {
  switch (event.eventType) {
    case "ActivityTaskCompleted":
      return event.activityTaskCompletedEventAttributes;
    case "ActivityTaskFailed":
      return event.activityTaskFailedEventAttributes;
    case "ActivityTaskTimedOut":
      return event.activityTaskTimedOutEventAttributes;
    case "ActivityTaskCanceled":
      return event.activityTaskCanceledEventAttributes;
    default:
      return undefined;
  }
}
