/**
 * The attempt number carried in an activity task's own input. SWF hands an activity worker the task's activity id,
 * type, input, token, run and started event id, but not the ScheduleActivityTask's `control`, where `retry` records
 * the attempt (`{"attempt":n}`). Reading it back costs one GetWorkflowExecutionHistory per task, an API SWF
 * throttles at 60 calls a second per account. So from the second attempt on, the decision's input carries the
 * attempt too, as a key of the payload envelope right after its version:
 *
 * - an input that is an envelope (codecs applied, escaped text, a reference): `{"$yf:payload":1,"attempt":2,…}`
 * - a plain input (the serializer's text):  `{"$yf:payload":1,"attempt":2,"codecs":[],"text":"<the text>"}`
 * - no input:                               `{"$yf:payload":1,"attempt":2}`
 *
 * The first attempt's input is left as it is (plain inputs stay plain and readable), and `control` still records
 * every attempt. Readers of envelope version 1 ignore keys they do not know, so decoding the input gives the same
 * value with or without the attempt (only the no-input form must go through {@link activityTaskInput}), and a
 * reference keeps pointing at the same object. Replay matches decisions by kind, id, type name and version, never
 * by input, so histories recorded before (attempt in `control` only) replay unchanged.
 *
 * An input that would no longer fit its field once it carries an attempt is left plain; the reader can tell (the
 * same test says it would not fit) and answers "unknown", and only then does a driver read `control` instead.
 */

import { SWF_LIMITS } from "../decisions/limits.js";
import { ENVELOPE_MARKER, formatEnvelope, isEnvelope } from "./envelope.js";

/** The widest attempt number the fit test reserves room for (a history of 25,000 events never gets near it). */
const WIDEST_ATTEMPT = 999_999_999;

/** `{"$yf:payload":<version>,"attempt":<n>` then `,` or `}`. */
const CARRIED = /^\{"\$yf:payload":(\d{1,6}),"attempt":([1-9]\d{0,8})([,}])/;
/** `{"$yf:payload":<version>,` of an envelope that carries no attempt. */
const HEAD = /^\{"\$yf:payload":(\d{1,6}),/;

/** `field` carrying `attempt`, whatever its length. */
function carry(field: string | undefined, attempt: number): string {
  if (field === undefined) return `${ENVELOPE_MARKER}1,"attempt":${attempt}}`;
  const head = isEnvelope(field) ? HEAD.exec(field) : null;
  if (head) return `${head[0]}"attempt":${attempt},${field.slice(head[0].length)}`;
  const text = formatEnvelope({ codecs: [], text: field });
  return `${ENVELOPE_MARKER}1,"attempt":${attempt},${text.slice(`${ENVELOPE_MARKER}1,`.length)}`;
}

/** True when `field` (an encoded input) can carry any attempt number within `limit` characters. */
function canCarry(field: string | undefined, limit: number): boolean {
  if (field !== undefined && isEnvelope(field) && !HEAD.test(field)) return false; // malformed: left alone
  return carry(field, WIDEST_ATTEMPT).length <= limit;
}

/**
 * The input field of a ScheduleActivityTask decision for attempt `attempt` (undefined or 1: `field` as it is).
 * From the second attempt on, the field carries the attempt when it still fits `limit` (SWF's 32,768 characters).
 */
export function withActivityAttempt(
  field: string | undefined,
  attempt: number | undefined,
  limit: number = SWF_LIMITS.dataChars,
): string | undefined {
  if (attempt === undefined || !(attempt > 1) || !Number.isSafeInteger(attempt) || attempt > WIDEST_ATTEMPT)
    return field;
  return canCarry(field, limit) ? carry(field, attempt) : field;
}

/** An activity task's input field, read: the attempt it carries and the input to decode. */
export interface ActivityTaskInput {
  /**
   * The attempt number: the one the field carries, else 1. `undefined` when the field cannot tell: it carries none
   * and is too large to have carried one (then read the scheduled event's `control`, see `activityAttempt`).
   */
  attempt: number | undefined;
  /** The input as the payload pipeline decodes it (the field without the attempt). */
  input: string | undefined;
}

/**
 * Reads an activity task's input field (what PollForActivityTask returns, or the ActivityTaskScheduled event's
 * `input`): the attempt it carries and the field to decode. Never throws: a field from outside that looks wrong is
 * returned as it is, for the decoder to report.
 */
export function activityTaskInput(field: string | undefined, limit: number = SWF_LIMITS.dataChars): ActivityTaskInput {
  if (field !== undefined && typeof field !== "string") return { attempt: undefined, input: field };
  const m = field === undefined ? null : CARRIED.exec(field);
  if (!m || field === undefined) return { attempt: canCarry(field, limit) ? 1 : undefined, input: field };
  const attempt = Number(m[2]);
  if (m[3] === "}") return { attempt, input: field.length === m[0].length ? undefined : field };
  return { attempt, input: `${ENVELOPE_MARKER}${m[1]},${field.slice(m[0].length)}` };
}
