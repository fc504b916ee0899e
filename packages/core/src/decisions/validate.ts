/**
 * SWF's rules for ids, names and decisions, checked where data leaves the process (PySWF had a 32k check that was
 * never called). `validateDecision` is applied to every decision the emitter produces.
 */
import { describeValue } from "../describe.js";
import { InvalidArgumentError, InvalidDecisionError } from "../errors.js";
import { type Decision, decisionAttributesKey } from "../history/events.js";
import { requiredDecisionFields } from "../history/swf-types.js";
import { SWF_LIMITS } from "./limits.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: SWF forbids control characters in ids
const FORBIDDEN = /[:/|\u0000-\u001f\u007f-\u009f]/;

/** Why `value` is not a valid SWF id (workflowId, activityId, timerId, …), or undefined if it is. */
export function swfIdProblem(value: unknown, max: number = SWF_LIMITS.idChars): string | undefined {
  if (typeof value !== "string") return `must be a string, got ${value === null ? "null" : typeof value}`;
  if (value.length === 0) return "must not be empty";
  if (value.length > max) return `is ${value.length} characters long; SWF allows at most ${max}`;
  if (FORBIDDEN.test(value))
    return `${describeValue(value)} contains ':', '/', '|' or a control character, which SWF forbids`;
  if (value === "arn") return 'must not be the literal "arn"';
  return undefined;
}

/** True for SWF's task priorities: an integer from -2147483648 to 2147483647, as a number or an integer string. */
export function isTaskPriority(value: unknown): boolean {
  const n = typeof value === "string" && /^[+-]?\d{1,10}$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) && n >= -2_147_483_648 && n <= 2_147_483_647;
}

/** Throws `InvalidArgumentError` unless `taskPriority` is undefined or a valid SWF task priority. */
export function checkTaskPriority(value: unknown, what: string): void {
  if (value !== undefined && !isTaskPriority(value)) {
    throw new InvalidArgumentError(
      `${what} must be an integer from -2147483648 to 2147483647, got ${describeValue(value)}`,
    );
  }
}

/** Throws `InvalidArgumentError` unless `value` is a valid SWF id. */
export function checkSwfId(value: unknown, what: string): asserts value is string {
  const problem = swfIdProblem(value);
  if (problem) throw new InvalidArgumentError(`${what} ${problem}`);
}

/** Throws `InvalidArgumentError` unless `value` is a valid SWF name or version of at most `max` characters. */
export function checkSwfName(value: unknown, what: string, max: number): asserts value is string {
  const problem = swfIdProblem(value, max);
  if (problem) throw new InvalidArgumentError(`${what} ${problem}`);
}

const DATA_FIELDS = new Set(["input", "result", "details", "control"]);

/**
 * Throws `InvalidDecisionError` with code `YF_PAYLOAD_TOO_LARGE` when `data`, the serialized value of a decision's
 * data field, is longer than SWF accepts. This is the one place a value is checked as it goes into its field: the
 * engine calls it where it encodes an effect's value (so the error names the effect, and a payload that can never
 * fit fails at once instead of being deferred response after response); `validateDecision` calls it again for
 * every decision that leaves the process. `what` says whose value it is (`activity chargeCard input`).
 */
export function checkDataField(data: unknown, decisionType: string, field: string, what?: string): void {
  if (typeof data !== "string" || data.length <= SWF_LIMITS.dataChars) return;
  throw new InvalidDecisionError(
    "YF_PAYLOAD_TOO_LARGE",
    decisionType,
    field,
    `${what ? `${what} ` : ""}is ${data.length} characters; SWF accepts at most ${SWF_LIMITS.dataChars}. Store large payloads out of band and pass a reference.`,
  );
}
const ID_FIELDS = new Set(["activityId", "timerId", "workflowId", "markerName", "signalName"]);

/** Throws `InvalidDecisionError` unless the decision is valid for SWF: required fields, ids, sizes, durations. */
export function validateDecision(decision: Decision): void {
  const type = decision.decisionType;
  const key = decisionAttributesKey(type);
  const attrs = (decision as unknown as Record<string, Record<string, unknown> | undefined>)[key];
  const required = requiredDecisionFields[type] as readonly string[];
  if (!attrs) {
    if (required.length > 0)
      throw new InvalidDecisionError("YF_INVALID_DECISION", type, key, "the attributes are missing");
    return;
  }
  for (const field of required) {
    if (attrs[field] === undefined) throw new InvalidDecisionError("YF_INVALID_DECISION", type, field, "is required");
  }
  for (const [field, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    if (DATA_FIELDS.has(field)) {
      if (typeof value !== "string")
        throw new InvalidDecisionError("YF_INVALID_DECISION", type, field, "must be a string");
      checkDataField(value, type, field);
    } else if (field === "reason") {
      if (typeof value !== "string" || value.length > SWF_LIMITS.reasonChars) {
        throw new InvalidDecisionError(
          "YF_INVALID_DECISION",
          type,
          field,
          `must be a string of at most ${SWF_LIMITS.reasonChars} characters`,
        );
      }
    } else if (ID_FIELDS.has(field)) {
      const problem = swfIdProblem(value);
      if (problem) throw new InvalidDecisionError("YF_INVALID_DECISION", type, field, problem);
    } else if (field === "activityType" || field === "workflowType") {
      const t = value as { name?: unknown; version?: unknown };
      const problem = swfIdProblem(t.name) ?? swfIdProblem(t.version, SWF_LIMITS.versionChars);
      if (problem) throw new InvalidDecisionError("YF_INVALID_DECISION", type, field, problem);
    } else if (field === "taskList") {
      const problem = swfIdProblem((value as { name?: unknown }).name);
      if (problem) throw new InvalidDecisionError("YF_INVALID_DECISION", type, "taskList.name", problem);
    } else if (field === "tagList") {
      const tags = value as unknown[];
      if (
        tags.length > SWF_LIMITS.maxTags ||
        tags.some((t) => typeof t !== "string" || t.length > SWF_LIMITS.tagChars)
      ) {
        throw new InvalidDecisionError(
          "YF_INVALID_DECISION",
          type,
          field,
          `at most ${SWF_LIMITS.maxTags} tags of at most ${SWF_LIMITS.tagChars} characters`,
        );
      }
    } else if (field === "taskPriority") {
      if (!isTaskPriority(value)) {
        throw new InvalidDecisionError(
          "YF_INVALID_DECISION",
          type,
          field,
          `must be an integer string in the Java int range, got ${describeValue(value)}`,
        );
      }
    } else if (field.endsWith("Timeout")) {
      if (typeof value !== "string" || !(value === "NONE" || /^\d{1,8}$/.test(value))) {
        throw new InvalidDecisionError(
          "YF_INVALID_DECISION",
          type,
          field,
          `must be a whole number of seconds (≤ 8 digits) or "NONE", got ${describeValue(value)}`,
        );
      }
      if (value !== "NONE" && Number(value) > SWF_LIMITS.maxTimeoutSeconds) {
        throw new InvalidDecisionError(
          "YF_INVALID_DECISION",
          type,
          field,
          `is ${value} s; SWF allows at most one year (${SWF_LIMITS.maxTimeoutSeconds} s)`,
        );
      }
    }
  }
}
