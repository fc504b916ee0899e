/** The wire protocol: awsJson1_0 framing, SWF's error `__type`s and HTTP statuses, input validation, timestamps. */
import * as SWF from "@aws-sdk/client-swf";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Harness, harness, rejection } from "./support.ts";

let h: Harness;
test.before(async () => {
  h = await harness();
});
test.after(async () => {
  await h.close();
});

async function raw(
  target: string | undefined,
  body: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(h.server.url, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      ...(target !== undefined && { "x-amz-target": target }),
    },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test("an unknown operation is UnknownOperationException with status 400", async () => {
  const r = await raw("SimpleWorkflowService.LaunchRockets", "{}");
  assert.is(r.status, 400);
  assert.is(r.json.__type, "com.amazon.coral.service#UnknownOperationException");
  const proto = await raw("SimpleWorkflowService.__proto__", "{}");
  assert.is(proto.json.__type, "com.amazon.coral.service#UnknownOperationException");
  const other = await raw("DynamoDB_20120810.ListTables", "{}");
  assert.is(other.json.__type, "com.amazon.coral.service#UnknownOperationException");
});

test("a body that is not JSON, or has a wrong type, is a SerializationException", async () => {
  const r = await raw("SimpleWorkflowService.ListDomains", "{not json");
  assert.is(r.status, 400);
  assert.is(r.json.__type, "com.amazon.coral.service#SerializationException");
  const wrong = await raw("SimpleWorkflowService.ListDomains", JSON.stringify({ registrationStatus: 7 }));
  assert.is(wrong.json.__type, "com.amazon.coral.service#SerializationException");
  assert.match(String(wrong.json.message), "registrationStatus");
  const arr = await raw("SimpleWorkflowService.ListDomains", "[]");
  assert.is(arr.json.__type, "com.amazon.coral.service#SerializationException");
});

test("validation errors list every failed constraint in SWF's words", async () => {
  const r = await raw(
    "SimpleWorkflowService.StartWorkflowExecution",
    JSON.stringify({ domain: "d".repeat(257), workflowType: { name: "t" }, tagList: ["a", "b", "c", "d", "e", "f"] }),
  );
  assert.is(r.status, 400);
  assert.is(r.json.__type, "com.amazon.coral.validate#ValidationException");
  const m = String(r.json.message);
  assert.ok(m.startsWith("4 validation errors detected: "), m);
  assert.match(m, "at 'domain' failed to satisfy constraint: Member must have length less than or equal to 256");
  assert.match(m, "Value null at 'workflowId' failed to satisfy constraint: Member must not be null");
  assert.match(m, "Value null at 'workflowType.version' failed to satisfy constraint: Member must not be null");
  assert.match(m, "at 'tagList' failed to satisfy constraint: Member must have length less than or equal to 5");
  const e = await rejection(h.swf.send(new SWF.ListDomainsCommand({ registrationStatus: "GONE" as "REGISTERED" })));
  assert.is(e.name, "ValidationException");
  assert.match(
    e.message,
    "1 validation error detected: Value 'GONE' at 'registrationStatus' failed to satisfy constraint: Member must satisfy enum value set: [REGISTERED, DEPRECATED]",
  );
  assert.is(e.$metadata?.httpStatusCode, 400);
  const page = await rejection(
    h.swf.send(new SWF.ListDomainsCommand({ registrationStatus: "REGISTERED", maximumPageSize: 1001 })),
  );
  assert.match(page.message, "Member must have value less than or equal to 1000");
  const decisions = await rejection(
    h.swf.send(
      new SWF.RespondDecisionTaskCompletedCommand({
        taskToken: "t",
        decisions: [
          {
            decisionType: "StartTimer",
            startTimerDecisionAttributes: { timerId: "x" } as SWF.StartTimerDecisionAttributes,
          },
        ],
      }),
    ),
  );
  assert.match(decisions.message, "Value null at 'decisions.1.member.startTimerDecisionAttributes.startToFireTimeout'");
});

test("ids with ':' '/' '|' or the literal 'arn' are refused", async () => {
  for (const name of ["a:b", "a/b", "a|b", "arn", "tab\there"]) {
    const e = await rejection(
      h.swf.send(new SWF.RegisterDomainCommand({ name, workflowExecutionRetentionPeriodInDays: "1" })),
    );
    assert.is(e.name, "ValidationException", name);
  }
});

test("requests over 1 MB are refused with 413", async () => {
  const r = await fetch(h.server.url, {
    method: "POST",
    headers: { "x-amz-target": "SimpleWorkflowService.ListDomains", "content-type": "application/x-amz-json-1.0" },
    body: JSON.stringify({ registrationStatus: "REGISTERED", pad: "x".repeat(1_100_000) }),
  }).catch((err: Error) => err);
  if (r instanceof Error) return; // the server may cut the connection before the client finished sending
  assert.is(r.status, 413);
});

test("timestamps travel as epoch seconds with a fraction; the SDK reads them as Dates", async () => {
  await h.swf.send(new SWF.RegisterDomainCommand({ name: "ts", workflowExecutionRetentionPeriodInDays: "0" }));
  await h.swf.send(new SWF.RegisterActivityTypeCommand({ domain: "ts", name: "a", version: "1" }));
  const before = Date.now();
  const r = await raw(
    "SimpleWorkflowService.DescribeActivityType",
    JSON.stringify({ domain: "ts", activityType: { name: "a", version: "1" } }),
  );
  assert.is(r.status, 200);
  const created = (r.json.typeInfo as { creationDate: unknown }).creationDate;
  assert.type(created, "number");
  assert.ok(Math.abs((created as number) * 1000 - before) < 5_000);
  const viaSdk = await h.swf.send(
    new SWF.DescribeActivityTypeCommand({ domain: "ts", activityType: { name: "a", version: "1" } }),
  );
  assert.ok(viaSdk.typeInfo?.creationDate instanceof Date);
  assert.is(viaSdk.typeInfo?.creationDate?.getTime(), Math.round((created as number) * 1000));
});

test("the same port serves the web UI", async () => {
  const res = await fetch(`${h.server.url}/`);
  assert.is(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", "text/html");
  assert.match(await res.text(), "Domains");
  assert.is((await fetch(`${h.server.url}/nowhere`)).status, 404);
  assert.is((await fetch(`${h.server.url}/d/%E0%A4%A`)).status, 404);
});

test("requests for another host name, and UI posts from another origin, are refused", async () => {
  const { request } = await import("node:http");
  const status = (headers: Record<string, string>, method = "GET", path = "/") =>
    new Promise<number>((resolve, reject) => {
      const req = request(`${h.server.url}${path}`, { method, headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
  const port = h.server.port;
  assert.is(await status({ host: `localhost:${port}` }), 200);
  assert.is(await status({ host: `evil.example:${port}` }), 403);
  assert.is(
    await status({ host: `127.0.0.1:${port}`, origin: "http://evil.example" }, "POST", "/d/x/e/y/terminate"),
    403,
  );
  assert.is(
    await status({ host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` }, "POST", "/d/x/e/y/terminate"),
    404,
  );
});

test.run();
