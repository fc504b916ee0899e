/** Combinators over branches (effects or generators): `all`, `race`, `any`, with structured concurrency. */
import { InvalidArgumentError } from "../errors.js";
import { type Branch, type BranchResult, type Effect, isEffect, isGenerator, makeEffect } from "./effect.js";

function checkBranches(name: string, branches: readonly unknown[]): void {
  if (!Array.isArray(branches)) throw new InvalidArgumentError(`${name}(branches): branches must be an array`);
  branches.forEach((b, i) => {
    if (!isEffect(b) && !isGenerator(b)) {
      throw new InvalidArgumentError(
        `${name}(branches): branch ${i} is neither an effect nor a started generator (pass \`activity(...)\` or \`myBranch(args)\`, not \`myBranch\`)`,
      );
    }
  });
}

/** Options of {@link all} and {@link map}. */
export interface ConcurrencyOptions {
  /**
   * At most this many branches run at once (an integer ≥ 1). The first N start now; each time one settles, the next
   * one in input order starts. Default: all of them at once.
   */
  concurrency?: number;
}

function checkConcurrency(name: string, options: ConcurrencyOptions | undefined): number | undefined {
  const n = options?.concurrency;
  if (n === undefined) return undefined;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${name}: concurrency must be an integer ≥ 1, got ${String(n)}`);
  return n;
}

/**
 * Runs branches concurrently and returns all their results, in branch order. If a branch fails, the branches still
 * running are cancelled (and, with a `concurrency` limit, no more are started), and once their cleanup code has
 * finished `all` fails with the first failure.
 *
 * @example
 * const [label, receipt] = yield* all([activity(ship, o), activity(emailReceipt, o)]);
 * const labels = yield* all(orders.map((o) => activity(ship, o)), { concurrency: 10 }); // 10 at a time
 */
export function all<const B extends readonly Branch[]>(
  branches: B,
  options?: ConcurrencyOptions,
): Effect<{ -readonly [K in keyof B]: BranchResult<B[K]> }> {
  checkBranches("all", branches);
  const concurrency = checkConcurrency("all(branches, options)", options);
  return makeEffect({ kind: "all", branches, ...(concurrency !== undefined && { concurrency }) });
}

/**
 * `all` over a list: runs `fn(item, index)` for every item (an effect, or a started generator), at most
 * `concurrency` at a time, and returns the results in item order. Failure and cancellation are `all`'s.
 *
 * @example
 * const squares = yield* map(numbers, (n) => activity(square, n), { concurrency: 50 });
 * const receipts = yield* map(orders, function* (o) { const c = yield* activity(charge, o); return yield* activity(email, c); });
 */
export function map<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => Branch<R>,
  options?: ConcurrencyOptions,
): Effect<R[]> {
  if (!Array.isArray(items)) throw new InvalidArgumentError("map(items, fn): items must be an array");
  if (typeof fn !== "function") throw new InvalidArgumentError("map(items, fn): fn must be a function");
  const concurrency = checkConcurrency("map(items, fn, options)", options);
  const branches = items.map((item, i) => fn(item, i));
  checkBranches("map", branches);
  return makeEffect({ kind: "all", branches, ...(concurrency !== undefined && { concurrency }) });
}

/**
 * Runs branches concurrently and settles like the first branch to settle (result or failure), once the others are
 * cancelled and their cleanup has finished. Whichever settles first in the history wins, on every replay.
 *
 * @example
 * const approved = yield* race([signal<boolean>("approve"), sleep("7d")]); // undefined when the timer won
 */
export function race<const B extends readonly Branch[]>(branches: B): Effect<BranchResult<B[number]>> {
  checkBranches("race", branches);
  if (branches.length === 0) throw new InvalidArgumentError("race([]) would never settle: give it at least one branch");
  return makeEffect({ kind: "race", branches });
}

/**
 * Runs branches concurrently and returns the first successful result; the others are cancelled. Fails with
 * `AllFailedFailure` (holding every failure) only if all branches fail.
 */
export function any<const B extends readonly Branch[]>(branches: B): Effect<BranchResult<B[number]>> {
  checkBranches("any", branches);
  if (branches.length === 0) throw new InvalidArgumentError("any([]) would never settle: give it at least one branch");
  return makeEffect({ kind: "any", branches });
}
