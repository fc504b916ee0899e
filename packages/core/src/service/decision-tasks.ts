/**
 * SWF's decision-task rules for one execution: at most one decision task scheduled and one started; the decider's
 * override of the decision task list (RespondDecisionTaskCompleted's `taskList`) and its schedule-to-start
 * timeout; decision tasks that time out (START_TO_CLOSE, SCHEDULE_TO_START) and the new task SWF schedules then;
 * and which events arrived while a task was started (those SWF makes a decision task for make a closing decision
 * fail with UNHANDLED_DECISION and another task follow the completion).
 *
 * Part of `HistoryRecorder`, which owns the events: every event it records goes through `recorded` so the count
 * of unhandled events stays right. Pure: no clock, no I/O.
 */
import { InvalidArgumentError } from "../errors.js";
import type { EventAttributesMap, EventType } from "../history/swf-types.js";

/** Appends one event to the history; returns its event id. */
type Record = <K extends EventType>(type: K, attributes: EventAttributesMap[K]) => number;

/** The decision tasks of one execution. */
export class DecisionTasks {
  private open: { scheduledEventId: number; startedEventId: number | undefined; taskList: string } | undefined;
  /** Permanent without a schedule-to-start timeout, reverted when a decision task waiting on it times out. */
  private override: { name: string; scheduleToStartTimeout: string | undefined } | undefined;
  /** Events SWF makes a decision task for, recorded since the open decision task started. */
  private newSinceStarted = 0;

  constructor(
    private readonly record: Record,
    private readonly defaultTaskList: string,
    /** DecisionTaskScheduled's `startToCloseTimeout`: the execution's `taskStartToCloseTimeout`. */
    private readonly startToCloseTimeout: string,
  ) {}

  /** True when a decision task is scheduled or started. */
  get isOpen(): boolean {
    return this.open !== undefined;
  }

  /** The DecisionTaskStarted event id of the started (not yet completed) decision task, if any. */
  get startedEventId(): number | undefined {
    return this.open?.startedEventId;
  }

  /** True when a decision task is scheduled and not started. */
  get isScheduled(): boolean {
    return this.open !== undefined && this.open.startedEventId === undefined;
  }

  /** The DecisionTaskScheduled event id of the scheduled (not yet started) decision task, if any. */
  get scheduledEventId(): number | undefined {
    return this.open?.startedEventId === undefined ? this.open?.scheduledEventId : undefined;
  }

  /** The task list of the open decision task, or of the next one. */
  get taskList(): string {
    return this.open?.taskList ?? this.override?.name ?? this.defaultTaskList;
  }

  /** An event was recorded: counted when it arrived while a task was started and SWF makes a decision task for it. */
  recorded(type: EventType): void {
    if (this.open?.startedEventId !== undefined && decisionWorthy(type)) this.newSinceStarted++;
  }

  /** Sends the next decision tasks to `taskList` (see `HistoryRecorder.overrideDecisionTaskList`). */
  overrideTaskList(taskList: string, scheduleToStartTimeout?: string): void {
    this.override = {
      name: taskList,
      scheduleToStartTimeout: scheduleToStartTimeout === "NONE" ? undefined : scheduleToStartTimeout,
    };
  }

  /** Schedules a decision task unless one is already scheduled or started (SWF keeps at most one scheduled). */
  schedule(): void {
    if (this.open !== undefined) return;
    const taskList = this.override?.name ?? this.defaultTaskList;
    const scheduleToStart = this.override?.scheduleToStartTimeout;
    this.open = {
      scheduledEventId: this.record("DecisionTaskScheduled", {
        taskList: { name: taskList },
        startToCloseTimeout: this.startToCloseTimeout,
        ...(scheduleToStart !== undefined && { scheduleToStartTimeout: scheduleToStart }),
      }),
      startedEventId: undefined,
      taskList,
    };
  }

  /** The scheduled task waited longer than the override's schedule-to-start timeout: back to the own task list. */
  timeOutScheduled(): void {
    const open = this.open;
    if (!open || open.startedEventId !== undefined)
      throw new InvalidArgumentError("no scheduled decision task to time out");
    this.record("DecisionTaskTimedOut", {
      timeoutType: "SCHEDULE_TO_START",
      scheduledEventId: open.scheduledEventId,
      startedEventId: 0,
    });
    this.open = undefined;
    this.override = undefined;
    this.schedule();
  }

  /** Starts the scheduled decision task; returns the DecisionTaskStarted event id. */
  start(identity: string): number {
    const open = this.open;
    if (!open || open.startedEventId !== undefined)
      throw new InvalidArgumentError("no scheduled decision task to start");
    open.startedEventId = this.record("DecisionTaskStarted", { scheduledEventId: open.scheduledEventId, identity });
    this.newSinceStarted = 0;
    return open.startedEventId;
  }

  /** The started task timed out (START_TO_CLOSE); SWF schedules a new one. */
  timeOutStarted(): void {
    const open = this.open;
    if (!open || open.startedEventId === undefined)
      throw new InvalidArgumentError("no started decision task to time out");
    this.record("DecisionTaskTimedOut", {
      timeoutType: "START_TO_CLOSE",
      scheduledEventId: open.scheduledEventId,
      startedEventId: open.startedEventId,
    });
    this.open = undefined;
    this.schedule();
  }

  /**
   * Records DecisionTaskCompleted for the started task. Returns its event id, and whether events SWF makes a
   * decision task for arrived while it was started (`unhandled`).
   */
  complete(executionContext: string | undefined): { eventId: number; unhandled: boolean } {
    const open = this.open;
    if (!open || open.startedEventId === undefined)
      throw new InvalidArgumentError("no started decision task to complete");
    const unhandled = this.newSinceStarted > 0;
    const eventId = this.record("DecisionTaskCompleted", {
      scheduledEventId: open.scheduledEventId,
      startedEventId: open.startedEventId,
      ...(executionContext !== undefined && { executionContext }),
    });
    this.open = undefined;
    return { eventId, unhandled };
  }

  /** The execution closed without a decision (terminated, timed out): no decision task is open any more. */
  closed(): void {
    this.open = undefined;
  }
}

/**
 * Whether SWF makes a decision task for an event of `type` that arrives from outside a decision (a worker, a
 * timer, a signal, …). Not for decision tasks' own events, nor for a worker picking up a task (ActivityTaskStarted,
 * LambdaFunctionStarted): there is nothing new to decide.
 */
function decisionWorthy(type: EventType): boolean {
  return !type.startsWith("DecisionTask") && type !== "ActivityTaskStarted" && type !== "LambdaFunctionStarted";
}
