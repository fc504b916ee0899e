/**
 * Payload stores: the last stage of the payload pipeline. A value that does not fit its SWF field is written to a
 * store under a content-addressed key, and the field carries a small reference instead (see `envelope.ts`).
 * Stores are asynchronous and used only by drivers, at the edges of a decision: before deciding they fetch what the
 * new events reference, after deciding they upload what the decisions reference, and only then respond.
 * `MemoryPayloadStore` is here (pure); the filesystem and S3 stores are in `@yieldflow/payloads`.
 */

/** Where out-of-band payloads live. Keys are content-addressed, so `put` of an existing key writes the same bytes. */
export interface PayloadStore {
  /**
   * Recorded in every reference this store writes (`"store"`), so a reader finds the store that holds an object.
   * Letters, digits, `-`, `_`, `.`, `:`; e.g. `"memory"`, `"fs"`, `"s3:my-bucket"`.
   */
  readonly name: string;
  /** Stores `bytes` under `key` (idempotent). */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The bytes under `key`, or `undefined` when there is no such object. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Deletes the object under `key` (no error if there is none). */
  delete(key: string): Promise<void>;
  /** The keys that start with `prefix`, in no particular order. */
  list(prefix: string): Promise<string[]>;
}

/** A store in this process's memory: for tests and the local runner. Objects live as long as the store. */
export class MemoryPayloadStore implements PayloadStore {
  readonly name: string;
  private readonly objects = new Map<string, Uint8Array>();

  constructor(name = "memory") {
    this.name = name;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    this.objects.set(key, bytes.slice());
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key)?.slice();
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix));
  }

  /** How many objects it holds. */
  get size(): number {
    return this.objects.size;
  }
}
