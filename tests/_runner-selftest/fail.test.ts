// Fixture for tests/tooling/test-runner.test.ts (skipped by `npm test`): one passing and one failing test.
import { test } from "uvu";
import * as assert from "uvu/assert";

test("passes", () => {
  assert.ok(true);
});

test("fails", () => {
  assert.is(2 + 2, 5);
});

test.run();
