/**
 * The history model: SWF history events as they arrive (from the SDK, from SWF's wire JSON, from the AWS CLI) and
 * as the fold sees them once checked. Event and attribute names come from the SDK via the generated `swf-types.ts`.
 */
import { describeError, describeValue } from "../describe.js";
import { HistoryError } from "../errors.js";
import { type FastRead, fastAttributeChecks, fastEventReads, prototypeDeclaresNone } from "./event-checks.js";
import {
  type DecisionAttributesKey,
  type DecisionAttributesMap,
  type DecisionType,
  DecisionTypeValues,
  type EventAttributesKey,
  type EventAttributesMap,
  type EventType,
  EventTypeValues,
  eventShapeFields,
  requiredEventFields,
} from "./swf-types.js";

export type * from "./swf-types.js";

/** Deeply optional: what arrives may lack anything, and is checked before use. */
type Loose<T> = T extends readonly (infer U)[]
  ? readonly Loose<U>[]
  : T extends string | number | boolean
    ? T
    : { [K in keyof T]?: Loose<T[K]> | undefined };

/** A timestamp in any of the three forms histories arrive in: `Date` (SDK), epoch seconds (wire JSON), ISO string (CLI). */
export type Timestamp = Date | number | string;

/**
 * One SWF history event as it arrives: the SDK's `HistoryEvent`, SWF's wire JSON, or the AWS CLI's JSON.
 * Every field is optional here because input is checked, not trusted.
 */
export type HistoryEvent = {
  eventId?: number | undefined;
  eventType?: EventType | undefined;
  eventTimestamp?: Timestamp | undefined;
} & { [K in EventType as EventAttributesKey<K>]?: Loose<EventAttributesMap[K]> | undefined };

/** A checked event: a known type, its attributes present and complete, its time in epoch milliseconds. */
export type Event<K extends EventType = EventType> = K extends EventType
  ? {
      readonly eventId: number;
      readonly eventType: K;
      readonly time: number;
      readonly attributes: EventAttributesMap[K];
    }
  : never;

/** One SWF decision, exactly as `RespondDecisionTaskCompleted` takes it. */
export type Decision = {
  [K in DecisionType]: { decisionType: K } & { [P in DecisionAttributesKey<K>]: DecisionAttributesMap[K] };
}[DecisionType];

/** The one place the attribute key is spelled: `<type with a lower-case first letter><suffix>`. */
const attributesKey = (type: string, suffix: "EventAttributes" | "DecisionAttributes"): string =>
  `${type[0]?.toLowerCase()}${type.slice(1)}${suffix}`;

// Computed once per known type (the fold asks for a key per event); a type outside SWF's lists (a caller's bad
// value) is spelled on each call and not kept, so untrusted input cannot grow these tables.
const eventKeys: ReadonlyMap<string, string> = new Map(
  EventTypeValues.map((t) => [t, attributesKey(t, "EventAttributes")]),
);
const decisionKeys: ReadonlyMap<string, string> = new Map(
  DecisionTypeValues.map((t) => [t, attributesKey(t, "DecisionAttributes")]),
);

/** The attributes key of an event type: `ActivityTaskScheduled` → `activityTaskScheduledEventAttributes`. */
export function eventAttributesKey<K extends EventType>(type: K): EventAttributesKey<K> {
  return (eventKeys.get(type) ?? attributesKey(type, "EventAttributes")) as EventAttributesKey<K>;
}

/** The attributes key of a decision type: `StartTimer` → `startTimerDecisionAttributes`. */
export function decisionAttributesKey<K extends DecisionType>(type: K): DecisionAttributesKey<K> {
  return (decisionKeys.get(type) ?? attributesKey(type, "DecisionAttributes")) as DecisionAttributesKey<K>;
}

/** Makes a decision of `type` with `attributes`, typed. */
export function makeDecision<K extends DecisionType>(type: K, attributes: DecisionAttributesMap[K]): Decision {
  return { decisionType: type, [decisionAttributesKey(type)]: attributes } as unknown as Decision;
}

/** The attributes of a decision, typed by its type. */
export function decisionAttributes<K extends DecisionType>(
  decision: Decision & { decisionType: K },
): DecisionAttributesMap[K] {
  return (decision as unknown as Record<string, DecisionAttributesMap[K]>)[
    decisionAttributesKey(decision.decisionType)
  ] as DecisionAttributesMap[K];
}

const ISO_8601 = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Epoch seconds as a string, or ISO-8601. A date-time without a zone is UTC (SWF's and the AWS CLI's times are),
 * never the decider's local time: every decider must read the same instant. Anything else is NaN.
 */
function parseTimestampString(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const m = ISO_8601.exec(value.trim());
  if (!m) return Number.NaN;
  return Date.parse(`${m[1]}T${m[2]}${m[3] ?? "Z"}`);
}

/** Converts any of the three timestamp forms to epoch milliseconds. */
export function timestampToMillis(value: unknown, eventId?: number): number {
  let ms: number;
  if (typeof value === "number") ms = value * 1000;
  else if (value instanceof Date) ms = value.getTime();
  else if (typeof value === "string") ms = parseTimestampString(value);
  else ms = Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new HistoryError(
      "YF_HISTORY_BAD_TIMESTAMP",
      `eventTimestamp ${describeValue(value)} is not a Date, epoch seconds or an ISO-8601 string`,
      eventId,
    );
  }
  return Math.round(ms);
}

/**
 * Checks one event: known type, integer id, usable timestamp, attributes present with every field SWF requires.
 * Returns the checked form. Throws `HistoryError` saying exactly what is wrong.
 */
export function checkEvent(raw: unknown, index: number, plain: boolean = plainFieldsAreOwn()): Event {
  const out = newCheckedEvent();
  checkEventInto(raw, index, out, plain);
  const { eventId, eventType, time, attributes } = out;
  return { eventId, eventType, time, attributes } as Event;
}

/**
 * What {@link checkEventInto} finds in an event: its checked id, type and attributes, and its time in epoch
 * milliseconds. The fields of an {@link Event}: the fold applies the record it checked into, as it is.
 */
export interface CheckedEvent {
  eventId: number;
  eventType: EventType;
  attributes: unknown;
  time: number;
}

/** A record for {@link checkEventInto} to write into (its `time` a number field from the start, written in place). */
export function newCheckedEvent(): CheckedEvent {
  return { eventId: 0, eventType: "WorkflowExecutionStarted", attributes: undefined, time: Number.NaN };
}

/**
 * {@link checkEvent} writing what it found into `into` (overwritten, so the caller must not keep it), allocating
 * nothing for a well-formed event: the fold checks 25,000 events this way without 25,000 objects. Every field SWF
 * declares for the event is type-checked where it is (no copy); a getter or proxy trap that throws while the event is
 * read is a `HistoryError` (`YF_HISTORY_BAD_EVENT`).
 *
 * `plain`: {@link plainFieldsAreOwn}, which a caller checking many events asks once.
 */
export function checkEventInto(
  raw: unknown,
  index: number,
  into: CheckedEvent,
  plain: boolean = plainFieldsAreOwn(),
): void {
  try {
    // the generated reader of the event's type first, here (small enough to be inlined into the fold's loop); what
    // it refuses takes the generic path, which words the error
    if (plain && typeof raw === "object" && raw !== null) {
      const type = (raw as { eventType?: unknown }).eventType;
      const read = typeof type === "string" ? fastReader(type) : undefined;
      try {
        if (read?.(raw as Record<string, unknown>, into)) return;
      } catch {
        // the reader reads a field before it asks whether the object is plain: a getter of another prototype may
        // throw there, where the generic check reads own fields only (it reads the event again and says what is wrong)
      }
    }
    readEventInto(raw, index, into, plain);
  } catch (err) {
    if (err instanceof HistoryError) throw err;
    // a getter or proxy trap in an in-process history threw while the event was read
    throw new HistoryError("YF_HISTORY_BAD_EVENT", `history[${index}] cannot be read: ${describeError(err)}`);
  }
}

/** The generic check: every event the generated reader refused (or could not read: not a plain object). */
function readEventInto(raw: unknown, index: number, into: CheckedEvent, plain: boolean): void {
  if (typeof raw !== "object" || raw === null) {
    throw new HistoryError(
      "YF_HISTORY_BAD_EVENT",
      `history[${index}] is ${raw === null ? "null" : typeof raw}, not an event object`,
    );
  }
  const e = raw as Record<string, unknown>;
  const eventId = e.eventId;
  if (typeof eventId !== "number" || !Number.isInteger(eventId) || eventId < 1) {
    throw new HistoryError(
      "YF_HISTORY_BAD_EVENT",
      `history[${index}] has eventId ${describeValue(eventId)}; expected a positive integer`,
    );
  }
  const type = e.eventType;
  const spec = typeof type === "string" ? EVENT_SPECS.get(type) : undefined;
  if (spec === undefined) {
    throw new HistoryError(
      "YF_HISTORY_UNKNOWN_EVENT_TYPE",
      `unknown eventType ${describeValue(type)}; SWF has 54 event types (ActivityTaskScheduled, TimerFired, …)`,
      eventId,
    );
  }
  // the table's own string: comparing it with the fold's case labels is then a pointer comparison
  const { type: eventType, key, required } = spec;
  const attributes = e[key];
  if (typeof attributes !== "object" || attributes === null) {
    throw new HistoryError("YF_HISTORY_MISSING_ATTRIBUTES", `${eventType} has no ${key}`, eventId);
  }
  // the generated straight-line check first; the generic one only when it says no, to find and word the problem
  const fast = plain && passesFast(spec.fast, attributes);
  if (!fast) {
    let complete = true;
    for (let i = 0; i < required.length; i++)
      if ((attributes as Record<string, unknown>)[required[i] as string] === undefined) complete = false;
    if (!complete) throw missingFields(attributes as Record<string, unknown>, required, `${eventType}.${key}`, eventId);
    checkShape(attributes as Record<string, unknown>, spec.fields, key, eventId);
  }
  const timestamp = e.eventTimestamp;
  const time = timestampToMillis(timestamp, eventId);
  into.eventId = eventId;
  into.eventType = eventType;
  // Off the fast path (a prototype that declares an SWF field name, or attributes that are not plain objects) the fold
  // must not read an inherited field where the check saw a missing one: it gets a prototype-free copy of the fields
  // SWF declares, own ones only (rare, so the copy costs nothing in practice).
  into.attributes = fast ? attributes : ownFields(attributes, spec.fields);
  into.time = time;
}

/**
 * Whether `attributes` pass the generated check: false when a field it read threw (it reads a field before it asks
 * whether the object is plain, so that may be a getter of another prototype, which is never the event's field).
 */
function passesFast(check: (attributes: unknown) => boolean, attributes: unknown): boolean {
  try {
    return check(attributes);
  } catch {
    return false;
  }
}

/** A prototype-free copy of the declared fields `value` has as its own (nested shapes copied the same way). */
function ownFields(value: object, fields: readonly FieldCheck[]): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as FieldCheck;
    if (!Object.hasOwn(value, f.field)) continue;
    const v = (value as Record<string, unknown>)[f.field];
    if (v === undefined) continue;
    out[f.field] = f.check === SHAPE ? ownFields(v as object, f.shape as readonly FieldCheck[]) : v;
  }
  return out;
}

/**
 * The error for attributes that lack required fields. Its own function: the closure that lists them, written in
 * `readEventInto`, made every call allocate a context for `attributes` (40 bytes per event).
 */
function missingFields(
  attributes: Record<string, unknown>,
  required: readonly string[],
  path: string,
  eventId: number,
): HistoryError {
  const missing = required.filter((f) => attributes[f] === undefined);
  return new HistoryError(
    "YF_HISTORY_MISSING_ATTRIBUTES",
    `${path} lacks required field(s) ${missing.join(", ")}`,
    eventId,
  );
}

/**
 * Whether a field read from a plain object (prototype `Object.prototype` or null) is an own field: true unless
 * something defined a field SWF declares on `Object.prototype` (prototype pollution). The generated fast check
 * (event-checks.ts) reads fields by name and relies on it; when it is false, every event takes the generic check,
 * which tests each field with `Object.hasOwn`.
 */
export function plainFieldsAreOwn(): boolean {
  return prototypeDeclaresNone();
}

/**
 * Checks every field of `value` that SWF's API model declares for its shape (generated from the SDK): its type, and
 * for nested shapes (`activityType`, `workflowExecution`, …) their fields, so that the fold and the engine never
 * read a field of the wrong type. Event ids (`…EventId`) must be integers ≥ 0. Only own fields count (one inherited
 * from a prototype is missing). Checked where they are, without a copy: the fold checks 25,000 events per cold
 * replay and a copy of each would outlive the check. Throws `HistoryError` (`YF_HISTORY_BAD_FIELD`, or
 * `YF_HISTORY_MISSING_ATTRIBUTES` for a missing required field) naming the field's path and the event.
 */
function checkShape(value: object, fields: readonly FieldCheck[], path: string, eventId: number): void {
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as FieldCheck;
    const v = Object.hasOwn(value, f.field) ? (value as Record<string, unknown>)[f.field] : undefined;
    if (v === undefined) {
      if (f.required) throw new HistoryError("YF_HISTORY_MISSING_ATTRIBUTES", `${path}.${f.field} is missing`, eventId);
      continue;
    }
    let expected: string | undefined;
    switch (f.check) {
      case STRING:
        if (typeof v !== "string") expected = "a string";
        break;
      case NUMBER:
        if (typeof v !== "number" || !Number.isFinite(v)) expected = "a number";
        break;
      case EVENT_ID:
        if (typeof v !== "number" || !Number.isFinite(v)) expected = "a number";
        else if (!Number.isInteger(v) || v < 0) expected = "an event id (an integer ≥ 0)";
        break;
      case STRINGS:
        if (!isStringArray(v)) expected = "an array of strings";
        break;
      default:
        if (typeof v !== "object" || v === null || Array.isArray(v)) expected = `an object (${f.kind})`;
        else checkShape(v, f.shape as readonly FieldCheck[], `${path}.${f.field}`, eventId);
    }
    if (expected !== undefined) {
      throw new HistoryError(
        "YF_HISTORY_BAD_FIELD",
        `${path}.${f.field} is ${describeValue(v)}; expected ${expected}`,
        eventId,
      );
    }
  }
}

function isStringArray(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== "string") return false;
  return true;
}

const STRING = 0;
const NUMBER = 1;
const EVENT_ID = 2;
const STRINGS = 3;
const SHAPE = 4;

/** One declared field, ready to check: built once per shape (the check runs for every event of every replay). */
interface FieldCheck {
  field: string;
  /** The model's kind: `string`, `number`, `string[]` or a shape's name. */
  kind: string;
  check: number;
  required: boolean;
  /** A nested shape's fields. */
  shape: readonly FieldCheck[] | undefined;
}

/** A shape's fields, ready to check (nested shapes compiled with it, each once). */
function compiledShape(shape: string): readonly FieldCheck[] {
  let fields = compiled.get(shape);
  if (fields === undefined) {
    const list: FieldCheck[] = [];
    compiled.set(shape, list);
    for (const [field, kind, required] of eventShapeFields[shape] ?? []) {
      const check =
        kind === "string"
          ? STRING
          : kind === "number"
            ? field.endsWith("EventId")
              ? EVENT_ID
              : NUMBER
            : kind === "string[]"
              ? STRINGS
              : SHAPE;
      list.push({ field, kind, check, required, shape: check === SHAPE ? compiledShape(kind) : undefined });
    }
    fields = list;
  }
  return fields;
}
const compiled = new Map<string, readonly FieldCheck[]>();

/**
 * Per known event type: the table's own type string, its attributes key, the fields SWF always sets and every field
 * it declares. One lookup checks the type too.
 */
const EVENT_SPECS: ReadonlyMap<
  string,
  {
    type: EventType;
    key: string;
    required: readonly string[];
    fields: readonly FieldCheck[];
    fast: (attributes: unknown) => boolean;
  }
> = new Map(
  EventTypeValues.map((t) => [
    t,
    {
      type: t,
      key: eventAttributesKey(t),
      required: requiredEventFields[t] as readonly string[],
      fields: compiledShape(`${t}EventAttributes`),
      fast: fastAttributeChecks[t],
    },
  ]),
);

/** The generated reader of each event type (see `checkEventInto`). */
type FastReader = (event: Record<string, unknown>, into: FastRead) => boolean;

/**
 * The generated reader of the event type `type` names, if it names one. Found by the name's length, then compared
 * with the few names of that length, not looked up by name: a history parsed from JSON holds its own copy of each
 * type name, and a keyed lookup first finds that copy's counterpart in V8's table of unique strings (about 50 ns an
 * event, a fifth of a replay of 1,000 events just parsed); a comparison reads the characters up to the first
 * difference.
 */
function fastReader(type: string): FastReader | undefined {
  // every length up to the longest name has its own (maybe empty) list: nothing is read from Array.prototype
  if (type.length >= FAST_NAMES.length) return undefined;
  const names = FAST_NAMES[type.length] as readonly string[];
  for (let i = 0; i < names.length; i++)
    if (type === names[i]) return (FAST_READERS[type.length] as readonly FastReader[])[i];
  return undefined;
}
const FAST_NAMES: (readonly string[])[] = [];
const FAST_READERS: (readonly FastReader[])[] = [];
for (const [type, read] of Object.entries(fastEventReads) as [string, FastReader][]) {
  while (FAST_NAMES.length <= type.length) {
    FAST_NAMES.push([]);
    FAST_READERS.push([]);
  }
  (FAST_NAMES[type.length] as string[]).push(type);
  (FAST_READERS[type.length] as FastReader[]).push(read);
}
