/**
 * The checks SWF makes on a request's values beyond their shapes (shapes.ts): ids without `:` `/` `|` or control
 * characters, durations in whole seconds, decisions with their attributes and a closing decision only last. Each
 * failure is a `ValidationException` in SWF's words, raised before anything is recorded.
 */
import { type Decision, decisionAttributesKey, SWF_LIMITS } from "@yieldflow/core";
import { SwfFault, validationError } from "./faults.js";

/** IDs SWF refuses: `:` `/` `|`, control characters, or the literal `arn`. */
export function checkId(v: string, path: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: SWF refuses control characters in ids
  if (/[:/|\u0000-\u001f\u007f-\u009f]/.test(v) || v === "arn")
    throw validationError([
      `Value '${v}' at '${path}' failed to satisfy constraint: Member must not contain ':', '/', '|', control characters or be the literal 'arn'`,
    ]);
}

/** SWF durations: whole seconds up to a year, or NONE where allowed. */
export function checkDuration(v: string, path: string, noneAllowed: boolean): void {
  if (v === "NONE" && noneAllowed) return;
  if (!/^\d+$/.test(v) || Number(v) > SWF_LIMITS.maxTimeoutSeconds)
    throw validationError([
      `Value '${v}' at '${path}' failed to satisfy constraint: Member must be a whole number of seconds from 0 to ${SWF_LIMITS.maxTimeoutSeconds}${noneAllowed ? " or NONE" : ""}`,
    ]);
}

const CLOSING = new Set([
  "CompleteWorkflowExecution",
  "FailWorkflowExecution",
  "CancelWorkflowExecution",
  "ContinueAsNewWorkflowExecution",
]);
const REQUIRED_ATTRIBUTES = new Set([
  "ScheduleActivityTask",
  "RequestCancelActivityTask",
  "RecordMarker",
  "StartTimer",
  "CancelTimer",
  "SignalExternalWorkflowExecution",
  "RequestCancelExternalWorkflowExecution",
  "StartChildWorkflowExecution",
  "ScheduleLambdaFunction",
]);

/**
 * The checks SWF makes on decisions before it records anything: each one's attributes present, ids and durations
 * well formed, a closing decision only as the last one. Returns the decisions with their attributes present (an
 * empty object for closing decisions sent without).
 */
export function checkDecisions(raw: readonly Decision[]): Decision[] {
  const closing = raw.findIndex((x) => CLOSING.has(x.decisionType as string));
  if (closing >= 0 && closing < raw.length - 1)
    throw new SwfFault(
      "ValidationException",
      `decision ${closing + 2} (${raw[closing + 1]?.decisionType}) comes after the closing decision ${closing + 1} (${raw[closing]?.decisionType}): a closing decision must be the last one`,
    );
  return raw.map((x, n) => checkDecision(x, n + 1));
}

function checkDecision(raw: Decision, n: number): Decision {
  const type = raw.decisionType as string;
  const key = decisionAttributesKey(raw.decisionType);
  const path = `decisions.${n}.member`;
  const attrs = (raw as unknown as Record<string, unknown>)[key] as Record<string, unknown> | undefined;
  if (attrs === undefined || attrs === null) {
    if (REQUIRED_ATTRIBUTES.has(type))
      throw validationError([`Value null at '${path}.${key}' failed to satisfy constraint: Member must not be null`]);
    return { decisionType: type, [key]: {} } as unknown as Decision;
  }
  for (const idField of ["activityId", "timerId", "workflowId", "markerName", "signalName"])
    if (typeof attrs[idField] === "string") checkId(attrs[idField] as string, `${path}.${key}.${idField}`);
  for (const [k, v] of Object.entries(attrs))
    if (k.endsWith("Timeout") && typeof v === "string")
      checkDuration(v, `${path}.${key}.${k}`, k !== "startToFireTimeout" && k !== "executionStartToCloseTimeout");
  return raw;
}
