/**
 * SWF's service side for one execution: records its history the way SWF does. Contiguous event ids, timestamps
 * from a clock the caller moves, at most one scheduled and one started decision task (`decision-tasks.ts`),
 * decisions turned into their events or refused with SWF's causes (`record-decision.ts`, `refusal.ts`), and outcomes (an activity closed, a
 * timer fired, a signal, a child closed, …) referring to the events that opened them. It keeps the open activity
 * tasks, timers, child workflows and external requests the history implies.
 *
 * Used by the local runner as the only recorder of its histories, by the dev server, and by the testing
 * kit's `HistoryBuilder` (the hand-writing API over it). Pure: no clock, no I/O. Timestamps are written as epoch
 * seconds (SWF's wire JSON form), so `JSON.stringify(recorder.events)` is what `GetWorkflowExecutionHistory`
 * returns as `events`.
 */
import { InvalidArgumentError } from "../errors.js";
import type { ActivityCloseEventType } from "../history/activity-close.js";
import { CHILD_CLOSE_EVENT, type ChildCloseStatus } from "../history/close-status.js";
import { type Decision, eventAttributesKey, type HistoryEvent } from "../history/events.js";
import type {
  ActivityTaskTimeoutType,
  ChildPolicy,
  EventAttributesMap,
  EventType,
  WorkflowExecutionTimeoutType,
} from "../history/swf-types.js";
import { pick } from "../objects.js";
import { DecisionTasks } from "./decision-tasks.js";
import { recordDecision } from "./record-decision.js";
import { recordRefusal, requestOf } from "./refusal.js";
import {
  DEFAULT_START_TIME,
  type HistoryStart,
  type OpenActivity,
  type OpenChild,
  type OpenExternal,
  type OpenTimer,
  type RecordOptions,
  startedAttributes,
} from "./types.js";

/** The ids every activity-closing event refers to. */
type ActivityIds = { scheduledEventId: number; startedEventId: number };

/**
 * Records one execution's SWF history: the service side of SWF, without the service around it (task lists,
 * deadlines and deliveries are the driver's: the local runner, the dev server).
 *
 * @example
 * const r = new HistoryRecorder({ workflowType: { name: "order", version: "1" } });
 * r.scheduleDecisionTask();
 * r.startDecisionTask("decider-1");
 * r.completeDecisionTask(decisions); // …Scheduled / …Started / …Failed events, as SWF records them
 */
export class HistoryRecorder {
  readonly events: HistoryEvent[] = [];
  /** The clock, epoch ms. Move it with `at`. */
  time: number;
  readonly activities = new Map<string, OpenActivity>();
  readonly timers = new Map<string, OpenTimer>();
  readonly children = new Map<string, OpenChild>();
  readonly externals = new Map<number, OpenExternal>();
  /** Set once a closing event is recorded. */
  closedBy: EventType | undefined;
  /** The decision tasks: at most one scheduled and one started, the task list override, unhandled events. */
  private readonly decisionTasks: DecisionTasks;
  readonly defaultTaskList: string;

  constructor(readonly start: HistoryStart) {
    this.time = start.startTime ?? DEFAULT_START_TIME;
    this.defaultTaskList = start.taskList ?? "default";
    this.decisionTasks = new DecisionTasks(
      (type, attributes) => this.add(type, attributes),
      this.defaultTaskList,
      start.taskStartToCloseTimeout ?? "30",
    );
    this.add("WorkflowExecutionStarted", startedAttributes(start, this.defaultTaskList));
  }

  /** The id the next event will get. */
  get nextEventId(): number {
    return this.events.length + 1;
  }

  /** Sets the clock (never backwards). */
  at(epochMs: number): this {
    this.time = Math.max(this.time, epochMs);
    return this;
  }

  /** Appends one event of `type` with `attributes`; returns its event id. */
  add<K extends EventType>(type: K, attributes: EventAttributesMap[K]): number {
    if (this.closedBy) throw new InvalidArgumentError(`cannot add ${type}: the execution closed with ${this.closedBy}`);
    const eventId = this.nextEventId;
    this.events.push({
      eventId,
      eventType: type,
      eventTimestamp: this.time / 1000,
      [eventAttributesKey(type)]: attributes,
    } as HistoryEvent);
    this.decisionTasks.recorded(type);
    return eventId;
  }

  // ─── decision tasks ───────────────────────────────────────────────────────────────────────────────────────────

  /** True when a decision task is scheduled or started. */
  get decisionTaskOpen(): boolean {
    return this.decisionTasks.isOpen;
  }

  /** The DecisionTaskStarted event id of the started (not yet completed) decision task, if any. */
  get startedDecisionTaskId(): number | undefined {
    return this.decisionTasks.startedEventId;
  }

  /** True when a decision task is scheduled and not started. */
  get decisionTaskScheduled(): boolean {
    return this.decisionTasks.isScheduled;
  }

  /** The DecisionTaskScheduled event id of the scheduled (not yet started) decision task, if any. */
  get scheduledDecisionTaskId(): number | undefined {
    return this.decisionTasks.scheduledEventId;
  }

  /** The task list of the open decision task, or of the next one. */
  get decisionTaskList(): string {
    return this.decisionTasks.taskList;
  }

  /**
   * Sends the execution's next decision tasks to `taskList` (RespondDecisionTaskCompleted's `taskList` and
   * `taskListScheduleToStartTimeout`): for good without a timeout; with one, until a decision task waits on it
   * longer than that (it then times out, SCHEDULE_TO_START, and the execution goes back to its own task list).
   */
  overrideDecisionTaskList(taskList: string, scheduleToStartTimeout?: string): this {
    this.decisionTasks.overrideTaskList(taskList, scheduleToStartTimeout);
    return this;
  }

  /** Schedules a decision task unless one is already scheduled (SWF keeps at most one scheduled). */
  scheduleDecisionTask(): this {
    this.decisionTasks.schedule();
    return this;
  }

  /**
   * Times out the scheduled decision task nobody started within the override's schedule-to-start timeout: SWF
   * reverts the task list override and schedules a new decision task on the execution's own task list.
   */
  timeOutScheduledDecisionTask(): this {
    this.decisionTasks.timeOutScheduled();
    return this;
  }

  /** Starts the scheduled decision task; returns the DecisionTaskStarted event id. */
  startDecisionTask(identity = "decider"): number {
    return this.decisionTasks.start(identity);
  }

  /** Times out the started decision task (SWF then schedules a new one). */
  timeOutDecisionTask(): this {
    this.decisionTasks.timeOutStarted();
    return this;
  }

  /**
   * Completes the started decision task with `decisions`, recording their events as SWF would, including SWF's
   * `…Failed` events: ids already in use, open-item limits, unknown types (with `options`), and a closing decision
   * made while new events arrived (UNHANDLED_DECISION, after which a new decision task is scheduled).
   * `executionContext` is the decider's, recorded on DecisionTaskCompleted. Returns the DecisionTaskCompleted event id.
   */
  completeDecisionTask(decisions: readonly Decision[], options: RecordOptions = {}, executionContext?: string): number {
    const { eventId: dtc, unhandled } = this.decisionTasks.complete(executionContext);
    let needsDecision = false;
    const ctx = { dtc, unhandled, options, later: [] as (() => void)[] };
    decisions.forEach((d, i) => {
      if (this.closedBy) {
        throw new InvalidArgumentError(
          `decision ${i} (${d.decisionType}) comes after the closing decision; SWF requires the closing decision last`,
        );
      }
      needsDecision = recordDecision(this, d, ctx) || needsDecision;
    });
    // what follows from the decisions (a never-started activity cancelled at once) is recorded after them
    for (const record of ctx.later) record();
    // SWF schedules another decision task when a decision was refused, or when events came in while deciding
    if ((needsDecision || unhandled) && !this.closedBy) this.scheduleDecisionTask();
    return dtc;
  }

  // ─── activity tasks ───────────────────────────────────────────────────────────────────────────────────────────

  private activity(activityId: string): OpenActivity {
    const act = this.activities.get(activityId);
    if (!act) throw new InvalidArgumentError(`no open activity with id ${JSON.stringify(activityId)}`);
    return act;
  }

  /** A worker picked up the activity task. */
  activityStarted(activityId: string, identity = "worker"): this {
    const act = this.activity(activityId);
    if (act.startedEventId !== undefined) throw new InvalidArgumentError(`activity ${activityId} already started`);
    act.startedEventId = this.add("ActivityTaskStarted", { scheduledEventId: act.scheduledEventId, identity });
    act.startedAt = this.time;
    return this;
  }

  /**
   * Closes an open activity task with a `type` event: the one way an activity closes. Records its start first
   * when `startFirst` (a task its worker closes was started), then the closing event, then schedules a decision
   * task.
   */
  private closeActivity<K extends ActivityCloseEventType>(
    activityId: string,
    startFirst: boolean,
    type: K,
    attributes: (ids: ActivityIds) => EventAttributesMap[K],
  ): this {
    const act = this.activity(activityId);
    if (act.startedEventId === undefined && startFirst) this.activityStarted(activityId);
    this.add(type, attributes({ scheduledEventId: act.scheduledEventId, startedEventId: act.startedEventId ?? 0 }));
    this.activities.delete(activityId);
    this.scheduleDecisionTask();
    return this;
  }

  /** The activity completed with `result` (serialized). Starts it first if needed; schedules a decision task. */
  activityCompleted(activityId: string, result?: string): this {
    return this.closeActivity(activityId, true, "ActivityTaskCompleted", (ids) => ({
      ...ids,
      ...(result !== undefined && { result }),
    }));
  }

  /** The activity failed with `reason` and `details`. */
  activityFailed(activityId: string, reason: string, details?: string): this {
    return this.closeActivity(activityId, true, "ActivityTaskFailed", (ids) => ({
      ...ids,
      reason,
      ...(details !== undefined && { details }),
    }));
  }

  /** The activity timed out. SCHEDULE_TO_START and SCHEDULE_TO_CLOSE may happen before it started. */
  activityTimedOut(activityId: string, timeoutType: ActivityTaskTimeoutType, details?: string): this {
    const startFirst = timeoutType === "START_TO_CLOSE" || timeoutType === "HEARTBEAT";
    return this.closeActivity(activityId, startFirst, "ActivityTaskTimedOut", (ids) => ({
      timeoutType,
      ...ids,
      ...(details !== undefined && { details }),
    }));
  }

  /** The activity acknowledged a cancel request. */
  activityCanceled(activityId: string, details?: string): this {
    return this.closeActivity(activityId, true, "ActivityTaskCanceled", (ids) => ({
      ...ids,
      ...(details !== undefined && { details }),
    }));
  }

  // ─── timers, signals, cancel requests ─────────────────────────────────────────────────────────────────────────

  /** The timer fired (the clock is moved to its deadline if it is earlier). */
  timerFired(timerId: string): this {
    const timer = this.timers.get(timerId);
    if (!timer) throw new InvalidArgumentError(`no open timer with id ${JSON.stringify(timerId)}`);
    this.at(timer.fireAt);
    this.timers.delete(timerId);
    this.add("TimerFired", { timerId, startedEventId: timer.startedEventId });
    this.scheduleDecisionTask();
    return this;
  }

  /** A signal arrived, with `input` serialized. */
  signal(
    signalName: string,
    input?: string,
    from?: { workflowId: string; runId: string; initiatedEventId: number },
  ): this {
    this.add("WorkflowExecutionSignaled", {
      signalName,
      ...(input !== undefined && { input }),
      ...(from && {
        externalWorkflowExecution: { workflowId: from.workflowId, runId: from.runId },
        externalInitiatedEventId: from.initiatedEventId,
      }),
    });
    this.scheduleDecisionTask();
    return this;
  }

  /** Someone asked this execution to cancel: an operator, another execution (`from`), or a parent's child policy. */
  cancelRequested(
    from?: { workflowId: string; runId: string; initiatedEventId: number },
    cause?: "CHILD_POLICY_APPLIED",
  ): this {
    this.add("WorkflowExecutionCancelRequested", {
      ...(from && {
        externalWorkflowExecution: { workflowId: from.workflowId, runId: from.runId },
        externalInitiatedEventId: from.initiatedEventId,
      }),
      ...(cause && { cause }),
    });
    this.scheduleDecisionTask();
    return this;
  }

  // ─── child workflows and external requests ────────────────────────────────────────────────────────────────────

  private child(workflowId: string): OpenChild {
    const c = this.children.get(workflowId);
    if (!c) throw new InvalidArgumentError(`no open child workflow with id ${JSON.stringify(workflowId)}`);
    return c;
  }

  /** The child execution started with `runId`. */
  childStarted(workflowId: string, runId: string): this {
    const c = this.child(workflowId);
    c.runId = runId;
    c.startedEventId = this.add("ChildWorkflowExecutionStarted", {
      workflowExecution: { workflowId, runId },
      workflowType: c.workflowType,
      initiatedEventId: c.initiatedEventId,
    });
    this.scheduleDecisionTask();
    return this;
  }

  /** The child closed: COMPLETED with a result, FAILED with reason/details, TIMED_OUT, TERMINATED or CANCELED. */
  childClosed(
    workflowId: string,
    status: ChildCloseStatus,
    data: { result?: string; reason?: string; details?: string; timeoutType?: WorkflowExecutionTimeoutType } = {},
  ): this {
    const c = this.child(workflowId);
    if (c.startedEventId === undefined) this.childStarted(workflowId, `${workflowId}-run`);
    const base = {
      workflowExecution: { workflowId, runId: c.runId as string },
      workflowType: c.workflowType,
      initiatedEventId: c.initiatedEventId,
      startedEventId: c.startedEventId as number,
    };
    this.children.delete(workflowId);
    const type = CHILD_CLOSE_EVENT[status];
    const fields = CHILD_CLOSED_FIELDS[status];
    if (status === "TIMED_OUT") this.add(type, { ...base, timeoutType: data.timeoutType ?? "START_TO_CLOSE" });
    else this.add(type, { ...base, ...pick(data, fields) } as typeof base);
    this.scheduleDecisionTask();
    return this;
  }

  /** SWF delivered (or failed to deliver) an external signal or cancel request initiated at `initiatedEventId`. */
  externalDelivered(
    initiatedEventId: number,
    runId = "run",
    failureCause?: "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION",
  ): this {
    const x = this.externals.get(initiatedEventId);
    if (!x) throw new InvalidArgumentError(`no open external request initiated at event ${initiatedEventId}`);
    this.externals.delete(initiatedEventId);
    const initiated = this.events[initiatedEventId - 1];
    const dtc = (
      initiated?.signalExternalWorkflowExecutionInitiatedEventAttributes ??
      initiated?.requestCancelExternalWorkflowExecutionInitiatedEventAttributes
    )?.decisionTaskCompletedEventId as number;
    if (failureCause) {
      recordRefusal(this, requestOf(x), dtc, failureCause, initiatedEventId);
    } else if (x.kind === "signal") {
      this.add("ExternalWorkflowExecutionSignaled", {
        workflowExecution: { workflowId: x.workflowId, runId: x.runId ?? runId },
        initiatedEventId,
      });
    } else {
      this.add("ExternalWorkflowExecutionCancelRequested", {
        workflowExecution: { workflowId: x.workflowId, runId: x.runId ?? runId },
        initiatedEventId,
      });
    }
    this.scheduleDecisionTask();
    return this;
  }

  // ─── closing without a decision ───────────────────────────────────────────────────────────────────────────────

  /** The execution was terminated (by an operator, a child policy, or the event limit). */
  terminated(
    reason?: string,
    cause?: "CHILD_POLICY_APPLIED" | "EVENT_LIMIT_EXCEEDED" | "OPERATOR_INITIATED",
    details?: string,
    childPolicy?: ChildPolicy,
  ): this {
    this.add("WorkflowExecutionTerminated", {
      childPolicy: childPolicy ?? this.start.childPolicy ?? "TERMINATE",
      ...(reason && { reason }),
      ...(details !== undefined && { details }),
      ...(cause && { cause }),
    });
    this.closedBy = "WorkflowExecutionTerminated";
    this.decisionTasks.closed();
    return this;
  }

  /** The execution timed out (START_TO_CLOSE). */
  timedOut(): this {
    this.add("WorkflowExecutionTimedOut", {
      timeoutType: "START_TO_CLOSE",
      childPolicy: this.start.childPolicy ?? "TERMINATE",
    });
    this.closedBy = "WorkflowExecutionTimedOut";
    this.decisionTasks.closed();
    return this;
  }
}

/** The fields of `childClosed`'s data that each way a child closes records (its event: `CHILD_CLOSE_EVENT`). */
const CHILD_CLOSED_FIELDS = {
  COMPLETED: ["result"],
  FAILED: ["reason", "details"],
  TIMED_OUT: [],
  TERMINATED: [],
  CANCELED: ["details"],
} as const satisfies { readonly [S in ChildCloseStatus]: readonly string[] };
