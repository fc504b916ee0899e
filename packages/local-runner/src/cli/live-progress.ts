/**
 * The live progress display of `yieldflow run` on a terminal: a few status lines redrawn in place (activities
 * running/done/failed/retried, timers, signals, children, workflow time, events, elapsed real time), with the lines
 * a person must not miss (failures, time-outs, retries, signals, logs, warnings, failed decision tasks, how the
 * workflow ended) printed above it as they happen; with `--verbose`, every progress line is printed above it.
 *
 * Redrawing is log-update's job; colours come from picocolors, off when NO_COLOR is set (or TERM is dumb) unless
 * FORCE_COLOR is. While the display is live, anything else written to the terminal (an activity's console output)
 * is written above the display rather than through it, so the display never leaves torn copies of itself.
 */
import { activityCloseAttributes, closeStatusOf, type HistoryEvent } from "@yieldflow/core";
import { createLogUpdate } from "log-update";
import picocolors from "picocolors";
import type { RunnerEvent } from "../runner/events.js";
import { formatOffset, printable, roughDuration } from "./format.js";
import { ProgressPrinter } from "./progress.js";

/** What the display shows. */
interface Counts {
  events: number;
  activitiesOpen: number;
  activitiesRunning: number;
  activitiesDone: number;
  activitiesFailed: number;
  activitiesTimedOut: number;
  retries: number;
  timersOpen: number;
  timersFired: number;
  signals: number;
  children: number;
  decisionTasks: number;
}

/** Event types whose progress line stays on screen without `--verbose`: what went wrong, what came in, the end. */
const NOTABLE = new Set([
  "WorkflowExecutionStarted",
  "ActivityTaskFailed",
  "ActivityTaskTimedOut",
  "ScheduleActivityTaskFailed",
  "StartTimerFailed",
  "WorkflowExecutionSignaled",
  "WorkflowExecutionCancelRequested",
  "StartChildWorkflowExecutionFailed",
  "ChildWorkflowExecutionFailed",
  "ChildWorkflowExecutionTimedOut",
  "ChildWorkflowExecutionTerminated",
  "SignalExternalWorkflowExecutionFailed",
  "RequestCancelExternalWorkflowExecutionFailed",
  "WorkflowExecutionCompleted",
  "WorkflowExecutionFailed",
  "WorkflowExecutionCanceled",
  "WorkflowExecutionTerminated",
  "WorkflowExecutionTimedOut",
  "WorkflowExecutionContinuedAsNew",
]);

/** True for an event that ends the root execution other than by completing (a continuation is not an end). */
function closedBadly(eventType: unknown): boolean {
  const status = closeStatusOf(eventType);
  return status !== undefined && status !== "COMPLETED" && status !== "CONTINUED_AS_NEW";
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** True when colours should be used on `stream`: a terminal, NO_COLOR unset, TERM not dumb; FORCE_COLOR forces. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

/** Options of {@link LiveProgress}. */
export interface LiveProgressOptions {
  /** The root execution's workflow id. */
  workflowId: string;
  /** Print every progress line above the display, not only the notable ones. */
  verbose?: boolean;
  /** Colours (default: {@link useColor} of the stream). */
  color?: boolean;
  /** How often the display is redrawn, ms (default 100). */
  intervalMs?: number;
  /**
   * The runner's clock (epoch ms), so workflow time moves while an activity runs; without it the display shows the
   * time of the latest event.
   */
  now?: () => number;
}

/** A live progress display on a terminal stream. Call {@link stop} before writing anything else to the stream. */
export class LiveProgress {
  private readonly counts: Counts = {
    events: 0,
    activitiesOpen: 0,
    activitiesRunning: 0,
    activitiesDone: 0,
    activitiesFailed: 0,
    activitiesTimedOut: 0,
    retries: 0,
    timersOpen: 0,
    timersFired: 0,
    signals: 0,
    children: 0,
    decisionTasks: 0,
  };
  /** Activities started and not closed, by run and scheduled event id. */
  private readonly running = new Set<string>();
  /** Per run and activity type (`runId|name`): the last attempt failed, so the next schedule is a retry. */
  private readonly failedLast = new Set<string>();
  /** Open activities' `runId|name`, by run and scheduled event id. */
  private readonly typeOfScheduled = new Map<string, string>();
  /** Scheduled (`runId#eventId`) and started (`runId#eventId`) events of retries. */
  private readonly retrySchedules = new Set<string>();
  private readonly retryStarts = new Set<string>();
  private readonly printer: ProgressPrinter;
  private readonly colors: ReturnType<typeof picocolors.createColors>;
  private readonly render: ReturnType<typeof createLogUpdate>;
  private readonly started = performance.now();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly restoreWrites: () => void;
  private readonly writeRaw: (text: string) => boolean;
  private origin: number | undefined;
  private latest = 0;
  private workflowType = "";
  /** Set while the runner notification being handled should print its line. */
  private keepLine = false;
  private frame = 0;
  /** The badge of the root execution's end, once it ended. */
  private ended: string | undefined;
  private stopped = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly options: LiveProgressOptions,
  ) {
    this.colors = picocolors.createColors(options.color ?? useColor(stream));
    const raw = stream.write.bind(stream) as (text: string) => boolean;
    this.writeRaw = raw;
    // log-update writes through this stand-in, which reaches the terminal directly; other writes go above it. A
    // pseudo-terminal without a size (script, some CI) reports 0 × 0, where log-update would print nothing.
    const terminal = {
      isTTY: true,
      get columns() {
        return stream.columns || 80;
      },
      get rows() {
        return stream.rows || 24;
      },
      write: raw,
    } as unknown as NodeJS.WriteStream;
    this.render = createLogUpdate(terminal, { showCursor: true });
    this.restoreWrites = this.interceptWrites();
    raw("\u001B[?25l"); // hide the cursor while redrawing; stop() (or the process's exit) shows it again
    process.once("exit", showCursor);
    // Ctrl-C would end the process without "exit" handlers, leaving the terminal's cursor hidden
    process.once("SIGINT", interrupted);
    this.printer = new ProgressPrinter((line) => {
      if (this.keepLine) this.above(line);
    }, options.workflowId);
    this.timer = setInterval(() => this.draw(), options.intervalMs ?? 100);
    this.timer.unref();
    this.draw();
  }

  /** Takes a runner notification. */
  handle(e: RunnerEvent): void {
    if (this.stopped) return;
    if (e.kind === "event") {
      this.origin ??= e.time;
      this.latest = e.time;
      this.count(e.runId, e.eventType, e.event);
      if (e.workflowId === this.options.workflowId) {
        if (e.eventType === "WorkflowExecutionStarted") {
          const t = e.event.workflowExecutionStartedEventAttributes?.workflowType;
          this.workflowType = printable(`${t?.name}@${t?.version}`, true);
          this.ended = undefined; // a continuation starts afresh
        } else if (e.eventType === "WorkflowExecutionCompleted") this.ended = this.colors.green("✓");
        else if (closedBadly(e.eventType)) this.ended = this.colors.red("✗");
      }
      this.keepLine = this.options.verbose === true || NOTABLE.has(e.eventType) || this.isRetry(e);
    } else {
      this.keepLine = e.kind !== "decided";
    }
    this.printer.handle(e);
    this.keepLine = false;
  }

  /**
   * Draws the last frame (✓ completed, ✗ failed, ■ still open: blocked or stuck), leaves it on screen and gives the
   * terminal back. Idempotent.
   */
  stop(): void {
    if (this.stopped) return;
    this.ended ??= this.colors.yellow("■");
    this.draw();
    this.stopped = true;
    clearInterval(this.timer);
    this.render.done();
    this.restoreWrites();
    showCursor();
    process.removeListener("exit", showCursor);
    process.removeListener("SIGINT", interrupted);
  }

  /** A retry's start: its progress line ("started (retry, attempt n)") stays on screen. */
  private isRetry(e: RunnerEvent): boolean {
    return (
      e.kind === "event" && e.eventType === "ActivityTaskStarted" && this.retryStarts.has(`${e.runId}#${e.eventId}`)
    );
  }

  private count(runId: string, type: string, event: HistoryEvent): void {
    const c = this.counts;
    c.events++;
    const id = (scheduled: number | undefined) => `${runId}#${scheduled}`;
    switch (type) {
      case "ActivityTaskScheduled": {
        c.activitiesOpen++;
        const typeKey = `${runId}|${event.activityTaskScheduledEventAttributes?.activityType?.name}`;
        this.typeOfScheduled.set(id(event.eventId), typeKey);
        if (this.failedLast.has(typeKey)) {
          c.retries++;
          this.retrySchedules.add(id(event.eventId));
        }
        return;
      }
      case "ActivityTaskStarted": {
        const key = id(event.activityTaskStartedEventAttributes?.scheduledEventId);
        this.running.add(key);
        c.activitiesRunning = this.running.size;
        if (this.retrySchedules.has(key)) this.retryStarts.add(id(event.eventId));
        return;
      }
      case "ActivityTaskCompleted":
      case "ActivityTaskFailed":
      case "ActivityTaskTimedOut":
      case "ActivityTaskCanceled": {
        const attrs = activityCloseAttributes(event);
        const key = id(attrs?.scheduledEventId);
        this.running.delete(key);
        this.retrySchedules.delete(key);
        c.activitiesRunning = this.running.size;
        c.activitiesOpen = Math.max(0, c.activitiesOpen - 1);
        if (type === "ActivityTaskCompleted") c.activitiesDone++;
        if (type === "ActivityTaskFailed") c.activitiesFailed++;
        if (type === "ActivityTaskTimedOut") c.activitiesTimedOut++;
        const typeKey = this.typeOfScheduled.get(key);
        this.typeOfScheduled.delete(key);
        if (typeKey === undefined) return;
        if (type === "ActivityTaskFailed" || type === "ActivityTaskTimedOut") this.failedLast.add(typeKey);
        else this.failedLast.delete(typeKey);
        return;
      }
      case "TimerStarted":
        c.timersOpen++;
        return;
      case "TimerFired":
        c.timersOpen = Math.max(0, c.timersOpen - 1);
        c.timersFired++;
        return;
      case "TimerCanceled":
        c.timersOpen = Math.max(0, c.timersOpen - 1);
        return;
      case "WorkflowExecutionSignaled":
        c.signals++;
        return;
      case "ChildWorkflowExecutionStarted":
        c.children++;
        return;
      case "DecisionTaskCompleted":
        c.decisionTasks++;
        return;
      default:
        return;
    }
  }

  private draw(): void {
    if (this.stopped) return;
    const { bold, dim, green, red, yellow, cyan } = this.colors;
    const c = this.counts;
    const spinner = this.ended ?? cyan(SPINNER[this.frame++ % SPINNER.length] as string);
    const now = this.ended === undefined ? Math.max(this.latest, this.options.now?.() ?? 0) : this.latest;
    const workflowTime = formatOffset(now - (this.origin ?? now));
    const elapsed = roughDuration(performance.now() - this.started);
    const failed = c.activitiesFailed + c.activitiesTimedOut;
    const activities = [
      `${c.activitiesRunning} running`,
      `${Math.max(0, c.activitiesOpen - c.activitiesRunning)} waiting`,
      green(`${c.activitiesDone} done`),
      failed > 0 ? red(`${failed} failed`) : `${failed} failed`,
      c.retries > 0 ? yellow(`${c.retries} retried`) : `${c.retries} retried`,
    ].join(dim(" · "));
    const lines = [
      `${spinner} ${bold(this.workflowType || this.options.workflowId)}  ${dim("workflow time")} ${workflowTime}  ${dim("events")} ${c.events}  ${dim("elapsed")} ${elapsed}`,
      `  ${dim("activities")}  ${activities}`,
      `  ${dim("timers")}      ${c.timersOpen} open${dim(" · ")}${c.timersFired} fired   ${dim("signals")} ${c.signals}   ${dim("children")} ${c.children}   ${dim("decision tasks")} ${c.decisionTasks}`,
    ];
    this.render(lines.join("\n"));
  }

  /** Prints `text` (one or more lines) above the display, then redraws it. */
  private above(line: string): void {
    // progress lines carry text from the history: control characters become visible escapes
    const text = printable(line);
    this.render.clear();
    this.writeRaw(text.endsWith("\n") ? text : `${text}\n`);
    this.draw();
  }

  /**
   * While live, writes to the terminal from elsewhere (stdout is sent to stderr by the CLI; activities may write to
   * either) are put above the display. Returns the function that puts the streams back.
   */
  private interceptWrites(): () => void {
    const streams = [process.stderr, process.stdout].filter((s) => s === this.stream || s.isTTY);
    const saved = streams.map((s) => ({ stream: s, write: s.write }));
    for (const { stream, write } of saved) {
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        if (this.stopped) return (write as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
        this.above(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString());
        const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
        callback?.();
        return true;
      }) as typeof stream.write;
    }
    return () => {
      for (const { stream, write } of saved) stream.write = write;
    };
  }
}

function showCursor(): void {
  process.stderr.write("\u001B[?25h");
}

function interrupted(): void {
  showCursor();
  process.exit(130); // what a shell reports for a command ended by SIGINT
}
