/**
 * Properties of the local runner on random workflow programs (the property suites' one generator,
 * tests/fixtures/programs.ts: activities that succeed, fail or time out, timers, parallel branches, pools, races,
 * any, handles, retries, child workflows, external signals, try/catch, signals arriving at random times,
 * activities taking random real time):
 * - every execution ends (completes or fails) and never gets stuck: the runner feeds core only valid histories;
 * - the exported history is GetWorkflowExecutionHistory JSON that core's `decide` replays to the same outcome;
 * - every prefix ending at a DecisionTaskStarted replays to exactly the decisions the runner made there (checkReplay);
 * - on the fully virtual clock, the same program with the same outcomes records the same history twice.
 */
import { decide, type HistoryEvent } from "@yieldflow/core";
import { checkReplay, type DecidedTask } from "@yieldflow/core/testing";
import { LocalRunner, VirtualClock, WorkflowExecutionError } from "@yieldflow/local-runner";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  implementations,
  kid,
  programArbitrary,
  RUNS,
  SIGNALS,
  type Step,
  toWorkflow,
  withoutDelays,
} from "../../fixtures/programs.ts";

// the shared generator, with outcomes the program carries (failures, real delays, unserved task lists) and a
// timeout on every signal wait (signals are sent at random times, then no more)
const stepsArb = programArbitrary({ outcomes: true, signalTimeouts: true });

async function execute(steps: Step[], signals: number[], activityTime: "real" | "virtual" = "real") {
  const wf = toWorkflow(steps);
  const runner = new LocalRunner({
    workflows: [wf, kid],
    activities: implementations(steps),
    activityTaskLists: ["work"],
    clock: new VirtualClock(undefined, { activityTime }),
  });
  // the decisions each decision task made, as the runner's decider made them live
  const tasks: DecidedTask[] = [];
  runner.onEvent((e) => {
    // the workflow's own decision tasks (its children decide too)
    if (e.kind === "decided" && e.workflowId === "prop")
      tasks.push({ startedEventId: e.startedEventId, historyLength: e.historyLength, decisions: e.decisions });
  });
  const h = await runner.start(wf, undefined, { workflowId: "prop" });
  for (const [i, at] of signals.entries()) {
    await runner.advance(at);
    if (h.status().status !== "OPEN") break;
    await h.signal(SIGNALS[i % SIGNALS.length] as string, at);
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
    { numRuns: Math.round((RUNS * 2) / 3) },
  );
});

test("fully virtual clock: the same program with the same outcomes records the same history", async () => {
  await fc.assert(
    fc.asyncProperty(stepsArb.map(withoutDelays), async (steps) => {
      // activityTime "virtual": activities take 0 ms, so no wall-clock reading reaches the history
      const a = await execute(steps, [5_000], "virtual");
      const b = await execute(steps, [5_000], "virtual");
      assert.is(a.h.exportHistory(), b.h.exportHistory().replaceAll(b.wf.name, a.wf.name));
    }),
    { numRuns: Math.max(15, Math.round(RUNS / 4)) },
  );
});

test.run();
