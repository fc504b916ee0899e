/**
 * Random workflow programs and random outcome schedules for the property tests.
 *
 * A program is a list of steps (activities, timers, side effects, signal waits, parallel branches, races,
 * try/catch with compensation); `toWorkflow` turns it into a real yieldflow workflow. Every leaf that records
 * something in the history is unique by content (activity names, timer durations, side-effect values), so a test
 * can find "the event this step recorded" without asking the engine.
 */
import {
  type ActivityDefinition,
  ApplicationFailure,
  activity,
  all,
  any,
  cancel,
  childWorkflow,
  defineActivity,
  defineWorkflow,
  deprecatePatch,
  type EffectRequest,
  Failure,
  patched,
  race,
  retry,
  sideEffect,
  signal,
  signalExternal,
  sleep,
  start,
} from "@yieldflow/core";
import type { Happening, HistoryBuilder } from "@yieldflow/core/testing";
import { nextTimer } from "@yieldflow/core/testing";
import fc from "fast-check";

export type Step =
  | { t: "act"; name: string }
  | { t: "sleep"; secs: number }
  | { t: "side"; value: number }
  | { t: "signal"; name: string; timeout: number | undefined }
  | { t: "all"; branches: Step[][] }
  | { t: "pool"; limit: number; branches: Step[][] }
  | { t: "race"; branches: Step[][] }
  | { t: "try"; body: Step[]; compensate: Step[] }
  | { t: "child"; name: string }
  | { t: "signalExt"; name: string }
  | { t: "patch"; id: string; yes: Step[]; no: Step[] }
  | { t: "deprecate"; id: string }
  | { t: "any"; branches: Step[][] }
  | { t: "handle"; body: Step[]; cancel: boolean }
  | { t: "retry"; name: string };

/** Runs from the environment: YIELDFLOW_PROP_RUNS raises the count for deep runs. */
export const RUNS = Number(process.env.YIELDFLOW_PROP_RUNS ?? 60);

const SIGNALS = ["s1", "s2"] as const;

/** Arbitrary programs. Leaves get unique identities afterwards by `number`. */
export const programArb: fc.Arbitrary<Step[]> = fc
  .letrec<{ steps: Step[]; step: Step }>((tie) => ({
    steps: fc.array(tie("step"), { minLength: 1, maxLength: 5 }),
    step: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { arbitrary: fc.constant<Step>({ t: "act", name: "" }), weight: 6 },
      { arbitrary: fc.constant<Step>({ t: "sleep", secs: 0 }), weight: 2 },
      { arbitrary: fc.constant<Step>({ t: "side", value: 0 }), weight: 1 },
      { arbitrary: fc.constant<Step>({ t: "child", name: "" }), weight: 1 },
      { arbitrary: fc.constant<Step>({ t: "signalExt", name: "" }), weight: 1 },
      { arbitrary: fc.constant<Step>({ t: "retry", name: "" }), weight: 1 },
      {
        arbitrary: fc.record({
          t: fc.constant("any" as const),
          branches: fc.array(tie("steps") as fc.Arbitrary<Step[]>, { minLength: 1, maxLength: 3 }),
        }),
        weight: 1,
      },
      {
        arbitrary: fc.record({
          t: fc.constant("handle" as const),
          body: tie("steps") as fc.Arbitrary<Step[]>,
          cancel: fc.boolean(),
        }),
        weight: 1,
      },
      {
        arbitrary: fc.record({
          t: fc.constant("signal" as const),
          name: fc.constantFrom(...SIGNALS),
          timeout: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
        }),
        weight: 1,
      },
      {
        arbitrary: fc.record({
          t: fc.constant("all" as const),
          branches: fc.array(tie("steps") as fc.Arbitrary<Step[]>, { minLength: 1, maxLength: 3 }),
        }),
        weight: 1,
      },
      {
        // all(…, { concurrency }): fewer slots than branches, so some start only when others settle
        arbitrary: fc.record({
          t: fc.constant("pool" as const),
          limit: fc.integer({ min: 1, max: 3 }),
          branches: fc.array(tie("steps") as fc.Arbitrary<Step[]>, { minLength: 1, maxLength: 5 }),
        }),
        weight: 1,
      },
      {
        arbitrary: fc.record({
          t: fc.constant("race" as const),
          branches: fc.array(tie("steps") as fc.Arbitrary<Step[]>, { minLength: 1, maxLength: 3 }),
        }),
        weight: 1,
      },
      {
        arbitrary: fc.record({
          t: fc.constant("try" as const),
          body: tie("steps") as fc.Arbitrary<Step[]>,
          compensate: tie("steps") as fc.Arbitrary<Step[]>,
        }),
        weight: 1,
      },
    ),
  }))
  .steps.map((steps) => number(steps));

/** Gives every leaf a unique identity: activity names a1, a2 …, timer durations 1001 s, 1002 s …, values. */
export function number(steps: Step[]): Step[] {
  let n = 0;
  const walk = (list: Step[]): Step[] =>
    list.map((s): Step => {
      switch (s.t) {
        case "act":
          return { t: "act", name: `a${++n}` };
        case "sleep":
          return { t: "sleep", secs: 1000 + ++n };
        case "side":
          return { t: "side", value: ++n };
        case "signal":
        case "deprecate":
          return { ...s };
        case "child":
          return { t: "child", name: `c${++n}` };
        case "signalExt":
          return { t: "signalExt", name: `x${++n}` };
        case "retry":
          return { t: "retry", name: `r${++n}` };
        case "any":
          return { t: "any", branches: s.branches.map(walk) };
        case "handle":
          return { t: "handle", body: walk(s.body), cancel: s.cancel };
        case "patch":
          return { t: "patch", id: s.id, yes: walk(s.yes), no: walk(s.no) };
        case "all":
        case "race":
          return { t: s.t, branches: s.branches.map(walk) };
        case "pool":
          return { t: "pool", limit: s.limit, branches: s.branches.map(walk) };
        case "try":
          return { t: "try", body: walk(s.body), compensate: walk(s.compensate) };
        default:
          return s satisfies never;
      }
    });
  return walk(steps);
}

const defs = new Map<string, ActivityDefinition<unknown, unknown>>();
function def(name: string): ActivityDefinition<unknown, unknown> {
  let d = defs.get(name);
  if (!d) {
    d = defineActivity<unknown, unknown>({ name, version: "1", taskList: "work", timeouts: { startToClose: "60s" } });
    defs.set(name, d);
  }
  return d;
}

function* run(steps: readonly Step[]): Generator<EffectRequest, unknown[], unknown> {
  const out: unknown[] = [];
  for (const s of steps) {
    switch (s.t) {
      case "act":
        out.push(yield* activity(def(s.name), s.name));
        break;
      case "sleep":
        yield* sleep(s.secs);
        break;
      case "side":
        out.push(yield* sideEffect(() => s.value * 10));
        break;
      case "signal":
        try {
          out.push(yield* signal(s.name, s.timeout === undefined ? {} : { timeout: s.timeout }));
        } catch (err) {
          if (!(err instanceof Failure) || err.code !== "YF_TIMEOUT") throw err;
          out.push("timeout");
        }
        break;
      case "all":
        out.push(yield* all(s.branches.map((b) => run(b))));
        break;
      case "race":
        out.push(yield* race(s.branches.map((b) => run(b))));
        break;
      case "pool": {
        // counts the branches running (started, not finished): more than the limit is a bug, which fails the
        // decision task (a WorkflowTaskError ends the property run)
        let running = 0;
        const limit = s.limit;
        const lane = function* (b: Step[]): Generator<EffectRequest, unknown[], unknown> {
          if (++running > limit) throw new Error(`${running} branches of all(…, { concurrency: ${limit} }) running`);
          try {
            return yield* run(b);
          } finally {
            running--;
          }
        };
        out.push(yield* all(s.branches.map(lane), { concurrency: limit }));
        break;
      }
      case "try":
        try {
          out.push(yield* run(s.body));
        } catch (err) {
          if (!(err instanceof Failure) || err.code === "YF_CANCELLED") throw err;
          out.push(yield* run(s.compensate));
        }
        break;
      case "child":
        out.push(yield* childWorkflow(kid, s.name));
        break;
      case "signalExt":
        yield* signalExternal(`peer-${s.name}`, s.name, s.name);
        break;
      case "patch":
        out.push(yield* run((yield* patched(s.id)) ? s.yes : s.no));
        break;
      case "deprecate":
        yield* deprecatePatch(s.id);
        break;
      case "retry":
        try {
          out.push(yield* retry(activity(def(s.name), s.name), { maximumAttempts: 3, initialInterval: 1 }));
        } catch (err) {
          if (!(err instanceof Failure) || err.code === "YF_CANCELLED") throw err;
          out.push("gave up");
        }
        break;
      case "any":
        try {
          out.push(yield* any(s.branches.map((b) => run(b))));
        } catch (err) {
          if (!(err instanceof Failure) || err.code !== "YF_ALL_FAILED") throw err;
          out.push("all failed");
        }
        break;
      case "handle": {
        const h = yield* start(run(s.body));
        if (s.cancel) {
          yield* sleep(1);
          yield* cancel(h);
        }
        try {
          out.push(yield* h);
        } catch (err) {
          if (!(err instanceof Failure)) throw err;
          // a cancellation of the workflow itself must propagate; the handle's own cancellation or failure is data
          if (err.code === "YF_CANCELLED" && (err as { target?: string }).target === "workflow") throw err;
          out.push(err.code);
        }
        break;
      }
    }
  }
  return out;
}

/** The child workflow type programs start (the simulator closes children itself). */
export const kid = defineWorkflow({ name: "kid", version: "1" }, function* (name: string) {
  yield* sleep(1);
  return name;
});

let counter = 0;
/** A workflow type that runs `steps`. Each call makes a new type name, so programs never share definitions. */
export function toWorkflow(steps: Step[], name = `prog${++counter}`) {
  return defineWorkflow({ name, version: "1" }, function* () {
    const result = yield* run(steps);
    if (JSON.stringify(result).length > 30_000) throw new ApplicationFailure("TooBig", "result too big");
    return result;
  });
}

/** One choice of the outcome schedule. */
export interface Choice {
  pick: number;
  /** 0–6 complete, 7–8 fail, 9 time out. */
  outcome: number;
  /** How many happenings land before the next decision task. */
  batch: number;
  /** Sometimes a signal arrives, sometimes a cancel request, sometimes the decision task times out. */
  extra: "none" | "signal" | "cancel" | "dtTimeout";
}

export const scheduleArb: fc.Arbitrary<Choice[]> = fc.array(
  fc.record({
    pick: fc.nat(),
    outcome: fc.integer({ min: 0, max: 9 }),
    batch: fc.integer({ min: 1, max: 3 }),
    extra: fc.constantFrom<Choice["extra"]>(
      "none",
      "none",
      "none",
      "none",
      "none",
      "none",
      "signal",
      "signal",
      "cancel",
      "dtTimeout",
    ),
  }),
  { maxLength: 40 },
);

/**
 * The outcome policy for `simulate`: follows the schedule while it lasts (which open activity finishes and how,
 * when timers fire, signals, cancel requests, decision task time-outs), then completes everything in order and
 * sends signals until the workflow ends. Timers always fire in deadline order, as on SWF.
 */
export function policy(schedule: readonly Choice[], options: { allowCancel?: boolean } = {}) {
  let signalRound = 0;
  return (b: HistoryBuilder, step: number): Happening[] => {
    const out: Happening[] = [];
    const choice = schedule[step];
    const open = (): Happening[] => {
      const candidates: Happening[] = [];
      for (const a of b.activities.values())
        candidates.push({ kind: "activityCompleted", activityId: a.activityId, result: a.activityType.name });
      for (const c of b.children.values()) {
        candidates.push({ kind: "childClosed", workflowId: c.workflowId, status: "COMPLETED", result: c.workflowId });
      }
      for (const x of b.externals.values())
        candidates.push({ kind: "externalDelivered", initiatedEventId: x.initiatedEventId });
      const timer = nextTimer(b);
      if (timer) candidates.push({ kind: "timerFired", timerId: timer });
      return candidates;
    };
    if (choice) {
      for (let k = 0; k < choice.batch; k++) {
        const used = new Set(out.map(keyOf));
        const candidates = open().filter((c) => !used.has(keyOf(c)));
        if (candidates.length === 0) break;
        const c = candidates[(choice.pick + k) % candidates.length] as Happening;
        if (c.kind === "childClosed" && choice.outcome >= 7) {
          out.push({ ...c, status: choice.outcome === 9 ? "TIMED_OUT" : "FAILED" });
        } else if (c.kind === "externalDelivered" && choice.outcome >= 8) {
          out.push({ ...c, failed: true });
        } else if (c.kind === "activityCompleted" && choice.outcome >= 7) {
          out.push(
            choice.outcome === 9
              ? { kind: "activityTimedOut", activityId: c.activityId, timeoutType: "START_TO_CLOSE" }
              : { kind: "activityFailed", activityId: c.activityId, error: new Error(`boom ${c.activityId}`) },
          );
        } else out.push(c);
      }
      if (choice.extra === "signal")
        out.push({ kind: "signal", name: SIGNALS[choice.pick % 2] as string, input: `sig${step}` });
      if (choice.extra === "cancel" && options.allowCancel) out.push({ kind: "cancelRequested" });
      if (choice.extra === "dtTimeout" && out.length > 0) out.push({ kind: "decisionTaskTimedOut" });
      if (out.length > 0) return out;
    }
    const first = open()[0];
    if (first) return [first];
    if (signalRound < 50)
      return [{ kind: "signal", name: SIGNALS[signalRound++ % 2] as string, input: `late${signalRound}` }];
    return [];
  };
}

function keyOf(h: Happening): string {
  if ("activityId" in h) return `a:${h.activityId}`;
  if ("timerId" in h) return `t:${h.timerId}`;
  if ("workflowId" in h) return `c:${h.workflowId}`;
  if ("initiatedEventId" in h) return `x:${h.initiatedEventId}`;
  return h.kind;
}
