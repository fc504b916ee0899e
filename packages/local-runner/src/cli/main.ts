/**
 * The `yieldflow` command line: `run`, `replay`, `history`, `dev-server`, `--help`, `--version`. Arguments are parsed with
 * `node:util` parseArgs. Exit status: 0 success, 1 the workflow (or its replay) failed, 2 usage or input errors,
 * which are reported as one line without a stack trace.
 */
import { readFileSync } from "node:fs";
import { describeError } from "@yieldflow/core";
import { DEV_SERVER_HELP, devServerCommand } from "./dev-server.js";
import { type CliIO, firstLine, printable, UsageError, withCode, yfCode } from "./format.js";
import { HISTORY_HELP, historyCommand } from "./history.js";
import { PAYLOADS_HELP, payloadsCommand } from "./payloads.js";
import { REPLAY_HELP, replayCommand } from "./replay.js";
import { RUN_HELP, runCommand } from "./run.js";
import { runSwfCommand, SWF_COMMAND_NAMES } from "./swf.js";

export const HELP = `Usage: yieldflow <command> [options]

Durable workflows for AWS SWF, written as TypeScript generators, run locally.

Commands:
  run <module>                   run a workflow locally on a virtual clock and print its progress
  replay <module> <history.json> check that a recorded history replays against the current code
  history <history.json>         show a recorded history as a timeline (--html for a Gantt chart)
  payloads <history.json>        list (or --delete) the values a history keeps out of band
  dev-server                     serve the SWF API and a web UI on this machine (--data <file> to keep state)

On SWF (or \`yieldflow dev-server\`), with --domain and the AWS chain (AWS_ENDPOINT_URL_SWF for the dev server):
  worker <module>                run the decider and activity workers for what a module exports
  start <module>                 start an execution (--input, --workflow-id, --wait)
  signal <workflowId> <name>     send a signal
  cancel <workflowId>            request cancellation
  terminate <workflowId>         terminate an execution
  describe <workflowId>          show how an execution stands
  list                           list open (--closed: closed) executions
  history <workflowId>           fetch a history from SWF and show it as a timeline
  replay <module> <workflowId>   fetch a history from SWF and replay it against the current code

Options:
  -h, --help      show help (also: yieldflow <command> --help)
  -v, --version   show the version

Examples:
  yieldflow run order.ts --input '{"id":"o-1"}' --history order.history.json
  yieldflow replay order.ts order.history.json
  yieldflow history order.history.json --html order.html`;

const COMMANDS: Record<string, { help: string; run: (argv: string[], io: CliIO) => Promise<number> }> = {
  run: { help: RUN_HELP, run: runCommand },
  replay: { help: REPLAY_HELP, run: replayCommand },
  history: { help: HISTORY_HELP, run: historyCommand },
  payloads: { help: PAYLOADS_HELP, run: payloadsCommand },
  "dev-server": { help: DEV_SERVER_HELP, run: devServerCommand },
  ...Object.fromEntries(
    SWF_COMMAND_NAMES.map((name) => [
      name,
      { help: `see yieldflow ${name} --help`, run: (argv: string[], io: CliIO) => runSwfCommand(name, argv, io) },
    ]),
  ),
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/**
 * The process's streams, for the `yieldflow` command: stdout carries only the command's result (`yieldflow run … |
 * jq` works), so whatever else writes to stdout while the command runs (activities' `console.log`, a library's
 * output) is sent to stderr, with yieldflow's progress.
 */
export function processIO(): CliIO {
  const stdout = process.stdout;
  const write = stdout.write.bind(stdout);
  // looked up on each write: the live progress display may stand in for stderr's write while it runs
  stdout.write = ((...args: Parameters<typeof stdout.write>) => process.stderr.write(...args)) as typeof stdout.write;
  return {
    out: (text) => write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    cwd: process.cwd(),
    errStream: process.stderr,
  };
}

/**
 * Runs the CLI with `argv` (without node and the script); returns the exit status. Without `io` it uses the
 * process's streams and, for the rest of the process, sends other writes to stdout to stderr (see {@link processIO}).
 */
export async function main(argv: string[], terminal: CliIO = processIO()): Promise<number> {
  // Everything the CLI prints may carry text from a history or a module (names, ids, reasons, messages): control
  // characters never reach the terminal as such, whichever command printed them. (The live progress display writes
  // to the terminal itself and filters what it shows from a history the same way.)
  const io: CliIO = {
    ...terminal,
    out: (text) => terminal.out(printable(text)),
    err: (text) => terminal.err(printable(text)),
  };
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(HELP);
    return 2;
  }
  if (first === "-h" || first === "--help" || first === "help") {
    io.out(HELP);
    return 0;
  }
  if (first === "-v" || first === "--version") {
    io.out(version());
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (!command) {
    io.err(
      `yieldflow: unknown command ${JSON.stringify(first)}; the commands are ${Object.keys(COMMANDS).join(", ")} (see yieldflow --help)`,
    );
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      // parseArgs' messages go on to explain `--`; the first sentence is what matters
      const message = isParseArgsError(err) ? ((err as Error).message.split(". ")[0] ?? "") : (err as Error).message;
      io.err(`yieldflow ${first}: ${message} (see yieldflow ${first} --help)`);
      return 2;
    }
    if (yfCode(err) !== undefined) {
      // a yieldflow error the command did not expect (a bad argument to the runner, say): its code and message
      io.err(`yieldflow ${first}: ${withCode(err, firstLine(err))}`);
      return 1;
    }
    io.err(
      `yieldflow ${first}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : describeError(err)}`,
    );
    return 70;
  }
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}
