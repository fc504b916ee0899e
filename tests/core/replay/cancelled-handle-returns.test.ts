/**
 * Was a doc bug: `cancel(handle)` said waiting on a cancelled handle always throws. For a branch generator the
 * engine follows structured concurrency: the branch gets CancelledFailure thrown in and its handle settles with what
 * its code does next. The doc now says so; this pins both halves of the contract.
 */
import { CancelledFailure, cancel, defineWorkflow, type EffectRequest, signal, sleep, start } from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { attrs, Driver, resultOf } from "../support.ts";

test("a cancelled branch that catches the cancellation settles its handle with the value it returns", () => {
  function* branch(): Generator<EffectRequest, string, unknown> {
    try {
      yield* signal("never");
      return "signalled";
    } catch {
      return "recovered";
    }
  }
  const wf = defineWorkflow({ name: "cancel-handle", version: "1" }, function* () {
    const h = yield* start(branch());
    yield* sleep(1);
    yield* cancel(h);
    try {
      return { returned: yield* h };
    } catch (err) {
      return { threw: err instanceof CancelledFailure };
    }
  });
  const d = new Driver(wf);
  const r = d.decide();
  d.b.timerFired(attrs(r.decisions[0]).timerId as string);
  assert.equal(resultOf(d.decide().decisions), { returned: "recovered" });
});

test("a cancelled activity handle throws CancelledFailure", () => {
  const wf = defineWorkflow({ name: "cancel-activity-handle", version: "1" }, function* () {
    const h = yield* start(sleep(100));
    yield* cancel(h);
    try {
      yield* h;
      return { threw: false };
    } catch (err) {
      return { threw: err instanceof CancelledFailure };
    }
  });
  const d = new Driver(wf);
  assert.equal(resultOf(d.decide().decisions), { threw: true });
});

test.run();
