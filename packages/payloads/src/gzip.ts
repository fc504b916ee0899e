/** The gzip codec: compresses payloads above a size threshold (synchronously, as codecs are). */
import { gunzipSync, gzipSync } from "node:zlib";
import { type PayloadCodec, PayloadError } from "@yieldflow/core";

/** What {@link gzipCodec} takes. */
export interface GzipOptions {
  /** Payloads smaller than this many bytes are left as they are. Default 1,024. */
  threshold?: number;
  /** zlib level 1–9. Default 6 (zlib's). */
  level?: number;
  /** Refuse to inflate beyond this many bytes (a guard against decompression bombs). Default 512 MiB. */
  maxOutputBytes?: number;
}

/**
 * Gzip, applied to payloads of at least `threshold` bytes when it makes them smaller. Deterministic: zlib gives the
 * same output for the same input, level and version, and the gzip header carries no timestamp here.
 *
 * @example
 * new LocalRunner({ workflows, activities, payloads: nodePayloads({ codecs: [gzipCodec()] }) })
 */
export function gzipCodec(options: GzipOptions = {}): PayloadCodec {
  const threshold = options.threshold ?? 1024;
  const level = options.level ?? 6;
  const maxOutputLength = options.maxOutputBytes ?? 512 * 1024 * 1024;
  return {
    name: "gzip",
    encode(bytes) {
      if (bytes.length < threshold) return undefined;
      const out = gzipSync(bytes, { level });
      return out.length < bytes.length ? new Uint8Array(out.buffer, out.byteOffset, out.length) : undefined;
    },
    decode(bytes) {
      try {
        const out = gunzipSync(bytes, { maxOutputLength });
        return new Uint8Array(out.buffer, out.byteOffset, out.length);
      } catch (err) {
        throw new PayloadError(`not gzip data, or damaged: ${(err as Error).message}`, err, "YF_PAYLOAD_CODEC");
      }
    },
  };
}
