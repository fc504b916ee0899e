/**
 * End to end in the local runner with an S3-compatible server started in this process: an activity returns a
 * 10 MB result, which is stored on the server; the history shows only the small reference; the workflow reads the
 * value; `yieldflow replay` of the exported history works with the same payload configuration, and says which key
 * it could not read when not; `yieldflow payloads` lists and deletes the run's objects.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { payloadReferences } from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
import { nodePayloads } from "@yieldflow/payloads";
import { S3PayloadStore } from "@yieldflow/payloads/s3";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type ProcessRun, yieldflow } from "../fixtures/processes.ts";
import { activities, report } from "./fixtures/big-result.ts";
import { startS3, type TestS3 } from "./s3-server.ts";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "fixtures");
const tmp = mkdtempSync(join(tmpdir(), "yieldflow-payloads-e2e-"));

let s3: TestS3;
test.before(async () => {
  s3 = await startS3();
});
test.after(async () => {
  await s3.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function cli(...args: string[]): Promise<ProcessRun> {
  return yieldflow(args, { cwd: fixtures, env: { NO_COLOR: "1", YF_TEST_S3_ENDPOINT: s3.endpoint } });
}

test("a 10 MB activity result goes to S3; the history holds a small reference; replay reads it back", async () => {
  const store = new S3PayloadStore({ client: s3.client, bucket: s3.bucket });
  const runner = new LocalRunner({ workflows: [report], activities, payloads: nodePayloads({ store }) });
  const rows = 100_000; // ~10 MB of JSON
  const h = await runner.start(report, { rows }, { workflowId: "report-1" });
  const result = await h.result();
  assert.equal(result, {
    count: rows,
    first: `row 0000000 ${"·".repeat(80)}`,
    last: `row 0099999 ${"·".repeat(80)}`,
  });
  const exported = h.exportHistory();
  assert.ok(exported.length < 10_000, `the exported history is ${exported.length} characters`);
  const events = (JSON.parse(exported) as { events: object[] }).events;
  const refs = payloadReferences(events);
  assert.is(refs.length, 1);
  const ref = refs[0] as (typeof refs)[number];
  assert.is(ref.field, "result");
  assert.is(ref.store, "s3:payloads");
  assert.ok(ref.bytes > 10_000_000, `stored ${ref.bytes} bytes`);
  const keys = await store.list("yieldflow/payloads/");
  assert.equal(keys, [ref.key]);
  runner.close();

  const historyFile = join(tmp, "report-1.json");
  writeFileSync(historyFile, exported);
  const ok = await cli("replay", "big-result.ts", historyFile, "--payloads", "s3-payloads.ts");
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^replay ok: \d+ events, 2 decision tasks \(workflow completed\)/);

  const without = await cli("replay", "big-result.ts", historyFile);
  assert.is(without.code, 1, without.stderr);
  assert.match(without.stderr, `payload ${ref.key} in store s3:payloads, referred to by event ${ref.eventId} (result)`);
  assert.match(without.stderr, "YF_PAYLOAD_STORE");
  assert.match(without.stderr, "pass --payloads <module>");

  const listed = await cli("payloads", historyFile);
  assert.is(listed.code, 0, listed.stderr);
  assert.is(listed.stdout, `event ${ref.eventId}\tresult\ts3:payloads\t${ref.key}\t${ref.bytes} bytes\n`);
  const deleted = await cli("payloads", historyFile, "--delete", "--payloads", "s3-payloads.ts");
  assert.is(deleted.code, 0, deleted.stderr);
  assert.match(deleted.stderr, "deleted 1 object(s)");
  assert.equal(await store.list("yieldflow/payloads/"), []);
  const missing = await cli("replay", "big-result.ts", historyFile, "--payloads", "s3-payloads.ts");
  assert.is(missing.code, 1, missing.stderr);
  assert.match(missing.stderr, "YF_PAYLOAD_MISSING");
  assert.match(missing.stderr, ref.key);
  assert.not.match(missing.stderr, /\n\s+at /);
});

test.run();
