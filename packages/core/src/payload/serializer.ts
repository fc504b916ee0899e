/**
 * Serializers: values ↔ the text that travels in SWF's data fields, the first stage of the payload pipeline
 * (serializer → codecs → store, see `pipeline.ts`).
 *
 * The default, {@link defaultSerializer}, is JSON extended with tagged values for what TypeScript users pass and JSON
 * cannot carry. Its rules:
 * - plain JSON values (objects, arrays, strings, finite numbers, booleans, null) are written exactly as
 *   `JSON.stringify` writes them, so histories stay readable in the AWS console and CLI;
 * - anything else becomes a one-key object whose key starts with `$yf:` (`{"$yf:date":"2026-01-01T00:00:00.000Z"}`,
 *   `{"$yf:bigint":"12"}`, `{"$yf:map":[[k,v],…]}`, `{"$yf:set":[…]}`, `{"$yf:bytes":"<base64>"}`,
 *   `{"$yf:undefined":0}`, `{"$yf:number":"NaN"}`, `{"$yf:error":{"name","message",…}}`); a user object that happens
 *   to have a single `$yf:…` key is escaped as `{"$yf:object":{…}}`, so nothing a user writes is misread;
 * - it is deterministic: the same value gives the same text. Object keys keep the object's own property order (the
 *   order `JSON.stringify` uses: integer-like keys ascending, then the others in insertion order), `Map` and `Set`
 *   keep their insertion order; keys are not sorted, because sorting would change the key order users see after a
 *   round trip. Workflow code builds its values deterministically, so their order is deterministic too;
 * - it never executes code and never revives classes: an error comes back as a plain `Error` with the recorded
 *   `name`, `message`, `cause` and own enumerable fields (its stack is not kept: it depends on the code path that
 *   produced it), a class instance comes back as a plain object of its own enumerable fields (as with JSON).
 * Functions, symbols and typed arrays other than `Uint8Array` are refused with a {@link PayloadError}, as are cycles.
 */
import { YieldflowError } from "../errors.js";
import { fromBase64, toBase64 } from "./base64.js";

/**
 * Turns values into the strings that travel in SWF's data fields and back. `serialize(undefined)` returns undefined
 * (an absent field). Must be deterministic (same value, same string) and must never execute code from a payload.
 */
export interface Serializer {
  serialize(value: unknown): string | undefined;
  deserialize(data: string | undefined): unknown;
}

/** A payload could not be serialized, decoded, stored or read. `code` says which (`YF_PAYLOAD…`). */
export class PayloadError extends YieldflowError {
  constructor(message: string, cause?: unknown, code = "YF_PAYLOAD") {
    super(code, message, { cause });
  }
}

const TAG = "$yf:";

/**
 * Whether serialized text holds a tag (`"$yf:` anywhere): `text.includes('"$yf:')`, written as a search for `$`
 * (one character, the engine's fast path), then a look around it: the check runs for every payload a replay reads,
 * and a search for the five characters cost three times as much.
 */
export function hasTagText(text: string): boolean {
  for (let i = text.indexOf("$"); i >= 0; i = text.indexOf("$", i + 1)) {
    if (text.charCodeAt(i - 1) === 34 && text.startsWith("yf:", i + 1)) return true;
  }
  return false;
}

/** Plain `JSON.stringify` / `JSON.parse`: for histories written by other tools, or to keep the old format. */
export const jsonSerializer: Serializer = {
  serialize(value) {
    if (value === undefined) return undefined;
    try {
      return JSON.stringify(value);
    } catch (err) {
      throw new PayloadError(`value cannot be serialized to JSON: ${(err as Error).message}`, err);
    }
  },
  deserialize(data) {
    if (data === undefined || data === "") return undefined;
    try {
      return JSON.parse(data);
    } catch (err) {
      throw notJson(data, err);
    }
  },
};

function notJson(data: string, err: unknown): PayloadError {
  return new PayloadError(
    `payload is not valid JSON (${data.length} chars, starts ${JSON.stringify(data.slice(0, 40))})`,
    err,
  );
}

/** Objects the replacer created (tag wrappers): their contents are walked, but never escaped again. */
type Wrappers = WeakSet<object>;

function tagged(wrappers: Wrappers, tag: string, value: unknown): object {
  const w = { [`${TAG}${tag}`]: value };
  wrappers.add(w);
  return w;
}

function describe(value: unknown): string {
  if (typeof value === "function") return `a function (${(value as { name?: string }).name || "anonymous"})`;
  if (typeof value === "symbol") return "a symbol";
  return `a ${(value as object).constructor?.name ?? "object"}`;
}

/** The replacer behind {@link defaultSerializer}: sees every value before JSON does (after `toJSON`). */
function replacerFor(wrappers: Wrappers) {
  return function replace(this: unknown, key: string, value: unknown): unknown {
    const original = (this as Record<string, unknown>)[key];
    switch (typeof value) {
      case "string":
      case "boolean":
        if (original instanceof Date) return tagged(wrappers, "date", value);
        return value;
      case "number":
        if (Number.isFinite(value) && !Object.is(value, -0)) return value;
        return tagged(wrappers, "number", String(Object.is(value, -0) ? "-0" : value));
      case "undefined":
        // the root is never undefined here (serialize handles it); inside objects and arrays it is kept
        return tagged(wrappers, "undefined", 0);
      case "bigint":
        return tagged(wrappers, "bigint", value.toString());
      case "function":
      case "symbol":
        throw new PayloadError(
          `${key === "" ? "the value" : `field ${JSON.stringify(key)}`} is ${describe(value)}, which cannot travel in a payload`,
        );
      case "object": {
        // an invalid Date's toJSON gives null: tag it before null is taken for a plain null
        if (original instanceof Date && value !== original) return tagged(wrappers, "date", value);
        if (value === null) return null;
        if (wrappers.has(value)) return value;
        if (Array.isArray(value)) return value;
        if (value instanceof Uint8Array) return tagged(wrappers, "bytes", toBase64(value));
        if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
          throw new PayloadError(
            `${key === "" ? "the value" : `field ${JSON.stringify(key)}`} is ${describe(value)}; only Uint8Array is carried (convert it with new Uint8Array(x.buffer))`,
          );
        }
        if (value instanceof Map) return tagged(wrappers, "map", [...value]);
        if (value instanceof Set) return tagged(wrappers, "set", [...value]);
        if (value instanceof Error) {
          const body: Record<string, unknown> = { name: value.name, message: value.message };
          if (Object.hasOwn(value, "cause")) body.cause = value.cause;
          for (const k of Object.keys(value))
            if (!(k in body) && k !== "stack") body[k] = (value as unknown as Record<string, unknown>)[k];
          wrappers.add(body);
          return tagged(wrappers, "error", body);
        }
        // a user object with exactly one `$yf:` key would read as a tag: escape it
        let count = 0;
        let first = "";
        for (const k in value) {
          if (!Object.hasOwn(value, k)) continue;
          if (count++ === 0) first = k;
          else break;
        }
        if (count === 1 && first.startsWith(TAG)) {
          const copy = { ...value };
          wrappers.add(copy);
          return tagged(wrappers, "object", copy);
        }
        return value;
      }
      default:
        return value;
    }
  };
}

/**
 * True if `JSON.stringify(value)` already writes what the default serializer would (no value needs a tag): then
 * it runs without a replacer, several times faster. Gives up (false) past a depth, leaving cycles and deep values to
 * the replacer path.
 */
function isPlainJson(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      if (depth > 64) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      let count = 0;
      let tagLike = false;
      for (const k in value) {
        if (count++ === 0) tagLike = k.startsWith(TAG);
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined || !isPlainJson(v, depth + 1)) return false;
      }
      if (count === 1 && tagLike) return false;
      return typeof (value as { toJSON?: unknown }).toJSON !== "function";
    }
    default:
      return false;
  }
}

/** Rebuilds tagged values inside a parsed payload, in place where it can. */
function revive(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
    return value;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && (keys[0] as string).startsWith(TAG)) {
    const key = keys[0] as string;
    const inner = obj[key];
    switch (key.slice(TAG.length)) {
      case "date":
        return new Date(inner === null ? Number.NaN : String(inner));
      case "number":
        return inner === "-0" ? -0 : Number(inner);
      case "undefined":
        return undefined;
      case "bigint":
        return BigInt(String(inner));
      case "bytes":
        return fromBase64(String(inner));
      case "map":
        return new Map((Array.isArray(inner) ? inner : []).map((e) => revive(e) as [unknown, unknown]));
      case "set":
        return new Set((Array.isArray(inner) ? inner : []).map(revive));
      case "error": {
        const body = (inner && typeof inner === "object" ? inner : {}) as Record<string, unknown>;
        const err = new Error(String(body.message ?? ""));
        for (const k of Object.keys(body)) {
          if (k === "message") continue;
          const v = revive(body[k]);
          if (k === "name")
            Object.defineProperty(err, "name", { value: String(v), writable: true, configurable: true });
          else if (k === "cause") Object.defineProperty(err, "cause", { value: v, writable: true, configurable: true });
          else define(err as unknown as Record<string, unknown>, k, v);
        }
        return err;
      }
      case "object":
        return reviveFields((inner && typeof inner === "object" ? inner : {}) as Record<string, unknown>);
      default:
        throw new PayloadError(
          `payload holds an unknown tag ${JSON.stringify(key)}; it was written by a newer yieldflow or another serializer`,
        );
    }
  }
  return reviveFields(obj);
}

function reviveFields(obj: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v !== null && typeof v === "object") {
      const r = revive(v);
      if (r !== v) define(obj, k, r);
    }
  }
  return obj;
}

/** Sets an own data property; a key named `__proto__` stays a plain field and never changes the prototype. */
function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * The default serializer: JSON, plus tagged values for `Date`, `BigInt`, `Map`, `Set`, `Uint8Array`, `undefined`
 * inside objects and arrays, non-finite numbers and `-0`, and errors (see this module's header for the rules).
 *
 * @example
 * defaultSerializer.serialize({ at: new Date(0), n: 1 }) // '{"at":{"$yf:date":"1970-01-01T00:00:00.000Z"},"n":1}'
 * defaultSerializer.serialize({ n: 1 })                  // '{"n":1}': plain JSON stays plain JSON
 */
export const defaultSerializer: Serializer = {
  serialize(value) {
    if (value === undefined) return undefined;
    try {
      return isPlainJson(value) ? JSON.stringify(value) : JSON.stringify(value, replacerFor(new WeakSet()));
    } catch (err) {
      if (err instanceof PayloadError) throw err;
      throw new PayloadError(`value cannot be serialized: ${(err as Error).message}`, err);
    }
  },
  deserialize(data) {
    if (data === undefined || data === "") return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch (err) {
      throw notJson(data, err);
    }
    // plain JSON (no tag anywhere) is returned as parsed, without a walk
    if (!hasTagText(data)) return parsed;
    try {
      return revive(parsed);
    } catch (err) {
      if (err instanceof PayloadError) throw err;
      throw new PayloadError(`payload holds a malformed tagged value: ${(err as Error).message}`, err);
    }
  },
};
