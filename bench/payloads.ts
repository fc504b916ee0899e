/**
 * The payload pipeline's cost (`npm run bench`, third table; see bench/README.md): one value encoded for a field and
 * decoded back, for values of about 1 KB, 100 KB and 10 MB, against `JSON.parse(JSON.stringify(value))` of the same
 * value measured in the same rounds.
 *
 * Cases, each a full round trip (encode, then decode what a reader would get):
 * - json: the baseline, plain `JSON.stringify` / `JSON.parse`;
 * - inline: the default serializer and the envelope logic, no codec, no store (field limit lifted so every size
 *   stays inline): what every payload pays;
 * - gzip: the same with the gzip codec (compress, base64 into the envelope, and back);
 * - s3: forced out of band to an S3-compatible server started in this process (`@20minutes/s3rver`): encode,
 *   upload (lib-storage `Upload`, multipart above 5 MiB), then a reader with an empty cache fetches (`GetObject`),
 *   verifies the SHA-256 and decodes. A local server over loopback: real S3 adds network latency.
 */
import { loadavg } from "node:os";
import { Payloads } from "@yieldflow/core";
import { gzipCodec, nodePayloads } from "@yieldflow/payloads";
import { S3PayloadStore } from "@yieldflow/payloads/s3";
import { startS3 } from "../tests/payloads/s3-server.ts";
import { fmt, median, type Plan, percentile, round3, textTable } from "./stats.ts";

export type PayloadCase = "json" | "inline" | "gzip" | "s3";
const CASES: readonly PayloadCase[] = ["json", "inline", "gzip", "s3"];

export interface PayloadRow {
  name: string;
  suite: "payloads";
  case: PayloadCase;
  targetBytes: number;
  /** The value's size as JSON. */
  jsonBytes: number;
  /** What the field (or the stored object, for s3) holds. */
  encodedBytes: number;
  samples: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  ratioToBaseline: number;
  loadAvg: number;
}

/** A value of about `bytes` as JSON: records with strings, numbers and booleans (compressible, like real data). */
function sampleValue(bytes: number): unknown {
  const rows: unknown[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const row = {
      id: i,
      sku: `SKU-${(i * 7919) % 100_000}`,
      qty: (i * 31) % 17,
      ok: i % 3 === 0,
      note: `line ${i} of the order`,
    };
    size += JSON.stringify(row).length + 1;
    rows.push(row);
  }
  return { rows };
}

const keep = { sink: 0 };

/** Measures the four cases for each size. */
export async function measurePayloads(
  sizes: readonly number[],
  plan: Plan,
  gc: (() => void) | undefined,
  log: (line: string) => void,
): Promise<PayloadRow[]> {
  const s3 = await startS3("bench");
  try {
    const store = new S3PayloadStore({ client: s3.client, bucket: s3.bucket });
    const rows: PayloadRow[] = [];
    for (const target of sizes) {
      const value = sampleValue(target);
      const json = JSON.stringify(value);
      // repetitions per sample, so that a sample of the fast cases lasts long enough to time
      const reps = Math.max(1, Math.round(200_000 / json.length));
      const inline = new Payloads();
      const gzip = nodePayloads({ codecs: [gzipCodec()] });
      const encodedBytes: Record<PayloadCase, number> = { json: json.length, inline: 0, gzip: 0, s3: 0 };
      const run: Record<PayloadCase, () => Promise<void> | void> = {
        json: () => {
          for (let r = 0; r < reps; r++)
            keep.sink += (JSON.parse(JSON.stringify(value)) as { rows: unknown[] }).rows.length;
        },
        inline: () => {
          for (let r = 0; r < reps; r++) {
            const { data } = inline.encode(value, "v", Number.POSITIVE_INFINITY);
            encodedBytes.inline = data?.length ?? 0;
            keep.sink += (inline.decode(data, "v") as { rows: unknown[] }).rows.length;
          }
        },
        gzip: () => {
          for (let r = 0; r < reps; r++) {
            const { data } = gzip.encode(value, "v", Number.POSITIVE_INFINITY);
            encodedBytes.gzip = data?.length ?? 0;
            keep.sink += (gzip.decode(data, "v") as { rows: unknown[] }).rows.length;
          }
        },
        s3: async () => {
          // a writer and a reader with empty caches: every sample uploads and downloads for real
          const writer = nodePayloads({ store });
          const { data, upload } = writer.encode(value, "v", 300); // a reference fits, the value does not
          if (!upload) throw new Error("expected an upload");
          encodedBytes.s3 = upload.bytes.length;
          await writer.upload([upload]);
          const reader = nodePayloads({ store });
          const lease = await reader.fetch([{ eventId: 1, activityTaskCompletedEventAttributes: { result: data } }]);
          keep.sink += (reader.decode(data, "v") as { rows: unknown[] }).rows.length;
          lease.release();
        },
      };
      const samples: Record<PayloadCase, number[]> = { json: [], inline: [], gzip: [], s3: [] };
      const loads: number[] = [];
      // 10 MB round trips through S3 take a while: fewer rounds for the largest values
      const big = json.length > 1_000_000;
      const p: Plan = big
        ? { warmup: 1, min: Math.min(plan.min, 5), max: Math.min(plan.max, 7), budgetMs: plan.budgetMs }
        : plan;
      const began = performance.now();
      for (let round = 0; round < p.warmup + p.max; round++) {
        if (round >= p.warmup + p.min && performance.now() - began > p.budgetMs) break;
        for (const c of CASES) {
          gc?.();
          const t = performance.now();
          await run[c]();
          const ms = (performance.now() - t) / (c === "s3" ? 1 : reps);
          if (round >= p.warmup) samples[c].push(ms);
        }
        loads.push(loadavg()[0] ?? 0);
      }
      const base = median(samples.json);
      for (const c of CASES) {
        const m = median(samples[c]);
        rows.push({
          name: `${c}/${target}`,
          suite: "payloads",
          case: c,
          targetBytes: target,
          jsonBytes: json.length,
          encodedBytes: encodedBytes[c],
          samples: samples[c].length,
          medianMs: round3(m),
          p90Ms: round3(percentile(samples[c], 90)),
          minMs: round3(Math.min(...samples[c])),
          ratioToBaseline: round3(m / base),
          loadAvg: Math.round(Math.max(...loads) * 100) / 100,
        });
      }
      log(
        `  ${sizeLabel(target)}: json ${fmt(base)} ms, inline ${fmt(median(samples.inline))} ms, gzip ${fmt(median(samples.gzip))} ms, s3 ${fmt(median(samples.s3))} ms (${samples.json.length} rounds)`,
      );
    }
    return rows;
  } finally {
    await s3.stop();
  }
}

export function sizeLabel(bytes: number): string {
  return bytes >= 1_000_000 ? `${bytes / 1_000_000} MB` : `${bytes / 1000} KB`;
}

/** The payload table: one group per size, ratios to the json baseline of that size. */
export function payloadTable(rows: readonly PayloadRow[]): string {
  return textTable(
    ["size", "case", "json chars", "encoded", "median ms", "p90 ms", "n", "× json"],
    rows.map((r) => [
      sizeLabel(r.targetBytes),
      r.case,
      String(r.jsonBytes),
      String(r.encodedBytes),
      fmt(r.medianMs),
      fmt(r.p90Ms),
      String(r.samples),
      r.case === "json" ? "1" : r.ratioToBaseline.toFixed(2),
    ]),
    new Set([0, 1]),
    rows.map((r) => String(r.targetBytes)),
  );
}
