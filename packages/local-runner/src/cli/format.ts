/** Small text helpers shared by the CLI commands. */
import type { ParseArgsConfig } from "node:util";
import { errorMessage } from "@yieldflow/core";

type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** A time offset as `+HH:MM:SS`, or `+Nd HH:MM:SS` from a day on; sub-second offsets get milliseconds when asked. */
export function formatOffset(ms: number, withMillis = false): string {
  const sign = ms < 0 ? "-" : "+";
  let rest = Math.abs(ms);
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const millis = rest - s * 1000;
  const hms = `${pad(h)}:${pad(m)}:${pad(s)}${withMillis ? `.${String(Math.round(millis)).padStart(3, "0")}` : ""}`;
  return `${sign}${days > 0 ? `${days}d ` : ""}${hms}`;
}

/**
 * A duration rounded for people (the CLI's summaries, the dev server's pages): `0ms`, `850ms`, `12s`, `5m 3s`,
 * `2h 10m`, `30d`: at most two units. Not exact on purpose; stories a test asserts on use the testing kit's exact
 * `formatDuration`.
 */
export function roughDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

// C0 and C1 controls, DEL, and the invisible characters that reorder or break lines (bidi overrides and isolates,
// line and paragraph separators): what lets text from a history clear the screen, set the window title or hide.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what must not reach a terminal
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above, plus tabs and newlines
const UNPRINTABLE_INLINE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` safe to print: control characters (escape sequences among them) and bidi/line-separator characters become
 * visible `\u001b`-style escapes. Newlines and tabs are kept unless `inline` (one table cell, one line).
 */
export function printable(text: string, inline = false): string {
  return text.replace(
    inline ? UNPRINTABLE_INLINE : UNPRINTABLE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The first line of an error's message (no stack). */
export function firstLine(err: unknown): string {
  const message = errorMessage(err);
  return message.split("\n")[0] ?? message;
}

/** The `YF_…` code of a yieldflow error, if it has one. */
export function yfCode(err: unknown): string | undefined {
  try {
    const code = (err as { code?: unknown } | null)?.code;
    return typeof code === "string" && code.startsWith("YF_") ? code : undefined;
  } catch {
    return undefined;
  }
}

/** An error as the CLI prints it: its `YF_…` code first (when it has one), then its message. */
export function withCode(err: unknown, message: string = errorMessage(err)): string {
  const code = yfCode(err);
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}

/** A wrong command line or unusable input: the CLI prints one line and exits with status 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose `--help` to suggest. */
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** Where the CLI writes. Tests and embedders may pass their own. */
export interface CliIO {
  /** The command's result (stdout). */
  out: (text: string) => void;
  /** Progress, diagnostics and errors (stderr). */
  err: (text: string) => void;
  cwd: string;
  /**
   * The stream behind `err` when it is a real one: on a terminal (`isTTY`) `yieldflow run` shows a live progress
   * display on it instead of one line per event.
   */
  errStream?: NodeJS.WriteStream;
}

/**
 * `argv` with each `--name value` (or `-n value`) of a string option joined into `--name=value`, so that a value
 * starting with `-` (a run id, a negative number) is read as the value, as `--name=value` is, instead of being taken
 * for an option (parseArgs' "argument is ambiguous"). Everything after `--` is left alone.
 */
export function joinOptionValues(argv: readonly string[], options: OptionsConfig): string[] {
  const byShort = new Map<string, string>();
  for (const [name, o] of Object.entries(options)) if (o.short) byShort.set(o.short, name);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const name = /^--[^=]+$/.test(arg) ? arg.slice(2) : /^-[^-]$/.test(arg) ? byShort.get(arg.slice(1)) : undefined;
    if (name !== undefined && Object.hasOwn(options, name) && options[name]?.type === "string" && i + 1 < argv.length) {
      out.push(`--${name}=${argv[i + 1]}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
