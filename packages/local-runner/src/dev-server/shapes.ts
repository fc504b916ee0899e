/**
 * The input shapes of SWF's 39 operations (from the `swf/2012-01-25` API model, as `@aws-sdk/client-swf` types
 * them) and the validator that checks a request against them the way SWF does: a wrong JSON type is a
 * `SerializationException`; a missing required member, a string too long or too short, a number out of range, a
 * value outside an enum, or too many list members is a `ValidationException` listing every failed constraint in
 * SWF's words ("Value 'x' at 'domain' failed to satisfy constraint: Member must have length less than or equal to
 * 256"). Unknown members are ignored, as SWF ignores them. The validator reads untrusted JSON: it only looks at own
 * properties and never throws anything but an `SwfFault`.
 */
import { DecisionTypeValues, SWF_LIMITS } from "@yieldflow/core";
import { quoteValue, SwfFault, validationError } from "./faults.js";

/** One member's shape. */
export type Shape =
  | { t: "str"; min?: number; max?: number; enum?: readonly string[] }
  | { t: "int"; min?: number; max?: number }
  | { t: "bool" }
  | { t: "ts" }
  | { t: "obj"; f: Fields }
  | { t: "list"; of: Shape; max?: number };

/** Members of a structure: `[shape, required]`. */
export type Fields = { readonly [name: string]: readonly [Shape, boolean] };

const str = (min: number, max: number): Shape => ({ t: "str", min, max });
const en = (...values: string[]): Shape => ({ t: "str", enum: values });
const obj = (f: Fields): Shape => ({ t: "obj", f });
const req = (s: Shape) => [s, true] as const;
const opt = (s: Shape) => [s, false] as const;

const Name = str(1, 256);
const Version = str(1, 64);
const DomainName = str(1, 256);
const Identity = str(0, 256);
const Data = str(0, SWF_LIMITS.dataChars);
const LimitedData = str(0, 2_048);
const RunIdOptional = str(0, 64);
const RunId = str(1, 64);
const TaskToken = str(1, 1_024);
const PageToken = str(0, 2_048);
const PageSize: Shape = { t: "int", min: 0, max: 1_000 };
const Duration = str(1, 8);
const DurationOptional = str(0, 8);
const Tag = str(0, 256);
const FailureReason = str(0, 256);
const TerminateReason = str(0, 256);
const Description = str(0, 1_024);
const Arn = str(1, 1_600);
const ChildPolicy = en("TERMINATE", "REQUEST_CANCEL", "ABANDON");
const RegistrationStatus = en("REGISTERED", "DEPRECATED");
const CloseStatus = en("COMPLETED", "FAILED", "CANCELED", "TERMINATED", "CONTINUED_AS_NEW", "TIMED_OUT");
const TaskList = obj({ name: req(Name) });
const TypeRef = obj({ name: req(Name), version: req(Version) });
const Execution = obj({ workflowId: req(Name), runId: req(RunId) });
const TagList: Shape = { t: "list", of: Tag, max: 5 };
const ResourceTag = obj({ key: req(str(1, 128)), value: opt(str(0, 256)) });
const TimeFilter = obj({ oldestDate: req({ t: "ts" }), latestDate: opt({ t: "ts" }) });
const TypeFilter = obj({ name: req(Name), version: opt(str(0, 64)) });
const TagFilter = obj({ tag: req(Tag) });
const ExecutionFilter = obj({ workflowId: req(Name) });
const CloseStatusFilter = obj({ status: req(CloseStatus) });
const Priority = str(0, 11);

/** The shapes of a decision's attributes (the member is `<lowerCamel(decisionType)>DecisionAttributes`). */
export const DECISION_ATTRIBUTES: Fields = {
  scheduleActivityTaskDecisionAttributes: opt(
    obj({
      activityType: req(TypeRef),
      activityId: req(Name),
      control: opt(Data),
      input: opt(Data),
      scheduleToCloseTimeout: opt(DurationOptional),
      taskList: opt(TaskList),
      taskPriority: opt(Priority),
      scheduleToStartTimeout: opt(DurationOptional),
      startToCloseTimeout: opt(DurationOptional),
      heartbeatTimeout: opt(DurationOptional),
    }),
  ),
  requestCancelActivityTaskDecisionAttributes: opt(obj({ activityId: req(Name) })),
  completeWorkflowExecutionDecisionAttributes: opt(obj({ result: opt(Data) })),
  failWorkflowExecutionDecisionAttributes: opt(obj({ reason: opt(FailureReason), details: opt(Data) })),
  cancelWorkflowExecutionDecisionAttributes: opt(obj({ details: opt(Data) })),
  continueAsNewWorkflowExecutionDecisionAttributes: opt(
    obj({
      input: opt(Data),
      executionStartToCloseTimeout: opt(DurationOptional),
      taskList: opt(TaskList),
      taskPriority: opt(Priority),
      taskStartToCloseTimeout: opt(DurationOptional),
      childPolicy: opt(ChildPolicy),
      tagList: opt(TagList),
      workflowTypeVersion: opt(Version),
      lambdaRole: opt(str(1, 1_600)),
    }),
  ),
  recordMarkerDecisionAttributes: opt(obj({ markerName: req(Name), details: opt(Data) })),
  startTimerDecisionAttributes: opt(obj({ timerId: req(Name), control: opt(Data), startToFireTimeout: req(Duration) })),
  cancelTimerDecisionAttributes: opt(obj({ timerId: req(Name) })),
  signalExternalWorkflowExecutionDecisionAttributes: opt(
    obj({
      workflowId: req(Name),
      runId: opt(RunIdOptional),
      signalName: req(Name),
      input: opt(Data),
      control: opt(Data),
    }),
  ),
  requestCancelExternalWorkflowExecutionDecisionAttributes: opt(
    obj({ workflowId: req(Name), runId: opt(RunIdOptional), control: opt(Data) }),
  ),
  startChildWorkflowExecutionDecisionAttributes: opt(
    obj({
      workflowType: req(TypeRef),
      workflowId: req(Name),
      control: opt(Data),
      input: opt(Data),
      executionStartToCloseTimeout: opt(DurationOptional),
      taskList: opt(TaskList),
      taskPriority: opt(Priority),
      taskStartToCloseTimeout: opt(DurationOptional),
      childPolicy: opt(ChildPolicy),
      tagList: opt(TagList),
      lambdaRole: opt(str(1, 1_600)),
    }),
  ),
  scheduleLambdaFunctionDecisionAttributes: opt(
    obj({
      id: req(Name),
      name: req(str(1, 64)),
      control: opt(Data),
      input: opt(Data),
      startToCloseTimeout: opt(DurationOptional),
    }),
  ),
};

/** A decision: one of SWF's decision types (core's list), with its attributes member. */
const Decision = obj({ decisionType: req(en(...DecisionTypeValues)), ...DECISION_ATTRIBUTES });

const _domainOnly: Fields = { domain: req(DomainName) };
const typeRegistration = (extra: Fields): Fields => ({
  domain: req(DomainName),
  name: req(Name),
  version: req(Version),
  description: opt(Description),
  defaultTaskStartToCloseTimeout: opt(DurationOptional),
  defaultTaskList: opt(TaskList),
  defaultTaskPriority: opt(Priority),
  ...extra,
});
const listTypes: Fields = {
  domain: req(DomainName),
  name: opt(Name),
  registrationStatus: req(RegistrationStatus),
  nextPageToken: opt(PageToken),
  maximumPageSize: opt(PageSize),
  reverseOrder: opt({ t: "bool" }),
};
const closedFilters: Fields = {
  domain: req(DomainName),
  startTimeFilter: opt(TimeFilter),
  closeTimeFilter: opt(TimeFilter),
  executionFilter: opt(ExecutionFilter),
  closeStatusFilter: opt(CloseStatusFilter),
  typeFilter: opt(TypeFilter),
  tagFilter: opt(TagFilter),
};
const openFilters: Fields = {
  domain: req(DomainName),
  startTimeFilter: req(TimeFilter),
  typeFilter: opt(TypeFilter),
  tagFilter: opt(TagFilter),
  executionFilter: opt(ExecutionFilter),
};
const paging: Fields = {
  nextPageToken: opt(PageToken),
  maximumPageSize: opt(PageSize),
  reverseOrder: opt({ t: "bool" }),
};

/** Every operation's input members. */
export const OPERATIONS = {
  CountClosedWorkflowExecutions: closedFilters,
  CountOpenWorkflowExecutions: openFilters,
  CountPendingActivityTasks: { domain: req(DomainName), taskList: req(TaskList) },
  CountPendingDecisionTasks: { domain: req(DomainName), taskList: req(TaskList) },
  DeleteActivityType: { domain: req(DomainName), activityType: req(TypeRef) },
  DeleteWorkflowType: { domain: req(DomainName), workflowType: req(TypeRef) },
  DeprecateActivityType: { domain: req(DomainName), activityType: req(TypeRef) },
  DeprecateDomain: { name: req(DomainName) },
  DeprecateWorkflowType: { domain: req(DomainName), workflowType: req(TypeRef) },
  DescribeActivityType: { domain: req(DomainName), activityType: req(TypeRef) },
  DescribeDomain: { name: req(DomainName) },
  DescribeWorkflowExecution: { domain: req(DomainName), execution: req(Execution) },
  DescribeWorkflowType: { domain: req(DomainName), workflowType: req(TypeRef) },
  GetWorkflowExecutionHistory: { domain: req(DomainName), execution: req(Execution), ...paging },
  ListActivityTypes: listTypes,
  ListClosedWorkflowExecutions: { ...closedFilters, ...paging },
  ListDomains: { registrationStatus: req(RegistrationStatus), ...paging },
  ListOpenWorkflowExecutions: { ...openFilters, ...paging },
  ListTagsForResource: { resourceArn: req(Arn) },
  ListWorkflowTypes: listTypes,
  PollForActivityTask: { domain: req(DomainName), taskList: req(TaskList), identity: opt(Identity) },
  PollForDecisionTask: {
    domain: req(DomainName),
    taskList: req(TaskList),
    identity: opt(Identity),
    ...paging,
    startAtPreviousStartedEvent: opt({ t: "bool" }),
  },
  RecordActivityTaskHeartbeat: { taskToken: req(TaskToken), details: opt(LimitedData) },
  RegisterActivityType: typeRegistration({
    defaultTaskHeartbeatTimeout: opt(DurationOptional),
    defaultTaskScheduleToStartTimeout: opt(DurationOptional),
    defaultTaskScheduleToCloseTimeout: opt(DurationOptional),
  }),
  RegisterDomain: {
    name: req(DomainName),
    description: opt(Description),
    workflowExecutionRetentionPeriodInDays: req(str(1, 8)),
    tags: opt({ t: "list", of: ResourceTag, max: 50 }),
  },
  RegisterWorkflowType: typeRegistration({
    defaultExecutionStartToCloseTimeout: opt(DurationOptional),
    defaultChildPolicy: opt(ChildPolicy),
    defaultLambdaRole: opt(str(1, 1_600)),
  }),
  RequestCancelWorkflowExecution: { domain: req(DomainName), workflowId: req(Name), runId: opt(RunIdOptional) },
  RespondActivityTaskCanceled: { taskToken: req(TaskToken), details: opt(Data) },
  RespondActivityTaskCompleted: { taskToken: req(TaskToken), result: opt(Data) },
  RespondActivityTaskFailed: { taskToken: req(TaskToken), reason: opt(FailureReason), details: opt(Data) },
  RespondDecisionTaskCompleted: {
    taskToken: req(TaskToken),
    decisions: opt({ t: "list", of: Decision }),
    executionContext: opt(Data),
    taskList: opt(TaskList),
    taskListScheduleToStartTimeout: opt(DurationOptional),
  },
  SignalWorkflowExecution: {
    domain: req(DomainName),
    workflowId: req(Name),
    runId: opt(RunIdOptional),
    signalName: req(Name),
    input: opt(Data),
  },
  StartWorkflowExecution: {
    domain: req(DomainName),
    workflowId: req(Name),
    workflowType: req(TypeRef),
    taskList: opt(TaskList),
    taskPriority: opt(Priority),
    input: opt(Data),
    executionStartToCloseTimeout: opt(DurationOptional),
    tagList: opt(TagList),
    taskStartToCloseTimeout: opt(DurationOptional),
    childPolicy: opt(ChildPolicy),
    lambdaRole: opt(str(1, 1_600)),
  },
  TagResource: { resourceArn: req(Arn), tags: req({ t: "list", of: ResourceTag }) },
  TerminateWorkflowExecution: {
    domain: req(DomainName),
    workflowId: req(Name),
    runId: opt(RunIdOptional),
    reason: opt(TerminateReason),
    details: opt(Data),
    childPolicy: opt(ChildPolicy),
  },
  UndeprecateActivityType: { domain: req(DomainName), activityType: req(TypeRef) },
  UndeprecateDomain: { name: req(DomainName) },
  UndeprecateWorkflowType: { domain: req(DomainName), workflowType: req(TypeRef) },
  UntagResource: { resourceArn: req(Arn), tagKeys: req({ t: "list", of: str(1, 128) }) },
} as const satisfies Record<string, Fields>;

/** An SWF operation name. */
export type Operation = keyof typeof OPERATIONS;

const has = (o: object, k: string): boolean => Object.hasOwn(o, k);

/** True when `name` is one of SWF's operations (an own key of the table, never a prototype member). */
export function isOperation(name: string): name is Operation {
  return has(OPERATIONS, name);
}

/**
 * Checks `input` against `op`'s shape. Throws `SerializationException` for a wrong JSON type and
 * `ValidationException` (listing every failed constraint) for values SWF refuses.
 */
export function validateInput(op: Operation, input: unknown): void {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new SwfFault("SerializationException", `the body of ${op} must be a JSON object`);
  const problems: string[] = [];
  checkFields(OPERATIONS[op], input as Record<string, unknown>, "", problems);
  if (problems.length > 0) throw validationError(problems);
}

function checkFields(fields: Fields, value: Record<string, unknown>, prefix: string, problems: string[]): void {
  for (const name of Object.keys(fields)) {
    const [shape, required] = fields[name] as readonly [Shape, boolean];
    const path = `${prefix}${name}`;
    const v = has(value, name) ? value[name] : undefined;
    if (v === undefined || v === null) {
      if (required) problems.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    check(shape, v, path, problems);
  }
}

function check(shape: Shape, v: unknown, path: string, problems: string[]): void {
  const fail = (constraint: string) =>
    problems.push(`Value ${quoteValue(v)} at '${path}' failed to satisfy constraint: ${constraint}`);
  switch (shape.t) {
    case "str": {
      if (typeof v !== "string") throw wrongType(path, "a string", v);
      if (shape.enum && !shape.enum.includes(v)) fail(`Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
      if (shape.min !== undefined && v.length < shape.min)
        fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && v.length > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      return;
    }
    case "int": {
      if (typeof v !== "number" || !Number.isInteger(v)) throw wrongType(path, "an integer", v);
      if (shape.min !== undefined && v < shape.min)
        fail(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && v > shape.max) fail(`Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case "bool":
      if (typeof v !== "boolean") throw wrongType(path, "a boolean", v);
      return;
    case "ts":
      if (typeof v !== "number" || !Number.isFinite(v)) throw wrongType(path, "a timestamp (epoch seconds)", v);
      return;
    case "obj":
      if (typeof v !== "object" || Array.isArray(v)) throw wrongType(path, "an object", v);
      checkFields(shape.f, v as Record<string, unknown>, `${path}.`, problems);
      return;
    case "list": {
      if (!Array.isArray(v)) throw wrongType(path, "a list", v);
      if (shape.max !== undefined && v.length > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      v.forEach((item, i) => {
        const p = `${path}.${i + 1}.member`;
        if (item === null || item === undefined)
          problems.push(`Value null at '${p}' failed to satisfy constraint: Member must not be null`);
        else check(shape.of, item, p, problems);
      });
      return;
    }
    default: {
      const unreachable: never = shape;
      throw new Error(`unknown shape ${JSON.stringify(unreachable)}`);
    }
  }
}

function wrongType(path: string, expected: string, v: unknown): SwfFault {
  const got = Array.isArray(v) ? "a list" : v === null ? "null" : `a ${typeof v}`;
  return new SwfFault("SerializationException", `'${path}' must be ${expected}, not ${got}`);
}
