/**
 * The runner's clocks. Time is epoch milliseconds. The runner never reads `Date.now()` itself: it asks its clock,
 * so the same runner runs on virtual time (tests, `yieldflow run`) or on real time (`--real-time`, the dev server).
 *
 * Invariants: time never goes backwards; a virtual clock moves when the runner (or a test) moves it and, unless it is
 * fully virtual (`activityTime: "virtual"`), at the wall clock's pace while activity code runs.
 */

/** A source of time the runner can also move forward. */
export interface Clock {
  /** `"virtual"` clocks jump to the next deadline when nothing is runnable; `"real"` clocks wait for it. */
  readonly kind: "virtual" | "real";
  /** The current time, epoch ms. */
  now(): number;
  /** Moves time forward by `ms` (a real clock adds an offset to the wall clock). */
  advance(ms: number): void;
  /** Moves time forward to `epochMs` (never backwards). */
  advanceTo(epochMs: number): void;
  /**
   * Optional: the activity worker calls it when activity code starts (`+1`) and stops (`-1`) running, so a clock
   * can let time pass while activities work (see {@link VirtualClock}'s `activityTime`).
   */
  activityRunning?(delta: 1 | -1): void;
}

/** Options of a {@link VirtualClock}. */
export interface VirtualClockOptions {
  /**
   * `"real"` (default): while activity code runs, time passes at the wall clock's pace, so the history shows what
   * each activity took and its timeouts count real work; idle time is still skipped. `"virtual"`: time moves only
   * when the runner or a test moves it, so activities take 0 ms and two runs record identical timestamps.
   */
  activityTime?: "real" | "virtual";
}

/**
 * A clock that skips idle time. With `activityTime: "virtual"` it stands still until moved (fully deterministic);
 * by default it also lets real time pass while activity code runs.
 */
export class VirtualClock implements Clock {
  readonly kind = "virtual" as const;
  readonly activityTime: "real" | "virtual";
  private time: number;
  /** How many activity functions are running now. */
  private busy = 0;
  /** Wall-clock reading (performance.now()) up to which busy time has been added to `time`. */
  private busySince = 0;
  /**
   * @param start epoch ms; default 2026-01-01T00:00:00Z, the same start as core's HistoryRecorder.
   * @param options see {@link VirtualClockOptions}.
   */
  constructor(start = Date.UTC(2026, 0, 1), options: VirtualClockOptions = {}) {
    this.time = start;
    this.activityTime = options.activityTime ?? "real";
  }
  now(): number {
    this.catchUp();
    return this.time;
  }
  advance(ms: number): void {
    this.catchUp();
    if (ms > 0) this.time += ms;
  }
  advanceTo(epochMs: number): void {
    this.catchUp();
    if (epochMs > this.time) this.time = epochMs;
  }
  activityRunning(delta: 1 | -1): void {
    if (this.activityTime === "virtual") return;
    this.catchUp();
    this.busy = Math.max(0, this.busy + delta);
    this.busySince = performance.now();
  }
  /** Adds the wall-clock time that passed while activities ran (whole milliseconds: timestamps stay integers). */
  private catchUp(): void {
    if (this.busy === 0) return;
    const elapsed = Math.floor(performance.now() - this.busySince);
    if (elapsed <= 0) return;
    this.time += elapsed;
    this.busySince += elapsed;
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
