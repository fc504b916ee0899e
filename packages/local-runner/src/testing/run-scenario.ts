/**
 * Runs one scenario in a `LocalRunner` and checks it. The runner decides every decision task with the real
 * interpreter and records real SWF histories; this driver is the activity worker and the outside world: the
 * activity types are registered with the runner but not run by it (`activityTypes`), so their tasks wait in
 * their task lists, and the driver polls each one and answers it as the scenario says (completed with what the
 * implementation returns, failed, or left to time out while the virtual clock moves), moves virtual time, and
 * sends signals and cancel requests at their times. The virtual clock only moves when the driver moves it.
 *
 * Checked for each scenario:
 * - no decision task fails while the runner runs the workflow (its code throws no bug, its replay never diverges);
 * - the execution reaches a terminal state (completed, failed, cancelled, continued as new, timed out) within
 *   `maxEvents`; one that waits for something that can no longer happen is reported as waiting for ever;
 * - core's replay properties (`checkReplay`) on every closed run's history, against the decisions the runner
 *   made live: every prefix replays to the same decisions, incremental = full, unique ids, valid decisions;
 * - the user's `check`, if any.
 */
import type { AnyActivity, AnyWorkflow, CloseStatus, HistoryEvent, WorkflowDefinition } from "@yieldflow/core";
import { checkReplay, type DecidedTask, ReplayCheckError } from "@yieldflow/core/testing";
import { ActivityRunner, type ActivityTask, guardedTaskService } from "../runner/activity-runner.js";
import { VirtualClock } from "../runner/clock.js";
import { LocalRunner } from "../runner/local-runner.js";
import type { QueuedActivity } from "../runner/service.js";
import { WorkflowCheckError, type WorkflowCheckProperty } from "./errors.js";
import { describeThrown, explainReplay, NOT_DETERMINISTIC } from "./explain.js";
import type { Scenario, ScenarioStep, StepOutcome } from "./scenario.js";
import { formatDuration, formatStory, type StoryLine, storyOf } from "./story.js";

/** What running a scenario takes besides the workflow. */
export interface RunScenarioOptions {
  /** The activities the workflow (and its children) use: implementations or stubs (`implement(def, fn)`). */
  activities: readonly AnyActivity[];
  /** Child workflow types the workflow starts. */
  workflows?: readonly AnyWorkflow[];
  /** An execution whose runs record more events than this in total has not terminated. Default 1,000. */
  maxEvents?: number;
  /** Wall-clock milliseconds an activity implementation may take before the check gives up on it. Default 5,000. */
  activityWallTimeoutMs?: number;
  /** More checks on each scenario that ended: throw (e.g. with `uvu/assert`) to fail it. */
  check?: (report: ScenarioReport) => void | Promise<void>;
}

/** How a scenario ended (its execution reached a terminal state and every property held). */
export interface ScenarioReport {
  workflowId: string;
  /** The first run (the one started). */
  runId: string;
  status: CloseStatus;
  /** The workflow's result, when it completed. */
  result?: unknown;
  /** The first run's history (SWF wire form). */
  history: HistoryEvent[];
  /** The scenario in words. */
  story: string;
  /** How many runs (the execution, its continued-as-new successor's predecessors, children) were replay-checked. */
  checkedRuns: number;
}

const IDENTITY = "yieldflow-check";
const DEFAULT_STEP: ScenarioStep = { pick: 0, outcome: "complete", delay: 0 };
const INJECTED = "injected failure";

type Ending =
  | { kind: "closed" }
  | { kind: "stuck"; runId: string; error: unknown }
  | { kind: "waits" }
  | { kind: "bound" };

/** An activity implementation that never settled: the check cannot go on. */
class Hung extends Error {}

interface Arrival {
  at: number;
  kind: "signal" | "cancel";
  name: string;
  input: unknown;
  /** ms after start, for the story. */
  offset: number;
}

/** Runs `scenario` against `workflow` in a fresh `LocalRunner`. Throws `WorkflowCheckError` when a property fails. */
export async function runScenario<I, O>(
  workflow: WorkflowDefinition<I, O>,
  scenario: Scenario<I>,
  options: RunScenarioOptions,
): Promise<ScenarioReport> {
  const byKey = new Map<string, AnyActivity>();
  const byName = new Map<string, AnyActivity>();
  for (const a of options.activities) {
    byKey.set(`${a.definition.name}@${a.definition.version}`, a);
    byName.set(a.definition.name, a);
  }
  const implFor = (t: { name: string; version: string }) => byKey.get(`${t.name}@${t.version}`) ?? byName.get(t.name);
  const workflows = [workflow as AnyWorkflow, ...(options.workflows ?? [])];
  const runner = new LocalRunner({
    workflows,
    // fully virtual: a scenario's timestamps depend only on the scenario, so a seed reproduces the same story
    clock: new VirtualClock(undefined, { activityTime: "virtual" }),
    // registered, not run in process: their tasks wait in their task lists for this driver
    activityTypes: options.activities.map((a) => a.definition),
  });
  const decided = new Map<string, DecidedTask[]>();
  let eventCount = 0;
  let stuck: { runId: string; error: unknown } | undefined;
  runner.onEvent((e) => {
    if (e.kind === "event") eventCount++;
    else if (e.kind === "decided") {
      const list = decided.get(e.runId) ?? [];
      list.push({ startedEventId: e.startedEventId, historyLength: e.historyLength, decisions: e.decisions });
      decided.set(e.runId, list);
    } else if (e.kind === "decisionTaskFailed" && !e.willRetry && !stuck) stuck = { runId: e.runId, error: e.error };
  });
  const maxEvents = options.maxEvents ?? 1_000;
  const wallTimeout = options.activityWallTimeoutMs ?? 5_000;
  const notes: StoryLine[] = [];
  const name = `${workflow.name}@${workflow.version}`;
  let worker: ActivityRunner | undefined;
  try {
    const handle = await runner.start(workflow, scenario.input, { workflowId: `${workflow.name}-check` });
    const { workflowId, runId } = handle;
    const service = runner.service;
    const clock = runner.clock;
    const t0 = clock.now();
    const main = () => service.runById(runId);
    const arrivals: Arrival[] = [
      ...scenario.signals.map((s) => ({
        at: t0 + s.at,
        kind: "signal" as const,
        name: s.name,
        input: s.input,
        offset: s.at,
      })),
      ...(scenario.cancelAt === undefined
        ? []
        : [
            {
              at: t0 + scenario.cancelAt,
              kind: "cancel" as const,
              name: "",
              input: undefined,
              offset: scenario.cancelAt,
            },
          ]),
    ].sort((a, b) => a.at - b.at);

    const deliver = (a: Arrival) => {
      const what = a.kind === "signal" ? `signal ${a.name}` : "the cancel request";
      if (main()?.closeStatus) {
        notes.push({ at: a.offset, text: `${what} was not sent: the execution had already closed` });
        return;
      }
      if (a.kind === "signal") runner.signalWorkflowExecution(workflowId, a.name, a.input, runId);
      else runner.requestCancelWorkflowExecution(workflowId, runId);
    };
    /** Moves virtual time to `target`, delivering what arrives on the way at its time. */
    const passTimeTo = async (target: number) => {
      for (let next = arrivals[0]; next && next.at <= target; next = arrivals[0]) {
        arrivals.shift();
        await runner.advance(Math.max(0, next.at - clock.now()));
        deliver(next);
      }
      await runner.advance(Math.max(0, target - clock.now()));
    };
    const ended = (): Ending | undefined => {
      if (stuck) return { kind: "stuck", ...stuck };
      const exec = main();
      if (exec?.closeStatus) return { kind: "closed" };
      if (exec?.stuck) return { kind: "stuck", runId, error: exec.stuck.error };
      if (eventCount > maxEvents) return { kind: "bound" };
      return undefined;
    };
    const served = () => runner.queuedActivities().filter((q) => implFor(q.activityType) !== undefined);

    const poll = (q: QueuedActivity) =>
      service.pollForActivityTask((x) => x.runId === q.runId && x.scheduledEventId === q.scheduledEventId, IDENTITY);

    // The activity worker is the local runner's own loop (runner/activity-runner.ts), one task at a time: failure
    // details without stacks (a story must not depend on where the code lives), and a hung function ends the check.
    let hung: string | undefined;
    let serviceError: unknown;
    const activityWorker = new ActivityRunner({
      service: guardedTaskService(service, (err) => {
        serviceError ??= err;
      }),
      payloads: runner.payloads,
      maxConcurrent: 1,
      clock,
      // scenarios run by the hundred: their activities' lines are dropped, not printed
      logging: { sink: () => {}, now: () => clock.now() },
      failureStacks: false,
      hangAfterMs: wallTimeout,
      onHung: (task) => {
        hung = `activity ${task.activityType.name} (${task.activityId}) did not settle within ${wallTimeout} ms of wall time; give the check a stub (or raise activityWallTimeoutMs)`;
      },
    });
    worker = activityWorker;
    const work = async (task: ActivityTask, impl: AnyActivity) => {
      await new Promise<void>((done) => activityWorker.run(task, impl, done));
      if (serviceError !== undefined) throw serviceError;
      if (hung !== undefined) throw new Hung(hung);
    };
    const complete = async (q: QueuedActivity) => {
      const task = poll(q);
      if (task) await work(task, implFor(task.activityType) as AnyActivity);
    };
    /** Fails the task as an implementation that throws would. */
    const injectFailure = async (q: QueuedActivity) => {
      const task = poll(q);
      if (!task) return;
      const { definition } = implFor(task.activityType) as AnyActivity;
      await work(task, {
        definition,
        run: () => {
          throw new Error(INJECTED);
        },
      });
    };

    const answer = async (q: QueuedActivity, outcome: StepOutcome, pick: number): Promise<void> => {
      if (outcome === "timeout") {
        const open = service.runById(q.runId)?.recorder.activities.get(q.activityId);
        const t = open?.timeouts ?? {};
        const choices: { secs: number; start: boolean }[] = [];
        // SCHEDULE_TO_START and SCHEDULE_TO_CLOSE: never polled; START_TO_CLOSE and HEARTBEAT: polled, never answered
        if (t.scheduleToStart !== undefined) choices.push({ secs: t.scheduleToStart, start: false });
        if (t.scheduleToClose !== undefined) choices.push({ secs: t.scheduleToClose, start: false });
        if (t.startToClose !== undefined) choices.push({ secs: t.startToClose, start: true });
        if (t.heartbeat !== undefined) choices.push({ secs: t.heartbeat, start: true });
        const c = choices[pick % Math.max(1, choices.length)];
        if (open && c) {
          const from = c.start ? clock.now() : open.scheduledAt;
          if (c.start && !poll(q)) return;
          return passTimeTo(from + c.secs * 1000);
        }
        // an activity without any timeout cannot time out on SWF: it fails instead
      }
      if (outcome === "fail" || outcome === "timeout") return injectFailure(q);
      return complete(q);
    };

    const drive = async (): Promise<Ending> => {
      for (let step = 0; step < maxEvents * 4; step++) {
        await runner.idle();
        const end = ended();
        if (end) return end;
        const c = scenario.steps[step] ?? DEFAULT_STEP;
        let queued = served();
        if (queued.length > 0 && c.outcome !== "wait") {
          if (c.delay > 0) {
            await passTimeTo(clock.now() + c.delay);
            await runner.idle();
            if (ended()) continue;
            queued = served();
            if (queued.length === 0) continue;
          }
          await answer(queued[c.pick % queued.length] as QueuedActivity, c.outcome, c.pick);
          continue;
        }
        const deadline = service.nextDeadline();
        const arrival = arrivals[0]?.at;
        const next = deadline === undefined ? arrival : arrival === undefined ? deadline : Math.min(deadline, arrival);
        if (next !== undefined) {
          await passTimeTo(next);
          continue;
        }
        if (queued.length > 0) {
          await answer(queued[c.pick % queued.length] as QueuedActivity, "complete", c.pick);
          continue;
        }
        return { kind: "waits" };
      }
      return { kind: "bound" };
    };

    let ending: Ending;
    try {
      ending = await drive();
    } catch (err) {
      if (!(err instanceof Hung)) throw err;
      throw failure("activity-settles", err.message, err);
    }
    for (const a of arrivals.splice(0))
      notes.push({
        at: a.offset,
        text: `${a.kind === "signal" ? `signal ${a.name}` : "the cancel request"} would have arrived here: not sent, the scenario had ended`,
      });

    function storyText(extraRunId?: string): string {
      const lines = [...storyOf(runner.getWorkflowExecutionHistory(workflowId, runId)), ...notes].sort(
        (a, b) => a.at - b.at,
      );
      let text = formatStory(lines);
      if (extraRunId !== undefined && extraRunId !== runId) {
        const exec = service.runById(extraRunId);
        if (exec) {
          const t = `${exec.workflowType.name}@${exec.workflowType.version}`;
          text += `\n  in ${t} (workflow id ${exec.workflowId}, run ${exec.runId}):\n${formatStory(storyOf(exec.recorder.events), "    ")}`;
        }
      }
      return text;
    }
    function failure(property: WorkflowCheckProperty, problem: string, cause?: unknown, inRun?: string) {
      return new WorkflowCheckError(
        { workflow: name, property, problem, story: storyText(inRun), scenario },
        cause === undefined ? undefined : { cause },
      );
    }
    const elapsed = () => formatDuration(clock.now() - t0);

    switch (ending.kind) {
      case "stuck": {
        const exec = service.runById(ending.runId);
        const which =
          ending.runId === runId ? "the workflow" : `${exec?.workflowType.name} (workflow id ${exec?.workflowId})`;
        throw failure(
          "decision-task",
          `a decision task of ${which} failed at +${elapsed()}: ${describeThrown(ending.error)}`,
          ending.error,
          ending.runId,
        );
      }
      case "bound":
        throw failure(
          "terminates",
          `the execution did not end within ${maxEvents} history events (+${elapsed()} of virtual time); if it is meant to run that long, raise maxEvents`,
        );
      case "waits": {
        const exec = main();
        const children = exec?.recorder.children.size ?? 0;
        throw failure(
          "terminates",
          `the execution waits for ever: at +${elapsed()} nothing is left that could wake it (no activity task or timer is open${children ? `; ${children} child workflow(s) are open and wait too` : ""}, no signal or cancel request is left to arrive). If it waits for a signal, declare the signal with count: { min: 1 }, or give the wait a timeout`,
        );
      }
      case "closed":
        break;
    }

    // replay properties of every closed run, against the decisions the runner made live
    let checkedRuns = 0;
    for (const [id, tasks] of decided) {
      const exec = service.runById(id);
      if (!exec?.closeStatus) continue;
      const def = workflows.find((w) => w.name === exec.workflowType.name && w.version === exec.workflowType.version);
      if (!def) continue;
      try {
        checkReplay(def, { events: exec.recorder.events, tasks }, { workflowId: exec.workflowId, runId: exec.runId });
      } catch (err) {
        const ids = { workflowId: exec.workflowId, runId: exec.runId };
        const incremental = err instanceof ReplayCheckError && err.property === "incremental-equals-full";
        let explained: string | undefined;
        // a non-determinism that depends on chance (Math.random) may need a few tries to strike again
        for (let i = 0; i < 8 && !explained; i++)
          explained =
            err instanceof ReplayCheckError && !incremental && err.property !== "prefix-replay"
              ? undefined
              : explainReplay(incremental ? "incremental" : "prefix", def, exec.recorder.events, tasks, ids);
        if (explained) throw failure(incremental ? "incremental-equals-full" : "prefix-replay", explained, err, id);
        if (err instanceof ReplayCheckError) {
          const hint =
            err.property === "prefix-replay" || err.property === "incremental-equals-full"
              ? `\n${NOT_DETERMINISTIC}`
              : "";
          throw failure(err.property, `${err.message.slice(err.property.length + 2)}${hint}`, err, id);
        }
        throw failure("replay", `replaying the recorded history threw ${describeThrown(err)}`, err, id);
      }
      checkedRuns++;
    }

    const exec = main();
    const history = runner.getWorkflowExecutionHistory(workflowId, runId);
    const report: ScenarioReport = {
      workflowId,
      runId,
      status: exec?.closeStatus as CloseStatus,
      history,
      story: storyText(),
      checkedRuns,
    };
    if (report.status === "COMPLETED")
      report.result = runner.payloads
        .forType(workflow)
        .decode(history.at(-1)?.workflowExecutionCompletedEventAttributes?.result, `workflow ${name} result`);
    if (options.check) {
      try {
        await options.check(report);
      } catch (err) {
        throw failure("check", `the check threw ${describeThrown(err)}`, err);
      }
    }
    return report;
  } finally {
    worker?.closeAll("the check ended");
    runner.close();
  }
}
