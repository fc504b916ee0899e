/**
 * The dev server's SWF: every operation of the API applied to in-memory state. Each domain has its own
 * `WorkflowService` (the engine the local runner uses, with the one SWF recorder), whose type registry is the
 * domain's registered types, so executions run from registered types and their defaults, not from code.
 *
 * Invariants:
 * - `execute` is deterministic given the operation, its input, the time and the task tokens it hands out: the
 *   store persists exactly those (one row per acknowledged call) and rebuilds the state after a restart by
 *   executing them again in order. Randomness (task tokens) is drawn by `newToken` and recorded.
 * - a refused call changes nothing: every check that can fail runs before the first change;
 * - task tokens are random (256 bits), map to the engine's task, and work once: a response removes them, and so
 *   does the task closing any other way (timeout, the run closing).
 */
import { randomBytes } from "node:crypto";
import { type ChildPolicy, type Decision, type HistoryEvent, InvalidArgumentError } from "@yieldflow/core";
import type { Clock } from "../runner/clock.js";
import { UnknownResourceError } from "../runner/errors.js";
import { type CloseStatus, closeStatusOf } from "../runner/execution.js";
import { WorkflowService } from "../runner/service.js";
import { checkDecisions, checkDuration, checkId } from "./checks.js";
import { SwfFault, unknownResource, validationError } from "./faults.js";
import { badPageToken, decodePage, historyPage, paginate } from "./paging.js";
import type { Operation } from "./shapes.js";
import { DomainTypes, dropUndefined, type TypeRecord } from "./types.js";

const ACCOUNT = "000000000000";

/** A domain as SWF keeps it. */
export interface DomainRecord {
  name: string;
  description: string | undefined;
  retentionDays: string;
  status: "REGISTERED" | "DEPRECATED";
  tags: Map<string, string>;
}

/** What visibility calls (List/Count/Describe) know about a run. */
export interface ExecutionInfo {
  domain: string;
  workflowId: string;
  runId: string;
  workflowType: { name: string; version: string };
  /** Epoch seconds. */
  startTimestamp: number;
  closeTimestamp: number | undefined;
  closeStatus: CloseStatus | undefined;
  tagList: string[];
  parent: { workflowId: string; runId: string } | undefined;
  cancelRequested: boolean;
  taskList: string;
  latestExecutionContext: string | undefined;
  latestActivityTaskTimestamp: number | undefined;
}

interface Domain {
  record: DomainRecord;
  types: DomainTypes;
  service: WorkflowService<DomainTypes>;
  runs: Map<string, ExecutionInfo>;
}

type TokenRef =
  | { kind: "decision"; domain: string; runId: string; internal: string }
  | { kind: "activity"; domain: string; runId: string; internal: string };

/** An event recorded by a call, for the store. */
export interface RecordedEvent {
  domain: string;
  info: ExecutionInfo;
  event: HistoryEvent;
}

/** A clock that stands at the time of the call being executed (all events of one call share its timestamp). */
export class CallClock implements Clock {
  readonly kind = "real" as const;
  private t = 0;
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    if (ms > 0) this.t += ms;
  }
  advanceTo(epochMs: number): void {
    if (epochMs > this.t) this.t = epochMs;
  }
}

/** Where a call's random task tokens come from: fresh ones live, the recorded ones when replaying. */
export type TokenSource = () => string;

export const freshToken: TokenSource = () => randomBytes(32).toString("base64url");

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

const s = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const typeOf = (v: unknown): { name: string; version: string } => {
  const t = v as { name: string; version: string };
  return { name: t.name, version: t.version };
};
const typeText = (kind: string, t: { name: string; version: string }) =>
  `${kind}=[name=${t.name}, version=${t.version}]`;

/** The whole server state and every SWF operation on it. */
export class SwfBackend {
  readonly clock = new CallClock();
  private readonly domains = new Map<string, Domain>();
  private readonly tokens = new Map<string, TokenRef>();
  /** internal activity token → public token (to forget it when the task closes without its worker). */
  private readonly activityTokens = new Map<string, string>();
  /** runId → its open decision task's public token. */
  private readonly decisionTokens = new Map<string, string>();
  private recorded: RecordedEvent[] = [];
  private newToken: TokenSource = freshToken;
  /** Called when something changed that a waiting poll or a deadline may care about. */
  onChange: () => void = () => {};

  /** Events recorded since the last call, taken by the store. */
  takeRecorded(): RecordedEvent[] {
    const r = this.recorded;
    this.recorded = [];
    return r;
  }

  /** Runs `op` at `now` (epoch ms). Throws an `SwfFault` when SWF would refuse the call. */
  execute(op: Operation | "$fire", input: Input, now: number, tokens: TokenSource = freshToken): Output {
    this.clock.advanceTo(now);
    this.newToken = tokens;
    try {
      return op === "$fire" ? this.fireDue() : this.dispatch(op, input);
    } catch (err) {
      if (err instanceof SwfFault) throw err;
      if (err instanceof UnknownResourceError) throw unknownResource(err.message);
      if (err instanceof InvalidArgumentError) throw new SwfFault("ValidationException", err.message);
      throw err;
    } finally {
      this.newToken = freshToken;
    }
  }

  private dispatch(op: Operation, i: Input): Output {
    switch (op) {
      case "RegisterDomain":
        return this.registerDomain(i);
      case "DescribeDomain": {
        const d = this.domain(i.name, true);
        return {
          domainInfo: domainInfo(d.record),
          configuration: { workflowExecutionRetentionPeriodInDays: d.record.retentionDays },
        };
      }
      case "ListDomains": {
        const all = [...this.domains.values()]
          .map((d) => d.record)
          .filter((r) => r.status === i.registrationStatus)
          .sort((a, b) => cmp(a.name, b.name));
        const page = paginate(all, i, "domainInfos");
        return { domainInfos: page.items.map(domainInfo), ...page.next };
      }
      case "DeprecateDomain": {
        const d = this.domain(i.name, true);
        if (d.record.status === "DEPRECATED")
          throw new SwfFault("DomainDeprecatedFault", `Domain already deprecated: ${d.record.name}`);
        d.record.status = "DEPRECATED";
        return {};
      }
      case "UndeprecateDomain": {
        const d = this.domain(i.name, true);
        if (d.record.status === "REGISTERED")
          throw new SwfFault("DomainAlreadyExistsFault", `Domain is not deprecated: ${d.record.name}`);
        d.record.status = "REGISTERED";
        return {};
      }
      case "RegisterWorkflowType":
      case "RegisterActivityType":
        return this.registerType(op === "RegisterWorkflowType" ? "workflow" : "activity", i);
      case "DescribeWorkflowType":
      case "DescribeActivityType": {
        const kind = op === "DescribeWorkflowType" ? "workflow" : "activity";
        const t = this.type(kind, i);
        return { typeInfo: typeInfo(t), configuration: { ...t.config } };
      }
      case "ListWorkflowTypes":
      case "ListActivityTypes": {
        const d = this.domain(i.domain, true);
        const kind = op === "ListWorkflowTypes" ? "workflow" : "activity";
        const all = [...(kind === "workflow" ? d.types.workflows : d.types.activities).values()]
          .filter((t) => t.status === i.registrationStatus && (i.name === undefined || t.name === i.name))
          .sort((a, b) => cmp(a.name, b.name) || cmp(a.version, b.version));
        const page = paginate(all, i, "typeInfos");
        return { typeInfos: page.items.map(typeInfo), ...page.next };
      }
      case "DeprecateWorkflowType":
      case "DeprecateActivityType": {
        const t = this.type(op === "DeprecateWorkflowType" ? "workflow" : "activity", i);
        if (t.status === "DEPRECATED")
          throw new SwfFault("TypeDeprecatedFault", `${typeText(typeLabel(t), t)} is already deprecated`);
        t.status = "DEPRECATED";
        t.deprecationDate = this.clock.now() / 1000;
        return {};
      }
      case "UndeprecateWorkflowType":
      case "UndeprecateActivityType": {
        const t = this.type(op === "UndeprecateWorkflowType" ? "workflow" : "activity", i);
        if (t.status === "REGISTERED")
          throw new SwfFault("TypeAlreadyExistsFault", `${typeText(typeLabel(t), t)} is not deprecated`);
        t.status = "REGISTERED";
        t.deprecationDate = undefined;
        return {};
      }
      case "DeleteWorkflowType":
      case "DeleteActivityType": {
        const kind = op === "DeleteWorkflowType" ? "workflow" : "activity";
        const t = this.type(kind, i);
        if (t.status !== "DEPRECATED")
          throw new SwfFault(
            "TypeNotDeprecatedFault",
            `${typeText(typeLabel(t), t)} must be deprecated before it can be deleted`,
          );
        this.domain(i.domain, true).types.delete(t);
        return {};
      }
      case "ListTagsForResource":
        return { tags: [...this.tagged(i.resourceArn).record.tags].map(([key, value]) => ({ key, value })) };
      case "TagResource": {
        const d = this.tagged(i.resourceArn);
        const tags = new Map(d.record.tags);
        for (const t of i.tags as { key: string; value?: string }[]) tags.set(t.key, t.value ?? "");
        if (tags.size > 50) throw new SwfFault("TooManyTagsFault", "a domain can have at most 50 tags");
        d.record.tags = tags;
        return {};
      }
      case "UntagResource": {
        const d = this.tagged(i.resourceArn);
        for (const k of i.tagKeys as string[]) d.record.tags.delete(k);
        return {};
      }
      case "StartWorkflowExecution":
        return this.start(i);
      case "SignalWorkflowExecution": {
        const d = this.domain(i.domain);
        d.service.signalWorkflowExecution(i.workflowId as string, i.signalName as string, s(i.input), runIdOf(i));
        return {};
      }
      case "RequestCancelWorkflowExecution": {
        const d = this.domain(i.domain);
        d.service.requestCancelWorkflowExecution(i.workflowId as string, runIdOf(i));
        return {};
      }
      case "TerminateWorkflowExecution": {
        const d = this.domain(i.domain);
        const policy = i.childPolicy as ChildPolicy | undefined;
        d.service.terminateWorkflowExecution(i.workflowId as string, s(i.reason), runIdOf(i), s(i.details), policy);
        return {};
      }
      case "DescribeWorkflowExecution":
        return this.describeExecution(i);
      case "GetWorkflowExecutionHistory": {
        const d = this.domain(i.domain);
        const e = i.execution as { workflowId: string; runId: string };
        const info = d.runs.get(e.runId);
        if (!info || info.workflowId !== e.workflowId) throw unknownExecution(e);
        const events = this.events(d, e.runId);
        const page = historyPage(events, events.length, i, { k: "h", r: e.runId });
        return { events: page.events, ...page.next };
      }
      case "ListOpenWorkflowExecutions":
      case "ListClosedWorkflowExecutions": {
        const infos = this.visible(i, op === "ListOpenWorkflowExecutions");
        const page = paginate(infos, i, "executionInfos");
        return { executionInfos: page.items.map(executionInfo), ...page.next };
      }
      case "CountOpenWorkflowExecutions":
      case "CountClosedWorkflowExecutions":
        return { count: this.visible(i, op === "CountOpenWorkflowExecutions").length, truncated: false };
      case "CountPendingActivityTasks": {
        const d = this.domain(i.domain, true);
        const name = (i.taskList as { name: string }).name;
        return { count: d.service.queuedActivities().filter((q) => q.taskList === name).length, truncated: false };
      }
      case "CountPendingDecisionTasks": {
        const d = this.domain(i.domain, true);
        const name = (i.taskList as { name: string }).name;
        let count = 0;
        for (const info of d.runs.values())
          if (
            info.closeStatus === undefined &&
            d.service.runById(info.runId)?.recorder.decisionTaskScheduled &&
            d.service.runById(info.runId)?.recorder.decisionTaskList === name
          )
            count++;
        return { count, truncated: false };
      }
      case "PollForDecisionTask":
        return this.pollDecision(i) ?? { taskToken: "", startedEventId: 0, events: [], previousStartedEventId: 0 };
      case "RespondDecisionTaskCompleted":
        return this.respondDecision(i);
      case "PollForActivityTask":
        return this.pollActivity(i) ?? { taskToken: "", startedEventId: 0, activityId: "" };
      case "RespondActivityTaskCompleted": {
        const t = this.activityToken(i.taskToken);
        if (!this.domain(t.domain, true).service.respondActivityTaskCompleted(t.internal, s(i.result)))
          throw unknownTask();
        this.forgetActivity(t.internal);
        return {};
      }
      case "RespondActivityTaskFailed": {
        const t = this.activityToken(i.taskToken);
        if (!this.domain(t.domain, true).service.respondActivityTaskFailed(t.internal, s(i.reason) ?? "", s(i.details)))
          throw unknownTask();
        this.forgetActivity(t.internal);
        return {};
      }
      case "RespondActivityTaskCanceled": {
        const t = this.activityToken(i.taskToken);
        if (!this.domain(t.domain, true).service.respondActivityTaskCanceled(t.internal, s(i.details)))
          throw unknownTask();
        this.forgetActivity(t.internal);
        return {};
      }
      case "RecordActivityTaskHeartbeat": {
        const t = this.activityToken(i.taskToken);
        return this.domain(t.domain, true).service.recordActivityTaskHeartbeat(t.internal, s(i.details));
      }
      default: {
        const unreachable: never = op;
        throw new SwfFault("UnknownOperationException", `unknown operation ${String(unreachable)}`);
      }
    }
  }

  // ─── domains and types ─────────────────────────────────────────────────────────────────────────────────────────

  /** The domain named `name`; deprecated domains only when `evenDeprecated`. */
  private domain(name: unknown, evenDeprecated = false): Domain {
    const d = typeof name === "string" ? this.domains.get(name) : undefined;
    if (!d) throw unknownResource(`Unknown domain: ${String(name)}`);
    if (!evenDeprecated && d.record.status === "DEPRECATED")
      throw unknownResource(`Domain is deprecated: ${d.record.name}`);
    return d;
  }

  /** Every domain, by name. */
  domainNames(): string[] {
    return [...this.domains.keys()].sort(cmp);
  }

  private registerDomain(i: Input): Output {
    const name = i.name as string;
    checkId(name, "name");
    const retention = i.workflowExecutionRetentionPeriodInDays as string;
    if (!(retention === "NONE" || (/^\d+$/.test(retention) && Number(retention) <= 90)))
      throw validationError([
        `Value '${retention}' at 'workflowExecutionRetentionPeriodInDays' failed to satisfy constraint: Member must be a number of days from 0 to 90, or NONE`,
      ]);
    if (this.domains.has(name)) throw new SwfFault("DomainAlreadyExistsFault", `Domain already exists: ${name}`);
    const types = new DomainTypes();
    const runs = new Map<string, ExecutionInfo>();
    const domain: Domain = {
      record: {
        name,
        description: s(i.description),
        retentionDays: retention,
        status: "REGISTERED",
        tags: new Map(
          ((i.tags as { key: string; value?: string }[] | undefined) ?? []).map((t) => [t.key, t.value ?? ""]),
        ),
      },
      types,
      runs,
      service: undefined as unknown as WorkflowService<DomainTypes>,
    };
    domain.service = new WorkflowService(this.clock, types, {
      changed: () => this.onChange(),
      activityCancelRequested: () => {},
      activityClosed: (internal) => this.forgetActivity(internal),
      runChanged: () => {},
      emit: (e) => {
        if (e.kind === "event") this.observe(domain, e.runId, e.workflowId, e.event);
      },
    });
    this.domains.set(name, domain);
    return {};
  }

  private registerType(kind: TypeRecord["kind"], i: Input): Output {
    const d = this.domain(i.domain);
    const t = { name: i.name as string, version: i.version as string };
    checkId(t.name, "name");
    checkId(t.version, "version");
    const label = kind === "workflow" ? "WorkflowType" : "ActivityType";
    if (d.types.get(kind, t)) throw new SwfFault("TypeAlreadyExistsFault", `${typeText(label, t)} already exists`);
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(i))
      if (k.startsWith("default") && v !== undefined && v !== null) {
        if (k.endsWith("Timeout")) checkDuration(v as string, k, k !== "defaultExecutionStartToCloseTimeout");
        config[k] = v;
      }
    d.types.add({
      kind,
      ...t,
      status: "REGISTERED",
      description: s(i.description),
      creationDate: this.clock.now() / 1000,
      deprecationDate: undefined,
      config,
    });
    return {};
  }

  private type(kind: TypeRecord["kind"], i: Input): TypeRecord {
    const d = this.domain(i.domain, true);
    const ref = typeOf(kind === "workflow" ? i.workflowType : i.activityType);
    const t = d.types.get(kind, ref);
    if (!t)
      throw unknownResource(`Unknown type: ${typeText(kind === "workflow" ? "WorkflowType" : "ActivityType", ref)}`);
    return t;
  }

  private tagged(arn: unknown): Domain {
    const m = /^arn:aws[a-z-]*:swf:[^:]*:[^:]*:\/domain\/(.+)$/.exec(String(arn));
    if (!m)
      throw unknownResource(
        `Unknown resource: ${String(arn)} (the dev server tags domains: arn:aws:swf:<region>:<account>:/domain/<name>)`,
      );
    return this.domain(m[1], true);
  }

  // ─── executions ────────────────────────────────────────────────────────────────────────────────────────────────

  private start(i: Input): Output {
    const d = this.domain(i.domain);
    const workflowId = i.workflowId as string;
    checkId(workflowId, "workflowId");
    const ref = typeOf(i.workflowType);
    const type = d.types.get("workflow", ref);
    if (!type) throw unknownResource(`Unknown type: ${typeText("WorkflowType", ref)}`);
    if (type.status === "DEPRECATED")
      throw new SwfFault("TypeDeprecatedFault", `${typeText("WorkflowType", ref)} is deprecated`);
    const c = type.config;
    const taskList =
      (i.taskList as { name: string } | undefined)?.name ?? (c.defaultTaskList as { name: string } | undefined)?.name;
    const execTimeout = s(i.executionStartToCloseTimeout) ?? s(c.defaultExecutionStartToCloseTimeout);
    const taskTimeout = s(i.taskStartToCloseTimeout) ?? s(c.defaultTaskStartToCloseTimeout);
    const childPolicy = (i.childPolicy ?? c.defaultChildPolicy) as ChildPolicy | undefined;
    const undefinedDefault = (what: string) =>
      new SwfFault(
        "DefaultUndefinedFault",
        `${what} is neither given nor registered as a default of ${typeText("WorkflowType", ref)}`,
      );
    if (taskList === undefined) throw undefinedDefault("taskList");
    if (execTimeout === undefined) throw undefinedDefault("executionStartToCloseTimeout");
    if (taskTimeout === undefined) throw undefinedDefault("taskStartToCloseTimeout");
    if (childPolicy === undefined) throw undefinedDefault("childPolicy");
    checkId(taskList, "taskList.name");
    checkDuration(execTimeout, "executionStartToCloseTimeout", false);
    checkDuration(taskTimeout, "taskStartToCloseTimeout", true);
    if (d.service.isOpen(workflowId))
      throw new SwfFault(
        "WorkflowExecutionAlreadyStartedFault",
        `An open execution with workflowId ${workflowId} already exists`,
      );
    const exec = d.service.startWorkflowExecution({
      workflow: d.types.workflow(ref) as NonNullable<ReturnType<DomainTypes["workflow"]>>,
      workflowId,
      input: s(i.input),
      taskList,
      executionStartToCloseTimeout: execTimeout,
      taskStartToCloseTimeout: taskTimeout,
      childPolicy,
      tagList: i.tagList as string[] | undefined,
    });
    return { runId: exec.runId };
  }

  /** Keeps the visibility index and the store's list of new events up to date; every event passes here once. */
  private observe(d: Domain, runId: string, workflowId: string, event: HistoryEvent): void {
    let info = d.runs.get(runId);
    if (event.eventType === "WorkflowExecutionStarted") {
      const a = event.workflowExecutionStartedEventAttributes;
      const created: ExecutionInfo = {
        domain: d.record.name,
        workflowId,
        runId,
        workflowType: typeOf(a?.workflowType),
        startTimestamp: event.eventTimestamp as number,
        closeTimestamp: undefined,
        closeStatus: undefined,
        tagList: [...((a?.tagList as string[] | undefined) ?? [])],
        parent: a?.parentWorkflowExecution
          ? {
              workflowId: a.parentWorkflowExecution.workflowId as string,
              runId: a.parentWorkflowExecution.runId as string,
            }
          : undefined,
        cancelRequested: false,
        taskList: a?.taskList?.name ?? "default",
        latestExecutionContext: undefined,
        latestActivityTaskTimestamp: undefined,
      };
      d.runs.set(runId, created);
      info = created;
    }
    if (!info) return;
    const status = closeStatusOf(event.eventType);
    if (status) {
      info.closeStatus = status;
      info.closeTimestamp = event.eventTimestamp as number;
      const token = this.decisionTokens.get(runId);
      if (token !== undefined) this.tokens.delete(token);
      this.decisionTokens.delete(runId);
    } else if (event.eventType === "WorkflowExecutionCancelRequested") info.cancelRequested = true;
    else if (event.eventType === "ActivityTaskScheduled")
      info.latestActivityTaskTimestamp = event.eventTimestamp as number;
    this.recorded.push({ domain: d.record.name, info, event });
  }

  private events(d: Domain, runId: string): readonly HistoryEvent[] {
    return d.service.runById(runId)?.recorder.events ?? [];
  }

  /** The run's events (for the UI). */
  history(domain: string, runId: string): readonly HistoryEvent[] | undefined {
    const d = this.domains.get(domain);
    return d?.runs.has(runId) ? this.events(d, runId) : undefined;
  }

  /** The visibility record of a run (for the UI). */
  execution(domain: string, runId: string): ExecutionInfo | undefined {
    return this.domains.get(domain)?.runs.get(runId);
  }

  /** Every run of a domain (for the UI), newest first. */
  executions(domain: string): ExecutionInfo[] {
    const d = this.domains.get(domain);
    return d ? [...d.runs.values()].sort((a, b) => b.startTimestamp - a.startTimestamp) : [];
  }

  private describeExecution(i: Input): Output {
    const d = this.domain(i.domain, true);
    const e = i.execution as { workflowId: string; runId: string };
    const info = d.runs.get(e.runId);
    const exec = d.service.runById(e.runId);
    if (!info || !exec || info.workflowId !== e.workflowId) throw unknownExecution(e);
    const started = exec.recorder.events[0]?.workflowExecutionStartedEventAttributes;
    const b = exec.recorder;
    return dropUndefined({
      executionInfo: executionInfo(info),
      executionConfiguration: dropUndefined({
        taskStartToCloseTimeout: started?.taskStartToCloseTimeout ?? "30",
        executionStartToCloseTimeout: started?.executionStartToCloseTimeout ?? "NONE",
        taskList: { name: info.taskList },
        childPolicy: started?.childPolicy ?? "TERMINATE",
        taskPriority: started?.taskPriority,
      }),
      openCounts: {
        openActivityTasks: info.closeStatus ? 0 : b.activities.size,
        openDecisionTasks: info.closeStatus ? 0 : b.decisionTaskOpen ? 1 : 0,
        openTimers: info.closeStatus ? 0 : b.timers.size,
        openChildWorkflowExecutions: info.closeStatus ? 0 : b.children.size,
        openLambdaFunctions: 0,
      },
      latestActivityTaskTimestamp: info.latestActivityTaskTimestamp,
      latestExecutionContext: info.latestExecutionContext,
    });
  }

  /** The runs a List/Count call selects, in SWF's order (newest start first; `reverseOrder` oldest first). */
  private visible(i: Input, open: boolean): ExecutionInfo[] {
    const d = this.domain(i.domain, true);
    const exclusive = ["executionFilter", "typeFilter", "tagFilter", "closeStatusFilter"].filter(
      (k) => i[k] !== undefined && i[k] !== null,
    );
    if (exclusive.length > 1)
      throw new SwfFault(
        "ValidationException",
        `${exclusive.join(", ")} are mutually exclusive: give at most one of executionFilter, typeFilter, tagFilter and closeStatusFilter`,
      );
    const startF = i.startTimeFilter as { oldestDate: number; latestDate?: number } | undefined;
    const closeF = i.closeTimeFilter as { oldestDate: number; latestDate?: number } | undefined;
    if (!open && (startF === undefined) === (closeF === undefined))
      throw new SwfFault("ValidationException", "give exactly one of startTimeFilter and closeTimeFilter");
    const inRange = (t: number | undefined, f: { oldestDate: number; latestDate?: number } | undefined) =>
      f === undefined || (t !== undefined && t >= f.oldestDate && (f.latestDate === undefined || t <= f.latestDate));
    const wid = (i.executionFilter as { workflowId: string } | undefined)?.workflowId;
    const tf = i.typeFilter as { name: string; version?: string } | undefined;
    const tag = (i.tagFilter as { tag: string } | undefined)?.tag;
    const cs = (i.closeStatusFilter as { status: string } | undefined)?.status;
    return [...d.runs.values()]
      .filter(
        (r) =>
          (r.closeStatus === undefined) === open &&
          inRange(r.startTimestamp, startF) &&
          inRange(r.closeTimestamp, closeF) &&
          (wid === undefined || r.workflowId === wid) &&
          (tf === undefined ||
            (r.workflowType.name === tf.name && (tf.version === undefined || r.workflowType.version === tf.version))) &&
          (tag === undefined || r.tagList.includes(tag)) &&
          (cs === undefined || r.closeStatus === cs),
      )
      .sort((a, b) => b.startTimestamp - a.startTimestamp || cmp(a.runId, b.runId));
  }

  // ─── decision tasks ────────────────────────────────────────────────────────────────────────────────────────────

  /** PollForDecisionTask: a decision task (or the next page of one), or undefined when none is waiting. */
  pollDecision(i: Input): Output | undefined {
    const d = this.domain(i.domain, true);
    if (typeof i.nextPageToken === "string" && i.nextPageToken !== "") {
      const p = decodePage(i.nextPageToken);
      if (p.k !== "d" || typeof p.r !== "string" || typeof p.t !== "string") throw badPageToken();
      const info = d.runs.get(p.r);
      if (!info) throw badPageToken();
      const events = this.events(d, p.r);
      const page = historyPage(events, p.e as number, i, p);
      return this.decisionTaskOutput(info, p.t, p.e as number, page);
    }
    const taskList = (i.taskList as { name: string }).name;
    const task = d.service.pollForDecisionTask(s(i.identity) ?? "", (tl) => tl === taskList);
    if (!task) return undefined;
    const token = this.newToken();
    const runId = task.workflowExecution.runId;
    this.tokens.set(token, { kind: "decision", domain: d.record.name, runId, internal: task.taskToken });
    const previous = this.decisionTokens.get(runId);
    if (previous !== undefined) this.tokens.delete(previous);
    this.decisionTokens.set(runId, token);
    const info = d.runs.get(runId) as ExecutionInfo;
    const events = this.events(d, runId);
    const prev = previousStarted(events, task.startedEventId);
    const from = i.startAtPreviousStartedEvent === true && prev > 0 ? prev - 1 : 0;
    const page = historyPage(
      events,
      task.startedEventId,
      { ...i, nextPageToken: undefined },
      {
        k: "d",
        r: runId,
        t: token,
        e: task.startedEventId,
        f: from,
      },
    );
    return this.decisionTaskOutput(info, token, task.startedEventId, page);
  }

  private decisionTaskOutput(
    info: ExecutionInfo,
    token: string,
    startedEventId: number,
    page: ReturnType<typeof historyPage>,
  ): Output {
    const events = this.events(this.domain(info.domain, true), info.runId);
    return {
      taskToken: token,
      startedEventId,
      workflowExecution: { workflowId: info.workflowId, runId: info.runId },
      workflowType: { ...info.workflowType },
      events: page.events,
      previousStartedEventId: previousStarted(events, startedEventId),
      ...page.next,
    };
  }

  private respondDecision(i: Input): Output {
    const ref = this.tokens.get(i.taskToken as string);
    if (ref?.kind !== "decision") throw unknownTask();
    const d = this.domain(ref.domain, true);
    const exec = d.service.runById(ref.runId);
    const info = d.runs.get(ref.runId);
    if (!exec || !info) throw unknownTask();
    const decisions = checkDecisions((i.decisions as Decision[] | undefined) ?? []).map((x) =>
      d.types.withDefaults(x, info.workflowType),
    );
    const override = (i.taskList as { name: string } | undefined)?.name;
    const scheduleToStart = s(i.taskListScheduleToStartTimeout);
    if (override !== undefined) checkId(override, "taskList.name");
    if (scheduleToStart !== undefined) checkDuration(scheduleToStart, "taskListScheduleToStartTimeout", true);
    d.service.respondDecisionTaskCompleted(ref.internal, decisions, {
      executionContext: s(i.executionContext),
      taskList: override === undefined ? undefined : { name: override, scheduleToStartTimeout: scheduleToStart },
    });
    this.tokens.delete(i.taskToken as string);
    if (this.decisionTokens.get(ref.runId) === i.taskToken) this.decisionTokens.delete(ref.runId);
    if (typeof i.executionContext === "string") info.latestExecutionContext = i.executionContext;
    return {};
  }

  // ─── activity tasks ────────────────────────────────────────────────────────────────────────────────────────────

  /** PollForActivityTask: an activity task, or undefined when none is waiting. */
  pollActivity(i: Input): Output | undefined {
    const d = this.domain(i.domain, true);
    const taskList = (i.taskList as { name: string }).name;
    const task = d.service.pollForActivityTask((q) => q.taskList === taskList, s(i.identity) ?? "");
    if (!task) return undefined;
    const token = this.newToken();
    this.tokens.set(token, {
      kind: "activity",
      domain: d.record.name,
      runId: task.workflowExecution.runId,
      internal: task.taskToken,
    });
    this.activityTokens.set(task.taskToken, token);
    return dropUndefined({
      taskToken: token,
      activityId: task.activityId,
      startedEventId: task.startedEventId,
      workflowExecution: { ...task.workflowExecution },
      activityType: { ...task.activityType },
      input: task.input,
    });
  }

  private activityToken(token: unknown): TokenRef {
    const ref = typeof token === "string" ? this.tokens.get(token) : undefined;
    if (ref?.kind !== "activity") throw unknownTask();
    return ref;
  }

  private forgetActivity(internal: string): void {
    const token = this.activityTokens.get(internal);
    if (token === undefined) return;
    this.activityTokens.delete(internal);
    this.tokens.delete(token);
  }

  // ─── deadlines ─────────────────────────────────────────────────────────────────────────────────────────────────

  /** The earliest armed deadline over all domains, epoch ms. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const d of this.domains.values()) {
      const at = d.service.nextDeadline();
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  /**
   * True when time may skip (see `clock.ts`): no open run of any domain has a decision or activity task scheduled
   * or started, and some open run has a timer.
   */
  idleWithTimer(): boolean {
    let timer = false;
    for (const d of this.domains.values())
      for (const info of d.runs.values()) {
        if (info.closeStatus !== undefined) continue;
        const r = d.service.runById(info.runId)?.recorder;
        if (!r) continue;
        if (r.decisionTaskOpen || r.activities.size > 0) return false;
        if (r.timers.size > 0) timer = true;
      }
    return timer;
  }

  private fireDue(): Output {
    const now = this.clock.now();
    let fired = 0;
    for (const d of this.domains.values()) while (d.service.fireDue(now)) fired++;
    return { fired };
  }
}

// ─── helpers ─────────────────────────────────────────────────────────────────────────────────────────────────────

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function runIdOf(i: Input): string | undefined {
  return typeof i.runId === "string" && i.runId !== "" ? i.runId : undefined;
}

function typeLabel(t: TypeRecord): string {
  return t.kind === "workflow" ? "WorkflowType" : "ActivityType";
}

function unknownTask(): SwfFault {
  return unknownResource("Unknown task token: the task was already answered, timed out, or never existed");
}

function unknownExecution(e: { workflowId: string; runId: string }): SwfFault {
  return unknownResource(`Unknown execution: WorkflowExecution=[workflowId=${e.workflowId}, runId=${e.runId}]`);
}

function domainInfo(r: DomainRecord): Output {
  return dropUndefined({
    name: r.name,
    status: r.status,
    description: r.description,
    arn: `arn:aws:swf:us-east-1:${ACCOUNT}:/domain/${r.name}`,
  });
}

function typeInfo(t: TypeRecord): Output {
  return dropUndefined({
    [t.kind === "workflow" ? "workflowType" : "activityType"]: { name: t.name, version: t.version },
    status: t.status,
    description: t.description,
    creationDate: t.creationDate,
    deprecationDate: t.deprecationDate,
  });
}

function executionInfo(r: ExecutionInfo): Output {
  return dropUndefined({
    execution: { workflowId: r.workflowId, runId: r.runId },
    workflowType: { ...r.workflowType },
    startTimestamp: r.startTimestamp,
    closeTimestamp: r.closeTimestamp,
    executionStatus: r.closeStatus === undefined ? "OPEN" : "CLOSED",
    closeStatus: r.closeStatus,
    parent: r.parent,
    tagList: r.tagList.length > 0 ? [...r.tagList] : undefined,
    cancelRequested: r.cancelRequested,
  });
}

/** The DecisionTaskStarted event id of the last decision task the decider completed before `startedEventId`. */
function previousStarted(events: readonly HistoryEvent[], startedEventId: number): number {
  for (let k = Math.min(startedEventId, events.length) - 1; k >= 0; k--) {
    const e = events[k] as HistoryEvent;
    if (e.eventType === "DecisionTaskCompleted")
      return (e.decisionTaskCompletedEventAttributes?.startedEventId as number) ?? 0;
  }
  return 0;
}
