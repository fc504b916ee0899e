/**
 * The payload edge: the one place where the workers run the asynchronous part of the payload pipeline
 * (serializer → codecs → store). Core is synchronous and pure; it only sees a `Serializer`. Before core folds a
 * decision task's new events, `beforeDecide` fetches what they reference; before `RespondDecisionTaskCompleted`,
 * `beforeRespond` uploads what the decisions reference (never after: a reference in a history must be readable).
 * Activity inputs are decoded and results encoded here too. The default edge is the serializer alone.
 */
import { type Decision, type HistoryEvent, jsonSerializer, type Serializer } from "@yieldflow/core";

/** The asynchronous steps around core's synchronous serializer. */
export interface PayloadEdge {
  /** What core encodes and decodes with (synchronous: it may only read what `beforeDecide` fetched). */
  readonly serializer: Serializer;
  /** Runs before core sees `events` (the new events of a decision task): fetch what they reference. */
  beforeDecide(events: readonly HistoryEvent[]): Promise<void>;
  /** Runs before the decisions are sent to SWF: upload what they reference. */
  beforeRespond(decisions: readonly Decision[]): Promise<void>;
  /** An activity task's input field → the value the implementation gets. */
  decodeActivityInput(input: string | undefined): Promise<unknown>;
  /** An implementation's return value → RespondActivityTaskCompleted's result field. */
  encodeActivityResult(value: unknown): Promise<string | undefined>;
}

/** The edge of a plain serializer (JSON by default): nothing to fetch or upload. */
export function serializerEdge(serializer: Serializer = jsonSerializer): PayloadEdge {
  return {
    serializer,
    beforeDecide: async () => {},
    beforeRespond: async () => {},
    decodeActivityInput: async (input) => serializer.deserialize(input),
    encodeActivityResult: async (value) => serializer.serialize(value),
  };
}
