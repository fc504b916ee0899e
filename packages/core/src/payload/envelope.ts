/**
 * The payload envelope: how a field says "this is not the serializer's text as is". Version 1 is a JSON object
 * whose first key is `"$yf:payload"` (the version), so it is recognised by its first characters, is readable in
 * the AWS console, and is never confused with a value (the pipeline wraps any serialized text that happens to start
 * the same way). Three forms:
 *
 * - encoded inline: `{"$yf:payload":1,"codecs":["gzip"],"data":"<base64>"}`
 * - escaped text:   `{"$yf:payload":1,"codecs":[],"text":"<serialized text that starts like an envelope>"}`
 * - reference:      `{"$yf:payload":1,"codecs":["gzip"],"store":"s3:bucket","key":"yieldflow/<sha256>",
 *                   "sha256":"<hex>","bytes":12345}`
 *
 * A reference depends only on the value (and the configuration): its key is the SHA-256 of the stored bytes, so the
 * pure core computes it synchronously and a replay writes byte-identical decisions whether or not the object was
 * already stored. `codecs` lists the codecs applied, in order; decoding undoes them in reverse.
 */
import type { HistoryEvent } from "../history/events.js";
import { PayloadError } from "./serializer.js";

/** What every envelope starts with. */
export const ENVELOPE_MARKER = '{"$yf:payload":';
/** The envelope version this code writes (and the newest it reads). */
export const ENVELOPE_VERSION = 1;

/** A reference to an out-of-band payload. */
export interface PayloadReference {
  /** The store's name (`PayloadStore.name`). */
  store: string;
  /** The object's key in that store: the configured prefix followed by `sha256`. */
  key: string;
  /** SHA-256 (hex) of the stored bytes; checked on every read. */
  sha256: string;
  /** The stored object's size in bytes. */
  bytes: number;
}

/** A parsed envelope. */
export type Envelope =
  | { codecs: string[]; data: string }
  | { codecs: string[]; text: string }
  | ({ codecs: string[] } & PayloadReference);

/** True if `data` is an envelope rather than serialized text. */
export function isEnvelope(data: string | undefined): data is string {
  // its third character first (`$`, rare there in serialized text): every payload a replay reads is asked this
  return data !== undefined && data.charCodeAt(2) === 36 && data.startsWith(ENVELOPE_MARKER);
}

/** Writes an envelope (keys in a fixed order, so the same envelope always gives the same text). */
export function formatEnvelope(e: Envelope): string {
  const head = `${ENVELOPE_MARKER}${ENVELOPE_VERSION},"codecs":${JSON.stringify(e.codecs)}`;
  if ("data" in e) return `${head},"data":${JSON.stringify(e.data)}}`;
  if ("text" in e) return `${head},"text":${JSON.stringify(e.text)}}`;
  return `${head},"store":${JSON.stringify(e.store)},"key":${JSON.stringify(e.key)},"sha256":${JSON.stringify(e.sha256)},"bytes":${e.bytes}}`;
}

const NAME = /^[A-Za-z0-9._:-]{1,100}$/;

/** Parses an envelope. Throws `PayloadError` (`YF_PAYLOAD_ENVELOPE`) naming what is wrong; `what` says where. */
export function parseEnvelope(data: string, what: string): Envelope {
  const bad = (why: string, cause?: unknown) =>
    new PayloadError(
      `${what} is a malformed payload envelope (${why}): ${JSON.stringify(data.slice(0, 120))}`,
      cause,
      "YF_PAYLOAD_ENVELOPE",
    );
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch (err) {
    throw bad("not JSON", err);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw bad("not an object");
  const o = new Map(Object.entries(raw));
  const version = o.get("$yf:payload");
  if (typeof version !== "number") throw bad("no version");
  if (version > ENVELOPE_VERSION) {
    throw new PayloadError(
      `${what} was written with payload envelope version ${version}, newer than this yieldflow reads (${ENVELOPE_VERSION}); upgrade yieldflow`,
      undefined,
      "YF_PAYLOAD_ENVELOPE",
    );
  }
  const codecs = o.get("codecs");
  if (!Array.isArray(codecs) || !codecs.every((c) => typeof c === "string" && NAME.test(c))) throw bad("bad codecs");
  const data_ = o.get("data");
  if (typeof data_ === "string") return { codecs, data: data_ };
  const text = o.get("text");
  if (typeof text === "string") return { codecs, text };
  const store = o.get("store");
  const key = o.get("key");
  const sha256 = o.get("sha256");
  const bytes = o.get("bytes");
  if (typeof store !== "string" || !NAME.test(store)) throw bad("bad store name");
  if (typeof key !== "string" || key.length === 0 || key.length > 1024) throw bad("bad key");
  if (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sha256)) throw bad("bad sha256");
  if (typeof bytes !== "number" || !Number.isSafeInteger(bytes) || bytes < 0) throw bad("bad size");
  return { codecs, store, key, sha256, bytes };
}

/** Where a history refers to an out-of-band payload. */
export interface ReferenceSite extends PayloadReference {
  /** The event whose attribute holds the reference. */
  eventId: number;
  /** The attribute, e.g. `result`, `input`, `details`. */
  field: string;
}

/**
 * Every out-of-band payload a history (or a list of decisions) refers to, in order, with the event and attribute.
 * This is how to list a run's stored objects (to fetch, copy or delete them). Malformed envelopes are skipped here;
 * decoding reports them.
 */
export function payloadReferences(items: readonly (HistoryEvent | object)[]): ReferenceSite[] {
  const out: ReferenceSite[] = [];
  for (const item of items) {
    if (item === null || typeof item !== "object") continue;
    const id = (item as { eventId?: unknown }).eventId;
    const eventId = typeof id === "number" ? id : 0;
    for (const [name, attrs] of Object.entries(item)) {
      if (!name.endsWith("Attributes") || attrs === null || typeof attrs !== "object") continue;
      for (const [field, value] of Object.entries(attrs as Record<string, unknown>)) {
        if (typeof value !== "string" || !isEnvelope(value)) continue;
        try {
          const e = parseEnvelope(value, field);
          if ("key" in e) out.push({ store: e.store, key: e.key, sha256: e.sha256, bytes: e.bytes, eventId, field });
        } catch {
          // reported when decoded
        }
      }
    }
  }
  return out;
}
