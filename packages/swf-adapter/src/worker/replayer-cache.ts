/**
 * The decider's cache: one `Replayer` per run, least recently used first out. A cached replayer holds the run's
 * folded history up to `lastEventId` and its suspended generators, so the next decision task of the run only needs
 * the events after that id. Entries are dropped on any doubt (a failed task, a late response), never patched up.
 */
import type { Replayer } from "@yieldflow/core";

/** A cached run. */
export interface CachedRun {
  readonly replayer: Replayer;
  /** The last event folded into the replayer. */
  lastEventId: number;
  /** The DecisionTaskStarted event of the task this replayer last decided. */
  decidedStartedEventId: number | undefined;
  /** The run's taskStartToCloseTimeout, ms (undefined: NONE). */
  taskTimeoutMs: number | undefined;
}

/** A bounded LRU map of runId → cached replayer. */
export class ReplayerCache {
  private readonly entries = new Map<string, CachedRun>();
  evictions = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new RangeError(`the replayer cache capacity must be an integer ≥ 0, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached run (marked most recently used), or undefined. */
  get(runId: string): CachedRun | undefined {
    const entry = this.entries.get(runId);
    if (entry === undefined) return undefined;
    this.entries.delete(runId);
    this.entries.set(runId, entry);
    return entry;
  }

  /** Whether a run is cached, without touching its recency. */
  has(runId: string): boolean {
    return this.entries.has(runId);
  }

  /** Caches a run, evicting the least recently used ones beyond the capacity. */
  set(runId: string, entry: CachedRun): void {
    if (this.capacity === 0) return;
    this.entries.delete(runId);
    this.entries.set(runId, entry);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.evictions++;
    }
  }

  delete(runId: string): void {
    this.entries.delete(runId);
  }

  /** Run ids, least recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }
}
