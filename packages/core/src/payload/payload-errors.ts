/**
 * The payload pipeline's errors: a value too large for its field with no store to take it, and an out-of-band
 * object that cannot be read (missing, corrupted, its store failing or not configured, or not fetched before
 * decoding). `PayloadError` itself, the serializer's, is in serializer.ts.
 */
import { InvalidArgumentError } from "../errors.js";
import type { ReferenceSite } from "./envelope.js";
import { PayloadError } from "./serializer.js";

/** Codes of payload errors. */
export type PayloadErrorCode =
  | "YF_PAYLOAD"
  | "YF_PAYLOAD_TOO_LARGE"
  | "YF_PAYLOAD_ENVELOPE"
  | "YF_PAYLOAD_CODEC"
  | "YF_PAYLOAD_NOT_FETCHED"
  | "YF_PAYLOAD_MISSING"
  | "YF_PAYLOAD_CORRUPT"
  | "YF_PAYLOAD_STORE";

/**
 * A value does not fit its SWF field and no store is configured. An `InvalidArgumentError`, so a value passed to an
 * effect surfaces in workflow code where the call was made.
 */
export class PayloadTooLargeError extends InvalidArgumentError {
  readonly size: number;
  readonly limit: number;
  constructor(what: string, size: number, limit: number) {
    super(
      `${what} is ${size} characters once encoded; the SWF field holds at most ${limit}. Configure a payload store (payloads: { store }) so large values go out of band, or pass a smaller value.`,
    );
    (this as { code: string }).code = "YF_PAYLOAD_TOO_LARGE";
    this.size = size;
    this.limit = limit;
  }
}

/** An out-of-band payload could not be read: missing, corrupted, or its store failed or is not configured. */
export class PayloadReadError extends PayloadError {
  readonly store: string;
  readonly key: string;
  /** The event whose field refers to the object (0 if not from a history). */
  readonly eventId: number;
  readonly field: string;
  constructor(
    code: "YF_PAYLOAD_MISSING" | "YF_PAYLOAD_CORRUPT" | "YF_PAYLOAD_STORE" | "YF_PAYLOAD_NOT_FETCHED",
    site: Pick<ReferenceSite, "store" | "key" | "eventId" | "field">,
    why: string,
    cause?: unknown,
  ) {
    const where = site.eventId ? `event ${site.eventId} (${site.field})` : site.field;
    super(`payload ${site.key} in store ${site.store}, referred to by ${where}: ${why}`, cause, code);
    this.store = site.store;
    this.key = site.key;
    this.eventId = site.eventId;
    this.field = site.field;
  }
}
