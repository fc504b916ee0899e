// Fixture for tests/tooling/test-runner.test.ts (skipped by `npm test`): two passing tests and one skipped.
import { test } from "uvu";
import * as assert from "uvu/assert";

test("adds", () => {
  assert.is(1 + 1, 2);
});

test("reads env passed through by the runner", () => {
  assert.is(process.env.YIELDFLOW_SELFTEST_MARKER, "passed-through");
});

test.skip("skipped", () => {
  assert.unreachable();
});

test.run();
