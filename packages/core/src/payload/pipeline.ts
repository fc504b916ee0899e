/**
 * The payload pipeline: serializer → codecs → store, applied to every field that carries user data (workflow and
 * activity input and result, signal input, child input and result, continue-as-new input, marker details, failure
 * and heartbeat details).
 *
 * Encoding is synchronous and pure, so the core runs it while it decides: serialize, apply the codecs, and if the
 * result fits the SWF field put it there; otherwise compute the content-addressed key (SHA-256 of the stored bytes,
 * after the configured prefix), write a small reference into the field, and list the bytes as an upload. Decoding is
 * synchronous too: an out-of-band payload is read from a bounded cache that the driver filled before deciding.
 *
 * Drivers do the I/O at the edges and in this order, so nothing is ever responded that points at an object not yet
 * stored: `await payloads.fetch(newEvents)` → decide → `await payloads.upload(result.uploads)` → respond.
 * A read that fails (missing object, wrong hash) is a `PayloadReadError` naming the key and the event; it fails the
 * decision task (retried), never the workflow. Without a store, a value that does not fit is `YF_PAYLOAD_TOO_LARGE`.
 */
import { SWF_LIMITS } from "../decisions/limits.js";
import { InvalidArgumentError } from "../errors.js";
import type { HistoryEvent } from "../history/events.js";
import { fromBase64Strict, toBase64 } from "./base64.js";
import type { PayloadCodec } from "./codec.js";
import {
  type Envelope,
  formatEnvelope,
  isEnvelope,
  parseEnvelope,
  payloadReferences,
  type ReferenceSite,
} from "./envelope.js";
import { PayloadReadError, PayloadTooLargeError } from "./payload-errors.js";
import { defaultSerializer, PayloadError, type Serializer } from "./serializer.js";
import { sha256Hex } from "./sha256.js";
import { SharedPayloadState } from "./shared-state.js";
import type { PayloadStore } from "./store.js";

// the replay engine imports PayloadReadError from here
export { type PayloadErrorCode, PayloadReadError, PayloadTooLargeError } from "./payload-errors.js";

/**
 * SWF's field limits, in characters: data fields (input, result, details, control; {@link SWF_LIMITS}`.dataChars`)
 * and heartbeat details.
 */
export const PAYLOAD_LIMITS = { data: SWF_LIMITS.dataChars, heartbeat: 2_048 } as const;

/** How to encode payloads. Every part is optional; per workflow or activity type, given parts override the default. */
export interface PayloadOptions {
  /** Values ↔ text. Default {@link defaultSerializer}. */
  serializer?: Serializer;
  /** Applied in order after serializing (and undone in reverse). Default none. */
  codecs?: readonly PayloadCodec[];
  /** Where values too large for their field go. Default none: such a value is `YF_PAYLOAD_TOO_LARGE`. */
  store?: PayloadStore;
  /** Prepended to every key this configuration writes. Default `"yieldflow/payloads/"`. */
  prefix?: string;
  /** SHA-256 as hex. Default a pure implementation; Node drivers pass `node:crypto`'s (same result, faster). */
  digest?: (bytes: Uint8Array) => string;
  /** Bytes of fetched and encoded objects kept for decoding (shared by every type's pipeline). Default 128 MiB. */
  cacheBytes?: number;
}

/** An object to store before the decisions (or the response) that refer to it go out. */
export interface PayloadUpload {
  store: PayloadStore;
  key: string;
  bytes: Uint8Array;
}

/** A value encoded for a field: the field's text, and the object to upload when it went out of band. */
export interface EncodedPayload {
  data: string | undefined;
  upload?: PayloadUpload;
}

const NAME = /^[A-Za-z0-9._-]{1,100}$/;
const STORE_NAME = /^[A-Za-z0-9._:-]{1,100}$/;
/**
 * UTF-8 through the platform's `TextEncoder`/`TextDecoder`, which every JavaScript host has (Node, browsers, Deno,
 * workers). Core is built without platform types (it does no I/O, see platform.d.ts), so the two methods it uses are
 * typed here rather than declared globally, where they would clash with Node's or the DOM's declarations.
 */
const platform = globalThis as unknown as {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new (label: "utf-8", options: { fatal: boolean }) => { decode(bytes: Uint8Array): string };
};
const utf8 = new platform.TextEncoder();
const utf8Decoder = new platform.TextDecoder("utf-8", { fatal: true });

/** The error for a value the serializer refused, naming it (`what`). */
export function notSerialized(what: string, err: unknown): PayloadError {
  if (err instanceof PayloadError) return new PayloadError(`${what}: ${err.message}`, err, err.code);
  return new PayloadError(`${what} cannot be serialized: ${(err as Error).message}`, err);
}

/** Anything that may carry its own payload options (workflow and activity definitions). */
interface HasPayloads {
  readonly payloads?: PayloadOptions | undefined;
}

/**
 * A configured payload pipeline: the one a runner or worker uses by default, or one type's (see {@link forType}).
 *
 * @example
 * const payloads = new Payloads({ codecs: [gzipCodec()], store: new MemoryPayloadStore() });
 * const { data, upload } = payloads.encode(bigValue, "activity result");  // data: a small reference
 * if (upload) await payloads.upload([upload]);
 * await payloads.fetch(history);                                          // before decoding what it refers to
 * payloads.decode(data, "activity result");                               // bigValue, again
 */
export class Payloads {
  readonly serializer: Serializer;
  readonly codecs: readonly PayloadCodec[];
  readonly store: PayloadStore | undefined;
  readonly prefix: string;
  private readonly digest: (bytes: Uint8Array) => string;
  /** Made when first needed: `decide` makes a `Payloads` per call and most never touch the cache. */
  private sharedState: SharedPayloadState | undefined;
  private readonly options: PayloadOptions;
  private byType: WeakMap<object, Payloads> | undefined;

  constructor(options: PayloadOptions = {}, shared?: SharedPayloadState) {
    for (const c of options.codecs ?? []) {
      if (!NAME.test(c.name))
        throw new InvalidArgumentError(`codec name ${JSON.stringify(c.name)}: use letters, digits, '.', '_' or '-'`);
    }
    if (options.store && !STORE_NAME.test(options.store.name)) {
      throw new InvalidArgumentError(
        `payload store name ${JSON.stringify(options.store.name)}: use letters, digits, '.', '_', ':' or '-'`,
      );
    }
    const prefix = options.prefix ?? "yieldflow/payloads/";
    if (typeof prefix !== "string" || prefix.length > 512)
      throw new InvalidArgumentError("payload prefix must be a string of at most 512 characters");
    this.options = options;
    this.serializer = options.serializer ?? defaultSerializer;
    this.codecs = options.codecs ?? [];
    this.store = options.store;
    this.prefix = prefix;
    this.digest = options.digest ?? sha256Hex;
    this.sharedState = shared;
    if (this.store) this.shared.register(this.store);
  }

  /** The cache and store registry this pipeline shares with its per-type pipelines. */
  private get shared(): SharedPayloadState {
    this.sharedState ??= new SharedPayloadState(this.options.cacheBytes ?? 128 * 1024 * 1024);
    return this.sharedState;
  }

  /**
   * The pipeline of a workflow or activity type: this one with the type's `payloads` options laid over it (its
   * serializer, codecs, store, prefix), sharing this one's cache and store registry. Without options, this one.
   */
  forType(definition: HasPayloads): Payloads {
    const own = definition.payloads;
    if (!own) return this;
    this.byType ??= new WeakMap();
    let p = this.byType.get(definition);
    if (!p) {
      p = new Payloads({ ...this.options, ...own }, this.shared);
      this.byType.set(definition, p);
    }
    return p;
  }

  /**
   * Encodes `value` for a field of at most `limit` characters (default SWF's 32,768; heartbeat details: 2,048).
   * Pure and deterministic. `what` names the value in errors (e.g. `"activity charge input"`).
   */
  encode(value: unknown, what: string, limit: number = PAYLOAD_LIMITS.data): EncodedPayload {
    let text: string | undefined;
    try {
      text = this.serializer.serialize(value);
    } catch (err) {
      throw notSerialized(what, err);
    }
    return text === undefined ? { data: undefined } : this.encodeText(text, what, limit);
  }

  /**
   * Encodes already serialized text (codecs, then inline or out of band), as {@link encode} does after serializing.
   * (The replay engine returns text that needs no codec, no escape and no store as it is, without calling this:
   * replay/payload-fields.ts. Keep the two in step.)
   */
  encodeText(text: string, what: string, limit: number = PAYLOAD_LIMITS.data): EncodedPayload {
    let bytes: Uint8Array | undefined;
    const applied: string[] = [];
    if (this.codecs.length > 0) {
      let b: Uint8Array = utf8.encode(text);
      for (const codec of this.codecs) {
        let out: Uint8Array | undefined;
        try {
          out = codec.encode(b);
        } catch (err) {
          throw new PayloadError(
            `${what}: codec ${codec.name} failed to encode: ${(err as Error).message}`,
            err,
            "YF_PAYLOAD_CODEC",
          );
        }
        if (out !== undefined) {
          b = out;
          applied.push(codec.name);
        }
      }
      if (applied.length > 0) bytes = b;
    }
    let inline: string;
    if (bytes) inline = formatEnvelope({ codecs: applied, data: toBase64(bytes) });
    else inline = isEnvelope(text) ? formatEnvelope({ codecs: [], text }) : text;
    if (inline.length <= limit) return { data: inline };
    const store = this.store;
    if (!store) throw new PayloadTooLargeError(what, inline.length, limit);
    const stored = bytes ?? utf8.encode(text);
    const sha256 = this.digest(stored);
    const key = `${this.prefix}${sha256}`;
    const ref = formatEnvelope({ codecs: applied, store: store.name, key, sha256, bytes: stored.length });
    if (ref.length > limit)
      throw new PayloadTooLargeError(
        `${what} (its reference, with prefix ${JSON.stringify(this.prefix)})`,
        ref.length,
        limit,
      );
    this.shared.cache.set(key, stored);
    return { data: ref, upload: { store, key, bytes: stored } };
  }

  /** Decodes a field written by {@link encode}. Synchronous: out-of-band payloads must have been fetched. */
  decode(data: string | undefined, what: string): unknown {
    const text = this.decodeText(data, what);
    return this.serializer.deserialize(text);
  }

  /** Resolves a field to the serializer's text: envelopes opened, codecs undone, references read from the cache. */
  decodeText(data: string | undefined, what: string): string | undefined {
    if (!isEnvelope(data)) return data;
    const e: Envelope = parseEnvelope(data, what);
    if ("text" in e) return e.text;
    let bytes: Uint8Array;
    if ("data" in e) {
      const b = fromBase64Strict(e.data);
      if (!b) throw new PayloadError(`${what}: the envelope's data is not base64`, undefined, "YF_PAYLOAD_ENVELOPE");
      bytes = b;
    } else {
      const cached = this.shared.cache.get(e.key);
      if (!cached) {
        throw new PayloadReadError(
          "YF_PAYLOAD_NOT_FETCHED",
          { store: e.store, key: e.key, eventId: 0, field: what },
          "it was not fetched before decoding (drivers call `await payloads.fetch(events)` before deciding)",
        );
      }
      bytes = cached;
    }
    for (let i = e.codecs.length - 1; i >= 0; i--) {
      const name = e.codecs[i] as string;
      const codec = this.codecs.find((c) => c.name === name);
      if (!codec) {
        throw new PayloadError(
          `${what} was encoded with codec ${JSON.stringify(name)}, which is not configured here (configured: ${this.codecs.map((c) => c.name).join(", ") || "none"})`,
          undefined,
          "YF_PAYLOAD_CODEC",
        );
      }
      try {
        bytes = codec.decode(bytes);
      } catch (err) {
        throw new PayloadError(
          `${what}: codec ${name} failed to decode: ${(err as Error).message}`,
          err,
          "YF_PAYLOAD_CODEC",
        );
      }
    }
    try {
      return utf8Decoder.decode(bytes);
    } catch (err) {
      throw new PayloadError(`${what}: the decoded payload is not UTF-8 text`, err, "YF_PAYLOAD_CODEC");
    }
  }

  /**
   * Fetches, verifies and caches every out-of-band payload that `events` (history events or decisions) refer to
   * and this process has not cached. Call it before deciding on them; `release()` the lease once decided (until
   * then the objects are kept in the cache whatever its size). Rejects with a `PayloadReadError` naming the key
   * and the event when an object is missing, does not match its SHA-256, or its store fails or is not configured.
   */
  async fetch(events: readonly (HistoryEvent | object)[]): Promise<{ release(): void }> {
    const sites = payloadReferences(events);
    const pinned: string[] = [];
    const release = () => {
      for (const k of pinned.splice(0)) this.shared.cache.unpin(k);
    };
    try {
      const wanted = new Map<string, ReferenceSite>();
      for (const s of sites) {
        this.shared.cache.pin(s.key);
        pinned.push(s.key);
        if (!this.shared.cache.has(s.key) && !wanted.has(s.key)) wanted.set(s.key, s);
      }
      const queue = [...wanted.values()];
      const failures = new Map<ReferenceSite, unknown>();
      const worker = async () => {
        for (let s = queue.shift(); s; s = queue.shift()) {
          try {
            this.shared.cache.set(s.key, await this.read(s));
          } catch (err) {
            failures.set(s, err);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
      // the first unreadable object in history order, whichever read failed first: the same error every time
      for (const s of wanted.values()) if (failures.has(s)) throw failures.get(s);
    } catch (err) {
      release();
      throw err;
    }
    return { release };
  }

  /** Reads and verifies one referenced object (not cached). */
  async read(site: ReferenceSite): Promise<Uint8Array> {
    const store = this.shared.stores.get(site.store);
    if (!store) {
      const known = [...this.shared.stores.keys()];
      throw new PayloadReadError(
        "YF_PAYLOAD_STORE",
        site,
        `no store named ${JSON.stringify(site.store)} is configured here (configured: ${known.length ? known.join(", ") : "none"}); run with the payload configuration that wrote it`,
      );
    }
    let bytes: Uint8Array | undefined;
    try {
      bytes = await store.get(site.key);
    } catch (err) {
      throw new PayloadReadError(
        "YF_PAYLOAD_STORE",
        site,
        `the store failed: ${(err as Error)?.message ?? String(err)}`,
        err,
      );
    }
    if (bytes === undefined)
      throw new PayloadReadError(
        "YF_PAYLOAD_MISSING",
        site,
        "there is no such object in the store (deleted or expired, or never uploaded)",
      );
    const actual = this.digest(bytes);
    if (actual !== site.sha256) {
      throw new PayloadReadError(
        "YF_PAYLOAD_CORRUPT",
        site,
        `the object is corrupted: its SHA-256 is ${actual} (${bytes.length} bytes), the reference expects ${site.sha256} (${site.bytes} bytes)`,
      );
    }
    this.shared.markStored(site.store, site.key);
    return bytes;
  }

  /** The uploads this process does not know to be stored already (an empty list: nothing to wait for). */
  notStored(uploads: readonly PayloadUpload[]): PayloadUpload[] {
    return uploads.filter((u) => !this.shared.isStored(u.store.name, u.key));
  }

  /** Stores what decisions (or a response) refer to, skipping objects this process knows are stored. */
  async upload(uploads: readonly PayloadUpload[]): Promise<void> {
    const todo = new Map<string, PayloadUpload>();
    for (const u of uploads) if (!this.shared.isStored(u.store.name, u.key)) todo.set(`${u.store.name}\0${u.key}`, u);
    await Promise.all(
      [...todo.values()].map(async (u) => {
        try {
          await u.store.put(u.key, u.bytes);
        } catch (err) {
          throw new PayloadError(
            `payload ${u.key} could not be stored in ${u.store.name}: ${(err as Error)?.message ?? String(err)}`,
            err,
            "YF_PAYLOAD_STORE",
          );
        }
        this.shared.markStored(u.store.name, u.key);
      }),
    );
  }

  /** The store named `name` among those configured here (the default's and the per-type ones seen so far). */
  storeNamed(name: string): PayloadStore | undefined {
    return this.shared.stores.get(name);
  }

  /** True if a fetch of `events` would have nothing to read (everything referenced is cached). */
  isFetched(events: readonly (HistoryEvent | object)[]): boolean {
    for (const s of payloadReferences(events)) if (!this.shared.cache.has(s.key)) return false;
    return true;
  }
}
