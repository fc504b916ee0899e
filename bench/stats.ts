/** Statistics and number formatting shared by the benchmark's suites. */

export function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

export function median(xs: readonly number[]): number {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Nearest-rank percentile. */
export function percentile(xs: readonly number[], p: number): number {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Milliseconds with about three significant digits. */
export function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}

/** Rounds per measured case: warm-up (not recorded), then at least `min`, until `budgetMs` is spent or `max`. */
export interface Plan {
  warmup: number;
  min: number;
  max: number;
  budgetMs: number;
}

/** A text table: columns in `left` are left-aligned, the others right-aligned; `groups` start a blank line. */
export function textTable(head: string[], body: string[][], left: ReadonlySet<number>, groups?: string[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ");
  const out = [line(head), widths.map((w) => "─".repeat(w)).join("  ")];
  let prev = "";
  for (const [i, b] of body.entries()) {
    const key = groups?.[i] ?? "";
    if (prev && key !== prev) out.push("");
    prev = key;
    out.push(line(b));
  }
  return out.join("\n");
}
