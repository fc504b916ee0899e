/**
 * The replay properties, on random programs under random outcome schedules:
 * 1. replaying every history prefix reproduces exactly the decisions made live at that point;
 * 2. incremental replay equals full replay (the simulation decides incrementally, the check replays in full);
 * 3. replay never schedules an id twice;
 * 4. every emitted decision is valid for SWF;
 * 5. a changed program (reordered, removed or added effect) is reported as a NondeterminismError at the event
 *    that recorded the first changed step.
 */
import {
  type DecisionType,
  decide,
  decisionAttributesKey,
  type HistoryEvent,
  NondeterminismError,
  Replayer,
} from "@yieldflow/core";
import { checkReplay, simulate } from "@yieldflow/core/testing";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Choice, policy, programArb, RUNS, type Step, scheduleArb, toWorkflow } from "../../fixtures/programs.ts";

// biome-ignore lint/suspicious/noControlCharactersInRegex: SWF forbids control characters in ids
const SWF_ID = /^[^:/|\u0000-\u001f\u007f-\u009f]{1,256}$/;

/** An independent look at the decisions: the fields SWF requires, ids SWF accepts, one closing decision, last. */
function assertValidForSwf(decisions: readonly { decisionType: string; [k: string]: unknown }[]): void {
  const closing = [
    "CompleteWorkflowExecution",
    "FailWorkflowExecution",
    "CancelWorkflowExecution",
    "ContinueAsNewWorkflowExecution",
  ];
  decisions.forEach((d, i) => {
    const attrs = d[decisionAttributesKey(d.decisionType as DecisionType)] as Record<string, unknown> | undefined;
    if (closing.includes(d.decisionType)) assert.is(i, decisions.length - 1, "a closing decision must be last");
    if (d.decisionType === "ScheduleActivityTask") {
      assert.ok(SWF_ID.test(String(attrs?.activityId)), `activityId ${attrs?.activityId}`);
      assert.ok((attrs?.activityType as { name?: string })?.name, "activityType.name");
    }
    if (d.decisionType === "StartTimer") {
      assert.ok(SWF_ID.test(String(attrs?.timerId)), `timerId ${attrs?.timerId}`);
      assert.ok(/^\d{1,8}$/.test(String(attrs?.startToFireTimeout)), "startToFireTimeout");
    }
    if (d.decisionType === "RecordMarker") assert.ok(SWF_ID.test(String(attrs?.markerName)), "markerName");
    for (const field of ["input", "result", "details", "control"]) {
      const v = attrs?.[field];
      if (v !== undefined) assert.ok(typeof v === "string" && v.length <= 32_768, `${d.decisionType}.${field} size`);
    }
  });
  const counted = decisions.filter((d) => d.decisionType !== "RecordMarker").length;
  assert.ok(counted <= 100, `at most 100 decisions (markers not counted) per response, got ${counted}`);
  assert.ok(JSON.stringify(decisions).length < 1_000_000, "a response stays under SWF's 1 MB request limit");
}

function simulateProgram(steps: Step[], schedule: readonly Choice[], allowCancel = true) {
  const wf = toWorkflow(steps);
  const sim = simulate(wf, {
    next: policy(schedule, { allowCancel }),
    replay: "incremental",
    runId: "run-1",
    workflowId: "wf-1",
    maxDecisionTasks: 500,
  });
  return { wf, sim };
}

test("every prefix replays to the decisions made live; incremental = full; ids unique; decisions valid", () => {
  fc.assert(
    fc.property(programArb, scheduleArb, (steps, schedule) => {
      const { wf, sim } = simulateProgram(steps, schedule);
      assert.is.not(sim.ended, "budget", "the simulation must finish");
      for (const t of sim.tasks) assertValidForSwf(t.decisions as never);
      checkReplay(wf, sim, { runId: "run-1", workflowId: "wf-1" });
      const cancelAt = sim.events.find((e) => e.eventType === "WorkflowExecutionCancelRequested")?.eventId;
      const beforeLast = sim.tasks[sim.tasks.length - 2];
      if (sim.ended === "closed" && cancelAt !== undefined && beforeLast && cancelAt < beforeLast.startedEventId) {
        // programs never swallow a cancellation: one seen by a decision task before the last ends the workflow
        // cancelled (one that arrives with the last completion may lose to it)
        assert.is(sim.events[sim.events.length - 1]?.eventType, "WorkflowExecutionCanceled");
      }
      if (sim.ended === "closed") {
        // the complete history replays with no decisions left to make
        const last = decide(wf, sim.events, { runId: "run-1", workflowId: "wf-1" });
        assert.equal(last.decisions, []);
      }
    }),
    { numRuns: RUNS },
  );
});

test("incremental replay fed at random split points decides like full replay", () => {
  fc.assert(
    fc.property(
      programArb,
      scheduleArb,
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 30 }),
      (steps, schedule, cuts) => {
        const { wf, sim } = simulateProgram(steps, schedule);
        const replayer = new Replayer(wf, { runId: "run-1", workflowId: "wf-1" });
        const byLength = new Map(sim.tasks.map((t) => [t.historyLength, t.decisions]));
        let at = 0;
        let k = 0;
        while (at < sim.events.length) {
          const end = Math.min(sim.events.length, at + (cuts[k++ % cuts.length] as number));
          const result = replayer.advance(sim.events.slice(at, end), { partial: true });
          at = end;
          const live = byLength.get(at);
          // a chunk that ends right after a DecisionTaskStarted asks for that task's decisions
          if (live) assert.equal(result.decisions, live);
          if (result.decisionTaskStartedEventId === undefined) assert.equal(result.decisions, []);
        }
      },
    ),
    { numRuns: RUNS },
  );
});

/** The event that recorded a top-level leaf step, found by the step's unique content. */
function eventOf(events: readonly HistoryEvent[], step: Step): number | undefined {
  for (const e of events) {
    if (step.t === "act" && e.activityTaskScheduledEventAttributes?.activityType?.name === step.name) return e.eventId;
    if (step.t === "act" && e.scheduleActivityTaskFailedEventAttributes?.activityType?.name === step.name)
      return e.eventId;
    if (step.t === "sleep" && e.timerStartedEventAttributes?.startToFireTimeout === String(step.secs)) return e.eventId;
    if (step.t === "side" && e.markerRecordedEventAttributes?.details === String(step.value * 10)) return e.eventId;
  }
  return undefined;
}

type Mutation = { kind: "remove" | "insert" | "rename" | "swap"; at: number };

function mutate(steps: Step[], m: Mutation): Step[] | undefined {
  const s = steps.map((x) => structuredClone(x));
  const target = s[m.at];
  if (!target || !["act", "sleep", "side"].includes(target.t)) return undefined;
  switch (m.kind) {
    case "remove": {
      // timers and side effects are matched by kind and sequence, not by duration or value: removing one is first
      // seen where the next step records something else, which is only known here when the next step is an activity
      const next = s[m.at + 1];
      if (target.t !== "act" && next !== undefined && next.t !== "act") return undefined;
      s.splice(m.at, 1);
      return s;
    }
    case "insert":
      s.splice(m.at, 0, { t: "act", name: "inserted" });
      return s;
    case "rename":
      if (target.t !== "act") return undefined;
      s[m.at] = { t: "act", name: `${target.name}-renamed` };
      return s;
    case "swap": {
      const next = s[m.at + 1];
      // two timers differ only in duration, which replay does not compare: swapping them is replay-safe
      if (!next || (next.t === target.t && target.t !== "act")) return undefined;
      if (next.t !== "act" && next.t !== "sleep" && next.t !== "side") return undefined;
      s[m.at] = next;
      s[m.at + 1] = target;
      return s;
    }
  }
}

test("a changed program is a NondeterminismError at the event of the first changed step", () => {
  let checked = 0;
  fc.assert(
    fc.property(
      programArb,
      scheduleArb,
      fc.record({
        kind: fc.constantFrom<Mutation["kind"]>("remove", "insert", "rename", "swap"),
        at: fc.nat({ max: 4 }),
      }),
      (steps, schedule, m) => {
        const changed = mutate(steps, m);
        fc.pre(changed !== undefined);
        const { sim } = simulateProgram(steps, schedule, false);
        const expectedEvent = eventOf(sim.events, steps[m.at] as Step);
        fc.pre(expectedEvent !== undefined); // the changed step was reached in this run
        const wf2 = toWorkflow(changed as Step[]);
        // same type name as the recorded history, so the history is accepted
        const renamed = {
          ...wf2,
          name: sim.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name as string,
        };
        try {
          decide(renamed, sim.events, { runId: "run-1", workflowId: "wf-1" });
        } catch (err) {
          assert.instance(err, NondeterminismError);
          assert.is((err as NondeterminismError).eventId, expectedEvent, (err as Error).message);
          checked++;
          return;
        }
        assert.unreachable(`replaying with the ${m.kind} at step ${m.at} did not throw`);
      },
    ),
    { numRuns: RUNS },
  );
  assert.ok(checked > 0, "some mutations must have been checked");
});

test.run();
