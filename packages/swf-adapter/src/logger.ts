/**
 * Structured logging. Workers log through a `Logger`: pino's calling convention (`logger.info({ runId }, "msg")`,
 * `logger.child({ ... })`), so a pino logger can be passed as is. The default writes one line per entry to the
 * console, with the fields after the message.
 */
import { compact, describeError } from "@yieldflow/core";

/** Log levels, most verbose first. */
export type LogLevelName = "debug" | "info" | "warn" | "error";

type LogFn = (fields: Record<string, unknown>, message?: string) => void;

/** A pino-compatible logger. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger that adds `bindings` to every line. */
  child(bindings: Record<string, unknown>): Logger;
}

const RANK: Record<LogLevelName, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Formats a field value for a console line; never throws. */
function show(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(describeError(value));
  if (typeof value === "string") return /^[\w.:@/-]*$/.test(value) ? value : JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * A console logger: `2026-01-01T00:00:00.000Z warn  message key=value …` on stderr.
 *
 * @example
 * const worker = new DeciderWorker({ ..., logger: consoleLogger({ level: "debug" }) });
 */
export function consoleLogger(
  options: { level?: LogLevelName; write?: (line: string) => void; bindings?: Record<string, unknown> } = {},
): Logger {
  const min = RANK[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const bindings = options.bindings ?? {};
  const at =
    (level: LogLevelName): LogFn =>
    (fields, message) => {
      if (RANK[level] < min) return;
      const tail = Object.entries(compact({ ...bindings, ...fields }))
        .map(([k, v]) => `${k}=${show(v)}`)
        .join(" ");
      write(`${new Date().toISOString()} ${level.padEnd(5)} ${message ?? ""}${tail ? ` ${tail}` : ""}`);
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (more) => consoleLogger({ ...options, bindings: { ...bindings, ...more } }),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
