/** How payloads (inputs, results, details) become SWF's strings and back: the `Serializer` interface and JSON. */
import { YieldflowError } from "../errors.js";

/**
 * Turns values into the strings that travel in SWF's data fields and back. The default is JSON: it never executes
 * code from a payload. `undefined` becomes an absent field. Drivers may wrap the result in codecs and out-of-band
 * stores; the pure core only ever sees what a serializer returns.
 */
export interface Serializer {
  serialize(value: unknown): string | undefined;
  deserialize(data: string | undefined): unknown;
}

/** A payload could not be serialized or deserialized. */
export class PayloadError extends YieldflowError {
  constructor(message: string, cause?: unknown) {
    super("YF_PAYLOAD", message, { cause });
  }
}

/** The default serializer: `JSON.stringify` / `JSON.parse`, with clear errors for what JSON cannot carry. */
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
      throw new PayloadError(
        `payload is not valid JSON (${data.length} chars, starts ${JSON.stringify(data.slice(0, 40))})`,
        err,
      );
    }
  },
};
