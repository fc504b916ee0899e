/**
 * @yieldflow/payloads: the Node side of the payload pipeline: `node:crypto`'s SHA-256, the gzip codec, a filesystem
 * store, and `nodePayloads` to put them together. The S3 store is in `@yieldflow/payloads/s3`, so the AWS SDK is only
 * loaded by those who use it.
 */
import { type PayloadOptions, type PayloadStore, Payloads, payloadReferences } from "@yieldflow/core";
import { sha256 } from "./digest.js";

export { sha256 } from "./digest.js";
export { FsPayloadStore } from "./fs-store.js";
export { type GzipOptions, gzipCodec } from "./gzip.js";

/**
 * A payload pipeline for Node: `options` with `node:crypto`'s SHA-256 as the digest (unless one is given).
 *
 * @example
 * const payloads = nodePayloads({ codecs: [gzipCodec()], store: new S3PayloadStore({ client, bucket: "my-payloads" }) });
 * new LocalRunner({ workflows, activities, payloads });
 */
export function nodePayloads(options: PayloadOptions = {}): Payloads {
  return new Payloads({ digest: sha256, ...options });
}

/**
 * Deletes the out-of-band objects that a run's history refers to (`yieldflow payloads --delete` does the same).
 * Objects are content-addressed and shared by every run that stored the same value: delete a run's objects only
 * when no open run (for instance the next run of a continue-as-new chain) still refers to them. Returns the keys.
 */
export async function deleteRunPayloads(
  history: readonly object[],
  stores: readonly PayloadStore[],
): Promise<string[]> {
  const byName = new Map(stores.map((s) => [s.name, s]));
  const done = new Set<string>();
  for (const ref of payloadReferences(history)) {
    const store = byName.get(ref.store);
    if (!store || done.has(`${ref.store}\0${ref.key}`)) continue;
    await store.delete(ref.key);
    done.add(`${ref.store}\0${ref.key}`);
  }
  return [...done].map((k) => k.split("\0")[1] as string);
}
