/** SWF's hard cap: an execution whose history reaches 25,000 events is terminated with EVENT_LIMIT_EXCEEDED. */
import * as SWF from "@aws-sdk/client-swf";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { directCalls, type Harness, harness, historyOf } from "./support.ts";

let h: Harness;
test.before(async () => {
  h = await harness();
});
test.after(async () => {
  await h.close();
});

test("a history that reaches 25,000 events ends with WorkflowExecutionTerminated (EVENT_LIMIT_EXCEEDED)", async () => {
  const b = h.server.backend;
  const x = directCalls(h.server, "cap");
  const { runId } = x("StartWorkflowExecution", {
    domain: "cap",
    workflowId: "long",
    workflowType: { name: "wf", version: "1" },
  }) as { runId: string };
  for (let i = 0; i < 30_000 && b.execution("cap", runId)?.closeStatus === undefined; i++)
    x("SignalWorkflowExecution", { domain: "cap", workflowId: "long", signalName: "tick" });
  const events = await historyOf(h.swf, "cap", { workflowId: "long", runId });
  assert.is(events.length, 25_000);
  const last = events.at(-1);
  assert.is(last?.eventType, "WorkflowExecutionTerminated");
  assert.is(last?.workflowExecutionTerminatedEventAttributes?.cause, "EVENT_LIMIT_EXCEEDED");
  const d = await h.swf.send(
    new SWF.DescribeWorkflowExecutionCommand({ domain: "cap", execution: { workflowId: "long", runId } }),
  );
  assert.is(d.executionInfo?.closeStatus, "TERMINATED");
});

test.run();
