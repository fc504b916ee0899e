/**
 * A history builder that records SWF events the way SWF records them: contiguous event ids, timestamps from a
 * clock the caller moves, decisions turned into their events (and into SWF's `…Failed` events with SWF's causes
 * when a decision breaks a rule), and outcomes (activity completed, timer fired, signal, …) referring to the right
 * scheduling events. Used by tests to write histories by hand, by the simulator in this folder, and by the local
 * runner as its recorder. Pure: no clock, no I/O.
 *
 * Timestamps are written as epoch seconds (SWF's wire JSON form), so `JSON.stringify(builder.events)` is what
 * `GetWorkflowExecutionHistory` returns as `events`.
 */

import { SWF_LIMITS } from "../decisions/limits.js";
import { InvalidArgumentError } from "../errors.js";
import { type Decision, decisionAttributes, type HistoryEvent } from "../history/events.js";
import type {
  ActivityTaskTimeoutType,
  ChildPolicy,
  EventAttributesMap,
  EventType,
  WorkflowExecutionTimeoutType,
} from "../history/swf-types.js";

/** An activity task SWF has scheduled and not yet closed. */
export interface OpenActivity {
  activityId: string;
  activityType: { name: string; version: string };
  input: string | undefined;
  taskList: string;
  scheduledEventId: number;
  startedEventId: number | undefined;
  scheduledAt: number;
  startedAt: number | undefined;
  cancelRequested: boolean;
  timeouts: { scheduleToStart?: number; startToClose?: number; scheduleToClose?: number; heartbeat?: number };
}

/** A timer that has started and not fired or been cancelled. */
export interface OpenTimer {
  timerId: string;
  startedEventId: number;
  /** When it fires, epoch ms. */
  fireAt: number;
}

/** A child workflow execution that was initiated and has not closed. */
export interface OpenChild {
  workflowId: string;
  workflowType: { name: string; version: string };
  input: string | undefined;
  initiatedEventId: number;
  startedEventId: number | undefined;
  runId: string | undefined;
  taskList: string | undefined;
  childPolicy: ChildPolicy | undefined;
}

/** A signal or cancel request sent to another execution and not yet acknowledged. */
export interface OpenExternal {
  kind: "signal" | "cancel";
  initiatedEventId: number;
  workflowId: string;
  runId: string | undefined;
  signalName: string | undefined;
  input: string | undefined;
  control: string | undefined;
}

/** What starts a history. */
export interface HistoryStart {
  workflowType: { name: string; version: string };
  /** The serialized input (a string as SWF carries it). */
  input?: string;
  taskList?: string;
  /** Epoch ms; default 2026-01-01T00:00:00Z. */
  startTime?: number;
  childPolicy?: ChildPolicy;
  executionStartToCloseTimeout?: string;
  taskStartToCloseTimeout?: string;
  tagList?: string[];
  parent?: { workflowId: string; runId: string; initiatedEventId: number };
  continuedExecutionRunId?: string;
}

/** Optional SWF checks applied to decisions, as SWF applies them with its type registry. */
export interface RecordOptions {
  /** Returns false for activity types that are not registered (→ ACTIVITY_TYPE_DOES_NOT_EXIST). */
  activityTypeExists?: (type: { name: string; version: string }) => boolean;
  /** Returns false for workflow types that are not registered (→ WORKFLOW_TYPE_DOES_NOT_EXIST). */
  workflowTypeExists?: (type: { name: string; version: string }) => boolean;
  /** Returns false when another open execution already has this workflow id (→ WORKFLOW_ALREADY_RUNNING). */
  workflowIdAvailable?: (workflowId: string) => boolean;
  /** The run id to give a continued-as-new execution. */
  newRunId?: () => string;
  /**
   * Fault injection: return an SWF cause to make SWF refuse this decision (its `…Failed` event is recorded with
   * that cause instead of its usual event). For chaos and property tests.
   */
  failDecision?: (decision: Decision) => string | undefined;
}

export const DEFAULT_START_TIME = Date.UTC(2026, 0, 1);

/** Builds an SWF history event by event. */
export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];
  /** The clock, epoch ms. Move it with `advance` or `at`. */
  time: number;
  readonly activities = new Map<string, OpenActivity>();
  readonly timers = new Map<string, OpenTimer>();
  readonly children = new Map<string, OpenChild>();
  readonly externals = new Map<number, OpenExternal>();
  /** Set once a closing event is recorded. */
  closedBy: EventType | undefined;
  private openDecision: { scheduledEventId: number; startedEventId: number | undefined } | undefined;
  /** Events other than decision-task events since the open decision task started (they make a close UNHANDLED). */
  private newSinceStarted = 0;
  readonly defaultTaskList: string;
  /** Events that follow from the decisions of the response being recorded, added after them. */
  private consequences: (() => void)[] = [];

  constructor(readonly start: HistoryStart) {
    this.time = start.startTime ?? DEFAULT_START_TIME;
    this.defaultTaskList = start.taskList ?? "default";
    this.add("WorkflowExecutionStarted", {
      workflowType: start.workflowType,
      taskList: { name: this.defaultTaskList },
      childPolicy: start.childPolicy ?? "TERMINATE",
      ...(start.input !== undefined && { input: start.input }),
      ...(start.executionStartToCloseTimeout && { executionStartToCloseTimeout: start.executionStartToCloseTimeout }),
      ...(start.taskStartToCloseTimeout && { taskStartToCloseTimeout: start.taskStartToCloseTimeout }),
      ...(start.tagList && { tagList: start.tagList }),
      ...(start.parent && {
        parentWorkflowExecution: { workflowId: start.parent.workflowId, runId: start.parent.runId },
        parentInitiatedEventId: start.parent.initiatedEventId,
      }),
      ...(start.continuedExecutionRunId && { continuedExecutionRunId: start.continuedExecutionRunId }),
    });
  }

  /** The id the next event will get. */
  get nextEventId(): number {
    return this.events.length + 1;
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): this {
    if (ms < 0) throw new InvalidArgumentError(`advance(${ms}): time only moves forward`);
    this.time += ms;
    return this;
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
    const key = `${type[0]?.toLowerCase()}${type.slice(1)}EventAttributes`;
    this.events.push({ eventId, eventType: type, eventTimestamp: this.time / 1000, [key]: attributes } as HistoryEvent);
    if (!type.startsWith("DecisionTask") && this.openDecision?.startedEventId !== undefined) this.newSinceStarted++;
    return eventId;
  }

  // ─── decision tasks ───────────────────────────────────────────────────────────────────────────────────────────

  /** True when a decision task is scheduled or started. */
  get decisionTaskOpen(): boolean {
    return this.openDecision !== undefined;
  }

  /** The DecisionTaskStarted event id of the started (not yet completed) decision task, if any. */
  get startedDecisionTaskId(): number | undefined {
    return this.openDecision?.startedEventId;
  }

  /** True when a decision task is scheduled and not started. */
  get decisionTaskScheduled(): boolean {
    return this.openDecision !== undefined && this.openDecision.startedEventId === undefined;
  }

  /** Schedules a decision task unless one is already scheduled (SWF keeps at most one scheduled). */
  scheduleDecisionTask(): this {
    if (this.openDecision === undefined) {
      this.openDecision = {
        scheduledEventId: this.add("DecisionTaskScheduled", {
          taskList: { name: this.defaultTaskList },
          startToCloseTimeout: this.start.taskStartToCloseTimeout ?? "30",
        }),
        startedEventId: undefined,
      };
    }
    return this;
  }

  /** Starts the scheduled decision task; returns the DecisionTaskStarted event id. */
  startDecisionTask(identity = "decider"): number {
    const open = this.openDecision;
    if (!open || open.startedEventId !== undefined)
      throw new InvalidArgumentError("no scheduled decision task to start");
    open.startedEventId = this.add("DecisionTaskStarted", { scheduledEventId: open.scheduledEventId, identity });
    this.newSinceStarted = 0;
    return open.startedEventId;
  }

  /** Schedules (if needed) and starts a decision task; returns the DecisionTaskStarted event id. */
  decisionTask(): number {
    this.scheduleDecisionTask();
    return this.startDecisionTask();
  }

  /** Times out the started decision task (SWF then schedules a new one). */
  timeOutDecisionTask(): this {
    const open = this.openDecision;
    if (!open || open.startedEventId === undefined)
      throw new InvalidArgumentError("no started decision task to time out");
    this.add("DecisionTaskTimedOut", {
      timeoutType: "START_TO_CLOSE",
      scheduledEventId: open.scheduledEventId,
      startedEventId: open.startedEventId,
    });
    this.openDecision = undefined;
    return this.scheduleDecisionTask();
  }

  /**
   * Completes the started decision task with `decisions`, recording their events as SWF would, including SWF's
   * `…Failed` events: ids already in use, open-item limits, unknown types (with `options`), and a closing decision
   * made while new events arrived (UNHANDLED_DECISION, after which a new decision task is scheduled).
   * Returns the DecisionTaskCompleted event id.
   */
  completeDecisionTask(decisions: readonly Decision[], options: RecordOptions = {}): number {
    const open = this.openDecision;
    if (!open || open.startedEventId === undefined)
      throw new InvalidArgumentError("no started decision task to complete");
    const unhandled = this.newSinceStarted > 0;
    const completedId = this.add("DecisionTaskCompleted", {
      scheduledEventId: open.scheduledEventId,
      startedEventId: open.startedEventId,
    });
    this.openDecision = undefined;
    let needsDecision = false;
    this.consequences = [];
    decisions.forEach((d, i) => {
      if (this.closedBy) {
        throw new InvalidArgumentError(
          `decision ${i} (${d.decisionType}) comes after the closing decision; SWF requires the closing decision last`,
        );
      }
      needsDecision = this.recordDecision(d, completedId, unhandled, options) || needsDecision;
    });
    // what follows from the decisions (a never-started activity cancelled at once) is recorded after them
    for (const record of this.consequences) record();
    this.consequences = [];
    // SWF schedules another decision task when a decision was refused, or when events came in while deciding
    if ((needsDecision || unhandled) && !this.closedBy) this.scheduleDecisionTask();
    return completedId;
  }

  /** Records one decision's events. Returns true if SWF would schedule a new decision task because of it. */
  private recordDecision(d: Decision, dtc: number, unhandled: boolean, options: RecordOptions): boolean {
    const injected = options.failDecision?.(d);
    if (injected !== undefined) {
      this.recordRefusal(d, dtc, injected);
      return true;
    }
    switch (d.decisionType) {
      case "ScheduleActivityTask": {
        const a = decisionAttributes(d);
        const type = { name: a.activityType.name, version: a.activityType.version };
        let cause: EventAttributesMap["ScheduleActivityTaskFailed"]["cause"] | undefined;
        if (this.activities.has(a.activityId)) cause = "ACTIVITY_ID_ALREADY_IN_USE";
        else if (this.activities.size >= SWF_LIMITS.maxOpenActivities) cause = "OPEN_ACTIVITIES_LIMIT_EXCEEDED";
        else if (options.activityTypeExists && !options.activityTypeExists(type))
          cause = "ACTIVITY_TYPE_DOES_NOT_EXIST";
        if (cause) {
          this.add("ScheduleActivityTaskFailed", {
            activityType: type,
            activityId: a.activityId,
            cause,
            decisionTaskCompletedEventId: dtc,
          });
          return true;
        }
        const taskList = a.taskList?.name ?? this.defaultTaskList;
        const scheduledEventId = this.add("ActivityTaskScheduled", {
          activityType: type,
          activityId: a.activityId,
          taskList: { name: taskList },
          decisionTaskCompletedEventId: dtc,
          ...pick(a, [
            "input",
            "control",
            "scheduleToStartTimeout",
            "scheduleToCloseTimeout",
            "startToCloseTimeout",
            "heartbeatTimeout",
            "taskPriority",
          ]),
        });
        const num = (s: string | undefined) => (s === undefined || s === "NONE" ? undefined : Number(s));
        this.activities.set(a.activityId, {
          activityId: a.activityId,
          activityType: type,
          input: a.input,
          taskList,
          scheduledEventId,
          startedEventId: undefined,
          scheduledAt: this.time,
          startedAt: undefined,
          cancelRequested: false,
          timeouts: dropUndefined({
            scheduleToStart: num(a.scheduleToStartTimeout),
            startToClose: num(a.startToCloseTimeout),
            scheduleToClose: num(a.scheduleToCloseTimeout),
            heartbeat: num(a.heartbeatTimeout),
          }),
        });
        return false;
      }
      case "RequestCancelActivityTask": {
        const { activityId } = decisionAttributes(d);
        const act = this.activities.get(activityId);
        if (!act) {
          this.add("RequestCancelActivityTaskFailed", {
            activityId,
            cause: "ACTIVITY_ID_UNKNOWN",
            decisionTaskCompletedEventId: dtc,
          });
          return true;
        }
        act.cancelRequested = true;
        this.add("ActivityTaskCancelRequested", { activityId, decisionTaskCompletedEventId: dtc });
        if (act.startedEventId === undefined) {
          // never started: SWF cancels it at once
          this.activities.delete(activityId);
          this.consequences.push(() => {
            if (!this.closedBy)
              this.add("ActivityTaskCanceled", { scheduledEventId: act.scheduledEventId, startedEventId: 0 });
          });
          return true;
        }
        return false;
      }
      case "StartTimer": {
        const a = decisionAttributes(d);
        let cause: EventAttributesMap["StartTimerFailed"]["cause"] | undefined;
        if (this.timers.has(a.timerId)) cause = "TIMER_ID_ALREADY_IN_USE";
        else if (this.timers.size >= SWF_LIMITS.maxOpenTimers) cause = "OPEN_TIMERS_LIMIT_EXCEEDED";
        if (cause) {
          this.add("StartTimerFailed", { timerId: a.timerId, cause, decisionTaskCompletedEventId: dtc });
          return true;
        }
        const startedEventId = this.add("TimerStarted", {
          timerId: a.timerId,
          startToFireTimeout: a.startToFireTimeout,
          decisionTaskCompletedEventId: dtc,
          ...pick(a, ["control"]),
        });
        this.timers.set(a.timerId, {
          timerId: a.timerId,
          startedEventId,
          fireAt: this.time + Number(a.startToFireTimeout) * 1000,
        });
        return false;
      }
      case "CancelTimer": {
        const { timerId } = decisionAttributes(d);
        const timer = this.timers.get(timerId);
        if (!timer) {
          this.add("CancelTimerFailed", { timerId, cause: "TIMER_ID_UNKNOWN", decisionTaskCompletedEventId: dtc });
          return true;
        }
        this.timers.delete(timerId);
        this.add("TimerCanceled", { timerId, startedEventId: timer.startedEventId, decisionTaskCompletedEventId: dtc });
        return false;
      }
      case "RecordMarker": {
        const a = decisionAttributes(d);
        this.add("MarkerRecorded", {
          markerName: a.markerName,
          decisionTaskCompletedEventId: dtc,
          ...pick(a, ["details"]),
        });
        return false;
      }
      case "StartChildWorkflowExecution": {
        const a = decisionAttributes(d);
        const type = { name: a.workflowType.name, version: a.workflowType.version };
        const initiatedEventId = this.add("StartChildWorkflowExecutionInitiated", {
          workflowId: a.workflowId,
          workflowType: type,
          taskList: { name: a.taskList?.name ?? this.defaultTaskList },
          childPolicy: a.childPolicy ?? "TERMINATE",
          decisionTaskCompletedEventId: dtc,
          ...pick(a, [
            "control",
            "input",
            "executionStartToCloseTimeout",
            "taskStartToCloseTimeout",
            "tagList",
            "taskPriority",
          ]),
        });
        let cause: EventAttributesMap["StartChildWorkflowExecutionFailed"]["cause"] | undefined;
        if (
          this.children.has(a.workflowId) ||
          (options.workflowIdAvailable && !options.workflowIdAvailable(a.workflowId))
        )
          cause = "WORKFLOW_ALREADY_RUNNING";
        else if (this.children.size >= SWF_LIMITS.maxOpenChildren) cause = "OPEN_CHILDREN_LIMIT_EXCEEDED";
        else if (options.workflowTypeExists && !options.workflowTypeExists(type))
          cause = "WORKFLOW_TYPE_DOES_NOT_EXIST";
        if (cause) {
          this.add("StartChildWorkflowExecutionFailed", {
            workflowType: type,
            workflowId: a.workflowId,
            cause,
            initiatedEventId,
            decisionTaskCompletedEventId: dtc,
            ...pick(a, ["control"]),
          });
          return true;
        }
        this.children.set(a.workflowId, {
          workflowId: a.workflowId,
          workflowType: type,
          input: a.input,
          initiatedEventId,
          startedEventId: undefined,
          runId: undefined,
          taskList: a.taskList?.name,
          childPolicy: a.childPolicy,
        });
        return false;
      }
      case "SignalExternalWorkflowExecution":
      case "RequestCancelExternalWorkflowExecution": {
        const a = decisionAttributes(d) as {
          workflowId: string;
          runId?: string;
          control?: string;
          signalName?: string;
          input?: string;
        };
        const isSignal = d.decisionType === "SignalExternalWorkflowExecution";
        const initiatedEventId = isSignal
          ? this.add("SignalExternalWorkflowExecutionInitiated", {
              workflowId: a.workflowId,
              signalName: a.signalName as string,
              decisionTaskCompletedEventId: dtc,
              ...pick(a, ["runId", "input", "control"]),
            })
          : this.add("RequestCancelExternalWorkflowExecutionInitiated", {
              workflowId: a.workflowId,
              decisionTaskCompletedEventId: dtc,
              ...pick(a, ["runId", "control"]),
            });
        this.externals.set(initiatedEventId, {
          kind: isSignal ? "signal" : "cancel",
          initiatedEventId,
          workflowId: a.workflowId,
          runId: a.runId,
          signalName: a.signalName,
          input: a.input,
          control: a.control,
        });
        return false;
      }
      case "CompleteWorkflowExecution":
      case "FailWorkflowExecution":
      case "CancelWorkflowExecution":
      case "ContinueAsNewWorkflowExecution": {
        if (unhandled) {
          this.recordRefusal(d, dtc, "UNHANDLED_DECISION");
          return true;
        }
        if (d.decisionType === "ContinueAsNewWorkflowExecution" && options.workflowTypeExists) {
          const version = decisionAttributes(d).workflowTypeVersion ?? this.start.workflowType.version;
          if (!options.workflowTypeExists({ name: this.start.workflowType.name, version })) {
            this.recordRefusal(d, dtc, "WORKFLOW_TYPE_DOES_NOT_EXIST");
            return true;
          }
        }
        this.close(d, dtc, options);
        return false;
      }
      case "ScheduleLambdaFunction":
        this.add("ScheduleLambdaFunctionFailed", {
          id: decisionAttributes(d).id,
          name: decisionAttributes(d).name,
          cause: "LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION",
          decisionTaskCompletedEventId: dtc,
        });
        return true;
      default: {
        const unreachable: never = d;
        throw new InvalidArgumentError(`unknown decision type ${(unreachable as Decision).decisionType}`);
      }
    }
  }

  /** Records the `…Failed` event SWF records when it refuses decision `d` with `cause`. */
  private recordRefusal(d: Decision, dtc: number, cause: string): void {
    // biome-ignore lint/suspicious/noExplicitAny: each …Failed event takes its own cause enum; the caller chose one
    const c = cause as any;
    switch (d.decisionType) {
      case "ScheduleActivityTask": {
        const a = decisionAttributes(d);
        this.add("ScheduleActivityTaskFailed", {
          activityType: a.activityType,
          activityId: a.activityId,
          cause: c,
          decisionTaskCompletedEventId: dtc,
        });
        return;
      }
      case "RequestCancelActivityTask":
        this.add("RequestCancelActivityTaskFailed", {
          activityId: decisionAttributes(d).activityId,
          cause: c,
          decisionTaskCompletedEventId: dtc,
        });
        return;
      case "StartTimer":
        this.add("StartTimerFailed", {
          timerId: decisionAttributes(d).timerId,
          cause: c,
          decisionTaskCompletedEventId: dtc,
        });
        return;
      case "CancelTimer":
        this.add("CancelTimerFailed", {
          timerId: decisionAttributes(d).timerId,
          cause: c,
          decisionTaskCompletedEventId: dtc,
        });
        return;
      case "RecordMarker":
        this.add("RecordMarkerFailed", {
          markerName: decisionAttributes(d).markerName,
          cause: c,
          decisionTaskCompletedEventId: dtc,
        });
        return;
      case "StartChildWorkflowExecution": {
        const a = decisionAttributes(d);
        this.add("StartChildWorkflowExecutionFailed", {
          workflowType: a.workflowType,
          workflowId: a.workflowId,
          cause: c,
          initiatedEventId: 0,
          decisionTaskCompletedEventId: dtc,
          ...pick(a, ["control"]),
        });
        return;
      }
      case "SignalExternalWorkflowExecution":
      case "RequestCancelExternalWorkflowExecution": {
        const a = decisionAttributes(d) as { workflowId: string; runId?: string; control?: string };
        const attrs = {
          workflowId: a.workflowId,
          cause: c,
          initiatedEventId: 0,
          decisionTaskCompletedEventId: dtc,
          ...pick(a, ["runId", "control"]),
        };
        if (d.decisionType === "SignalExternalWorkflowExecution")
          this.add("SignalExternalWorkflowExecutionFailed", attrs);
        else this.add("RequestCancelExternalWorkflowExecutionFailed", attrs);
        return;
      }
      case "CompleteWorkflowExecution":
      case "FailWorkflowExecution":
      case "CancelWorkflowExecution":
      case "ContinueAsNewWorkflowExecution":
        this.add(`${d.decisionType}Failed` as "CompleteWorkflowExecutionFailed", {
          cause: c,
          decisionTaskCompletedEventId: dtc,
        });
        return;
      case "ScheduleLambdaFunction": {
        const a = decisionAttributes(d);
        this.add("ScheduleLambdaFunctionFailed", {
          id: a.id,
          name: a.name,
          cause: c,
          decisionTaskCompletedEventId: dtc,
        });
        return;
      }
    }
  }

  private close(d: Decision, dtc: number, options: RecordOptions): void {
    switch (d.decisionType) {
      case "CompleteWorkflowExecution":
        this.add("WorkflowExecutionCompleted", {
          decisionTaskCompletedEventId: dtc,
          ...pick(decisionAttributes(d), ["result"]),
        });
        break;
      case "FailWorkflowExecution":
        this.add("WorkflowExecutionFailed", {
          decisionTaskCompletedEventId: dtc,
          ...pick(decisionAttributes(d), ["reason", "details"]),
        });
        break;
      case "CancelWorkflowExecution":
        this.add("WorkflowExecutionCanceled", {
          decisionTaskCompletedEventId: dtc,
          ...pick(decisionAttributes(d), ["details"]),
        });
        break;
      case "ContinueAsNewWorkflowExecution": {
        const a = decisionAttributes(d);
        this.add("WorkflowExecutionContinuedAsNew", {
          decisionTaskCompletedEventId: dtc,
          newExecutionRunId: options.newRunId?.() ?? `run-${this.nextEventId}`,
          taskList: { name: a.taskList?.name ?? this.defaultTaskList },
          childPolicy: a.childPolicy ?? this.start.childPolicy ?? "TERMINATE",
          workflowType: {
            name: this.start.workflowType.name,
            version: a.workflowTypeVersion ?? this.start.workflowType.version,
          },
          ...pick(a, ["input", "executionStartToCloseTimeout", "taskStartToCloseTimeout", "tagList", "taskPriority"]),
        });
        break;
      }
      default:
        throw new InvalidArgumentError(`${d.decisionType} is not a closing decision`);
    }
    this.closedBy = this.events[this.events.length - 1]?.eventType;
  }

  // ─── outcomes ─────────────────────────────────────────────────────────────────────────────────────────────────

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

  private closeActivity(activityId: string): OpenActivity & { startedEventId: number } {
    const act = this.activity(activityId);
    if (act.startedEventId === undefined) this.activityStarted(activityId);
    this.activities.delete(activityId);
    this.scheduleDecisionTask();
    return act as OpenActivity & { startedEventId: number };
  }

  /** The activity completed with `result` (serialized). Starts it first if needed; schedules a decision task. */
  activityCompleted(activityId: string, result?: string): this {
    const act = this.activity(activityId);
    if (act.startedEventId === undefined) this.activityStarted(activityId);
    this.add("ActivityTaskCompleted", {
      scheduledEventId: act.scheduledEventId,
      startedEventId: act.startedEventId as number,
      ...(result !== undefined && { result }),
    });
    this.activities.delete(activityId);
    this.scheduleDecisionTask();
    return this;
  }

  /** The activity failed with `reason` and `details`. */
  activityFailed(activityId: string, reason: string, details?: string): this {
    const act = this.activity(activityId);
    if (act.startedEventId === undefined) this.activityStarted(activityId);
    this.add("ActivityTaskFailed", {
      scheduledEventId: act.scheduledEventId,
      startedEventId: act.startedEventId as number,
      reason,
      ...(details !== undefined && { details }),
    });
    this.activities.delete(activityId);
    this.scheduleDecisionTask();
    return this;
  }

  /** The activity timed out. SCHEDULE_TO_START and SCHEDULE_TO_CLOSE may happen before it started. */
  activityTimedOut(activityId: string, timeoutType: ActivityTaskTimeoutType, details?: string): this {
    const act = this.activity(activityId);
    if (act.startedEventId === undefined && (timeoutType === "START_TO_CLOSE" || timeoutType === "HEARTBEAT"))
      this.activityStarted(activityId);
    this.add("ActivityTaskTimedOut", {
      timeoutType,
      scheduledEventId: act.scheduledEventId,
      startedEventId: act.startedEventId ?? 0,
      ...(details !== undefined && { details }),
    });
    this.activities.delete(activityId);
    this.scheduleDecisionTask();
    return this;
  }

  /** The activity acknowledged a cancel request. */
  activityCanceled(activityId: string, details?: string): this {
    const act = this.closeActivity(activityId);
    this.add("ActivityTaskCanceled", {
      scheduledEventId: act.scheduledEventId,
      startedEventId: act.startedEventId,
      ...(details !== undefined && { details }),
    });
    return this;
  }

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
    status: "COMPLETED" | "FAILED" | "TIMED_OUT" | "TERMINATED" | "CANCELED",
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
    switch (status) {
      case "COMPLETED":
        this.add("ChildWorkflowExecutionCompleted", { ...base, ...pick(data, ["result"]) });
        break;
      case "FAILED":
        this.add("ChildWorkflowExecutionFailed", { ...base, ...pick(data, ["reason", "details"]) });
        break;
      case "TIMED_OUT":
        this.add("ChildWorkflowExecutionTimedOut", { ...base, timeoutType: data.timeoutType ?? "START_TO_CLOSE" });
        break;
      case "TERMINATED":
        this.add("ChildWorkflowExecutionTerminated", base);
        break;
      case "CANCELED":
        this.add("ChildWorkflowExecutionCanceled", { ...base, ...pick(data, ["details"]) });
        break;
    }
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
    const dtc = (
      this.events[initiatedEventId - 1] as { [k: string]: { decisionTaskCompletedEventId?: number } | undefined }
    )[
      x.kind === "signal"
        ? "signalExternalWorkflowExecutionInitiatedEventAttributes"
        : "requestCancelExternalWorkflowExecutionInitiatedEventAttributes"
    ]?.decisionTaskCompletedEventId as number;
    if (failureCause) {
      const attrs = {
        workflowId: x.workflowId,
        cause: failureCause,
        initiatedEventId,
        decisionTaskCompletedEventId: dtc,
        ...pick(x, ["runId", "control"]),
      };
      if (x.kind === "signal") this.add("SignalExternalWorkflowExecutionFailed", attrs);
      else this.add("RequestCancelExternalWorkflowExecutionFailed", attrs);
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

  /** The execution was terminated (by an operator, a child policy, or the event limit). */
  terminated(
    reason?: string,
    cause?: "CHILD_POLICY_APPLIED" | "EVENT_LIMIT_EXCEEDED" | "OPERATOR_INITIATED",
    details?: string,
  ): this {
    this.add("WorkflowExecutionTerminated", {
      childPolicy: this.start.childPolicy ?? "TERMINATE",
      ...(reason && { reason }),
      ...(details !== undefined && { details }),
      ...(cause && { cause }),
    });
    this.closedBy = "WorkflowExecutionTerminated";
    this.openDecision = undefined;
    return this;
  }

  /** The execution timed out (START_TO_CLOSE). */
  timedOut(): this {
    this.add("WorkflowExecutionTimedOut", {
      timeoutType: "START_TO_CLOSE",
      childPolicy: this.start.childPolicy ?? "TERMINATE",
    });
    this.closedBy = "WorkflowExecutionTimedOut";
    this.openDecision = undefined;
    return this;
  }
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
