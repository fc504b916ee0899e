/**
 * Deterministic randomness for workflow code: a small, fast PRNG (sfc32) seeded from a string (the run id), so
 * `random()` and `uuid()` return the same sequence on every replay of a run and different ones across runs.
 */
import { fnv1a } from "./hash.js";

/** Four FNV-1a variants: four seeds from one string. */
function seedsFrom(text: string): [number, number, number, number] {
  const bases = [0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b] as const;
  return [0, 1, 2, 3].map((k) => fnv1a(text, bases[k], 0x01000193 + k * 2)) as [number, number, number, number];
}

/** A deterministic source of numbers in [0, 1) and UUIDs. */
export interface DeterministicRandom {
  next(): number;
  uuid(): string;
}

/** Creates a deterministic random source seeded from `seed`. */
export function createRandom(seed: string): DeterministicRandom {
  let [a, b, c, d] = seedsFrom(seed);
  const next32 = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return r >>> 0;
  };
  for (let i = 0; i < 12; i++) next32();
  return {
    next: () => next32() / 4294967296,
    uuid: () => {
      const bytes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const w = next32();
        bytes.push(w >>> 24, (w >>> 16) & 255, (w >>> 8) & 255, w & 255);
      }
      bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
      bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
      const hex = bytes.map((x) => x.toString(16).padStart(2, "0")).join("");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  };
}
