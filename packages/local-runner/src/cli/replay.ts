/** `yieldflow replay <module> <history.json>`: replays a recorded history against the current code. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { decide, HistoryError, NondeterminismError, PayloadReadError, Payloads } from "@yieldflow/core";
import { type CliIO, firstLine, joinOptionValues, UsageError, withCode } from "./format.js";
import { type HistoryFile, readHistoryFile } from "./history-file.js";
import { listWorkflows, loadModule, loadPayloads, pickWorkflow } from "./load-module.js";
import { fetchSwfHistory, isHistoryFileArgument } from "./swf.js";

export const REPLAY_HELP = `Usage: yieldflow replay <module> <history.json | workflowId> [options]

Replays a recorded history against the workflow code in <module> with yieldflow's interpreter, and reports
whether the code still makes the decisions the history recorded. The history may be {"events":[...]} (what
GetWorkflowExecutionHistory and \`yieldflow run --history\` write) or a bare array, with timestamps as epoch
seconds, ISO-8601 strings or dates. The workflow is picked by the history's workflow type. Given a workflow id
instead of a file (no .json, no /), the history is fetched from SWF (or the dev server): --domain (default
$YIELDFLOW_DOMAIN), --endpoint (default $AWS_ENDPOINT_URL_SWF), --region, and --run-id pick the run.

Options:
  -w, --workflow <name>   replay with this workflow instead (type name, name@version or export name)
      --workflow-id <id>  the execution's workflow id (child workflow ids derive from it)
      --run-id <id>       the execution's run id (random(), uuid() and child workflow ids derive from it);
                          --run-id=<id> works too
      --payloads <module> the payload configuration the history was recorded with (its store is read for the
                          values the history refers to); see yieldflow run --help
  -h, --help              show this help

Exit status: 0 when the replay matches, 1 on non-determinism, a workflow code error or a stored value that
cannot be read (missing, corrupted, or no --payloads to read it with), 2 for a wrong command
line, an unreadable history or a module without the workflow.`;

export async function replayCommand(argv: string[], io: CliIO): Promise<number> {
  const options = {
    workflow: { type: "string", short: "w" },
    "workflow-id": { type: "string" },
    "run-id": { type: "string" },
    payloads: { type: "string" },
    domain: { type: "string" },
    endpoint: { type: "string" },
    region: { type: "string" },
    help: { type: "boolean", short: "h" },
  } as const;
  const { values, positionals } = parseArgs({ args: joinOptionValues(argv, options), allowPositionals: true, options });
  if (values.help) {
    io.out(REPLAY_HELP);
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError("replay needs a module and a history file", "replay");
  const [modulePath, historyPath] = positionals as [string, string];
  const history: HistoryFile = isHistoryFileArgument(historyPath, (p) => existsSync(resolve(io.cwd, p)))
    ? readHistoryFile(historyPath, io.cwd, "replay")
    : await fetchSwfHistory("replay", historyPath, {
        domain: values.domain,
        endpoint: values.endpoint,
        region: values.region,
        runId: values["run-id"],
      });
  const started = history.events.find((e) => e?.eventType === "WorkflowExecutionStarted");
  const type = started?.workflowExecutionStartedEventAttributes?.workflowType;
  // checked by readHistoryFile: the history starts with WorkflowExecutionStarted, whose workflowType has a name
  if (typeof type?.name !== "string")
    throw new UsageError(`${historyPath} has no WorkflowExecutionStarted event`, "replay");
  const mod = await loadModule(modulePath, io.cwd);
  let workflow = values.workflow !== undefined ? pickWorkflow(mod, values.workflow) : undefined;
  if (!workflow) {
    const sameName = mod.workflows.filter((w) => w.workflow.name === type.name).map((w) => w.workflow);
    workflow = sameName.find((w) => w.version === type.version) ?? (sameName.length === 1 ? sameName[0] : undefined);
    if (!workflow)
      throw new UsageError(
        `the history is of workflow ${type.name}@${type.version}, which ${modulePath} does not export; available: ${listWorkflows(mod)}`,
        "replay",
      );
  }
  const workflowId = values["workflow-id"] ?? history.workflowExecution?.workflowId;
  const runId = values["run-id"] ?? history.workflowExecution?.runId;
  const payloads =
    values.payloads === undefined ? new Payloads() : await loadPayloads(values.payloads, io.cwd, "replay");
  let lease: { release(): void };
  try {
    lease = await payloads.fetch(history.events); // what the history refers to, read before replaying
  } catch (err) {
    if (!(err instanceof PayloadReadError)) throw err;
    io.err(`cannot replay ${historyPath}: ${err.code}: ${err.message}`);
    if (values.payloads === undefined)
      io.err(
        "note: the history refers to values stored out of band; pass --payloads <module> with the payload configuration it was recorded with",
      );
    return 1;
  }
  try {
    const result = decide(workflow, history.events, {
      ...(workflowId !== undefined && { workflowId }),
      ...(runId !== undefined && { runId }),
      payloads,
    });
    const tasks = history.events.filter((e) => e.eventType === "DecisionTaskCompleted").length;
    const state = result.status.status === "running" ? "still running" : result.status.status;
    io.out(`replay ok: ${history.events.length} events, ${tasks} decision tasks (workflow ${state})`);
    return 0;
  } catch (err) {
    if (err instanceof HistoryError)
      throw new UsageError(`${historyPath} is not a valid history: ${err.code}: ${firstLine(err)}`, "replay");
    if (err instanceof NondeterminismError) {
      io.err(withCode(err));
      if (runId === undefined)
        io.err(
          "note: no --run-id was given; if the workflow uses random(), uuid() or child workflows, pass the run id the history was recorded with",
        );
      return 1;
    }
    io.err(withCode(err));
    return 1;
  } finally {
    lease.release();
  }
}
