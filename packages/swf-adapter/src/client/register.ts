/**
 * Idempotent registration of a domain and of workflow and activity types from their definitions, with the defaults
 * core derives from them (`activityTypeDefaults`, `workflowTypeDefaults`: the same ones the local runner applies).
 * A type that exists already is success; if it was registered with other defaults, the difference is reported
 * (SWF cannot change a registered type's defaults: register a new version, or deprecate and re-register).
 */
import {
  DescribeActivityTypeCommand,
  DescribeWorkflowTypeCommand,
  RegisterActivityTypeCommand,
  RegisterDomainCommand,
  RegisterWorkflowTypeCommand,
  type SWFClient,
} from "@aws-sdk/client-swf";
import {
  type AnyActivity,
  type AnyActivityDefinition,
  type AnyWorkflow,
  activityTypeDefaults,
  workflowTypeDefaults,
} from "@yieldflow/core";
import { withRetries } from "../worker/backoff.js";

/** A registered type whose defaults are not the ones its definition asks for. */
export interface DefaultsDifference {
  kind: "workflow" | "activity";
  /** `name@version`. */
  type: string;
  field: string;
  registered: string | undefined;
  wanted: string | undefined;
}

/** What {@link registerTypes} did. */
export interface RegistrationReport {
  domain: "registered" | "existing" | "skipped";
  /** `workflow name@version` / `activity name@version` registered now. */
  registered: string[];
  /** Types that were registered already (with the same or other defaults). */
  existing: string[];
  /** Defaults that differ between SWF and the definitions. Empty when all agree. */
  differing: DefaultsDifference[];
}

/** What {@link registerTypes} takes. */
export interface RegistrationOptions {
  domain: string;
  /** Register the domain too (with this retention). Default true. */
  registerDomain?: boolean;
  /** The domain's workflowExecutionRetentionPeriodInDays (0–90). Default 7. */
  retentionDays?: number;
  workflows?: readonly AnyWorkflow[];
  /** Activity definitions, or implementations (their definitions are registered). */
  activities?: readonly (AnyActivityDefinition | AnyActivity)[];
}

const nameOf = (e: unknown) => (e as { name?: unknown } | null)?.name;

/**
 * Registers the domain and every type, idempotently.
 *
 * @example
 * const report = await registerTypes(swf, { domain: "shop", workflows: [order], activities });
 * for (const d of report.differing) console.warn(`${d.type}: ${d.field} is ${d.registered}, wanted ${d.wanted}`);
 */
export async function registerTypes(client: SWFClient, options: RegistrationOptions): Promise<RegistrationReport> {
  const report: RegistrationReport = { domain: "skipped", registered: [], existing: [], differing: [] };
  const call = <T>(fn: () => Promise<T>) => withRetries(fn, { maxAttempts: 8 });
  const { domain } = options;
  if (options.registerDomain !== false) {
    try {
      await call(() =>
        client.send(
          new RegisterDomainCommand({
            name: domain,
            workflowExecutionRetentionPeriodInDays: String(options.retentionDays ?? 7),
          }),
        ),
      );
      report.domain = "registered";
    } catch (err) {
      if (nameOf(err) !== "DomainAlreadyExistsFault") throw err;
      report.domain = "existing";
    }
  }
  const seen = new Set<string>();
  for (const w of options.workflows ?? []) {
    const key = `workflow ${w.name}@${w.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const wanted = workflowTypeDefaults(w);
    try {
      await call(() =>
        client.send(
          new RegisterWorkflowTypeCommand({
            domain,
            name: w.name,
            version: w.version,
            ...(w.description !== undefined && { description: w.description.slice(0, 1024) }),
            ...wanted,
            defaultChildPolicy: wanted.defaultChildPolicy as "TERMINATE",
          }),
        ),
      );
      report.registered.push(key);
    } catch (err) {
      if (nameOf(err) !== "TypeAlreadyExistsFault") throw err;
      report.existing.push(key);
      const out = await call(() =>
        client.send(new DescribeWorkflowTypeCommand({ domain, workflowType: { name: w.name, version: w.version } })),
      );
      const c = out.configuration ?? {};
      compare(report, "workflow", `${w.name}@${w.version}`, {
        defaultTaskList: [c.defaultTaskList?.name, wanted.defaultTaskList?.name],
        defaultExecutionStartToCloseTimeout: [
          c.defaultExecutionStartToCloseTimeout,
          wanted.defaultExecutionStartToCloseTimeout,
        ],
        defaultTaskStartToCloseTimeout: [c.defaultTaskStartToCloseTimeout, wanted.defaultTaskStartToCloseTimeout],
        defaultChildPolicy: [c.defaultChildPolicy, wanted.defaultChildPolicy],
      });
    }
  }
  for (const item of options.activities ?? []) {
    const a = "definition" in item ? item.definition : item;
    const key = `activity ${a.name}@${a.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const wanted = activityTypeDefaults(a);
    try {
      await call(() =>
        client.send(
          new RegisterActivityTypeCommand({
            domain,
            name: a.name,
            version: a.version,
            ...(a.description !== undefined && { description: a.description.slice(0, 1024) }),
            ...wanted,
          }),
        ),
      );
      report.registered.push(key);
    } catch (err) {
      if (nameOf(err) !== "TypeAlreadyExistsFault") throw err;
      report.existing.push(key);
      const out = await call(() =>
        client.send(new DescribeActivityTypeCommand({ domain, activityType: { name: a.name, version: a.version } })),
      );
      const c = out.configuration ?? {};
      compare(report, "activity", `${a.name}@${a.version}`, {
        defaultTaskList: [c.defaultTaskList?.name, wanted.defaultTaskList?.name],
        defaultTaskStartToCloseTimeout: [c.defaultTaskStartToCloseTimeout, wanted.defaultTaskStartToCloseTimeout],
        defaultTaskScheduleToStartTimeout: [
          c.defaultTaskScheduleToStartTimeout,
          wanted.defaultTaskScheduleToStartTimeout,
        ],
        defaultTaskScheduleToCloseTimeout: [
          c.defaultTaskScheduleToCloseTimeout,
          wanted.defaultTaskScheduleToCloseTimeout,
        ],
        defaultTaskHeartbeatTimeout: [c.defaultTaskHeartbeatTimeout, wanted.defaultTaskHeartbeatTimeout],
        defaultTaskPriority: [c.defaultTaskPriority, wanted.defaultTaskPriority],
      });
    }
  }
  return report;
}

function compare(
  report: RegistrationReport,
  kind: "workflow" | "activity",
  type: string,
  fields: Record<string, [string | undefined, string | undefined]>,
): void {
  for (const [field, [registered, wanted]] of Object.entries(fields)) {
    if ((registered ?? undefined) !== (wanted ?? undefined))
      report.differing.push({ kind, type, field, registered, wanted });
  }
}
