/**
 * Ids are what replay matches on, so what must not change them: wrapping an effect in all()/start(), the response
 * cap, a patched() call. And timeouts: "NONE" goes out as SWF's "NONE", more than a year is refused early.
 */

import {
  activity,
  all,
  cancel,
  childWorkflow,
  decide,
  defineActivity,
  defineWorkflow,
  InvalidArgumentError,
  sleep,
  start,
} from "@yieldflow/core";
import { HistoryBuilder, simulate } from "@yieldflow/core/testing";
import { suite, test } from "uvu";
import * as assert from "uvu/assert";
import { Driver } from "../support.ts";

const a = defineActivity<number, number>({
  name: "a",
  version: "1",
  timeouts: { scheduleToClose: "NONE", startToClose: "1h" },
});

const scheduledIds = (events: readonly { activityTaskScheduledEventAttributes?: { activityId?: string } }[]) =>
  events.flatMap((e) =>
    e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityId] : [],
  );

test("wrapping effects in all() or start() does not change their ids, so the refactoring replays", () => {
  const plain = defineWorkflow({ name: "ids", version: "1" }, function* () {
    const x = yield* activity(a, 1);
    yield* sleep(5);
    return x + (yield* activity(a, 2));
  });
  const wrapped = defineWorkflow({ name: "ids", version: "1" }, function* () {
    const [x] = yield* all([activity(a, 1)]);
    const h = yield* start(sleep(5));
    yield* h;
    return x + (yield* all([activity(a, 2)]))[0];
  });
  const sim = simulate(plain, {});
  assert.is(sim.ended, "closed");
  assert.equal(scheduledIds(sim.events), ["activity-1", "activity-3"]);
  decide(wrapped, sim.events); // no NondeterminismError
  assert.equal(scheduledIds(simulate(wrapped, {}).events), ["activity-1", "activity-3"]);
});

test("the wake-up timer does not take an effect id: a different response cap keeps the activity ids", () => {
  const wide = defineWorkflow({ name: "wide", version: "1" }, function* () {
    return (yield* all(Array.from({ length: 12 }, (_, i) => activity(a, i)))).length;
  });
  const capped = simulate(wide, { maxDecisionsPerResponse: 5 });
  const uncapped = simulate(wide, {});
  assert.equal(scheduledIds(capped.events), scheduledIds(uncapped.events));
  assert.ok(capped.events.some((e) => e.timerStartedEventAttributes?.timerId?.startsWith("wakeup-")));
});

test('"NONE" timeouts go out as "NONE"; more than a year is an InvalidArgumentError where it is written', () => {
  const wf = defineWorkflow({ name: "none", version: "1" }, function* () {
    return yield* activity(a, 1);
  });
  const sim = simulate(wf, {});
  const first = sim.tasks[0]?.decisions[0] as { scheduleActivityTaskDecisionAttributes?: Record<string, string> };
  const attrs = first.scheduleActivityTaskDecisionAttributes;
  assert.is(attrs?.scheduleToCloseTimeout, "NONE");
  assert.is(attrs?.startToCloseTimeout, "3600");
  assert.throws(
    () => sleep("400d"),
    (err: unknown) => err instanceof InvalidArgumentError,
  );
  assert.throws(
    () => sleep("NONE" as never),
    (err: unknown) => err instanceof InvalidArgumentError,
  );
  assert.throws(
    () => defineActivity({ name: "b", version: "1", timeouts: { heartbeat: 40_000_000 } }),
    (err: unknown) => err instanceof InvalidArgumentError,
  );
});

test.run();

// ─── regressions found by the code review (moved from regressions/review.test.ts) ───
{
  const act = defineActivity<number, number>({ name: "a", version: "1", taskList: "t" });
  const kid = defineWorkflow({ name: "kid", version: "1" }, function* () {
    yield* sleep(1);
    return 1;
  });
  const review = suite("ids: code review regressions");

  review("ids SWF sees (wake-up timers, child cancel requests) do not move when code is wrapped in all()", () => {
    const make = (wrap: boolean) =>
      defineWorkflow({ name: "w", version: "1" }, function* () {
        if (wrap) yield* all([activity(act, 0)]);
        else yield* activity(act, 0);
        const h = yield* start(childWorkflow(kid, null));
        for (let i = 0; i < 4; i++) yield* start(activity(act, i));
        yield* sleep(5);
        yield* cancel(h);
        yield* sleep(5);
      });
    const d = new Driver(make(true), undefined, { maxDecisionsPerResponse: 3 });
    d.decide();
    d.b.activityCompleted("activity-1", "1");
    for (let i = 0; i < 6 && !d.b.closedBy; i++) {
      const timer = [...d.b.timers.keys()].sort()[0];
      if (timer) d.b.timerFired(timer);
      if (!d.b.decisionTaskScheduled) break;
      d.decide();
    }
    const kinds = d.b.events.map((e) => e.eventType);
    assert.ok(kinds.includes("RequestCancelExternalWorkflowExecutionInitiated"), kinds.join(","));
    assert.ok(d.b.events.some((e) => e.timerStartedEventAttributes?.timerId?.startsWith("wakeup-")));
    decide(make(false), d.b.events, d.options); // no NondeterminismError
  });

  review("without run ids, two executions still get different child workflow ids and uuids", () => {
    const wf = defineWorkflow({ name: "w", version: "1" }, function* (n: number) {
      yield* start(childWorkflow(kid, null));
      return n;
    });
    const ids = [1, 2].map((n) => {
      const b = new HistoryBuilder({ workflowType: { name: "w", version: "1" }, input: String(n) });
      b.decisionTask();
      const d = decide(wf, b.events).decisions[0] as {
        startChildWorkflowExecutionDecisionAttributes?: { workflowId: string };
      };
      return d.startChildWorkflowExecutionDecisionAttributes?.workflowId;
    });
    assert.ok(ids[0] && ids[1] && ids[0] !== ids[1], JSON.stringify(ids));
  });

  review.run();
}
