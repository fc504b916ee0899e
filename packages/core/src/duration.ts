/** Durations as users write them (`"30s"`, `"1h30m"`, seconds) and as SWF takes them (whole seconds, `"NONE"`). */
import { SWF_LIMITS } from "./decisions/limits.js";
import { InvalidArgumentError } from "./errors.js";

/** Builds the unit strings: each unit at most once, largest first (`"1h30m"`, not `"30m1h"`): 63 template types. */
type UnitChain<U extends readonly string[]> = U extends readonly [infer H extends string, ...infer R extends string[]]
  ? `${number}${H}${UnitChain<R> | ""}` | UnitChain<R>
  : never;

/**
 * A duration as a string: amounts with units `w`, `d`, `h`, `m`, `s`, `ms`, largest first, no spaces: `"90s"`,
 * `"5m"`, `"1h30m"`, `"7d"`, `"1.5h"`. A typo such as `"2 days"` or `"5 minutes"` does not compile.
 */
export type DurationString = UnitChain<["w", "d", "h", "m", "s", "ms"]>;

/**
 * A duration: a number of seconds, or a {@link DurationString} such as `"30s"`, `"5m"`, `"2h"`, `"7d"`, `"1h30m"`,
 * at most one year. SWF counts whole seconds, so every duration is rounded up to a whole second. The type catches
 * typos at compile time; {@link toSeconds} checks again at run time (for JavaScript callers and values cast from
 * configuration), where it also accepts spaces between parts and a plain number of seconds as a string.
 *
 * @example
 * sleep("7d"); sleep(90); defineActivity({ ..., timeouts: { startToClose: "30s" } });
 */
export type Duration = number | DurationString;

/** A timeout: a {@link Duration}, or `"NONE"` for no timeout at all. */
export type Timeout = Duration | "NONE";

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Parses a {@link Duration} into whole seconds (rounded up), at most one year (SWF's limit). Throws
 * `InvalidArgumentError` on anything else.
 */
export function toSeconds(duration: Duration | string, what = "duration"): number {
  const secs = parseSeconds(duration, what);
  if (secs > SWF_LIMITS.maxTimeoutSeconds) {
    throw new InvalidArgumentError(
      `${what} is ${secs} s; SWF allows at most one year (${SWF_LIMITS.maxTimeoutSeconds} s)`,
    );
  }
  return secs;
}

/** A timeout: a {@link Duration}, or `"NONE"` for no timeout (returned as `Infinity`, sent to SWF as `"NONE"`). */
export function toTimeoutSeconds(duration: Timeout | string, what = "timeout"): number {
  return duration === "NONE" ? Number.POSITIVE_INFINITY : toSeconds(duration, what);
}

function parseSeconds(duration: Duration | string, what: string): number {
  if (typeof duration === "number") {
    if (!Number.isFinite(duration) || duration < 0) {
      throw new InvalidArgumentError(`${what} must be a finite number of seconds ≥ 0, got ${duration}`);
    }
    return Math.ceil(duration);
  }
  if (typeof duration !== "string") {
    throw new InvalidArgumentError(
      `${what} must be a number of seconds or a string like "30s", got ${typeof duration}`,
    );
  }
  const text = duration.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text));
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/g)];
  if (
    parts.length === 0 ||
    parts
      .map((p) => p[0])
      .join("")
      .replace(/\s/g, "") !== text.replace(/\s/g, "")
  ) {
    throw new InvalidArgumentError(
      `${what} ${JSON.stringify(duration)} is not a duration: use seconds or units ms, s, m, h, d, w (e.g. "90s", "1h30m", "7d")`,
    );
  }
  let seconds = 0;
  for (const [, amount, unit] of parts) seconds += Number(amount) * (UNIT_SECONDS[unit as string] as number);
  return Math.ceil(seconds - 1e-9);
}

/** Formats seconds the way SWF wants durations: a decimal integer string, or `"NONE"` for no timeout. */
export function toSwfDuration(seconds: number): string {
  return seconds === Number.POSITIVE_INFINITY ? "NONE" : String(Math.ceil(seconds));
}
