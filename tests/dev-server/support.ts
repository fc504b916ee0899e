/** Helpers for the dev-server suites: a server on port 0 and an SDK client pointed at it. */
import {
  type Decision,
  GetWorkflowExecutionHistoryCommand,
  type HistoryEvent,
  PollForDecisionTaskCommand,
  RegisterActivityTypeCommand,
  RegisterDomainCommand,
  RegisterWorkflowTypeCommand,
  RespondDecisionTaskCompletedCommand,
  SWFClient,
} from "@aws-sdk/client-swf";
import { type DevServer, type DevServerOptions, startDevServer } from "@yieldflow/local-runner/dev-server";
import { rejection as rejectionOf } from "../fixtures/promises.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export interface Harness {
  server: DevServer;
  swf: SWFClient;
  close(): Promise<void>;
}

/** Starts a dev server on 127.0.0.1:0 and a client for it (any credentials, as the server accepts). */
export async function harness(options: DevServerOptions = {}): Promise<Harness> {
  const server = await startDevServer({ port: 0, pollWaitMs: 500, ...options });
  const swf = client(server.url);
  return {
    server,
    swf,
    async close() {
      swf.destroy();
      await server.close();
    },
  };
}

/** An SWF client for `url`. */
export function client(url: string): SWFClient {
  return new SWFClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
}

/** The error `promise` rejects with (fails when it resolves). */
export function rejection(
  promise: Promise<unknown>,
): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  return rejectionOf(promise, undefined, "expected the call to be refused, but it succeeded");
}

/** Registers `domain` with a workflow type `wf@1` (task list `deciders`) and activity types `act@1` (`workers`). */
export async function setUp(
  swf: SWFClient,
  domain: string,
  o: { taskStartToClose?: string; execStartToClose?: string } = {},
): Promise<void> {
  await swf.send(new RegisterDomainCommand({ name: domain, workflowExecutionRetentionPeriodInDays: "1" }));
  await swf.send(
    new RegisterWorkflowTypeCommand({
      domain,
      name: "wf",
      version: "1",
      defaultTaskList: { name: "deciders" },
      defaultExecutionStartToCloseTimeout: o.execStartToClose ?? "3600",
      defaultTaskStartToCloseTimeout: o.taskStartToClose ?? "60",
      defaultChildPolicy: "TERMINATE",
    }),
  );
  await swf.send(
    new RegisterActivityTypeCommand({
      domain,
      name: "act",
      version: "1",
      defaultTaskList: { name: "workers" },
      defaultTaskScheduleToCloseTimeout: "600",
      defaultTaskScheduleToStartTimeout: "600",
      defaultTaskStartToCloseTimeout: "600",
      defaultTaskHeartbeatTimeout: "NONE",
    }),
  );
}

/** Polls one decision task of `domain` (task list `deciders`); fails when none comes. */
export async function pollDecision(swf: SWFClient, domain: string, taskList = "deciders") {
  const task = await swf.send(
    new PollForDecisionTaskCommand({ domain, taskList: { name: taskList }, identity: "test" }),
  );
  if (!task.taskToken) throw new Error(`no decision task came on ${domain}/${taskList}`);
  return task;
}

/** Polls a decision task and answers it with `decisions`; returns the task. */
export async function decide(swf: SWFClient, domain: string, decisions: Decision[]) {
  const task = await pollDecision(swf, domain);
  await swf.send(new RespondDecisionTaskCompletedCommand({ taskToken: task.taskToken, decisions }));
  return task;
}

/** The events of an execution's history (every page). */
export async function historyOf(swf: SWFClient, domain: string, execution: { workflowId: string; runId: string }) {
  const events: HistoryEvent[] = [];
  let nextPageToken: string | undefined;
  do {
    const page = await swf.send(new GetWorkflowExecutionHistoryCommand({ domain, execution, nextPageToken }));
    events.push(...(page.events ?? []));
    nextPageToken = page.nextPageToken;
  } while (nextPageToken);
  return events;
}

/** Waits until `check` returns a value (polling every 20 ms, up to `ms`). */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Calls the server's operations in process (no HTTP), each a millisecond after the last: for suites that need tens
 * of thousands of calls. `domain` registers that domain and a workflow type `wf@1` (decision tasks on task list `t`).
 */
export function directCalls(server: DevServer, domain: string) {
  const b = server.backend;
  let now = Date.now();
  const call = (op: Parameters<typeof b.execute>[0], input: Record<string, unknown>) => {
    now += 1;
    return b.execute(op, input, now);
  };
  call("RegisterDomain", { name: domain, workflowExecutionRetentionPeriodInDays: "1" });
  call("RegisterWorkflowType", {
    domain,
    name: "wf",
    version: "1",
    defaultTaskList: { name: "t" },
    defaultExecutionStartToCloseTimeout: "3600",
    defaultTaskStartToCloseTimeout: "60",
    defaultChildPolicy: "TERMINATE",
  });
  return call;
}
