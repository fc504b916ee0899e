/**
 * Replay checks for users' tests and the project's own: replay a recorded history against the current code, and
 * check the replay properties of a simulated or recorded run.
 */
import { validateDecision } from "../decisions/validate.js";
import { errorMessage } from "../describe.js";
import { YieldflowError } from "../errors.js";
import { activityCloseAttributes } from "../history/activity-close.js";
import type { Decision, HistoryEvent } from "../history/events.js";
import { type DecideOptions, type DecideResult, decide, Replayer } from "../replay/replayer.js";
import type { WorkflowDefinition } from "../workflow.js";
import type { DecidedTask } from "./simulate.js";

/** A replay property does not hold. `property` names which one; the message says where and how. */
export class ReplayCheckError extends YieldflowError {
  readonly property: "prefix-replay" | "incremental-equals-full" | "unique-ids" | "valid-decisions";
  constructor(property: ReplayCheckError["property"], message: string) {
    super("YF_REPLAY_CHECK", `${property}: ${message}`);
    this.property = property;
  }
}

/**
 * Replays a recorded history (an array of events, or `{ events: [...] }` as GetWorkflowExecutionHistory returns it)
 * against the current workflow code. Throws `NondeterminismError` where the code no longer makes the recorded
 * decisions, `HistoryError` on a malformed history.
 *
 * @example
 * test("order v2 still replays last month's histories", () => {
 *   replay(order, JSON.parse(readFileSync("histories/order-42.json", "utf8")));
 * });
 */
export function replay<I, O>(
  workflow: WorkflowDefinition<I, O>,
  history: readonly unknown[] | { events: readonly unknown[] },
  options: DecideOptions = {},
): DecideResult {
  const events = Array.isArray(history) ? history : (history as { events: readonly unknown[] }).events;
  return decide(workflow, events, options);
}

/**
 * Scheduling ids used twice where SWF requires them unique: an activity id, timer id or child workflow id while
 * another of the same kind with that id is open, and a side-effect marker name at all (it records one value).
 * Reusing an id after its operation closed is allowed, as on SWF.
 */
export function findDuplicateIds(events: readonly HistoryEvent[]): string[] {
  const open = new Map<string, number>(); // "activity x" → the event that opened it
  const byEvent = new Map<number, string>(); // scheduling event id → key, to close by reference
  const markers = new Map<string, number>();
  const dup: string[] = [];
  const openKey = (key: string, eventId: number) => {
    const previous = open.get(key);
    if (previous !== undefined) dup.push(`${key} at events ${previous} and ${eventId} (the first was still open)`);
    open.set(key, eventId);
    byEvent.set(eventId, key);
  };
  const closeRef = (eventId: number | undefined) => {
    const key = eventId === undefined ? undefined : byEvent.get(eventId);
    if (key !== undefined) open.delete(key);
  };
  for (const e of events) {
    const id = e.eventId as number;
    switch (e.eventType) {
      case "ActivityTaskScheduled":
        openKey(`activity ${e.activityTaskScheduledEventAttributes?.activityId}`, id);
        break;
      case "ActivityTaskCompleted":
      case "ActivityTaskFailed":
      case "ActivityTaskTimedOut":
      case "ActivityTaskCanceled":
        closeRef(activityCloseAttributes(e)?.scheduledEventId);
        break;
      case "TimerStarted":
        openKey(`timer ${e.timerStartedEventAttributes?.timerId}`, id);
        break;
      case "TimerFired":
        closeRef(e.timerFiredEventAttributes?.startedEventId);
        break;
      case "TimerCanceled":
        closeRef(e.timerCanceledEventAttributes?.startedEventId);
        break;
      case "StartChildWorkflowExecutionInitiated":
        openKey(`child ${e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId}`, id);
        break;
      case "StartChildWorkflowExecutionFailed":
        closeRef(e.startChildWorkflowExecutionFailedEventAttributes?.initiatedEventId);
        break;
      case "ChildWorkflowExecutionCompleted":
      case "ChildWorkflowExecutionFailed":
      case "ChildWorkflowExecutionTimedOut":
      case "ChildWorkflowExecutionCanceled":
      case "ChildWorkflowExecutionTerminated": {
        const attrs = Object.values(e).find((v) => typeof v === "object" && v !== null && "initiatedEventId" in v) as
          | { initiatedEventId?: number }
          | undefined;
        closeRef(attrs?.initiatedEventId);
        break;
      }
      case "MarkerRecorded": {
        const name = e.markerRecordedEventAttributes?.markerName;
        if (name === undefined || name.startsWith("patch.")) break;
        const previous = markers.get(name);
        if (previous !== undefined) dup.push(`marker ${name} at events ${previous} and ${id}`);
        else markers.set(name, id);
        break;
      }
    }
  }
  return dup;
}

function same(a: readonly Decision[], b: readonly Decision[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Checks the replay properties of a run whose decision tasks were decided live (`tasks`, e.g. from `simulate`):
 * 1. replaying every prefix that ends at a decision task reproduces exactly the decisions made there;
 * 2. an incremental `Replayer`, fed the history task by task, makes the same decisions as full replay;
 * 3. no scheduling id is used twice;
 * 4. every decision is valid for SWF.
 * Throws `ReplayCheckError` naming the property and the decision task. `sample` limits property 1 to that many
 * prefixes (evenly spread, always including the last) for long histories.
 */
export function checkReplay<I, O>(
  workflow: WorkflowDefinition<I, O>,
  run: { events: readonly HistoryEvent[]; tasks: readonly DecidedTask[] },
  options: DecideOptions & { sample?: number } = {},
): void {
  const { events, tasks } = run;
  for (const t of tasks) {
    for (const d of t.decisions) {
      try {
        validateDecision(d);
      } catch (err) {
        throw new ReplayCheckError(
          "valid-decisions",
          `decision task at event ${t.startedEventId}: ${errorMessage(err)}`,
        );
      }
    }
  }
  const step = options.sample && tasks.length > options.sample ? tasks.length / options.sample : 1;
  const picked = new Set<number>();
  for (let i = tasks.length - 1; i >= 0; i -= step) picked.add(Math.floor(i));
  for (const i of [...picked].sort((a, b) => a - b)) {
    const t = tasks[i] as DecidedTask;
    const got = decide(workflow, events.slice(0, t.historyLength), options).decisions;
    if (!same(got, t.decisions)) {
      throw new ReplayCheckError(
        "prefix-replay",
        `replaying the ${t.historyLength}-event prefix decided ${JSON.stringify(got)} but ${JSON.stringify(t.decisions)} was decided live at event ${t.startedEventId}`,
      );
    }
  }
  const replayer = new Replayer(workflow, options);
  let seen = 0;
  for (const t of tasks) {
    const got = replayer.advance(events.slice(seen, t.historyLength)).decisions;
    seen = t.historyLength;
    if (!same(got, t.decisions)) {
      throw new ReplayCheckError(
        "incremental-equals-full",
        `incremental replay decided ${JSON.stringify(got)} at event ${t.startedEventId}, full replay ${JSON.stringify(t.decisions)}`,
      );
    }
  }
  replayer.advance(events.slice(seen));
  const dup = findDuplicateIds(events);
  if (dup.length) throw new ReplayCheckError("unique-ids", dup.join("; "));
}
