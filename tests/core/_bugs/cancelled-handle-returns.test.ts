/**
 * BUG (doc vs behaviour; effects/handle.ts `cancel` doc, replay/engine.ts cancelOp for branches): `cancel(handle)`
 * is documented as "Waiting on a cancelled handle throws `CancelledFailure`". For a branch generator that catches
 * the CancelledFailure thrown into it and returns normally, waiting on the cancelled handle instead returns the
 * branch's value ("recovered") and nothing is thrown. Either the contract or the engine is wrong; as written, code
 * that relies on the documented throw (e.g. `try { yield* h } catch { compensate() }`) silently skips its handler.
 * (Returning the value is what structured-concurrency libraries do; then the doc should say so.)
 */
import { CancelledFailure, cancel, defineWorkflow, type EffectRequest, signal, sleep, start } from "@yieldflow/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { attrs, Driver, resultOf } from "../support.ts";

test("waiting on a cancelled handle throws CancelledFailure, even if the branch swallowed the cancellation", () => {
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
  assert.equal(resultOf(d.decide().decisions), { threw: true });
});

test.run();
