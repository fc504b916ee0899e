/** `yieldflow dev-server`: SWF's API on this machine, with a web UI; runs until interrupted. */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startDevServer } from "../dev-server/server.js";
import { DataStoreError } from "../dev-server/store.js";
import { type CliIO, UsageError } from "./format.js";

export const DEV_SERVER_HELP = `Usage: yieldflow dev-server [options]

Serves the SWF API (JSON 1.0 over HTTP, as AWS does) on this machine, on the real clock (or skipping idle time),
with a web UI at the same address. Point any SWF client at it: deciders and activity workers in other processes,
the AWS SDKs, the AWS CLI. Any credentials are accepted.

Options:
      --port <n>          port to listen on (default 4566; 0 picks a free one)
      --host <address>    address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 exposes it)
      --data <file>       keep the state in this SQLite file (survives restarts); default: in memory
      --poll-wait <s>     how long polls wait for a task before answering empty (default 60, as SWF)
      --time-skipping     skip idle time: when no decision or activity task is queued or being worked on in
                          any execution and a timer is open, the clock jumps to the next timer or timeout
                          (after 20 ms of idleness), so a 3-day sleep takes milliseconds. A running activity's
                          timeouts are never skipped; a run waiting only for a signal does not move time.
                          Events are stamped with the skipped-to time. For tests and demos, not production
                          behaviour: a signal sent while a run waits on a timer may arrive after the timer.
  -h, --help              show this help

Examples:
  yieldflow dev-server
  yieldflow dev-server --data swf.sqlite --port 8080
  yieldflow dev-server --time-skipping --port 0`;

/** Runs the dev server until SIGINT/SIGTERM (or `stop` resolves, for tests). */
export async function devServerCommand(argv: string[], io: CliIO, stop?: Promise<void>): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      data: { type: "string" },
      "poll-wait": { type: "string" },
      "time-skipping": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.out(DEV_SERVER_HELP);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, "dev-server");
  const port = values.port === undefined ? 4566 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(
      `--port must be a port number from 0 to 65535, not ${JSON.stringify(values.port)}`,
      "dev-server",
    );
  const pollWait = values["poll-wait"] === undefined ? 60 : Number(values["poll-wait"]);
  if (!Number.isFinite(pollWait) || pollWait < 0 || pollWait > 60)
    throw new UsageError(
      `--poll-wait must be a number of seconds from 0 to 60, not ${JSON.stringify(values["poll-wait"])}`,
      "dev-server",
    );
  const data = values.data === undefined ? undefined : resolve(io.cwd, values.data);
  let server: Awaited<ReturnType<typeof startDevServer>>;
  try {
    server = await startDevServer({
      port,
      host: values.host ?? "127.0.0.1",
      ...(data !== undefined && { data }),
      pollWaitMs: pollWait * 1000,
      timeSkipping: values["time-skipping"] === true,
    });
  } catch (err) {
    if (err instanceof DataStoreError) {
      io.err(`yieldflow dev-server: ${err.message}`);
      return 2;
    }
    const code = (err as { code?: string }).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") {
      io.err(
        `yieldflow dev-server: cannot listen on ${values.host ?? "127.0.0.1"}:${port} (${code}); choose another --port or --host`,
      );
      return 2;
    }
    throw err;
  }
  const local = server.host === "127.0.0.1" || server.host === "localhost" || server.host === "::1";
  io.out(`yieldflow dev-server: SWF API and web UI at ${server.url}`);
  io.out(
    local
      ? "Listening on this machine only (use --host 0.0.0.0 to accept other machines)."
      : `Listening on ${server.host}: other machines can reach it, and it accepts any credentials.`,
  );
  io.out(
    server.store === "sqlite"
      ? `State in ${data}${server.restored > 0 ? ` (restored ${server.restored} calls)` : ""}.`
      : "State in memory: it is lost when the server stops (use --data <file> to keep it).",
  );
  if (server.timeSkipping)
    io.out(
      `Time skipping: idle time is skipped (the clock jumps to the next timer or timeout when no task is queued or running)${server.now() - Date.now() >= 1000 ? `; server time ${new Date(server.now()).toISOString()} (restored)` : ""}.`,
    );
  io.out("Point SWF clients at it with:");
  io.out(`  export AWS_ENDPOINT_URL_SWF=${server.url}`);
  io.out("  export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local");
  io.out(`  aws swf list-domains --registration-status REGISTERED --endpoint-url ${server.url}`);
  io.out("Press Ctrl-C to stop.");
  await new Promise<void>((done) => {
    const finish = () => {
      process.off("SIGINT", finish);
      process.off("SIGTERM", finish);
      done();
    };
    process.once("SIGINT", finish);
    process.once("SIGTERM", finish);
    stop?.then(finish);
  });
  await server.close();
  io.err("yieldflow dev-server: stopped");
  return 0;
}
