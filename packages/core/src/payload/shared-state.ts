/**
 * What the pipelines of one runner or worker (the default and the per-type ones) share: the bounded cache of
 * fetched and encoded objects (decoding reads out-of-band payloads only from it), the stores by name, and which
 * objects are known to be stored already (not uploaded again).
 */
import { InvalidArgumentError } from "../errors.js";
import type { PayloadStore } from "./store.js";

/** Fetched and encoded objects by key, least recently used evicted first; objects a decision waits for are pinned. */
export class PayloadCache {
  private readonly entries = new Map<string, Uint8Array>();
  private readonly pins = new Map<string, number>();
  private total = 0;
  constructor(private readonly maxBytes: number) {}

  get(key: string): Uint8Array | undefined {
    const bytes = this.entries.get(key);
    if (bytes) {
      this.entries.delete(key);
      this.entries.set(key, bytes);
    }
    return bytes;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  set(key: string, bytes: Uint8Array): void {
    const old = this.entries.get(key);
    if (old) this.total -= old.length;
    this.entries.delete(key);
    this.entries.set(key, bytes);
    this.total += bytes.length;
    if (this.total <= this.maxBytes) return;
    for (const [k, b] of this.entries) {
      if (this.total <= this.maxBytes) break;
      if (this.pins.has(k) || k === key) continue;
      this.entries.delete(k);
      this.total -= b.length;
    }
  }

  pin(key: string): void {
    this.pins.set(key, (this.pins.get(key) ?? 0) + 1);
  }

  unpin(key: string): void {
    const n = (this.pins.get(key) ?? 0) - 1;
    if (n > 0) this.pins.set(key, n);
    else this.pins.delete(key);
  }
}

/** What several pipelines (the default and the per-type ones) of one runner or worker share. */
export class SharedPayloadState {
  readonly stores = new Map<string, PayloadStore>();
  /** `store\0key` of objects known to be stored (uploaded or fetched by this process): not uploaded again. Bounded. */
  readonly stored = new Set<string>();
  readonly cache: PayloadCache;
  constructor(cacheBytes: number) {
    this.cache = new PayloadCache(cacheBytes);
  }

  register(store: PayloadStore): void {
    const known = this.stores.get(store.name);
    if (known && known !== store) {
      throw new InvalidArgumentError(
        `two different payload stores are named ${JSON.stringify(store.name)}; references name their store, so each needs its own name`,
      );
    }
    this.stores.set(store.name, store);
  }

  markStored(store: string, key: string): void {
    if (this.stored.size >= 100_000) this.stored.delete(this.stored.values().next().value as string);
    this.stored.add(`${store}\0${key}`);
  }

  isStored(store: string, key: string): boolean {
    return this.stored.has(`${store}\0${key}`);
  }
}
