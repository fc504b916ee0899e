/**
 * `yieldflow dev-server` as a user runs it: what it prints, its options' errors, a clean stop on SIGTERM, and the
 * AWS CLI pointed at it with --endpoint-url (when the AWS CLI is installed).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type ProcessRun, YIELDFLOW_BIN, yieldflow } from "../fixtures/processes.ts";

const dir = mkdtempSync(join(tmpdir(), "yf-devserver-cli-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<ProcessRun> {
  return yieldflow(args, { cwd: dir });
}

/** Starts the server; resolves with the process, what it printed and how long it took to be ready. */
function start(args: string[]): Promise<{ child: ChildProcess; out: string; ms: number }> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [YIELDFLOW_BIN, "dev-server", ...args], { cwd: dir });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d) => {
      out += d;
      if (out.includes("Press Ctrl-C")) resolve({ child, out, ms: Date.now() - t0 });
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code} before it was ready: ${out}`)));
  });
}

test("prints the endpoint, the variables a client needs, and that it listens on this machine only", async () => {
  const { child, out, ms } = await start(["--port", "0"]);
  try {
    const url = /SWF API and web UI at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] as string;
    assert.ok(url, out);
    assert.match(out, `export AWS_ENDPOINT_URL_SWF=${url}`);
    assert.match(out, "AWS_REGION=us-east-1");
    assert.match(out, "AWS_ACCESS_KEY_ID=");
    assert.match(out, "AWS_SECRET_ACCESS_KEY=");
    assert.match(out, "this machine only");
    assert.match(out, "State in memory");
    assert.not.match(out, "Time skipping", "the real clock by default");
    assert.ok(ms < 10_000, `ready after ${ms} ms`);
    const res = await fetch(url);
    assert.is(res.status, 200);
  } finally {
    child.kill("SIGTERM");
  }
  const code = await new Promise((r) => child.once("exit", r));
  assert.is(code, 0);
});

test("--time-skipping says so, and the UI shows the server's time", async () => {
  const { child, out } = await start(["--port", "0", "--time-skipping"]);
  try {
    assert.match(out, "Time skipping: idle time is skipped");
    const url = /SWF API and web UI at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] as string;
    assert.match(await (await fetch(url)).text(), "(time skipping: idle time is skipped)");
  } finally {
    child.kill("SIGTERM");
  }
  assert.is(await new Promise((r) => child.once("exit", r)), 0);
});

test("bad options and unusable data files are usage errors (exit 2) that say what to do", async () => {
  const port = await run(["dev-server", "--port", "http"]);
  assert.is(port.code, 2);
  assert.match(port.stderr, "--port must be a port number");
  const wait = await run(["dev-server", "--poll-wait", "120"]);
  assert.is(wait.code, 2);
  assert.match(wait.stderr, "--poll-wait must be a number of seconds from 0 to 60");
  const data = await run(["dev-server", "--port", "0", "--data", dir]);
  assert.is(data.code, 2);
  assert.match(data.stderr, `cannot open ${dir} as an SQLite database`);
  const help = await run(["dev-server", "--help"]);
  assert.is(help.code, 0);
  assert.match(help.stdout, "--data <file>");
  assert.match(help.stdout, "--time-skipping");
  const top = await run(["--help"]);
  assert.match(top.stdout, "dev-server");
});

test("the AWS CLI works against it with --endpoint-url", async () => {
  const aws = await promisify(execFile)("aws", ["--version"]).catch(() => undefined);
  if (!aws) {
    console.warn("SKIPPED: the AWS CLI (`aws`) is not installed; the --endpoint-url check did not run");
    return;
  }
  const { child, out } = await start(["--port", "0", "--data", join(dir, "cli.sqlite")]);
  const url = /at (http:\/\/[^\s]+)/.exec(out)?.[1] as string;
  const env = {
    ...process.env,
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
  };
  const cli = (...args: string[]) => promisify(execFile)("aws", ["swf", ...args, "--endpoint-url", url], { env });
  try {
    await cli("register-domain", "--name", "from-cli", "--workflow-execution-retention-period-in-days", "1");
    const listed = JSON.parse((await cli("list-domains", "--registration-status", "REGISTERED")).stdout);
    assert.equal(
      listed.domainInfos.map((d: { name: string }) => d.name),
      ["from-cli"],
    );
    const refused = await cli("describe-domain", "--name", "nope").catch((err: { stderr: string }) => err);
    assert.match((refused as { stderr: string }).stderr, "UnknownResourceFault");
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
});

test.run();
