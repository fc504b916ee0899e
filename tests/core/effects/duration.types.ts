/**
 * Type-level tests of durations, checked by `npm run typecheck` (tsc -p tsconfig.dev.json); never executed. Each
 * `@ts-expect-error` line MUST fail to compile: if it ever compiles, the directive itself becomes an error and the
 * typecheck fails. The run-time check for JavaScript callers is tested in constructors.test.ts.
 */
import {
  activity,
  childWorkflow,
  continueAsNew,
  type Duration,
  defineActivity,
  defineWorkflow,
  retry,
  signal,
  sleep,
  type Timeout,
} from "@yieldflow/core";

const charge = defineActivity<number, string>({ name: "charge", version: "1", timeouts: { startToClose: "30s" } });
const child = defineWorkflow({ name: "child", version: "1" }, function* () {});

export const accepted = [
  sleep("90s"),
  sleep("5m"),
  sleep("1h30m"),
  sleep("7d"),
  sleep("2w"),
  sleep("1.5h"),
  sleep("1d2h3m4s500ms"),
  sleep(90),
  sleep(0.5),
  // a template literal with a unit types as a duration too
  sleep(`${3 * 10}m`),
  signal("ack", { timeout: "3d" }),
  activity(charge, 1, { timeouts: { startToClose: "NONE", heartbeat: "10s" } }),
  childWorkflow(child, undefined, { timeouts: { executionStartToClose: "1d", taskStartToClose: "NONE" } }),
  retry(activity(charge, 1), { initialInterval: "1s", maximumInterval: "1m" }),
];
export const typed: Duration[] = ["1h", 60];
export const timeouts: Timeout[] = ["NONE", "1h", 60];

declare const fromConfig: string;

// @ts-expect-error -- words are not units: "2 days" would only fail at run time
sleep("2 days");
// @ts-expect-error -- neither are long unit names
sleep("5 minutes");
// @ts-expect-error -- units go largest first
sleep("30m1h");
// @ts-expect-error -- a number of seconds is a number, not a string
sleep("90");
// @ts-expect-error -- an empty string
sleep("");
// @ts-expect-error -- "NONE" is a timeout, not a duration: a sleep must end
sleep("NONE");
// @ts-expect-error -- an unchecked string must be checked (or cast) first
sleep(fromConfig);
// @ts-expect-error -- signal timeouts are durations
signal("ack", { timeout: "3 days" });
// @ts-expect-error -- activity timeouts too
activity(charge, 1, { timeouts: { startToClose: "30 seconds" } });
// @ts-expect-error -- and workflow timeouts
continueAsNew(1, { timeouts: { executionStartToClose: "1 year" } });
// @ts-expect-error -- and retry intervals
retry(activity(charge, 1), { initialInterval: "1 second" });
