/** validateDecision, checkSwfId and swfIdProblem: SWF's rules for decisions, as a table. */
import {
  activity,
  checkSwfId,
  type Decision,
  decide,
  defineActivity,
  defineWorkflow,
  InvalidArgumentError,
  InvalidDecisionError,
  makeDecision,
  PayloadTooLargeError,
  SWF_LIMITS,
  swfIdProblem,
  validateDecision,
  WorkflowTaskError,
} from "@yieldflow/core";
import { HistoryBuilder } from "@yieldflow/core/testing";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { thrown } from "../support.ts";

const ok = (d: unknown) => validateDecision(d as Decision);
function invalid(d: unknown, code: string, field: string): InvalidDecisionError {
  const err = thrown(() => validateDecision(d as Decision));
  assert.instance(err, InvalidDecisionError);
  const e = err as InvalidDecisionError;
  assert.is(e.code, code, e.message);
  assert.is(e.field, field, e.message);
  assert.is(e.decisionType, (d as Decision).decisionType);
  return e;
}
const schedule = (extra: Record<string, unknown> = {}) => ({
  decisionType: "ScheduleActivityTask",
  scheduleActivityTaskDecisionAttributes: {
    activityType: { name: "a", version: "1" },
    activityId: "activity-1",
    ...extra,
  },
});
const timer = (extra: Record<string, unknown> = {}) => ({
  decisionType: "StartTimer",
  startTimerDecisionAttributes: { timerId: "t", startToFireTimeout: "5", ...extra },
});

const v = suite("validateDecision");

v("valid decisions of every type pass", () => {
  ok(schedule({ input: "x", taskList: { name: "tl" }, startToCloseTimeout: "NONE", heartbeatTimeout: "0" }));
  ok(makeDecision("RequestCancelActivityTask", { activityId: "activity-1" }));
  ok(timer({ control: "c" }));
  ok(makeDecision("CancelTimer", { timerId: "t" }));
  ok(makeDecision("RecordMarker", { markerName: "m", details: "d" }));
  ok(makeDecision("CompleteWorkflowExecution", {}));
  ok({ decisionType: "CompleteWorkflowExecution" });
  ok(makeDecision("FailWorkflowExecution", { reason: "R".repeat(256), details: "d" }));
  ok(makeDecision("CancelWorkflowExecution", { details: "d" }));
  ok(makeDecision("ContinueAsNewWorkflowExecution", { input: "1", tagList: ["a", "b", "c", "d", "e"] }));
  ok(
    makeDecision("StartChildWorkflowExecution", {
      workflowType: { name: "w", version: "v".repeat(64) },
      workflowId: "c",
      executionStartToCloseTimeout: String(SWF_LIMITS.maxTimeoutSeconds),
    }),
  );
  ok(makeDecision("SignalExternalWorkflowExecution", { workflowId: "w", signalName: "s", input: "i" }));
  ok(makeDecision("RequestCancelExternalWorkflowExecution", { workflowId: "w" }));
});

v("required fields missing → YF_INVALID_DECISION naming the field", () => {
  invalid(
    { decisionType: "ScheduleActivityTask", scheduleActivityTaskDecisionAttributes: { activityId: "a" } },
    "YF_INVALID_DECISION",
    "activityType",
  );
  invalid(
    {
      decisionType: "ScheduleActivityTask",
      scheduleActivityTaskDecisionAttributes: { activityType: { name: "a", version: "1" } },
    },
    "YF_INVALID_DECISION",
    "activityId",
  );
  invalid(
    { decisionType: "StartTimer", startTimerDecisionAttributes: { timerId: "t" } },
    "YF_INVALID_DECISION",
    "startToFireTimeout",
  );
  invalid({ decisionType: "RecordMarker", recordMarkerDecisionAttributes: {} }, "YF_INVALID_DECISION", "markerName");
  invalid(
    {
      decisionType: "SignalExternalWorkflowExecution",
      signalExternalWorkflowExecutionDecisionAttributes: { workflowId: "w" },
    },
    "YF_INVALID_DECISION",
    "signalName",
  );
  invalid(
    { decisionType: "StartChildWorkflowExecution", startChildWorkflowExecutionDecisionAttributes: { workflowId: "w" } },
    "YF_INVALID_DECISION",
    "workflowType",
  );
  invalid({ decisionType: "StartTimer" }, "YF_INVALID_DECISION", "startTimerDecisionAttributes");
  invalid({ decisionType: "CancelTimer", cancelTimerDecisionAttributes: {} }, "YF_INVALID_DECISION", "timerId");
});

const BAD_IDS: [string, string][] = [
  ["colon", "a:b"],
  ["slash", "a/b"],
  ["pipe", "a|b"],
  ["NUL", "a\u0000b"],
  ["newline", "a\nb"],
  ["tab", "a\tb"],
  ["DEL", "\u007f"],
  ["C1", "x\u009f"],
  ["literal arn", "arn"],
  ["empty", ""],
  ["257 chars", "x".repeat(257)],
];

for (const [what, id] of BAD_IDS) {
  v(`id with ${what} → YF_INVALID_DECISION in every id field`, () => {
    invalid(schedule({ activityId: id }), "YF_INVALID_DECISION", "activityId");
    invalid(timer({ timerId: id }), "YF_INVALID_DECISION", "timerId");
    invalid(makeDecision("RecordMarker", { markerName: id }), "YF_INVALID_DECISION", "markerName");
    invalid(
      makeDecision("RequestCancelExternalWorkflowExecution", { workflowId: id }),
      "YF_INVALID_DECISION",
      "workflowId",
    );
    invalid(
      makeDecision("SignalExternalWorkflowExecution", { workflowId: "w", signalName: id }),
      "YF_INVALID_DECISION",
      "signalName",
    );
    invalid(schedule({ activityType: { name: id, version: "1" } }), "YF_INVALID_DECISION", "activityType");
    invalid(schedule({ taskList: { name: id } }), "YF_INVALID_DECISION", "taskList.name");
  });
}

v("ids at the limits pass: 256 chars, 'arn' inside an id, unicode", () => {
  ok(schedule({ activityId: "x".repeat(256) }));
  ok(timer({ timerId: "arn-1" }));
  ok(timer({ timerId: "ARN" }));
  ok(makeDecision("RecordMarker", { markerName: "marqueur-é-✓" }));
});

v("type versions: 64 chars pass, 65 fail", () => {
  ok(schedule({ activityType: { name: "a", version: "v".repeat(64) } }));
  invalid(schedule({ activityType: { name: "a", version: "v".repeat(65) } }), "YF_INVALID_DECISION", "activityType");
  invalid(
    makeDecision("StartChildWorkflowExecution", { workflowType: { name: "w", version: "" }, workflowId: "c" }),
    "YF_INVALID_DECISION",
    "workflowType",
  );
});

for (const field of ["input", "control"] as const) {
  v(`ScheduleActivityTask.${field} over 32,768 chars → YF_PAYLOAD_TOO_LARGE; exactly 32,768 passes`, () => {
    ok(schedule({ [field]: "x".repeat(32_768) }));
    const e = invalid(schedule({ [field]: "x".repeat(32_769) }), "YF_PAYLOAD_TOO_LARGE", field);
    assert.match(e.message, "32768");
  });
}

v("every data field is size-checked: result, details (marker, fail, cancel), signal input, child input", () => {
  const big = "x".repeat(SWF_LIMITS.dataChars + 1);
  invalid(makeDecision("CompleteWorkflowExecution", { result: big }), "YF_PAYLOAD_TOO_LARGE", "result");
  invalid(makeDecision("RecordMarker", { markerName: "m", details: big }), "YF_PAYLOAD_TOO_LARGE", "details");
  invalid(makeDecision("FailWorkflowExecution", { reason: "r", details: big }), "YF_PAYLOAD_TOO_LARGE", "details");
  invalid(makeDecision("CancelWorkflowExecution", { details: big }), "YF_PAYLOAD_TOO_LARGE", "details");
  invalid(
    makeDecision("SignalExternalWorkflowExecution", { workflowId: "w", signalName: "s", input: big }),
    "YF_PAYLOAD_TOO_LARGE",
    "input",
  );
  invalid(
    makeDecision("StartChildWorkflowExecution", {
      workflowType: { name: "w", version: "1" },
      workflowId: "c",
      input: big,
    }),
    "YF_PAYLOAD_TOO_LARGE",
    "input",
  );
  invalid(makeDecision("ContinueAsNewWorkflowExecution", { input: big }), "YF_PAYLOAD_TOO_LARGE", "input");
  invalid(timer({ control: big }), "YF_PAYLOAD_TOO_LARGE", "control");
});

v("data fields must be strings", () => {
  invalid(schedule({ input: { a: 1 } }), "YF_INVALID_DECISION", "input");
  invalid(makeDecision("CompleteWorkflowExecution", { result: 42 as never }), "YF_INVALID_DECISION", "result");
});

v("reason: at most 256 characters", () => {
  invalid(makeDecision("FailWorkflowExecution", { reason: "R".repeat(257) }), "YF_INVALID_DECISION", "reason");
});

v("tagList: at most 5 tags of at most 256 characters", () => {
  invalid(
    makeDecision("ContinueAsNewWorkflowExecution", { tagList: ["1", "2", "3", "4", "5", "6"] }),
    "YF_INVALID_DECISION",
    "tagList",
  );
  invalid(
    makeDecision("ContinueAsNewWorkflowExecution", { tagList: ["t".repeat(257)] }),
    "YF_INVALID_DECISION",
    "tagList",
  );
});

const TIMEOUTS: [unknown, boolean][] = [
  ["0", true],
  ["30", true],
  ["NONE", true],
  ["31536000", true],
  ["31536001", false],
  ["99999999", false],
  ["123456789", false],
  ["1.5", false],
  ["-1", false],
  ["30s", false],
  ["", false],
  ["none", false],
  [30, false],
];
for (const [value, valid] of TIMEOUTS) {
  v(`timeout ${JSON.stringify(value)} is ${valid ? "valid" : "invalid"} in every *Timeout field`, () => {
    for (const field of [
      "startToCloseTimeout",
      "scheduleToStartTimeout",
      "scheduleToCloseTimeout",
      "heartbeatTimeout",
    ]) {
      if (valid) ok(schedule({ [field]: value }));
      else invalid(schedule({ [field]: value }), "YF_INVALID_DECISION", field);
    }
    const child = {
      decisionType: "StartChildWorkflowExecution",
      startChildWorkflowExecutionDecisionAttributes: {
        workflowType: { name: "w", version: "1" },
        workflowId: "c",
        taskStartToCloseTimeout: value,
      },
    };
    if (valid) ok(child);
    else invalid(child, "YF_INVALID_DECISION", "taskStartToCloseTimeout");
  });
}

v.run();

const ids = suite("swfIdProblem / checkSwfId");

ids("swfIdProblem: undefined for good ids, a reason for bad ones", () => {
  assert.is(swfIdProblem("order-123_A.b"), undefined);
  for (const [what, id] of BAD_IDS) assert.type(swfIdProblem(id), "string", what);
  assert.match(swfIdProblem(42) as string, "string");
  assert.match(swfIdProblem(null) as string, "null");
  assert.is(swfIdProblem("x".repeat(64), 64), undefined);
  assert.match(swfIdProblem("x".repeat(65), 64) as string, "64");
});

ids("checkSwfId throws InvalidArgumentError naming what was checked", () => {
  const err = thrown(() => checkSwfId("a/b", "my thing"));
  assert.instance(err, InvalidArgumentError);
  assert.is((err as InvalidArgumentError).code, "YF_INVALID_ARGUMENT");
  assert.match((err as Error).message, "my thing");
  checkSwfId("fine", "my thing");
});

ids(
  "an oversized activity input without a payload store is YF_PAYLOAD_TOO_LARGE, thrown where the activity was called",
  () => {
    const act = defineActivity<string, void>({ name: "act", version: "1" });
    const wf = defineWorkflow({ name: "big", version: "1" }, function* () {
      yield* activity(act, "x".repeat(40_000));
    });
    const b = new HistoryBuilder({ workflowType: { name: "big", version: "1" } });
    b.decisionTask();
    const err = thrown(() => decide(wf, b.events));
    // uncaught in the workflow: a bug at the call, so the decision task fails (and nothing is truncated)
    assert.instance(err, WorkflowTaskError);
    const cause = (err as WorkflowTaskError).cause as PayloadTooLargeError;
    assert.instance(cause, PayloadTooLargeError);
    assert.is(cause.code, "YF_PAYLOAD_TOO_LARGE");
    assert.is(cause.size, 40_002);
    assert.is(cause.limit, 32_768);
    assert.match(cause.message, "activity act input");
  },
);

ids.run();
