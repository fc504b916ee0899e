/**
 * Properties of the local runner on random workflow programs (activities that succeed, fail or time out, timers,
 * parallel branches, races, try/catch, signals arriving at random times, activities taking random real time):
 * - every execution ends (completes or fails) and never gets stuck: the engine feeds core only valid histories;
 * - the exported history is GetWorkflowExecutionHistory JSON that core's `decide` replays to the same outcome;
 * - every prefix ending at a DecisionTaskStarted replays to exactly the decisions the runner made there (checkReplay);
 * - on the fully virtual clock, the same program with the same outcomes records the same history twice.
 */
import {
  ActivityFailure,
  activity,
  all,
  decide,
  defineActivity,
  defineWorkflow,
  type EffectRequest,
  Failure,
  type HistoryEvent,
  implement,
  race,
  signal,
  sleep,
} from "@yieldflow/core";
import { checkReplay, type DecidedTask } from "@yieldflow/core/testing";
import { LocalRunner, VirtualClock, WorkflowExecutionError } from "@yieldflow/local-runner";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";

type Step =
  | { t: "act"; fail: boolean; unserved: boolean; delay: number }
  | { t: "sleep"; secs: number }
  | { t: "signal"; timeout: number }
  | { t: "all"; branches: Step[][] }
  | { t: "race"; branches: Step[][] }
  | { t: "try"; body: Step[] };

const stepsArb: fc.Arbitrary<Step[]> = fc.letrec<{ steps: Step[]; step: Step }>((tie) => ({
  steps: fc.array(tie("step"), { minLength: 1, maxLength: 4 }),
  step: fc.oneof(
    { depthSize: "small" },
    {
      arbitrary: fc.record({
        t: fc.constant("act" as const),
        fail: fc.boolean(),
        unserved: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
        delay: fc.constantFrom(0, 0, 1, 2),
      }),
      weight: 5,
    },
    {
      arbitrary: fc.record({ t: fc.constant("sleep" as const), secs: fc.integer({ min: 0, max: 90_000 }) }),
      weight: 2,
    },
    {
      arbitrary: fc.record({ t: fc.constant("signal" as const), timeout: fc.integer({ min: 1, max: 600 }) }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        t: fc.constant("all" as const),
        branches: fc.array(tie("steps"), { minLength: 1, maxLength: 3 }),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        t: fc.constant("race" as const),
        branches: fc.array(tie("steps"), { minLength: 1, maxLength: 3 }),
      }),
      weight: 1,
    },
    { arbitrary: fc.record({ t: fc.constant("try" as const), body: tie("steps") }), weight: 1 },
  ),
})).steps;

const work = defineActivity<{ fail: boolean; delay: number }, string>({
  taskList: "default",
  name: "work",
  version: "1",
  timeouts: { startToClose: "30s" },
});
const workImpl = implement(work, async ({ fail, delay }) => {
  if (delay) await new Promise((r) => setTimeout(r, delay));
  if (fail) throw new Error("planned failure");
  return "ok";
});

function* run(steps: Step[]): Generator<EffectRequest, unknown[], unknown> {
  const out: unknown[] = [];
  for (const s of steps) {
    switch (s.t) {
      case "act":
        // an activity on a task list nobody serves times out (SCHEDULE_TO_START) on the virtual clock
        out.push(
          yield* activity(
            work,
            { fail: s.fail, delay: s.delay },
            s.unserved ? { taskList: "nobody", timeouts: { scheduleToStart: 60 } } : {},
          ),
        );
        break;
      case "sleep":
        yield* sleep(s.secs);
        out.push(s.secs);
        break;
      case "signal":
        try {
          out.push(yield* signal<number>("poke", { timeout: s.timeout }));
        } catch (err) {
          if (!(err instanceof Failure)) throw err;
          out.push("no signal");
        }
        break;
      case "all":
        out.push(yield* all(s.branches.map((b) => run(b))));
        break;
      case "race":
        out.push(yield* race(s.branches.map((b) => run(b))));
        break;
      case "try":
        try {
          out.push(yield* run(s.body));
        } catch (err) {
          if (!(err instanceof ActivityFailure) && !(err instanceof Failure)) throw err;
          out.push(`caught ${err.code}`);
        }
        break;
    }
  }
  return out;
}

let counter = 0;

async function execute(steps: Step[], signals: number[], activityTime: "real" | "virtual" = "real") {
  const wf = defineWorkflow({ name: `prog${++counter}`, version: "1" }, function* () {
    return yield* run(steps);
  });
  const runner = new LocalRunner({
    workflows: [wf],
    activities: [workImpl],
    activityTaskLists: ["default"],
    clock: new VirtualClock(undefined, { activityTime }),
  });
  // the decisions each decision task made, as the runner's decider made them live
  const tasks: DecidedTask[] = [];
  runner.onEvent((e) => {
    if (e.kind === "decided")
      tasks.push({ startedEventId: e.startedEventId, historyLength: e.historyLength, decisions: e.decisions });
  });
  const h = await runner.start(wf, undefined, { workflowId: "prop" });
  for (const at of signals) {
    await runner.advance(at);
    if (h.status().status !== "OPEN") break;
    await h.signal("poke", at);
  }
  let outcome: string;
  try {
    outcome = `completed ${JSON.stringify(await h.result())}`;
  } catch (err) {
    assert.instance(err, WorkflowExecutionError, `the run ended with ${String(err)}`);
    outcome = `failed ${(err as WorkflowExecutionError).reason}`;
  }
  return { wf, h, outcome, tasks };
}

test("random programs: executions end, and their histories replay (whole and every prefix)", async () => {
  await fc.assert(
    fc.asyncProperty(
      stepsArb,
      fc.array(fc.integer({ min: 0, max: 120_000 }), { maxLength: 3 }),
      async (steps, signals) => {
        const { wf, h, outcome, tasks } = await execute(steps, signals);
        const events = (JSON.parse(h.exportHistory()) as { events: HistoryEvent[] }).events;
        const ids = { workflowId: "prop", runId: h.runId };
        const full = decide(wf, events, ids);
        assert.is(full.status.status, outcome.split(" ")[0]);
        // every prefix ending at a decision task replays to exactly what was decided live there; incremental
        // replay agrees; no id twice; every decision valid for SWF
        checkReplay(wf, { events, tasks }, ids);
      },
    ),
    { numRuns: Number(process.env.YIELDFLOW_PROP_RUNS ?? 40) },
  );
});

test("fully virtual clock: the same program with the same outcomes records the same history", async () => {
  await fc.assert(
    fc.asyncProperty(
      stepsArb.map((s) => strip(s)),
      async (steps) => {
        // activityTime "virtual": activities take 0 ms, so no wall-clock reading reaches the history
        const a = await execute(steps, [5_000], "virtual");
        const b = await execute(steps, [5_000], "virtual");
        assert.is(a.h.exportHistory(), b.h.exportHistory().replaceAll(b.wf.name, a.wf.name));
      },
    ),
    { numRuns: 15 },
  );
});

/** Without real delays and hangs, outcomes do not depend on the wall clock. */
function strip(steps: Step[]): Step[] {
  return steps.map((s) => {
    switch (s.t) {
      case "act":
        return { ...s, delay: 0 };
      case "all":
      case "race":
        return { ...s, branches: s.branches.map(strip) };
      case "try":
        return { ...s, body: strip(s.body) };
      default:
        return s;
    }
  });
}

test.run();
