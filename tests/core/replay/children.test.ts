/** History → decisions for child workflows: start fields, every close status, StartChildWorkflowExecutionFailed. */
import { all, cancel, childWorkflow, childWorkflowId, defineWorkflow, sleep, start } from "@yieldflow/core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { attrs, Driver, describeCaught, only, resultOf, types } from "../support.ts";

const ship = defineWorkflow(
  {
    name: "ship",
    version: "2",
    taskList: "shipping",
    timeouts: { executionStartToClose: "1d", taskStartToClose: "30s" },
    childPolicy: "REQUEST_CANCEL",
  },
  function* (orderId: string) {
    yield* sleep(1);
    return { label: `L-${orderId}` };
  },
);

const parent = defineWorkflow({ name: "parent", version: "1" }, function* (orderId: string) {
  try {
    return { ok: yield* childWorkflow(ship, orderId) };
  } catch (err) {
    return { caught: describeCaught(err) };
  }
});

function started(): { d: Driver; workflowId: string } {
  const d = new Driver(parent, "o-1", { workflowId: "order-1", runId: "run-abc" });
  const r = d.decide();
  const workflowId = only(r.decisions, "StartChildWorkflowExecution").workflowId as string;
  return { d, workflowId };
}

const t = suite("child workflows");

t("StartChildWorkflowExecution: type, deterministic id, input and the definition's defaults", () => {
  const { d, workflowId } = started();
  assert.is(workflowId, childWorkflowId("order-1", "run-abc", 1));
  assert.match(workflowId, /^order-1-child-1-[0-9a-f]{8}$/);
  assert.equal(attrs(d.last?.decisions[0]), {
    workflowType: { name: "ship", version: "2" },
    workflowId,
    input: '"o-1"',
    taskList: { name: "shipping" },
    executionStartToCloseTimeout: "86400",
    taskStartToCloseTimeout: "30",
    childPolicy: "REQUEST_CANCEL",
  });
});

t("the default child id differs across parent runs, and is valid for SWF even for a 256-char parent id", () => {
  assert.is.not(childWorkflowId("wf", "run-1", 1), childWorkflowId("wf", "run-2", 1));
  assert.is.not(childWorkflowId("wf", "run-1", 1), childWorkflowId("wf", "run-1", 2));
  const long = childWorkflowId("x".repeat(256), "r", 999999);
  assert.ok(long.length <= 256, `${long.length} chars`);
});

t("an explicit workflowId and per-call options win", () => {
  const wf = defineWorkflow({ name: "p2", version: "1" }, function* () {
    return yield* childWorkflow(ship, "o", {
      workflowId: "ship-o",
      taskList: "tl2",
      childPolicy: "ABANDON",
      tagList: ["x", "y"],
      timeouts: { executionStartToClose: 60 },
    });
  });
  const a = attrs(new Driver(wf).decide().decisions[0]);
  assert.is(a.workflowId, "ship-o");
  assert.equal(a.taskList, { name: "tl2" });
  assert.is(a.childPolicy, "ABANDON");
  assert.equal(a.tagList, ["x", "y"]);
  assert.is(a.executionStartToCloseTimeout, "60");
});

t("ChildWorkflowExecutionStarted then Completed → the child's result", () => {
  const { d, workflowId } = started();
  d.b.childStarted(workflowId, "child-run-1");
  const mid = d.decide();
  assert.equal(mid.decisions, [], "a child start needs no decision");
  d.b.childClosed(workflowId, "COMPLETED", { result: '{"label":"L-o-1"}' });
  assert.equal(resultOf(d.decide().decisions), { ok: { label: "L-o-1" } });
});

t("ChildWorkflowExecutionFailed → ChildWorkflowFailure FAILED with the decoded error and the child's run id", () => {
  const { d, workflowId } = started();
  d.b.childStarted(workflowId, "child-run-7");
  d.b.childClosed(workflowId, "FAILED", {
    reason: "OutOfStock",
    details: JSON.stringify({ name: "OutOfStock", message: "sku 9", details: { sku: 9 } }),
  });
  const caught = (resultOf(d.decide().decisions) as { caught: Record<string, unknown> }).caught;
  assert.is(caught.class, "ChildWorkflowFailure");
  assert.is(caught.code, "YF_CHILD_WORKFLOW_FAILED");
  assert.is(caught.status, "FAILED");
  assert.is(caught.workflowId, workflowId);
  assert.equal(caught.error, { name: "OutOfStock", message: "sku 9", details: { sku: 9 } });
});

for (const status of ["TIMED_OUT", "TERMINATED", "CANCELED"] as const) {
  t(
    `ChildWorkflowExecution${status === "TIMED_OUT" ? "TimedOut" : status === "TERMINATED" ? "Terminated" : "Canceled"} → ChildWorkflowFailure ${status}`,
    () => {
      const { d, workflowId } = started();
      d.b.childClosed(workflowId, status, status === "CANCELED" ? { details: '"operator"' } : {});
      const caught = (resultOf(d.decide().decisions) as { caught: Record<string, unknown> }).caught;
      assert.is(caught.class, "ChildWorkflowFailure");
      assert.is(caught.status, status);
      assert.is(caught.workflowId, workflowId);
    },
  );
}

t("a child failure uncaught by the parent fails the parent", () => {
  const wf = defineWorkflow({ name: "p3", version: "1" }, function* () {
    return yield* childWorkflow(ship, "o");
  });
  const d = new Driver(wf);
  const id = only(d.decide().decisions, "StartChildWorkflowExecution").workflowId as string;
  d.b.childClosed(id, "TERMINATED");
  const fail = only(d.decide().decisions, "FailWorkflowExecution");
  assert.is(fail.reason, "ChildWorkflowFailure");
});

for (const cause of ["WORKFLOW_TYPE_DOES_NOT_EXIST", "WORKFLOW_ALREADY_RUNNING"] as const) {
  t(`StartChildWorkflowExecutionFailed ${cause} (after its Initiated event) → ScheduleFailure`, () => {
    const d = new Driver(parent, "o-1");
    d.decide(
      cause === "WORKFLOW_TYPE_DOES_NOT_EXIST"
        ? { workflowTypeExists: () => false }
        : { workflowIdAvailable: () => false },
    );
    assert.equal(
      d.events.slice(-3).map((e) => e.eventType),
      ["StartChildWorkflowExecutionInitiated", "StartChildWorkflowExecutionFailed", "DecisionTaskScheduled"],
    );
    const caught = (resultOf(d.decide().decisions) as { caught: Record<string, unknown> }).caught;
    assert.is(caught.class, "ScheduleFailure");
    assert.is(caught.cause, cause);
    assert.is(caught.eventType, "StartChildWorkflowExecutionFailed");
  });
}

t("StartChildWorkflowExecutionFailed recorded instead of an Initiated event (initiatedEventId 0)", () => {
  const d = new Driver(parent, "o-1");
  const { result, completedEventId } = d.decideAndRecord(() => false);
  const workflowId = only(result.decisions, "StartChildWorkflowExecution").workflowId as string;
  d.b.add("StartChildWorkflowExecutionFailed", {
    workflowType: { name: "ship", version: "2" },
    workflowId,
    cause: "OPEN_CHILDREN_LIMIT_EXCEEDED",
    initiatedEventId: 0,
    decisionTaskCompletedEventId: completedEventId,
  });
  d.b.scheduleDecisionTask();
  const caught = (resultOf(d.decide().decisions) as { caught: Record<string, unknown> }).caught;
  assert.is(caught.cause, "OPEN_CHILDREN_LIMIT_EXCEEDED");
  assert.is(caught.id, workflowId);
});

t("two children in all(): started in one task, results in branch order whatever order they close in", () => {
  const wf = defineWorkflow({ name: "p4", version: "1" }, function* () {
    return yield* all([childWorkflow(ship, "a"), childWorkflow(ship, "b")]);
  });
  const d = new Driver(wf, undefined, { workflowId: "p4-wf" });
  const r = d.decide();
  assert.equal(types(r.decisions), ["StartChildWorkflowExecution", "StartChildWorkflowExecution"]);
  const [a, b] = r.decisions.map((x) => attrs(x).workflowId as string);
  assert.is.not(a, b);
  d.b.childClosed(b as string, "COMPLETED", { result: '"B"' });
  assert.equal(d.decide().decisions, []);
  d.b.childClosed(a as string, "COMPLETED", { result: '"A"' });
  assert.equal(resultOf(d.decide().decisions), ["A", "B"]);
});

t(
  "cancel(handle) of a started child → RequestCancelExternalWorkflowExecution with its run id; the handle throws",
  () => {
    const wf = defineWorkflow({ name: "cancel-child", version: "1" }, function* () {
      const h = yield* start(childWorkflow(ship, "o", { workflowId: "kid-1" }));
      yield* sleep(5);
      yield* cancel(h);
      try {
        return yield* h;
      } catch (err) {
        return describeCaught(err);
      }
    });
    const d = new Driver(wf);
    const r1 = d.decide();
    assert.equal(types(r1.decisions), ["StartChildWorkflowExecution", "StartTimer"]);
    d.b.childStarted("kid-1", "kid-run-1");
    d.decide();
    d.b.timerFired(attrs(r1.decisions[1]).timerId as string);
    const r = d.decide();
    assert.equal(types(r.decisions), ["RequestCancelExternalWorkflowExecution", "CompleteWorkflowExecution"]);
    const a = attrs(r.decisions[0]);
    assert.is(a.workflowId, "kid-1");
    assert.is(a.runId, "kid-run-1");
    assert.type(a.control, "string");
    assert.is((resultOf(r.decisions) as Record<string, unknown>).class, "CancelledFailure");
  },
);

t.run();
