/**
 * The SWF commands of the `yieldflow` CLI: `worker`, `start`, `signal`, `cancel`, `terminate`, `describe`, `list`,
 * and the SWF side of `history` and `replay` (`fetchHistory`). The CLI itself lives in @yieldflow/local-runner and
 * loads this module only for these commands, passing what they need (module loading, usage errors) in a context.
 *
 * Connection: `--endpoint` (else AWS_ENDPOINT_URL_SWF, else AWS), `--region` (else the AWS chain), `--domain`
 * (else YIELDFLOW_DOMAIN). Credentials come from the standard AWS chain.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { type AnyActivity, type AnyWorkflow, describeError, type HistoryEvent, type Payloads } from "@yieldflow/core";
import { SwfClient } from "../client/client.js";
import { registerTypes } from "../client/register.js";
import { createSwfClient } from "../config.js";
import { consoleLogger, type LogLevelName } from "../logger.js";
import { WorkerMetrics } from "../metrics.js";
import { ActivityWorker } from "../worker/activity-worker.js";
import { DeciderWorker } from "../worker/decider.js";
import { runUntilSignal, type Worker } from "../worker/worker.js";

/** What the CLI gives these commands. */
export interface SwfCliContext {
  io: { out: (text: string) => void; err: (text: string) => void; cwd: string };
  loadModule(
    path: string,
  ): Promise<{ workflows: { exportName: string; workflow: AnyWorkflow }[]; activities: AnyActivity[] }>;
  pickWorkflow(
    mod: { workflows: { exportName: string; workflow: AnyWorkflow }[] },
    name: string | undefined,
  ): AnyWorkflow;
  /** Loads a `--payloads` module (it exports `payloads`: a pipeline or its options), as `yieldflow run` does. */
  loadPayloads(path: string, command: string): Promise<Payloads>;
  /** An error the CLI reports as a usage error (exit status 2). */
  usage(message: string, command: string): Error;
}

const CONNECTION_HELP = `Connection (the same code points at AWS or at \`yieldflow dev-server\`):
      --domain <name>     the SWF domain (default: $YIELDFLOW_DOMAIN)
      --endpoint <url>    the SWF endpoint (default: $AWS_ENDPOINT_URL_SWF, else AWS's for the region)
      --region <region>   the AWS region (default: the AWS SDK chain; us-east-1 for a local endpoint)
  Credentials come from the standard AWS chain (environment, profile, SSO, instance role).`;

const CONNECTION_OPTIONS = {
  domain: { type: "string" },
  endpoint: { type: "string" },
  region: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type Connection = { domain?: string | undefined; endpoint?: string | undefined; region?: string | undefined };

function connect(values: Connection, ctx: SwfCliContext, command: string, payloads?: Payloads): SwfClient {
  const domain = values.domain ?? process.env.YIELDFLOW_DOMAIN;
  if (!domain) throw ctx.usage("--domain is required (or set YIELDFLOW_DOMAIN)", command);
  return new SwfClient({
    domain,
    ...(values.endpoint !== undefined && { endpoint: values.endpoint }),
    ...(values.region !== undefined && { region: values.region }),
    ...(payloads !== undefined && { payloads }),
  });
}

function parseInput(text: string | undefined, ctx: SwfCliContext, command: string): unknown {
  if (text === undefined) return undefined;
  let json = text;
  if (text.startsWith("@")) {
    try {
      json = readFileSync(resolve(ctx.io.cwd, text.slice(1)), "utf8");
    } catch {
      throw ctx.usage(`cannot read input file ${text.slice(1)}`, command);
    }
  }
  try {
    return JSON.parse(json);
  } catch (err) {
    throw ctx.usage(`--input is not valid JSON: ${describeError(err)}`, command);
  }
}

function positiveInt(text: string | undefined, name: string, ctx: SwfCliContext, command: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw ctx.usage(`${name} must be a whole number, got ${JSON.stringify(text)}`, command);
  return n;
}

// ─── worker ─────────────────────────────────────────────────────────────────────────────────────────────────────

export const WORKER_HELP = `Usage: yieldflow worker <module> [options]

Runs SWF workers for what <module> exports: a decider for its workflows and an activity worker for its activity
implementations, until SIGINT or SIGTERM (then they stop polling and finish what is in flight). Registers the
domain and the types first (idempotent; differing defaults are reported).

Options:
      --deciders-only             run only the decider
      --activities-only           run only the activity worker
      --task-list <name>          the decision task list (default: each workflow's task list, else "default")
      --activity-task-list <name> an activity task list to poll (repeatable; default: the activities' task lists)
      --concurrency <n>           activities run at once (default 10)
      --pollers <n>               concurrent decision task polls per task list (default 2)
      --cache-size <n>            runs whose replayer is cached (default 1000; 0 disables the cache)
      --fail-workflow-on-error    a workflow code bug or non-determinism fails the workflow (default: the task)
      --payloads <module>         the payload pipeline (a module exporting \`payloads\`, e.g. nodePayloads({ store }))
      --skip-register             do not register the domain and types
      --shutdown-timeout <s>      seconds to finish in-flight work on shutdown (default 30)
      --log-level <level>         debug, info (default), warn or error
${CONNECTION_HELP}

Example:
  AWS_ENDPOINT_URL_SWF=http://127.0.0.1:4566 yieldflow worker examples/order.ts --domain dev`;

export async function workerCommand(argv: string[], ctx: SwfCliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONNECTION_OPTIONS,
      "deciders-only": { type: "boolean" },
      "activities-only": { type: "boolean" },
      "task-list": { type: "string" },
      "activity-task-list": { type: "string", multiple: true },
      concurrency: { type: "string" },
      pollers: { type: "string" },
      "cache-size": { type: "string" },
      "fail-workflow-on-error": { type: "boolean" },
      "skip-register": { type: "boolean" },
      payloads: { type: "string" },
      "shutdown-timeout": { type: "string" },
      "log-level": { type: "string" },
    },
  });
  if (values.help) {
    ctx.io.out(WORKER_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw ctx.usage("worker needs one module", "worker");
  if (values["deciders-only"] && values["activities-only"])
    throw ctx.usage("--deciders-only and --activities-only exclude each other", "worker");
  const level = (values["log-level"] ?? "info") as LogLevelName;
  if (!["debug", "info", "warn", "error"].includes(level))
    throw ctx.usage(`--log-level must be debug, info, warn or error, got ${JSON.stringify(level)}`, "worker");
  const concurrency = positiveInt(values.concurrency, "--concurrency", ctx, "worker");
  const pollers = positiveInt(values.pollers, "--pollers", ctx, "worker");
  const cacheSize = positiveInt(values["cache-size"], "--cache-size", ctx, "worker");
  const shutdown = positiveInt(values["shutdown-timeout"], "--shutdown-timeout", ctx, "worker") ?? 30;
  const client = connect(values, ctx, "worker");
  const payloads = values.payloads === undefined ? undefined : await ctx.loadPayloads(values.payloads, "worker");
  const mod = await ctx.loadModule(positionals[0] as string);
  const workflows = values["activities-only"] ? [] : [...new Set(mod.workflows.map((w) => w.workflow))];
  const activities = values["deciders-only"] ? [] : mod.activities;
  if (workflows.length === 0 && activities.length === 0)
    throw ctx.usage(`${positionals[0]} exports no workflows or activity implementations to run`, "worker");
  const logger = consoleLogger({ level, write: (line) => ctx.io.err(line) });
  const metrics = new WorkerMetrics();
  if (!values["skip-register"]) {
    const report = await registerTypes(client.swf, { domain: client.domain, workflows, activities });
    logger.info(
      { domain: report.domain, registered: report.registered.length, existing: report.existing.length },
      "types registered",
    );
    for (const d of report.differing)
      logger.warn(
        { type: `${d.kind} ${d.type}`, field: d.field, registered: d.registered, wanted: d.wanted },
        "a registered type has other defaults than its definition (register a new version to change them)",
      );
  }
  const workers: Worker[] = [];
  const byTaskList = new Map<string, AnyWorkflow[]>();
  for (const w of workflows) {
    const list = values["task-list"] ?? w.taskList ?? "default";
    byTaskList.set(list, [...(byTaskList.get(list) ?? []), w]);
  }
  for (const [taskList, list] of byTaskList)
    workers.push(
      new DeciderWorker({
        client: client.swf,
        domain: client.domain,
        taskList,
        workflows: list,
        logger,
        metrics,
        ...(payloads && { payloads }),
        ...(pollers !== undefined && { pollers }),
        ...(cacheSize !== undefined && { cacheSize }),
        ...(values["fail-workflow-on-error"] && { onWorkflowError: "failWorkflow" as const }),
      }),
    );
  if (activities.length > 0)
    workers.push(
      new ActivityWorker({
        client: client.swf,
        domain: client.domain,
        activities,
        logger,
        metrics,
        ...(payloads && { payloads }),
        ...(values["activity-task-list"] !== undefined && { taskLists: values["activity-task-list"] }),
        ...(concurrency !== undefined && { maxConcurrent: concurrency }),
      }),
    );
  await runUntilSignal(workers, {
    deadlineMs: shutdown * 1000,
    onStop: (signal) => logger.info({ signal }, "stopping: finishing work in flight"),
  });
  const m = metrics.snapshot();
  logger.info(
    {
      decisionTasks: m.decisionTasks.completed,
      activityTasks: m.activityTasks.completed + m.activityTasks.failed + m.activityTasks.canceled,
      cacheHits: m.cache.hits,
      cacheMisses: m.cache.misses,
    },
    "workers stopped",
  );
  client.swf.destroy();
  return 0;
}

// ─── start, signal, cancel, terminate, describe, list ──────────────────────────────────────────────────────────

export const START_HELP = `Usage: yieldflow start <module> [options]

Starts an execution of a workflow that <module> exports, on SWF (or the dev server), and prints its ids.

Options:
  -w, --workflow <name>       the workflow (type name, name@version or export name; default: the only one)
  -i, --input <json|@file>    the workflow input
      --workflow-id <id>      default: <workflow name>-<uuid>
      --task-list <name>      the decision task list (default: the workflow's, else the type's default)
      --wait                  wait for the result and print it (following continue-as-new)
      --payloads <module>     the payload pipeline the workers use (for inputs and results out of band)
${CONNECTION_HELP}`;

export async function startCommand(argv: string[], ctx: SwfCliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONNECTION_OPTIONS,
      workflow: { type: "string", short: "w" },
      input: { type: "string", short: "i" },
      "workflow-id": { type: "string" },
      "task-list": { type: "string" },
      wait: { type: "boolean" },
      payloads: { type: "string" },
    },
  });
  if (values.help) {
    ctx.io.out(START_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw ctx.usage("start needs one module", "start");
  const input = parseInput(values.input, ctx, "start");
  const payloads = values.payloads === undefined ? undefined : await ctx.loadPayloads(values.payloads, "start");
  const client = connect(values, ctx, "start", payloads);
  try {
    const mod = await ctx.loadModule(positionals[0] as string);
    const workflow = ctx.pickWorkflow(mod, values.workflow);
    const handle = await client.start(workflow, input, {
      ...(values["workflow-id"] !== undefined && { workflowId: values["workflow-id"] }),
      ...(values["task-list"] !== undefined && { taskList: values["task-list"] }),
    });
    ctx.io.out(JSON.stringify({ workflowId: handle.workflowId, runId: handle.runId }));
    if (values.wait) {
      try {
        ctx.io.out(JSON.stringify(await handle.result()) ?? "undefined");
      } catch (err) {
        ctx.io.err(describeError(err));
        return 1;
      }
    }
    return 0;
  } finally {
    client.swf.destroy();
  }
}

/** A command that takes a workflow id and acts on it. */
function executionCommand(
  name: string,
  extra: Record<string, { type: "string" | "boolean"; short?: string }>,
  positionalNames: string[],
  act: (client: SwfClient, args: string[], values: Record<string, unknown>, ctx: SwfCliContext) => Promise<number>,
) {
  return async (argv: string[], ctx: SwfCliContext, help: string): Promise<number> => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...CONNECTION_OPTIONS, "run-id": { type: "string" }, ...extra },
    });
    if (values.help) {
      ctx.io.out(help);
      return 0;
    }
    if (positionals.length !== positionalNames.length)
      throw ctx.usage(`${name} needs ${positionalNames.join(" and ")}`, name);
    const payloadsModule = (values as { payloads?: unknown }).payloads;
    const payloads = typeof payloadsModule === "string" ? await ctx.loadPayloads(payloadsModule, name) : undefined;
    const client = connect(values as Connection, ctx, name, payloads);
    try {
      return await act(client, positionals, values, ctx);
    } catch (err) {
      const n = (err as { name?: unknown }).name;
      if (n === "UnknownResourceFault" || (err as { code?: unknown }).code === "YF_SWF_UNKNOWN_EXECUTION") {
        ctx.io.err(`yieldflow ${name}: ${describeError(err)}`);
        return 1;
      }
      throw err;
    } finally {
      client.swf.destroy();
    }
  };
}

const runIdOf = (v: Record<string, unknown>) => (typeof v["run-id"] === "string" ? { runId: v["run-id"] } : {});

export const SIGNAL_HELP = `Usage: yieldflow signal <workflowId> <signalName> [--input <json|@file>] [--run-id <id>]

Sends a signal to the open run of an execution.

Options:
      --payloads <module>     the payload pipeline the workers use (an input too large for SWF goes to its store)
${CONNECTION_HELP}`;
const signal = executionCommand(
  "signal",
  { input: { type: "string", short: "i" }, payloads: { type: "string" } },
  ["a workflow id", "a signal name"],
  async (client, [workflowId, name], values, ctx) => {
    const input = parseInput(values.input as string | undefined, ctx, "signal");
    await client.signal(workflowId as string, name as string, input, runIdOf(values));
    ctx.io.out(`signal ${name} sent to ${workflowId}`);
    return 0;
  },
);

export const CANCEL_HELP = `Usage: yieldflow cancel <workflowId> [--run-id <id>]

Asks an execution to cancel (RequestCancelWorkflowExecution): its code sees a CancelledFailure where it waits, may
clean up (run compensations), and ends CANCELED unless it catches the failure and goes on.
${CONNECTION_HELP}`;
const cancel = executionCommand("cancel", {}, ["a workflow id"], async (client, [workflowId], values, ctx) => {
  await client.cancel(workflowId as string, runIdOf(values));
  ctx.io.out(
    `cancel requested for ${workflowId}: its code gets a CancelledFailure where it waits, then ends CANCELED unless it handles it (\`yieldflow describe ${workflowId}\` shows its status)`,
  );
  return 0;
});

export const TERMINATE_HELP = `Usage: yieldflow terminate <workflowId> [--reason <text>] [--details <text>] [--run-id <id>]

Terminates an execution at once; no workflow code runs (no cleanup: use \`yieldflow cancel\` for that). The reason
(up to 256 characters) and the details are recorded in its WorkflowExecutionTerminated event.
${CONNECTION_HELP}`;
const terminate = executionCommand(
  "terminate",
  { reason: { type: "string" }, details: { type: "string" } },
  ["a workflow id"],
  async (client, [workflowId], values, ctx) => {
    const reason = typeof values.reason === "string" ? values.reason : undefined;
    await client.terminate(workflowId as string, {
      ...runIdOf(values),
      ...(reason !== undefined && { reason }),
      ...(typeof values.details === "string" && { details: values.details }),
    });
    ctx.io.out(`terminated ${workflowId}${reason === undefined ? "" : ` (reason: ${reason.slice(0, 256)})`}`);
    return 0;
  },
);

export const DESCRIBE_HELP = `Usage: yieldflow describe <workflowId> [--run-id <id>]

Prints how an execution stands (status, open activities, timers, children) as JSON.
${CONNECTION_HELP}`;
const describe = executionCommand("describe", {}, ["a workflow id"], async (client, [workflowId], values, ctx) => {
  ctx.io.out(JSON.stringify(await client.describe(workflowId as string, runIdOf(values)), null, 2));
  return 0;
});

export const LIST_HELP = `Usage: yieldflow list [--closed] [--workflow-id <id>] [--since <ISO date>]

Lists open (or closed) executions of the domain, newest first.
${CONNECTION_HELP}`;
const list = executionCommand(
  "list",
  { closed: { type: "boolean" }, "workflow-id": { type: "string" }, since: { type: "string" } },
  [],
  async (client, _args, values, ctx) => {
    const since = typeof values.since === "string" ? new Date(values.since) : undefined;
    if (since && Number.isNaN(since.getTime()))
      throw ctx.usage(`--since must be a date, got ${JSON.stringify(values.since)}`, "list");
    const rows = await client.list({
      closed: values.closed === true,
      ...(typeof values["workflow-id"] === "string" && { workflowId: values["workflow-id"] }),
      ...(since && { startedAfter: since }),
    });
    if (rows.length === 0) {
      // stdout stays for rows (a script reads an empty list as empty); the words go to stderr
      ctx.io.err(values.closed ? "no closed executions" : "no open executions (closed ones: yieldflow list --closed)");
      return 0;
    }
    for (const r of rows)
      ctx.io.out(
        `${r.startTimestamp?.toISOString() ?? "?"}  ${r.status.padEnd(16)} ${r.workflowType.name}@${r.workflowType.version}  ${r.workflowId}  ${r.runId}`,
      );
    return 0;
  },
);

/** The SWF commands, by name. */
export const SWF_COMMANDS: Record<
  string,
  { help: string; run: (argv: string[], ctx: SwfCliContext) => Promise<number> }
> = {
  worker: { help: WORKER_HELP, run: workerCommand },
  start: { help: START_HELP, run: startCommand },
  signal: { help: SIGNAL_HELP, run: (a, c) => signal(a, c, SIGNAL_HELP) },
  cancel: { help: CANCEL_HELP, run: (a, c) => cancel(a, c, CANCEL_HELP) },
  terminate: { help: TERMINATE_HELP, run: (a, c) => terminate(a, c, TERMINATE_HELP) },
  describe: { help: DESCRIBE_HELP, run: (a, c) => describe(a, c, DESCRIBE_HELP) },
  list: { help: LIST_HELP, run: (a, c) => list(a, c, LIST_HELP) },
};

/**
 * Fetches a run's whole history from SWF (for `yieldflow history <workflowId>` and `yieldflow replay <module>
 * <workflowId>`), with the execution's ids.
 */
export async function fetchHistory(
  workflowId: string,
  options: Connection & { runId?: string | undefined },
): Promise<{ events: HistoryEvent[]; workflowExecution: { workflowId: string; runId: string } }> {
  const domain = options.domain ?? process.env.YIELDFLOW_DOMAIN;
  if (!domain) throw new Error("--domain is required to fetch a history from SWF (or set YIELDFLOW_DOMAIN)");
  const client = new SwfClient({
    domain,
    client: createSwfClient({
      ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
      ...(options.region !== undefined && { region: options.region }),
    }),
  });
  try {
    const runId = options.runId ?? (await client.latestRunId(workflowId));
    const events = await client.history(workflowId, { runId });
    return { events, workflowExecution: { workflowId, runId } };
  } finally {
    client.swf.destroy();
  }
}
