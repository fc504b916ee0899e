/**
 * Ids are what replay matches on, so what must not change them: wrapping an effect in all()/start(), the response
 * cap, a patched() call. And timeouts: "NONE" goes out as SWF's "NONE", more than a year is refused early.
 */
import {
  activity,
  all,
  decide,
  defineActivity,
  defineWorkflow,
  InvalidArgumentError,
  sleep,
  start,
} from "@yieldflow/core";
import { simulate } from "@yieldflow/core/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";

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
    () => sleep("NONE"),
    (err: unknown) => err instanceof InvalidArgumentError,
  );
  assert.throws(
    () => defineActivity({ name: "b", version: "1", timeouts: { heartbeat: 40_000_000 } }),
    (err: unknown) => err instanceof InvalidArgumentError,
  );
});

test.run();
