/**
 * Fuzz: whatever a client sends (any JSON body, for any operation, including bodies shaped like real requests
 * with wrong values, and a session of many such calls), the dev server answers with a result or one of SWF's
 * errors, never an internal failure, and stays consistent (every history it holds is contiguous).
 */
import { OPERATIONS, type Operation, SwfBackend, SwfFault, validateInput } from "@yieldflow/local-runner/dev-server";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";

const RUNS = Number(process.env.YIELDFLOW_PROP_RUNS ?? 60);
const ops = Object.keys(OPERATIONS) as Operation[];

/** Values that look like SWF's: names from a small pool (so calls meet), numbers, timestamps, lists. */
const names = fc.constantFrom(
  "d",
  "wf",
  "act",
  "1",
  "w1",
  "t",
  "deciders",
  "",
  "x:y",
  "NONE",
  "60",
  "__proto__",
  "constructor",
);
/** Member names of nested shapes (so fuzzed objects sometimes are the shapes SWF expects). */
const keys = fc.constantFrom(
  "name",
  "version",
  "workflowId",
  "runId",
  "oldestDate",
  "latestDate",
  "tag",
  "status",
  "key",
  "value",
  "decisionType",
  "scheduleActivityTaskDecisionAttributes",
  "startTimerDecisionAttributes",
  "activityType",
  "activityId",
  "timerId",
  "startToFireTimeout",
  "__proto__",
  "constructor",
  "toString",
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    names,
    fc.integer({ min: -2, max: 2_000 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(keys, tie("v"), { maxKeys: 4 }),
  ),
})).v;
/** A request: mostly the operation's own members with fuzzed values. */
const requestFor = (op: Operation) =>
  fc.oneof(
    fc.record(Object.fromEntries(Object.keys(OPERATIONS[op]).map((k) => [k, value])), { requiredKeys: [] }),
    value,
  );
const call = fc.constantFrom(...ops).chain((op) => fc.tuple(fc.constant(op), requestFor(op)));

/**
 * The set-up calls that let fuzzed calls reach deeper (a domain, types, an execution); `withTimers` also answers the
 * execution's first decision task with a 30 s timer, so that time skipping has something to skip to.
 */
function seeded(withTimers = false): SwfBackend {
  const b = new SwfBackend();
  const t = Date.UTC(2026, 0, 1);
  b.execute("RegisterDomain", { name: "d", workflowExecutionRetentionPeriodInDays: "1" }, t);
  b.execute(
    "RegisterWorkflowType",
    {
      domain: "d",
      name: "wf",
      version: "1",
      defaultTaskList: { name: "deciders" },
      defaultExecutionStartToCloseTimeout: "60",
      defaultTaskStartToCloseTimeout: "60",
      defaultChildPolicy: "TERMINATE",
    },
    t,
  );
  b.execute(
    "RegisterActivityType",
    {
      domain: "d",
      name: "act",
      version: "1",
      defaultTaskList: { name: "t" },
      defaultTaskScheduleToCloseTimeout: "60",
      defaultTaskScheduleToStartTimeout: "60",
      defaultTaskStartToCloseTimeout: "60",
      defaultTaskHeartbeatTimeout: "60",
    },
    t,
  );
  b.execute("StartWorkflowExecution", { domain: "d", workflowId: "w1", workflowType: { name: "wf", version: "1" } }, t);
  if (withTimers) {
    const task = b.execute("PollForDecisionTask", { domain: "d", taskList: { name: "deciders" } }, t);
    const timer = {
      decisionType: "StartTimer",
      startTimerDecisionAttributes: { timerId: "t", startToFireTimeout: "30" },
    };
    b.execute("RespondDecisionTaskCompleted", { taskToken: task.taskToken, decisions: [timer] }, t);
  }
  return b;
}

let jumps = 0;

/** Runs `calls` on a seeded backend; with `skipping`, jumps to the next deadline after every call that left it idle. */
function session(calls: [Operation, unknown][], skipping: boolean): SwfBackend {
  const b = seeded(skipping);
  let t = Date.UTC(2026, 0, 1);
  for (const [op, input] of calls) {
    t += 1_000;
    try {
      validateInput(op, input);
      b.execute(op, input as Record<string, unknown>, t);
    } catch (err) {
      if (!(err instanceof SwfFault)) throw err;
      assert.ok(err.status === 400, `${op}: status ${err.status}`);
    }
    const next = b.nextDeadline();
    if (skipping && next !== undefined && b.idleWithTimer()) {
      t = Math.max(t, next);
      b.execute("$fire", {}, t);
      jumps++;
    }
  }
  return b;
}

function assertContiguous(b: SwfBackend): void {
  for (const domain of b.domainNames())
    for (const info of b.executions(domain)) {
      const events = b.history(domain, info.runId) ?? [];
      for (const [i, e] of events.entries()) {
        assert.is(e.eventId, i + 1);
        const previous = events[i - 1]?.eventTimestamp as number | undefined;
        assert.ok(previous === undefined || (e.eventTimestamp as number) >= previous, "time never goes back");
      }
    }
}

test("any sequence of fuzzed calls gets results or SWF errors, and histories stay contiguous", () => {
  fc.assert(
    fc.property(fc.array(call, { minLength: 1, maxLength: 25 }), (calls) => assertContiguous(session(calls, false))),
    { numRuns: RUNS * 5 },
  );
});

test("the same with time skipping: jumps to the next deadline whenever idle keep every history contiguous", () => {
  fc.assert(
    fc.property(fc.array(call, { minLength: 1, maxLength: 25 }), (calls) => assertContiguous(session(calls, true))),
    { numRuns: RUNS * 5 },
  );
  assert.ok(jumps > 0, "some sessions skipped time");
});

test.run();
