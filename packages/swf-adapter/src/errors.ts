/** Errors of the SWF adapter, each with a stable `code`. */
import { YieldflowError } from "@yieldflow/core";

/** A bad option or a misuse of the adapter's API. */
export class SwfAdapterError extends YieldflowError {}

/** A decision or activity task the worker received does not look like SWF's (missing token, ids or events). */
export class MalformedTaskError extends YieldflowError {
  constructor(message: string) {
    super("YF_SWF_MALFORMED_TASK", message);
  }
}

/** Formats any thrown value for a log line or a message; never throws. */
export function describeError(err: unknown): string {
  try {
    if (err instanceof Error) {
      const code = (err as { code?: unknown }).code;
      return `${err.name}${typeof code === "string" && code !== err.name ? ` (${code})` : ""}: ${err.message}`;
    }
    return String(err);
  } catch {
    return "(an error that cannot be formatted)";
  }
}
