/**
 * `describeValue`: a short, printable account of any value for an error message. Error formatting must never throw,
 * whatever the value (histories and arguments are untrusted): BigInt and Symbol (which JSON.stringify refuses or
 * drops), cyclic objects, getters and proxies that throw, objects without a prototype, huge strings.
 */

/**
 * Describes `value` in at most about `max` characters, never throwing: strings and numbers as JSON, `null`,
 * `undefined`, `12n`, `Symbol(x)`, `a function`, arrays and objects as (shortened) JSON when possible, else by kind.
 */
export function describeValue(value: unknown, max = 80): string {
  try {
    return shorten(describe(value), max);
  } catch {
    return "an unprintable value";
  }
}

function describe(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
    case "boolean":
      return String(value);
    case "bigint":
      return `${value.toString()}n`;
    case "symbol":
      return value.toString();
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    default:
      break;
  }
  if (value === null) return "null";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : `Date ${value.toISOString()}`;
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v.toString()}n` : v));
    if (typeof text === "string") return text;
  } catch {
    // cyclic, or a getter/toJSON/proxy trap threw: fall through to a description by kind
  }
  return Array.isArray(value) ? "an array" : "an object";
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** `Name: message` of an error, or a description of any other thrown value. Never throws (a getter may). */
export function describeError(err: unknown): string {
  try {
    if (err instanceof Error) {
      const name = String(err.name);
      const message = String(err.message);
      return name && name !== "Error" && !message.startsWith(name) ? `${name}: ${message}` : message || name;
    }
  } catch {
    // a message or name getter that throws, a revoked proxy: describe the value instead
  }
  return typeof err === "string" ? err : describeValue(err, 200);
}

/** The message of an error (or a description of any other thrown value). Never throws. */
export function errorMessage(err: unknown): string {
  try {
    if (err instanceof Error) return String(err.message);
  } catch {
    // as above
  }
  return typeof err === "string" ? err : describeValue(err, 200);
}
