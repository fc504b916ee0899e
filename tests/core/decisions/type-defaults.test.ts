// SWF's rule for a decision that leaves a member out: the type's registered default, else a refusal with the first
// missing member's DEFAULT_…_UNDEFINED cause, checked in SWF's order. One rule in core, used by the local runner and
// the dev server (which pins the same causes over HTTP in tests/dev-server/causes.test.ts).
import { missingActivityDefault, missingChildDefault } from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";

test("an activity decision: task list, schedule-to-close, schedule-to-start, start-to-close, heartbeat", () => {
  const all = {
    taskList: { name: "q" },
    scheduleToCloseTimeout: "10",
    scheduleToStartTimeout: "5",
    startToCloseTimeout: "5",
    heartbeatTimeout: "NONE",
  };
  assert.is(missingActivityDefault(all, {}), undefined, "everything given: accepted without defaults");
  // with nothing given, each default added in turn moves the refusal to the next member
  const a = {};
  const causes: string[] = [];
  const defaults: Record<string, unknown> = {};
  for (const add of [
    ["defaultTaskList", { name: "q" }],
    ["defaultTaskScheduleToCloseTimeout", "NONE"],
    ["defaultTaskScheduleToStartTimeout", "NONE"],
    ["defaultTaskStartToCloseTimeout", "NONE"],
    ["defaultTaskHeartbeatTimeout", "NONE"],
  ] as const) {
    causes.push(String(missingActivityDefault(a, defaults)));
    defaults[add[0]] = add[1];
  }
  assert.equal(causes, [
    "DEFAULT_TASK_LIST_UNDEFINED",
    "DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED",
    "DEFAULT_SCHEDULE_TO_START_TIMEOUT_UNDEFINED",
    "DEFAULT_START_TO_CLOSE_TIMEOUT_UNDEFINED",
    "DEFAULT_HEARTBEAT_TIMEOUT_UNDEFINED",
  ]);
  assert.is(missingActivityDefault(a, defaults), undefined, "all from the defaults: accepted");
});

test("a child start: task list, execution timeout, task timeout, child policy", () => {
  const causes: string[] = [];
  const defaults: Record<string, unknown> = {};
  for (const add of [
    ["defaultTaskList", { name: "q" }],
    ["defaultExecutionStartToCloseTimeout", "3600"],
    ["defaultTaskStartToCloseTimeout", "30"],
    ["defaultChildPolicy", "TERMINATE"],
  ] as const) {
    causes.push(String(missingChildDefault({}, defaults)));
    defaults[add[0]] = add[1];
  }
  assert.equal(causes, [
    "DEFAULT_TASK_LIST_UNDEFINED",
    "DEFAULT_EXECUTION_START_TO_CLOSE_TIMEOUT_UNDEFINED",
    "DEFAULT_TASK_START_TO_CLOSE_TIMEOUT_UNDEFINED",
    "DEFAULT_CHILD_POLICY_UNDEFINED",
  ]);
  assert.is(missingChildDefault({}, defaults), undefined, "all from the defaults: accepted");
  assert.is(
    missingChildDefault(
      {
        taskList: { name: "q" },
        executionStartToCloseTimeout: "1",
        taskStartToCloseTimeout: "1",
        childPolicy: "ABANDON",
      },
      {},
    ),
    undefined,
    "all in the decision: accepted without defaults",
  );
});

test.run();
