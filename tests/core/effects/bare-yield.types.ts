/**
 * Type-level tests, checked by `npm run typecheck` (tsc -p tsconfig.dev.json); never executed. Each
 * `@ts-expect-error` line MUST fail to compile: if it ever compiles, the directive itself becomes an error and the
 * typecheck fails.
 *
 * TypeScript infers an unannotated generator's yield type from its body and then checks the whole body against
 * `WorkflowBody`, so for `defineWorkflow(options, function* () { yield x; })` the error is reported on the line
 * where the body argument starts, not on the `yield`. The directive therefore sits above that line, and each such
 * body differs from a compiling twin (`okTwin`) only by the missing `*`. A body annotated as `WorkflowBody` gets
 * the error on the `yield` line itself.
 */
import {
  activity,
  all,
  defineActivity,
  defineWorkflow,
  type EffectRequest,
  race,
  signal,
  sleep,
  type WorkflowBody,
} from "@yieldflow/core";

const greet = defineActivity<string, { text: string }>({ name: "greet", version: "1" });

// @ts-expect-error a bare `yield` of an effect does not compile: it must be `yield*`
export const bareYield = defineWorkflow({ name: "bare", version: "1" }, function* (name: string) {
  yield activity(greet, name);
  return name;
});

export const okTwin = defineWorkflow({ name: "bare", version: "1" }, function* (name: string) {
  yield* activity(greet, name);
  return name;
});

// @ts-expect-error yielding a plain value does not compile either
export const bareYieldOfValue = defineWorkflow({ name: "bare2", version: "1" }, function* () {
  yield 42;
});

export const annotated: WorkflowBody<string, string> = function* (name: string): Generator<EffectRequest, string> {
  // @ts-expect-error with the body's type annotated, the error is on the bare `yield` itself
  yield activity(greet, name);
  return name;
};

export const typed = defineWorkflow({ name: "typed", version: "1" }, function* (name: string) {
  const r = yield* activity(greet, name);
  const text: string = r.text;
  // @ts-expect-error the result is typed by the activity's definition
  const wrong: number = r.text;
  // @ts-expect-error the input is typed by the activity's definition
  yield* activity(greet, 42);
  const [a, b] = yield* all([activity(greet, "x"), signal<number>("n")]);
  const n: number = b;
  const t: string = a.text;
  const raced = yield* race([signal<boolean>("ok"), sleep("1h")]);
  // @ts-expect-error a race of a boolean signal and a timer is not a plain boolean (the timer gives no value)
  const maybe: boolean = raced;
  void wrong;
  return { text, n, t, maybe };
});
