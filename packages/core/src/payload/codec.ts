/**
 * Codecs: the second stage of the payload pipeline (serializer → codecs → store). A codec turns the serialized
 * payload's bytes into other bytes (compressed, encrypted) and back. Codecs are synchronous, so the pure core can
 * run them while it decides; the names of the codecs applied are recorded in the payload's envelope, so decoding
 * knows what to undo, in reverse order, whatever the reader's codec list looks like.
 */

/**
 * A codec. `encode` must be deterministic (the same bytes in, the same bytes out): a replay re-encodes the values
 * the workflow passes and must produce the very same decisions. An encryption codec therefore derives its IV from
 * the key and the plaintext (e.g. an HMAC of the plaintext) rather than drawing it at random; see the README.
 */
export interface PayloadCodec {
  /** Recorded in the envelope and used to find the codec when decoding: letters, digits, `-`, `_`, `.`. */
  readonly name: string;
  /** The encoded bytes, or `undefined` to leave this payload as it is (e.g. too small to be worth compressing). */
  encode(bytes: Uint8Array): Uint8Array | undefined;
  /** Undoes `encode`. Throws if the bytes are not its output (wrong key, damaged data). */
  decode(bytes: Uint8Array): Uint8Array;
}
