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

/**
 * Runs branches concurrently and returns all their results, in branch order. If a branch fails, the branches still
 * running are cancelled, and once their cleanup code has finished `all` fails with the first failure.
 *
 * @example
 * const [label, receipt] = yield* all([activity(ship, o), activity(emailReceipt, o)]);
 */
export function all<const B extends readonly Branch[]>(
  branches: B,
): Effect<{ -readonly [K in keyof B]: BranchResult<B[K]> }> {
  checkBranches("all", branches);
  return makeEffect({ kind: "all", branches });
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
