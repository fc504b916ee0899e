/**
 * The reason and details of FailWorkflowExecution. A workflow failure must be recordable, or the execution could
 * never close: when the details (usually a cause's message, copied from the activity failure event, where it stays
 * in full) exceed SWF's data limit, the cause is summarised and the details say so.
 */
import { encodeRemoteError } from "../errors.js";
import { SWF_LIMITS } from "./limits.js";

/**
 * The reason (≤ 256 characters), details and, if they had to be shortened, a note saying how. With a payload store
 * (`outOfBand`), the details are kept whole: the payload pipeline stores them out of band if they do not fit.
 */
export function workflowFailure(
  error: unknown,
  outOfBand = false,
): { reason: string; details: string; shortened?: string } {
  // no stack: it depends on the code path that replayed, and decisions must not
  const { reason: name, details } = encodeRemoteError(error, { stack: false });
  const reason = name.length <= SWF_LIMITS.reasonChars ? name : `${name.slice(0, SWF_LIMITS.reasonChars - 1)}…`;
  if (outOfBand || details.length <= SWF_LIMITS.dataChars) return { reason, details };
  const body = JSON.parse(details) as {
    name: string;
    message: string;
    details?: unknown;
    cause?: { name?: string; message?: string };
  };
  const cut = (text: string | undefined, max: number) =>
    text === undefined || text.length <= max
      ? text
      : `${text.slice(0, max)}… (${text.length - max} more characters not shown)`;
  const shortened = `the failure details were ${details.length} characters, over SWF's limit of ${SWF_LIMITS.dataChars}; the full cause is in the history event that reported it`;
  const fitted = {
    name: body.name,
    message: cut(body.message, 4_000),
    cause: body.cause ? { name: body.cause.name, message: cut(body.cause.message, 4_000) } : undefined,
    shortened,
    details: JSON.stringify(body.details ?? null).length <= 16_000 ? body.details : undefined,
  };
  return { reason, details: JSON.stringify(fitted), shortened };
}
