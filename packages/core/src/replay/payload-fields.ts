/**
 * Where the replay engine turns values into fields' text and back: every payload a workflow writes (activity and
 * child inputs, markers, its result) and reads (its input, results, failure details, signals) goes through the payload
 * pipeline here, and a payload that cannot be read or written gets an error that names the workflow, the run, the
 * decision task and the value.
 */
import { errorMessage } from "../describe.js";
import { InvalidArgumentError } from "../errors.js";
import { isEnvelope } from "../payload/envelope.js";
import {
  notSerialized,
  PAYLOAD_LIMITS,
  PayloadReadError,
  type Payloads,
  type PayloadUpload,
} from "../payload/pipeline.js";
import { PayloadError } from "../payload/serializer.js";
import type { Engine, PayloadType } from "./engine.js";

/**
 * How the replay engine names a payload in errors: a text, or a wording of a subject (an activity's name or id)
 * written only when an error is thrown, so that encoding and decoding build no text per value.
 */
export type PayloadWhat = string | ((subject: string) => string);

/** The name of a payload, worded (see {@link PayloadWhat}). */
function wordPayload(what: PayloadWhat, subject: string): string {
  return typeof what === "string" ? what : what(subject);
}

/**
 * `p.encode(value, what)` for the replay engine, which encodes every activity's input: the field's text, with an
 * out-of-band object pushed to `uploads`. The same text and the same errors; what it skips is the result object and
 * the wording of `what` unless an error needs it.
 */
function encodePayloadField(
  p: Payloads,
  value: unknown,
  uploads: PayloadUpload[],
  what: PayloadWhat,
  subject: string,
): string | undefined {
  let text: string | undefined;
  try {
    text = p.serializer.serialize(value);
  } catch (err) {
    throw notSerialized(wordPayload(what, subject), err);
  }
  if (text === undefined) return undefined;
  // what encodeText returns for serialized text that needs no codec, no escape and no store
  if (p.codecs.length === 0 && text.length <= PAYLOAD_LIMITS.data && !isEnvelope(text)) return text;
  const { data, upload } = p.encodeText(text, wordPayload(what, subject));
  if (upload) uploads.push(upload);
  return data;
}

/** `p.decode(data, what)` for the replay engine, wording `what` only for an envelope (whose errors name it). */
function decodePayloadField(p: Payloads, data: string | undefined, what: PayloadWhat, subject: string): unknown {
  return isEnvelope(data) ? p.decode(data, wordPayload(what, subject)) : p.serializer.deserialize(data);
}

/**
 * How the payloads every activity and child reads and writes are named in errors: worded from the name or id only
 * when an error is thrown (a text per activity built for nothing was a measurable part of a replay's allocation).
 */
export const activityInput = (name: string): string => `activity ${name} input`;
export const activityResult = (id: string): string => `the result of activity ${id}`;
export const childInput = (name: string): string => `child ${name} input`;
export const childResult = (id: string): string => `the result of child ${id}`;

/**
 * The engine's payload fields (one per engine: `engine.fields`). `what` names the value in errors: a text, or a
 * wording of `subject` (see `PayloadWhat`).
 */
export class PayloadFields {
  constructor(private readonly engine: Engine) {}

  /**
   * Serializes a value the workflow passes to an effect. A value the serializer cannot carry is a bug at the call:
   * it is thrown into workflow code there (as a bad argument is), naming the effect.
   */
  encode(value: unknown, what: PayloadWhat, type?: PayloadType, subject = ""): string | undefined {
    try {
      return this.encodeField(value, what, type, subject);
    } catch (err) {
      if (err instanceof InvalidArgumentError) throw err; // PayloadTooLargeError keeps its code
      // the pipeline's errors already begin with the payload's name; others are named here
      const name = wordPayload(what, subject);
      const message = errorMessage(err);
      throw new InvalidArgumentError(message.startsWith(name) ? message : `${name}: ${message}`);
    }
  }

  /**
   * The one place where a value becomes a field's text: the payload pipeline of `type` (an activity or child
   * workflow definition; default this workflow's) serializes and encodes it, inline when it fits, otherwise as a
   * reference whose object is listed in the task's uploads.
   */
  encodeField(value: unknown, what: PayloadWhat, type?: PayloadType, subject = ""): string | undefined {
    const e = this.engine;
    return encodePayloadField(e.ctx.payloads.forType(type ?? e.workflow), value, e.uploads, what, subject);
  }

  /** {@link encodeField} for text that is already serialized (failure details). */
  encodeTextField(text: string, what: string): string | undefined {
    const { data, upload } = this.engine.ctx.payloads.forType(this.engine.workflow).encodeText(text, what);
    if (upload) this.engine.uploads.push(upload);
    return data;
  }

  /** Deserializes a payload from the history; one that cannot be read fails the decision task (PayloadError), saying which. */
  decode(data: string | undefined, what: PayloadWhat, type?: PayloadType, subject = ""): unknown {
    try {
      return decodePayloadField(this.engine.ctx.payloads.forType(type ?? this.engine.workflow), data, what, subject);
    } catch (err) {
      throw this.payloadError(err, wordPayload(what, subject), "cannot be decoded");
    }
  }

  /** Opens a field's envelope (failure and heartbeat details): the text inside, or the field as it is. */
  decodeText(data: string | undefined, what: string, type?: PayloadType): string | undefined {
    try {
      return this.engine.ctx.payloads.forType(type ?? this.engine.workflow).decodeText(data, what);
    } catch (err) {
      throw this.payloadError(err, what, "cannot be read");
    }
  }

  private payloadError(err: unknown, what: string, verb: string): PayloadError {
    if (err instanceof PayloadReadError) return err; // names the key and the event
    const where = `workflow ${this.engine.workflow.name} (run ${this.engine.ctx.runId || "?"}), decision task at event ${this.engine.taskStartedEventId}`;
    if (err instanceof PayloadError && err.message.startsWith(what)) {
      return new PayloadError(`${where}: ${err.message}`, err, err.code);
    }
    return new PayloadError(
      `${where}: ${what} ${verb}: ${(err as Error).message}`,
      err,
      err instanceof PayloadError ? err.code : "YF_PAYLOAD",
    );
  }
}
