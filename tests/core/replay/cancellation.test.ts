/** WorkflowExecutionCancelRequested: uncaught → CancelWorkflowExecution; caught → cleanup runs. */
import {
  activity,
  all,
  CancelledFailure,
  cancel,
  defineActivity,
  defineWorkflow,
  type EffectRequest,
  type Handle,
  race,
  sideEffect,
  signal,
  sleep,
  start,
} from "@yieldflow/core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { attrs, Driver, only, resultOf, types } from "../support.ts";

const work = defineActivity<string, string>({ name: "work", version: "1" });
const undo = defineActivity<string, void>({ name: "undo", version: "1" });

const t = suite("workflow cancellation");

t("uncaught: the open activity gets RequestCancelActivityTask, then CancelWorkflowExecution (last)", () => {
  const wf = defineWorkflow({ name: "c1", version: "1" }, function* () {
    return yield* activity(work, "x");
  });
  const d = new Driver(wf);
  d.decide();
  d.b.activityStarted("activity-1");
  d.b.cancelRequested();
  const r = d.decide();
  assert.equal(types(r.decisions), ["RequestCancelActivityTask", "CancelWorkflowExecution"]);
  assert.equal(attrs(r.decisions[0]), { activityId: "activity-1" });
  assert.equal(r.status.status, "canceled");
  assert.is(d.b.closedBy, "WorkflowExecutionCanceled");
});

t("uncaught while sleeping: CancelTimer, then CancelWorkflowExecution", () => {
  const wf = defineWorkflow({ name: "c2", version: "1" }, function* () {
    yield* sleep("1d");
  });
  const d = new Driver(wf);
  const timerId = only(d.decide().decisions, "StartTimer").timerId;
  d.b.cancelRequested();
  const r = d.decide();
  assert.equal(types(r.decisions), ["CancelTimer", "CancelWorkflowExecution"]);
  assert.equal(attrs(r.decisions[0]), { timerId });
});

t("uncaught while waiting for a signal: only CancelWorkflowExecution", () => {
  const wf = defineWorkflow({ name: "c3", version: "1" }, function* () {
    yield* signal("never");
  });
  const d = new Driver(wf);
  d.decide();
  d.b.cancelRequested();
  assert.equal(types(d.decide().decisions), ["CancelWorkflowExecution"]);
});

t("caught: CancelledFailure is thrown in; compensation runs and the workflow completes", () => {
  const wf = defineWorkflow({ name: "c4", version: "1" }, function* () {
    try {
      return yield* activity(work, "x");
    } catch (err) {
      if (!(err instanceof CancelledFailure)) throw err;
      yield* activity(undo, "x");
      return { cleaned: true, code: err.code };
    }
  });
  const d = new Driver(wf);
  d.decide();
  d.b.activityStarted("activity-1");
  d.b.cancelRequested();
  const r = d.decide();
  assert.equal(types(r.decisions), ["RequestCancelActivityTask", "ScheduleActivityTask"]);
  assert.is((attrs(r.decisions[1]).activityType as { name: string }).name, "undo");
  assert.equal(r.status, { status: "running" });
  const undoId = attrs(r.decisions[1]).activityId as string;
  d.b.activityCanceled("activity-1");
  assert.equal(d.decide().decisions, [], "the late ActivityTaskCanceled of the cancelled activity is ignored");
  d.b.activityCompleted(undoId);
  assert.equal(resultOf(d.decide().decisions), { cleaned: true, code: "YF_CANCELLED" });
});

t("caught and rethrown after cleanup → CancelWorkflowExecution", () => {
  const wf = defineWorkflow({ name: "c5", version: "1" }, function* () {
    try {
      yield* sleep(100);
    } finally {
      yield* activity(undo, "x");
    }
  });
  const d = new Driver(wf);
  d.decide();
  d.b.cancelRequested();
  const r = d.decide();
  assert.equal(types(r.decisions), ["CancelTimer", "ScheduleActivityTask"]);
  d.b.activityCompleted(attrs(r.decisions[1]).activityId as string);
  const r2 = d.decide();
  assert.equal(types(r2.decisions), ["CancelWorkflowExecution"]);
  assert.equal(r2.status.status, "canceled");
});

t("a branch generator's finally blocks run on workflow cancellation", () => {
  const log: string[] = [];
  function* branch(): Generator<EffectRequest, void, unknown> {
    try {
      yield* sleep(50);
    } finally {
      log.push("branch-finally");
    }
  }
  const wf = defineWorkflow({ name: "c6", version: "1" }, function* () {
    const h = yield* start(branch());
    yield* sleep(100);
    yield* h;
  });
  const d = new Driver(wf, undefined, { incremental: false });
  assert.equal(types(d.decide().decisions), ["StartTimer", "StartTimer"]);
  d.b.cancelRequested();
  log.length = 0;
  assert.equal(types(d.decide().decisions), ["CancelTimer", "CancelTimer", "CancelWorkflowExecution"]);
  assert.ok(log.includes("branch-finally"));
});

t("a second cancel request is ignored; a cancel request after the workflow chose to complete changes nothing", () => {
  const wf = defineWorkflow({ name: "c7", version: "1" }, function* () {
    try {
      yield* sleep(100);
    } catch {
      yield* sleep(5);
      return "cleaned";
    }
    return "slept";
  });
  const d = new Driver(wf);
  d.decide();
  d.b.cancelRequested();
  const r = d.decide();
  assert.equal(types(r.decisions), ["CancelTimer", "StartTimer"]);
  d.b.cancelRequested();
  assert.equal(d.decide().decisions, [], "the cleanup timer is not cancelled by a repeated request");
  d.b.timerFired(attrs(r.decisions[1]).timerId as string);
  assert.is(resultOf(d.decide().decisions), "cleaned");
});

t("a workflow that ignores the request and completes normally completes (cancellation is cooperative)", () => {
  const wf = defineWorkflow({ name: "c8", version: "1" }, function* () {
    try {
      yield* sleep(100);
    } catch {
      // ignore
    }
    return "done anyway";
  });
  const d = new Driver(wf);
  d.decide();
  d.b.cancelRequested();
  const r = d.decide();
  assert.equal(types(r.decisions), ["CancelTimer", "CompleteWorkflowExecution"]);
  assert.is(resultOf(r.decisions), "done anyway");
});

t.run();

// ─── regressions found by the code review (moved from regressions/review.test.ts) ───
{
  const act = defineActivity<number, number>({ name: "a", version: "1", taskList: "t" });
  const review = suite("cancellation: code review regressions");

  review("a cancel request reaches a workflow waiting on a started branch that handles its own cancellation", () => {
    function* step() {
      try {
        yield* activity(act, 1);
        return "done";
      } catch (err) {
        if (err instanceof CancelledFailure) return "cleaned-up";
        throw err;
      }
    }
    const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
      const h = yield* start(step());
      const r = yield* h;
      yield* sleep(60);
      return r;
    });
    const d = new Driver(wf);
    d.decide();
    d.b.cancelRequested();
    const r = d.decide();
    assert.equal(types(r.decisions), ["RequestCancelActivityTask", "CancelWorkflowExecution"]);
    assert.is(r.status.status, "canceled");
  });

  review("a branch cancelled before it first ran starts nothing", () => {
    function* loser() {
      yield* start(activity(act, 1));
      yield* sleep(100);
      return "loser";
    }
    const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
      const w = yield* race([sideEffect(() => "winner"), loser()]);
      yield* sleep(1000);
      return w;
    });
    assert.equal(types(new Driver(wf).decide().decisions), ["RecordMarker", "StartTimer"]);
  });

  review("a cancelled saga branch gets its compensation's result (a fiber is cancelled once)", () => {
    const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
      let saga = "not compensated";
      try {
        yield* all([
          (function* () {
            try {
              return yield* activity(act, 1);
            } catch {
              saga = `compensated: ${yield* activity(act, 2)}`;
              return saga;
            }
          })(),
          sleep(100),
        ]);
      } catch (err) {
        return `${saga} (${(err as Error).name})`;
      }
      return saga;
    });
    const d = new Driver(wf);
    d.decide();
    d.b.cancelRequested();
    const r2 = d.decide();
    assert.equal(types(r2.decisions), ["RequestCancelActivityTask", "CancelTimer", "ScheduleActivityTask"]);
    d.b.activityCompleted("activity-3", "20");
    assert.equal(d.decide().status, { status: "completed", result: "compensated: 20 (CancelledFailure)" });
  });

  review("a branch cancelled by a sibling while it is runnable sees the cancellation at its next wait", () => {
    const wf = defineWorkflow({ name: "w", version: "1" }, function* () {
      const h = yield* start(activity(act, 1));
      let hA: Handle<string> | undefined;
      const hB = yield* start(
        (function* () {
          try {
            yield* h;
          } catch {}
          yield* cancel(hA as Handle<string>);
          return "B";
        })(),
      );
      hA = yield* start(
        (function* () {
          try {
            yield* h;
          } catch {}
          yield* signal("never");
          return "A finished";
        })(),
      );
      yield* hB;
      try {
        return yield* hA;
      } catch (err) {
        return `A: ${(err as Error).name}`;
      }
    });
    const d = new Driver(wf);
    d.decide();
    d.b.activityFailed("activity-1", "boom");
    assert.equal(d.decide().status, { status: "completed", result: "A: CancelledFailure" });
  });

  review.run();
}
