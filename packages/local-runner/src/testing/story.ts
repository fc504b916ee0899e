/**
 * A history told in words, one line per thing that happened to the execution from outside (activity outcomes,
 * timers, signals, cancel requests, children, SWF refusals, the close), each with its virtual time since the start:
 *
 *   +0s      started with input {"id":"o-1"}
 *   +3s      activity chargeCard (activity-2) failed after 3s with Error: boom
 *   +5m      signal approve arrived with true
 *   +7d      timer timer-4 (7d) fired
 *   +7d      completed with {"ok":true}
 */
import { eventAttributesKey, type HistoryEvent, timestampToMillis } from "@yieldflow/core";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration to the millisecond, for stories a test asserts on: `90061000` → `"1d1h1m1s"`, `1500` → `"1.5s"`, `0` →
 * `"0s"`. Exact on purpose (two stories differ when their timings do); the CLI's and the dev server's summaries for
 * people use the rounded `roughDuration` (`cli/format.ts`) instead.
 */
export function formatDuration(ms: number): string {
  if (!(ms > 0)) return "0s";
  let rest = Math.round(ms);
  let out = "";
  for (const [unit, size] of [
    ["d", DAY],
    ["h", HOUR],
    ["m", MINUTE],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  if (rest > 0) out += rest >= SECOND || out ? `${rest / SECOND}s` : `${rest}ms`;
  return out;
}

/** A value for a sentence: its JSON, cut at `max` characters. */
export function formatValue(value: unknown, max = 80): string {
  let text: string;
  try {
    text = value === undefined ? "nothing" : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** ` with <value>` for a serialized payload (parsed when it is JSON); nothing when there is none. */
function withPayload(data: string | undefined, what = "with"): string {
  return data === undefined ? "" : ` ${what} ${payload(data)}`;
}

/** A serialized payload for a sentence (parsed when it is JSON). */
function payload(data: string | undefined): string {
  if (data === undefined) return "nothing";
  try {
    return formatValue(JSON.parse(data));
  } catch {
    return formatValue(data);
  }
}

/** `Error: boom` from an SWF reason and the details yieldflow records (`{"name","message"}`), else the raw text. */
export function formatRemoteError(reason: string | undefined, details: string | undefined): string {
  try {
    const body = JSON.parse(details ?? "") as { name?: unknown; message?: unknown };
    if (typeof body?.message === "string") return `${String(body.name ?? reason ?? "Error")}: ${body.message}`;
  } catch {
    // not yieldflow's JSON: say what was recorded
  }
  return [reason, details].filter((x) => x !== undefined && x !== "").join(": ") || "no reason";
}

/** One line of a story. */
export interface StoryLine {
  /** Virtual ms since the execution started. */
  at: number;
  text: string;
}

/** The story of one run's history: what happened to it, in order. */
export function storyOf(events: readonly HistoryEvent[]): StoryLine[] {
  const t0 = eventTime(events[0]);
  const at = (e: HistoryEvent | undefined) => eventTime(e) - t0;
  const byId = (id: number | undefined) => (id === undefined ? undefined : events[id - 1]);
  const activity = (scheduledEventId: number | undefined) => {
    const s = byId(scheduledEventId);
    const a = s?.activityTaskScheduledEventAttributes;
    return { name: `activity ${a?.activityType?.name ?? "?"} (${a?.activityId ?? "?"})`, scheduled: s };
  };
  const lines: StoryLine[] = [];
  const say = (e: HistoryEvent, text: string) => lines.push({ at: at(e), text });
  for (const e of events) {
    switch (e.eventType) {
      case "WorkflowExecutionStarted": {
        const a = e.workflowExecutionStartedEventAttributes;
        say(
          e,
          `${a?.workflowType?.name}@${a?.workflowType?.version} started${a?.input === undefined ? " with no input" : withPayload(a.input, "with input")}`,
        );
        break;
      }
      case "ActivityTaskCompleted": {
        const a = e.activityTaskCompletedEventAttributes;
        const { name, scheduled } = activity(a?.scheduledEventId);
        say(e, `${name} completed after ${formatDuration(at(e) - at(scheduled))}${withPayload(a?.result)}`);
        break;
      }
      case "ActivityTaskFailed": {
        const a = e.activityTaskFailedEventAttributes;
        const { name, scheduled } = activity(a?.scheduledEventId);
        say(
          e,
          `${name} failed after ${formatDuration(at(e) - at(scheduled))} with ${formatRemoteError(a?.reason, a?.details)}`,
        );
        break;
      }
      case "ActivityTaskTimedOut": {
        const a = e.activityTaskTimedOutEventAttributes;
        const { name, scheduled } = activity(a?.scheduledEventId);
        say(e, `${name} timed out (${a?.timeoutType}) after ${formatDuration(at(e) - at(scheduled))}`);
        break;
      }
      case "ActivityTaskCancelRequested":
        say(e, `the workflow asked to cancel activity ${e.activityTaskCancelRequestedEventAttributes?.activityId}`);
        break;
      case "ActivityTaskCanceled": {
        const { name, scheduled } = activity(e.activityTaskCanceledEventAttributes?.scheduledEventId);
        say(e, `${name} was cancelled after ${formatDuration(at(e) - at(scheduled))}`);
        break;
      }
      case "TimerFired": {
        const a = e.timerFiredEventAttributes;
        const started = byId(a?.startedEventId)?.timerStartedEventAttributes?.startToFireTimeout;
        say(e, `timer ${a?.timerId}${started ? ` (${formatDuration(Number(started) * 1000)})` : ""} fired`);
        break;
      }
      case "TimerCanceled":
        say(e, `the workflow cancelled timer ${e.timerCanceledEventAttributes?.timerId}`);
        break;
      case "WorkflowExecutionSignaled": {
        const a = e.workflowExecutionSignaledEventAttributes;
        say(e, `signal ${a?.signalName} arrived${withPayload(a?.input)}`);
        break;
      }
      case "WorkflowExecutionCancelRequested":
        say(e, "the execution was asked to cancel");
        break;
      case "ChildWorkflowExecutionCompleted":
        say(
          e,
          `child workflow ${e.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId} completed${withPayload(e.childWorkflowExecutionCompletedEventAttributes?.result)}`,
        );
        break;
      case "ChildWorkflowExecutionFailed": {
        const a = e.childWorkflowExecutionFailedEventAttributes;
        say(
          e,
          `child workflow ${a?.workflowExecution?.workflowId} failed with ${formatRemoteError(a?.reason, a?.details)}`,
        );
        break;
      }
      case "ChildWorkflowExecutionTimedOut":
      case "ChildWorkflowExecutionCanceled":
      case "ChildWorkflowExecutionTerminated": {
        const a =
          e.childWorkflowExecutionTimedOutEventAttributes ??
          e.childWorkflowExecutionCanceledEventAttributes ??
          e.childWorkflowExecutionTerminatedEventAttributes;
        const how = e.eventType.replace("ChildWorkflowExecution", "").toLowerCase().replace("canceled", "cancelled");
        say(e, `child workflow ${a?.workflowExecution?.workflowId} ${how.replace("timedout", "timed out")}`);
        break;
      }
      case "DecisionTaskTimedOut":
        say(e, "a decision task failed (recorded as DecisionTaskTimedOut)");
        break;
      case "WorkflowExecutionCompleted":
        say(e, `completed${withPayload(e.workflowExecutionCompletedEventAttributes?.result)}`);
        break;
      case "WorkflowExecutionFailed": {
        const a = e.workflowExecutionFailedEventAttributes;
        say(e, `failed with ${formatRemoteError(a?.reason, a?.details)}`);
        break;
      }
      case "WorkflowExecutionCanceled":
        say(e, "was cancelled");
        break;
      case "WorkflowExecutionContinuedAsNew":
        say(e, `continued as new${withPayload(e.workflowExecutionContinuedAsNewEventAttributes?.input, "with input")}`);
        break;
      case "WorkflowExecutionTimedOut":
        say(e, "timed out (executionStartToClose)");
        break;
      case "WorkflowExecutionTerminated":
        say(e, `was terminated (${e.workflowExecutionTerminatedEventAttributes?.reason ?? "no reason"})`);
        break;
      default:
        if (e.eventType?.endsWith("Failed")) {
          // SWF refused a decision: ScheduleActivityTaskFailed, StartTimerFailed, StartChildWorkflowExecutionFailed, …
          const attrs = (e as unknown as Record<string, { cause?: string } | undefined>)[
            eventAttributesKey(e.eventType)
          ];
          say(e, `SWF refused a decision: ${e.eventType} (${attrs?.cause ?? "no cause"})`);
        }
    }
  }
  return lines;
}

/** An event's time in epoch ms, read by core's timestamp parser; 0 when it has none or an unreadable one. */
export function eventTime(e: HistoryEvent | undefined): number {
  try {
    return e?.eventTimestamp === undefined ? 0 : timestampToMillis(e.eventTimestamp);
  } catch {
    return 0;
  }
}

/** Lines as text, `+time` padded; long stories keep their first and last lines. */
export function formatStory(lines: readonly StoryLine[], indent = "  ", keep = 40): string {
  const shown =
    lines.length > keep
      ? [
          ...lines.slice(0, keep / 2),
          { at: Number.NaN, text: `… ${lines.length - keep} more …` },
          ...lines.slice(-keep / 2),
        ]
      : lines;
  return shown
    .map((l) => `${indent}${(Number.isNaN(l.at) ? "" : `+${formatDuration(l.at)}`).padEnd(12)}${l.text}`)
    .join("\n");
}
