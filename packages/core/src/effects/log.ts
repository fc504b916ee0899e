/** `log`: logging from workflow code, once per decision rather than on every replay. */
import { type Effect, makeEffect } from "./effect.js";

/** Log levels of {@link log}. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * Logs from workflow code once, not on every replay: lines produced while replaying recorded decisions are
 * suppressed. They reach the driver through `decide`'s result (`logs`).
 */
export function log(level: LogLevel, message: string, data?: unknown): Effect<void> {
  return makeEffect<void>({ kind: "info", what: "log", args: [level, message, data] });
}
