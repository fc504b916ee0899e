/**
 * The engine's clocks. Time is epoch milliseconds. The engine never reads `Date.now()` itself: it asks its clock,
 * so the same engine runs on virtual time (tests, `yieldflow run`) or on real time (`--real-time`, the dev server).
 *
 * Invariants: time never goes backwards; a virtual clock only moves when the engine (or a test) moves it.
 */

/** A source of time the engine can also move forward. */
export interface Clock {
  /** `"virtual"` clocks jump to the next deadline when nothing is runnable; `"real"` clocks wait for it. */
  readonly kind: "virtual" | "real";
  /** The current time, epoch ms. */
  now(): number;
  /** Moves time forward by `ms` (a real clock adds an offset to the wall clock). */
  advance(ms: number): void;
  /** Moves time forward to `epochMs` (never backwards). */
  advanceTo(epochMs: number): void;
}

/** A clock that stands still until moved. Deterministic: the same run gives the same timestamps. */
export class VirtualClock implements Clock {
  readonly kind = "virtual" as const;
  private time: number;
  /** @param start epoch ms; default 2026-01-01T00:00:00Z, the same start as core's HistoryRecorder. */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    if (ms > 0) this.time += ms;
  }
  advanceTo(epochMs: number): void {
    if (epochMs > this.time) this.time = epochMs;
  }
}

/** The wall clock, plus whatever `advance` added (tests can still skip time). */
export class RealClock implements Clock {
  readonly kind = "real" as const;
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    if (ms > 0) this.offset += ms;
  }
  advanceTo(epochMs: number): void {
    this.advance(epochMs - this.now());
  }
}
