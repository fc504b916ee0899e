/**
 * Deterministic randomness for workflow code: a small, fast PRNG (sfc32) seeded from a string (the run id), so
 * `random()` and `uuid()` return the same sequence on every replay of a run and different ones across runs.
 */
import { fnv1a } from "./hash.js";

/** A deterministic source of numbers in [0, 1) and UUIDs. */
export interface DeterministicRandom {
  next(): number;
  uuid(): string;
}

/**
 * sfc32 seeded with four FNV-1a variants of one string. A class rather than closures: every `decide` may make one
 * (an engine's `random()` stream), and a class instance is one small object.
 */
class Sfc32 implements DeterministicRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    this.a = fnv1a(seed, 0x811c9dc5, 0x01000193);
    this.b = fnv1a(seed, 0x01000193, 0x01000195);
    this.c = fnv1a(seed, 0x9e3779b9, 0x01000197);
    this.d = fnv1a(seed, 0x85ebca6b, 0x01000199);
    for (let i = 0; i < 12; i++) this.next32();
  }

  private next32(): number {
    const a = this.a >>> 0;
    const b = this.b >>> 0;
    let c = this.c >>> 0;
    let d = this.d >>> 0;
    const t = (a + b) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    this.c = (c + r) | 0;
    this.d = d;
    return r >>> 0;
  }

  next(): number {
    return this.next32() / 4294967296;
  }

  uuid(): string {
    const bytes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const w = this.next32();
      bytes.push(w >>> 24, (w >>> 16) & 255, (w >>> 8) & 255, w & 255);
    }
    bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
    const hex = bytes.map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

/** Creates a deterministic random source seeded from `seed`. */
export function createRandom(seed: string): DeterministicRandom {
  return new Sfc32(seed);
}
