/**
 * Registration operations: domains (Register/Describe/List/Deprecate/Undeprecate), workflow and activity types
 * (the same, plus Delete), and a domain's tags. Registering a domain creates its `WorkflowService`, whose registry
 * is the domain's registered types, so executions run from registered types and their defaults.
 */
import { compact } from "@yieldflow/core";
import { WorkflowService } from "../runner/service.js";
import { activityClosed } from "./activity-tasks.js";
import { checkDuration, checkId } from "./checks.js";
import { observe } from "./executions.js";
import { SwfFault, unknownResource, validationError } from "./faults.js";
import { paginate } from "./paging.js";
import {
  type BackendState,
  cmp,
  type Domain,
  type DomainRecord,
  domainOf,
  type ExecutionInfo,
  type Handlers,
  type Input,
  type Output,
  s,
  typeOf,
  typeText,
} from "./state.js";
import { DomainTypes, type TypeRecord } from "./types.js";

const ACCOUNT = "000000000000";

/** The handlers of the registration operations. */
export const registrationOperations = {
  RegisterDomain: registerDomain,
  DescribeDomain: (st, i) => {
    const d = domainOf(st, i.name, true);
    return {
      domainInfo: domainInfo(d.record),
      configuration: { workflowExecutionRetentionPeriodInDays: d.record.retentionDays },
    };
  },
  ListDomains: (st, i) => {
    const all = [...st.domains.values()]
      .map((d) => d.record)
      .filter((r) => r.status === i.registrationStatus)
      .sort((a, b) => cmp(a.name, b.name));
    const page = paginate(all, i, "domainInfos");
    return { domainInfos: page.items.map(domainInfo), ...page.next };
  },
  DeprecateDomain: (st, i) => {
    const d = domainOf(st, i.name, true);
    if (d.record.status === "DEPRECATED")
      throw new SwfFault("DomainDeprecatedFault", `Domain already deprecated: ${d.record.name}`);
    d.record.status = "DEPRECATED";
    return {};
  },
  UndeprecateDomain: (st, i) => {
    const d = domainOf(st, i.name, true);
    if (d.record.status === "REGISTERED")
      throw new SwfFault("DomainAlreadyExistsFault", `Domain is not deprecated: ${d.record.name}`);
    d.record.status = "REGISTERED";
    return {};
  },
  RegisterWorkflowType: (st, i) => registerType(st, "workflow", i),
  RegisterActivityType: (st, i) => registerType(st, "activity", i),
  DescribeWorkflowType: (st, i) => describeType(st, "workflow", i),
  DescribeActivityType: (st, i) => describeType(st, "activity", i),
  ListWorkflowTypes: (st, i) => listTypes(st, "workflow", i),
  ListActivityTypes: (st, i) => listTypes(st, "activity", i),
  DeprecateWorkflowType: (st, i) => deprecateType(st, "workflow", i),
  DeprecateActivityType: (st, i) => deprecateType(st, "activity", i),
  UndeprecateWorkflowType: (st, i) => undeprecateType(st, "workflow", i),
  UndeprecateActivityType: (st, i) => undeprecateType(st, "activity", i),
  DeleteWorkflowType: (st, i) => deleteType(st, "workflow", i),
  DeleteActivityType: (st, i) => deleteType(st, "activity", i),
  ListTagsForResource: (st, i) => ({
    tags: [...tagged(st, i.resourceArn).record.tags].map(([key, value]) => ({ key, value })),
  }),
  TagResource: (st, i) => {
    const d = tagged(st, i.resourceArn);
    const tags = new Map(d.record.tags);
    for (const t of i.tags as { key: string; value?: string }[]) tags.set(t.key, t.value ?? "");
    if (tags.size > 50) throw new SwfFault("TooManyTagsFault", "a domain can have at most 50 tags");
    d.record.tags = tags;
    return {};
  },
  UntagResource: (st, i) => {
    const d = tagged(st, i.resourceArn);
    for (const k of i.tagKeys as string[]) d.record.tags.delete(k);
    return {};
  },
} satisfies Handlers;

// ─── domains ─────────────────────────────────────────────────────────────────────────────────────────────────────

function registerDomain(st: BackendState, i: Input): Output {
  const name = i.name as string;
  checkId(name, "name");
  const retention = i.workflowExecutionRetentionPeriodInDays as string;
  if (!(retention === "NONE" || (/^\d+$/.test(retention) && Number(retention) <= 90)))
    throw validationError([
      `Value '${retention}' at 'workflowExecutionRetentionPeriodInDays' failed to satisfy constraint: Member must be a number of days from 0 to 90, or NONE`,
    ]);
  if (st.domains.has(name)) throw new SwfFault("DomainAlreadyExistsFault", `Domain already exists: ${name}`);
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
  domain.service = new WorkflowService(st.clock, types, {
    changed: () => st.changed(),
    activityCancelRequested: () => {},
    activityClosed: (internal) => activityClosed(st, internal),
    runChanged: () => {},
    emit: (e) => {
      if (e.kind === "event") observe(st, domain, e.runId, e.workflowId, e.event);
    },
  });
  st.domains.set(name, domain);
  return {};
}

function domainInfo(r: DomainRecord): Output {
  return compact({
    name: r.name,
    status: r.status,
    description: r.description,
    arn: `arn:aws:swf:us-east-1:${ACCOUNT}:/domain/${r.name}`,
  });
}

/** The domain a tagging call's ARN names. */
function tagged(st: BackendState, arn: unknown): Domain {
  const m = /^arn:aws[a-z-]*:swf:[^:]*:[^:]*:\/domain\/(.+)$/.exec(String(arn));
  if (!m)
    throw unknownResource(
      `Unknown resource: ${String(arn)} (the dev server tags domains: arn:aws:swf:<region>:<account>:/domain/<name>)`,
    );
  return domainOf(st, m[1], true);
}

// ─── workflow and activity types ─────────────────────────────────────────────────────────────────────────────────

type Kind = TypeRecord["kind"];

function registerType(st: BackendState, kind: Kind, i: Input): Output {
  const d = domainOf(st, i.domain);
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
    creationDate: st.clock.now() / 1000,
    deprecationDate: undefined,
    config,
  });
  return {};
}

/** The registered type a call names (deprecated ones too). */
function typeNamed(st: BackendState, kind: Kind, i: Input): TypeRecord {
  const d = domainOf(st, i.domain, true);
  const ref = typeOf(kind === "workflow" ? i.workflowType : i.activityType);
  const t = d.types.get(kind, ref);
  if (!t)
    throw unknownResource(`Unknown type: ${typeText(kind === "workflow" ? "WorkflowType" : "ActivityType", ref)}`);
  return t;
}

function describeType(st: BackendState, kind: Kind, i: Input): Output {
  const t = typeNamed(st, kind, i);
  return { typeInfo: typeInfo(t), configuration: { ...t.config } };
}

function listTypes(st: BackendState, kind: Kind, i: Input): Output {
  const d = domainOf(st, i.domain, true);
  const all = [...(kind === "workflow" ? d.types.workflows : d.types.activities).values()]
    .filter((t) => t.status === i.registrationStatus && (i.name === undefined || t.name === i.name))
    .sort((a, b) => cmp(a.name, b.name) || cmp(a.version, b.version));
  const page = paginate(all, i, "typeInfos");
  return { typeInfos: page.items.map(typeInfo), ...page.next };
}

function deprecateType(st: BackendState, kind: Kind, i: Input): Output {
  const t = typeNamed(st, kind, i);
  if (t.status === "DEPRECATED")
    throw new SwfFault("TypeDeprecatedFault", `${typeText(typeLabel(t), t)} is already deprecated`);
  t.status = "DEPRECATED";
  t.deprecationDate = st.clock.now() / 1000;
  return {};
}

function undeprecateType(st: BackendState, kind: Kind, i: Input): Output {
  const t = typeNamed(st, kind, i);
  if (t.status === "REGISTERED")
    throw new SwfFault("TypeAlreadyExistsFault", `${typeText(typeLabel(t), t)} is not deprecated`);
  t.status = "REGISTERED";
  t.deprecationDate = undefined;
  return {};
}

function deleteType(st: BackendState, kind: Kind, i: Input): Output {
  const t = typeNamed(st, kind, i);
  if (t.status !== "DEPRECATED")
    throw new SwfFault(
      "TypeNotDeprecatedFault",
      `${typeText(typeLabel(t), t)} must be deprecated before it can be deleted`,
    );
  domainOf(st, i.domain, true).types.delete(t);
  return {};
}

function typeLabel(t: TypeRecord): string {
  return t.kind === "workflow" ? "WorkflowType" : "ActivityType";
}

function typeInfo(t: TypeRecord): Output {
  return compact({
    [t.kind === "workflow" ? "workflowType" : "activityType"]: { name: t.name, version: t.version },
    status: t.status,
    description: t.description,
    creationDate: t.creationDate,
    deprecationDate: t.deprecationDate,
  });
}
