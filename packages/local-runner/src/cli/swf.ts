/**
 * The bridge from the `yieldflow` CLI to the SWF commands of @yieldflow/swf-adapter (`worker`, `start`, `signal`,
 * `cancel`, `terminate`, `describe`, `list`, and fetching a history for `history`/`replay`). The adapter is loaded
 * only when one of these runs, so the local commands need neither it nor the AWS SDK.
 */
import { compact, describeError, type HistoryEvent } from "@yieldflow/core";
import { type CliIO, firstLine, UsageError } from "./format.js";
import { loadModule, loadPayloads, pickWorkflow } from "./load-module.js";

/** The names of the SWF commands (their help is in the adapter). */
export const SWF_COMMAND_NAMES = ["worker", "start", "signal", "cancel", "terminate", "describe", "list"] as const;

interface SwfCli {
  SWF_COMMANDS: Record<string, { help: string; run: (argv: string[], ctx: unknown) => Promise<number> }>;
  fetchHistory(
    workflowId: string,
    options: { domain?: string; endpoint?: string; region?: string; runId?: string },
  ): Promise<{ events: HistoryEvent[]; workflowExecution: { workflowId: string; runId: string } }>;
}

// a variable, so that TypeScript does not make the local runner depend on the adapter's types
const ADAPTER_CLI = "@yieldflow/swf-adapter/cli";

async function adapter(command: string): Promise<SwfCli> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  try {
    return (await import(ADAPTER_CLI)) as SwfCli;
  } catch (err) {
    throw new UsageError(
      `${command} talks to SWF and needs @yieldflow/swf-adapter (npm install @yieldflow/swf-adapter): ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`,
      command,
    );
  }
}

/** Runs an SWF command. */
export async function runSwfCommand(command: string, argv: string[], io: CliIO): Promise<number> {
  const cli = await adapter(command);
  const entry = cli.SWF_COMMANDS[command];
  if (!entry) throw new UsageError(`unknown SWF command ${command}`);
  return entry.run(argv, {
    io,
    loadModule: (path: string) => loadModule(path, io.cwd),
    pickWorkflow,
    loadPayloads: (path: string, cmd: string) => loadPayloads(path, io.cwd, cmd),
    usage: (message: string, cmd: string) => new UsageError(message, cmd),
  });
}

/** Fetches a run's history from SWF for `history <workflowId>` and `replay <module> <workflowId>`. */
export async function fetchSwfHistory(
  command: string,
  workflowId: string,
  options: {
    domain?: string | undefined;
    endpoint?: string | undefined;
    region?: string | undefined;
    runId?: string | undefined;
  },
): Promise<{ events: HistoryEvent[]; workflowExecution: { workflowId: string; runId: string } }> {
  const cli = await adapter(command);
  try {
    return await cli.fetchHistory(workflowId, compact(options));
  } catch (err) {
    throw new UsageError(
      `cannot fetch the history of ${workflowId} from SWF: ${firstLine(describeError(err))}`,
      command,
    );
  }
}

/** True when a history argument names a file (exists, or ends in .json) rather than a workflow id on SWF. */
export function isHistoryFileArgument(arg: string, exists: (path: string) => boolean): boolean {
  return arg.endsWith(".json") || arg.includes("/") || exists(arg);
}
