import {
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  childWorkflow,
  continueAsNew,
  decide,
  defineWorkflow,
  race,
  requestCancelExternal,
  ScheduleFailure,
  signal,
  signalExternal,
  sleep,
  start,
} from "@yieldflow/core";
import { LocalRunner, WorkflowExecutionError } from "@yieldflow/local-runner";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rejection } from "../../fixtures/promises.ts";

const failure = (p: Promise<unknown>) => rejection(p, WorkflowExecutionError);

// ─── signals, cancel, terminate ─────────────────────────────────────────────────────────────────────────────────

const approval = defineWorkflow({ name: "approval", version: "1" }, function* () {
  const answer = yield* race([signal<string>("approve"), sleep("7d")]);
  return answer ?? "timed out";
});

test("signals are delivered to a waiting workflow; without one, the 7-day timer wins at once", async () => {
  const runner = new LocalRunner({ workflows: [approval] });
  const a = await runner.start(approval, undefined);
  await runner.advance(60_000);
  await a.signal("approve", "yes!");
  assert.is(await a.result(), "yes!");
  const signaled = a.history().find((e) => e.eventType === "WorkflowExecutionSignaled");
  assert.equal(signaled?.workflowExecutionSignaledEventAttributes, { signalName: "approve", input: '"yes!"' });

  const b = await runner.start(approval, undefined);
  assert.is(await b.result(), "timed out");
});

test("signals that arrive before anyone waits are buffered", async () => {
  const twice = defineWorkflow({ name: "twice", version: "1" }, function* () {
    const a = yield* signal<number>("n");
    const b = yield* signal<number>("n");
    return a + b;
  });
  const runner = new LocalRunner({ workflows: [twice] });
  const h = await runner.start(twice, undefined);
  await h.signal("n", 1);
  await h.signal("n", 2);
  assert.is(await h.result(), 3);
});

test("cancel: workflow code sees CancelledFailure, cleanup runs, result() rejects CANCELED", async () => {
  const cleanups: string[] = [];
  const wf = defineWorkflow({ name: "cancellable", version: "1" }, function* () {
    try {
      yield* sleep("1d");
    } catch (err) {
      if (err instanceof CancelledFailure) cleanups.push("cleaned");
      throw err;
    }
  });
  const runner = new LocalRunner({ workflows: [wf] });
  const h = await runner.start(wf, undefined);
  await runner.advance(0);
  await h.cancel();
  const err = await failure(h.result());
  assert.is(err.closeStatus, "CANCELED");
  assert.is(err.code, "YF_WORKFLOW_CANCELED");
  assert.equal(cleanups, ["cleaned"]);
  const t = h.history().map((e) => e.eventType);
  assert.ok(t.includes("WorkflowExecutionCancelRequested"));
  assert.ok(t.includes("TimerCanceled"));
  assert.is(t.at(-1), "WorkflowExecutionCanceled");
});

test("terminate closes the execution at once with the reason; further signals are refused", async () => {
  const wf = defineWorkflow({ name: "forever", version: "1" }, function* () {
    yield* signal("never");
  });
  const runner = new LocalRunner({ workflows: [wf] });
  const h = await runner.start(wf, undefined);
  await h.terminate("enough");
  const err = await failure(h.result());
  assert.is(err.closeStatus, "TERMINATED");
  assert.is(err.reason, "enough");
  const last = h.history().at(-1);
  assert.is(last?.eventType, "WorkflowExecutionTerminated");
  assert.is(last?.workflowExecutionTerminatedEventAttributes?.cause, "OPERATOR_INITIATED");
  try {
    await h.signal("never");
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code: string }).code, "YF_UNKNOWN_RESOURCE");
  }
});

// ─── child workflows ───────────────────────────────────────────────────────────────────────────────────────────

const square = defineWorkflow({ name: "square", version: "1" }, function* (n: number) {
  yield* sleep(5);
  if (n < 0) throw new ApplicationFailure("Negative", `${n} is negative`);
  return n * n;
});

test("child workflows run in the same runner; results and failures flow back to the parent", async () => {
  const parent = defineWorkflow({ name: "parent", version: "1" }, function* () {
    const nine = yield* childWorkflow(square, 3);
    try {
      yield* childWorkflow(square, -1);
      return "no";
    } catch (err) {
      return err instanceof ChildWorkflowFailure ? `${nine} ${err.status} ${err.error?.name}` : "other";
    }
  });
  const runner = new LocalRunner({ workflows: [parent, square] });
  const h = await runner.start(parent, undefined, { workflowId: "p" });
  assert.is(await h.result(), "9 FAILED Negative");
  const t = h.history().map((e) => e.eventType as string);
  assert.equal(
    t.filter((x) => x.startsWith("ChildWorkflow") || x.startsWith("StartChild")),
    [
      "StartChildWorkflowExecutionInitiated",
      "ChildWorkflowExecutionStarted",
      "ChildWorkflowExecutionCompleted",
      "StartChildWorkflowExecutionInitiated",
      "ChildWorkflowExecutionStarted",
      "ChildWorkflowExecutionFailed",
    ],
  );
  const started = h.history().find((e) => e.eventType === "ChildWorkflowExecutionStarted");
  const child = started?.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
  const childHistory = runner.getWorkflowExecutionHistory(child?.workflowId as string, child?.runId as string);
  assert.equal(childHistory[0]?.workflowExecutionStartedEventAttributes?.parentWorkflowExecution, {
    workflowId: "p",
    runId: h.runId,
  });
  // the parent's exported history replays
  const replay = decide(parent, JSON.parse(h.exportHistory()).events, { workflowId: "p", runId: h.runId });
  assert.is(replay.status.status, "completed");
});

test("an unregistered child workflow type fails to start (WORKFLOW_TYPE_DOES_NOT_EXIST)", async () => {
  const parent = defineWorkflow({ name: "lonely", version: "1" }, function* () {
    try {
      return yield* childWorkflow(square, 2);
    } catch (err) {
      return err instanceof ScheduleFailure ? err.cause : "other";
    }
  });
  const runner = new LocalRunner({ workflows: [parent] });
  assert.is(await (await runner.start(parent, undefined)).result(), "WORKFLOW_TYPE_DOES_NOT_EXIST");
});

test("terminating a parent applies its child policy (TERMINATE) to open children", async () => {
  const parent = defineWorkflow({ name: "guardian", version: "1" }, function* () {
    yield* start(childWorkflow(square, 2, { workflowId: "kid", timeouts: { executionStartToClose: "1h" } }));
    yield* signal("never");
  });
  const slow = defineWorkflow({ name: "square", version: "1" }, function* (n: number) {
    yield* signal("never");
    return n;
  });
  const runner = new LocalRunner({ workflows: [parent, slow] });
  const h = await runner.start(parent, undefined);
  await runner.advance(0);
  assert.is(runner.describeWorkflowExecution("kid").status, "OPEN");
  await h.terminate("bye");
  await runner.advance(0);
  const kid = runner.getWorkflowExecutionHistory("kid").at(-1);
  assert.is(kid?.eventType, "WorkflowExecutionTerminated");
  assert.is(kid?.workflowExecutionTerminatedEventAttributes?.cause, "CHILD_POLICY_APPLIED");
});

// ─── external signals and cancel requests ─────────────────────────────────────────────────────────────────────

test("signalExternal and requestCancelExternal reach other executions; unknown targets fail", async () => {
  const receiver = defineWorkflow({ name: "receiver", version: "1" }, function* () {
    const n = yield* signal<number>("ping");
    try {
      yield* sleep("1d");
    } catch (err) {
      if (err instanceof CancelledFailure) return n;
    }
    return -1;
  });
  const sender = defineWorkflow({ name: "sender", version: "1" }, function* () {
    yield* signalExternal("rx", "ping", 42);
    yield* requestCancelExternal("rx");
    try {
      yield* signalExternal("nobody", "ping", 0);
      return "delivered?";
    } catch (err) {
      return err instanceof ScheduleFailure ? err.cause : "other";
    }
  });
  const runner = new LocalRunner({ workflows: [receiver, sender] });
  const rx = await runner.start(receiver, undefined, { workflowId: "rx" });
  const tx = await runner.start(sender, undefined, { workflowId: "tx" });
  assert.is(await tx.result(), "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION");
  assert.is(await rx.result(), 42, "the receiver got the signal, then the cancel request");
  const request = rx.history().find((e) => e.eventType === "WorkflowExecutionCancelRequested");
  assert.is(request?.workflowExecutionCancelRequestedEventAttributes?.externalWorkflowExecution?.workflowId, "tx");
  const signaled = rx.history().find((e) => e.eventType === "WorkflowExecutionSignaled");
  assert.is(signaled?.workflowExecutionSignaledEventAttributes?.externalWorkflowExecution?.workflowId, "tx");
  for (const [wf, h] of [
    [receiver, rx],
    [sender, tx],
  ] as const)
    assert.is(decide(wf, h.history(), { workflowId: h.workflowId, runId: h.runId }).status.status, "completed");
  const t = tx.history().map((e) => e.eventType);
  assert.ok(t.includes("ExternalWorkflowExecutionSignaled"));
  assert.ok(t.includes("ExternalWorkflowExecutionCancelRequested"));
  assert.ok(t.includes("SignalExternalWorkflowExecutionFailed"));
});

// ─── continue-as-new ─────────────────────────────────────────────────────────────────────────────────────────

test("continue-as-new starts new runs with the same workflow id; result() follows the chain", async () => {
  const counter = defineWorkflow({ name: "counter", version: "1" }, function* (n: number) {
    yield* sleep("1d");
    if (n < 3) yield* continueAsNew(n + 1);
    return n;
  });
  const runner = new LocalRunner({ workflows: [counter] });
  const h = await runner.start(counter, 0, { workflowId: "count" });
  assert.is(await h.result(), 3);
  const runs = h.runIds();
  assert.is(runs.length, 4);
  assert.is(runs[0], h.runId);
  assert.is(new Set(runs).size, 4);
  for (let i = 1; i < runs.length; i++) {
    const first = runner.getWorkflowExecutionHistory("count", runs[i])[0];
    assert.is(first?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId, runs[i - 1]);
    assert.is(first?.workflowExecutionStartedEventAttributes?.input, String(i));
  }
  const closed = runner.getWorkflowExecutionHistory("count", runs[0]).at(-1);
  assert.is(closed?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId, runs[1]);
  assert.is(h.status().status, "COMPLETED");
  assert.is(h.currentRunId, runs[3]);
  // every run replays
  for (const runId of runs) {
    const events = JSON.parse(h.exportHistory(runId)).events;
    assert.not.throws(() => decide(counter, events, { workflowId: "count", runId }));
  }
});

test("child policies: REQUEST_CANCEL asks open children to cancel, ABANDON leaves them; a completed parent leaves them", async () => {
  const kid = defineWorkflow({ name: "kid", version: "1" }, function* () {
    try {
      yield* signal("never");
      return "signalled";
    } catch (err) {
      if (err instanceof CancelledFailure) return "asked to cancel";
      throw err;
    }
  });
  const parent = defineWorkflow({ name: "policyParent", version: "1" }, function* (mode: string) {
    yield* start(childWorkflow(kid, undefined, { workflowId: `kid-${mode}` }));
    if (mode === "complete") return "done";
    yield* signal("never");
  });
  const runner = new LocalRunner({ workflows: [parent, kid] });
  const cancelling = await runner.start(parent, "cancel", { childPolicy: "REQUEST_CANCEL" });
  const abandoning = await runner.start(parent, "abandon", { childPolicy: "ABANDON" });
  const completing = await runner.start(parent, "complete");
  await runner.advance(0);
  await cancelling.terminate();
  await abandoning.terminate();
  assert.is(await completing.result(), "done");
  await runner.advance(0);
  const cancelled = runner.getWorkflowExecutionHistory("kid-cancel");
  const request = cancelled.find((e) => e.eventType === "WorkflowExecutionCancelRequested");
  assert.is(request?.workflowExecutionCancelRequestedEventAttributes?.cause, "CHILD_POLICY_APPLIED");
  assert.is(await runner.getHandle("kid-cancel").result(), "asked to cancel");
  assert.is(runner.describeWorkflowExecution("kid-abandon").status, "OPEN");
  assert.is(runner.describeWorkflowExecution("kid-complete").status, "OPEN");
});

test("continue-as-new to an unregistered version is refused as SWF does (ContinueAsNewWorkflowExecutionFailed)", async () => {
  const wf = defineWorkflow({ name: "upgrader", version: "1" }, function* () {
    yield* continueAsNew(1, { workflowTypeVersion: "9" });
  });
  const runner = new LocalRunner({ workflows: [wf] });
  const h = await runner.start(wf, undefined);
  const err = await failure(h.result());
  assert.is(err.closeStatus, "FAILED");
  assert.is(err.reason, "ContinueAsNewFailed");
  const failed = h.history().find((e) => e.eventType === "ContinueAsNewWorkflowExecutionFailed");
  assert.is(failed?.continueAsNewWorkflowExecutionFailedEventAttributes?.cause, "WORKFLOW_TYPE_DOES_NOT_EXIST");
  assert.is(h.runIds().length, 1);
  assert.not.throws(() =>
    decide(wf, JSON.parse(h.exportHistory()).events, { workflowId: h.workflowId, runId: h.runId }),
  );
});

test.run();
