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
