/**
 * The payload edge: the one place where the workers run the asynchronous part of the payload pipeline
 * (serializer → codecs → store, core's `Payloads`). Core is synchronous and pure: it encodes and decodes with a
 * `Payloads` whose out-of-band objects were fetched beforehand, and it returns what its decisions put out of band.
 * So before core folds a decision task's new events, `beforeDecide` fetches what they reference (a lease, released
 * once decided); before `RespondDecisionTaskCompleted`, `beforeRespond` uploads what the decisions reference (never
 * after: a reference in a history must be readable). Activity inputs are fetched and decoded, results encoded and
 * uploaded, with the activity type's own pipeline.
 */
import {
  type ActivityDefinition,
  activityTaskInput,
  type Decision,
  type EncodedPayload,
  type HistoryEvent,
  type PayloadOptions,
  Payloads,
  type PayloadUpload,
} from "@yieldflow/core";

/** The asynchronous steps around core's synchronous pipeline. */
export interface PayloadEdge {
  /** The pipeline core encodes and decodes with (per type: `payloads.forType(definition)`). */
  readonly payloads: Payloads;
  /** Runs before core sees `events` (the new events of a decision task): fetch what they reference. */
  beforeDecide(events: readonly HistoryEvent[]): Promise<{ release(): void }>;
  /** Runs before the decisions are sent to SWF: store the objects they reference (`uploads`, from core). */
  beforeRespond(uploads: readonly PayloadUpload[], decisions: readonly Decision[]): Promise<void>;
  /**
   * An activity task's input field → the value the implementation gets (the attempt number it may carry set aside,
   * its out-of-band object fetched first).
   */
  decodeActivityInput(
    definition: ActivityDefinition<unknown, unknown>,
    task: { input: string | undefined; startedEventId: number },
    what: string,
  ): Promise<unknown>;
  /** A value for an activity's result (or details) field, its out-of-band object stored first. */
  encodeForActivity(
    definition: ActivityDefinition<unknown, unknown>,
    encode: (payloads: Payloads) => EncodedPayload,
  ): Promise<string | undefined>;
}

/** The edge of a payload pipeline (default: the default serializer, inline, no store). */
export function payloadEdge(pipeline: Payloads | PayloadOptions = {}): PayloadEdge {
  const payloads = pipeline instanceof Payloads ? pipeline : new Payloads(pipeline);
  return {
    payloads,
    beforeDecide: (events) => payloads.fetch(events),
    beforeRespond: async (uploads) => {
      if (uploads.length > 0) await payloads.upload([...uploads]);
    },
    async decodeActivityInput(definition, task, what) {
      const p = payloads.forType(definition);
      const input = activityTaskInput(task.input).input; // without the attempt number it may carry
      const lease = await p.fetch([{ eventId: task.startedEventId, activityTaskStartedEventAttributes: { input } }]);
      try {
        return p.decode(input, what);
      } finally {
        lease.release();
      }
    },
    async encodeForActivity(definition, encode) {
      const p = payloads.forType(definition);
      const { data, upload } = encode(p);
      if (upload) await p.upload([upload]);
      return data;
    },
  };
}
