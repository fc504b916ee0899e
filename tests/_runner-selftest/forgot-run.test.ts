// Fixture for tests/tooling/test-runner.test.ts (skipped by `npm test`): defines a test but never calls test.run().
import { test } from "uvu";
import * as assert from "uvu/assert";

test("never runs", () => {
  assert.ok(true);
});
