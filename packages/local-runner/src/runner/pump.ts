/**
 * The local runner's pump: the one loop that moves its executions forward, one step at a time: decision tasks
 * first (the in-process decision worker), then due deadlines (timers, timeouts), then activity tasks (started in
 * the in-process activity worker while it has capacity). In bounded batches, so a workflow that loops for ever
 * cannot starve the process.
 *
 * Time: the virtual clock only jumps to the next deadline when nothing is runnable (no decision task waiting or
 * waiting for payload I/O, no activity running) and a result is awaited. When time has to pass for real (a real
 * clock, or activities running on the virtual one), a wall-clock wake-up is armed for the next deadline, and kept
 * when it is already counting down to it (restarting it on every step would let a busy runner postpone a hung
 * activity's timeout for ever).
 */

import type { AnyActivity } from "@yieldflow/core";
import type { ActivityRunner } from "./activity-runner.js";
import type { Clock } from "./clock.js";
import type { DecisionRunner } from "./decision-runner.js";
import type { QueuedActivity, WorkflowService } from "./service.js";

/** What the pump drives. */
export interface PumpParts {
  clock: Clock;
  service: WorkflowService;
  decisions: DecisionRunner;
  activities: ActivityRunner;
  /** Only activity tasks of these task lists run in process (undefined: all). */
  servedTaskLists: ReadonlySet<string> | undefined;
  /** The identity recorded in ActivityTaskStarted. */
  identity: string;
  /** An internal error (a bug): the runner stops. */
  fatal: (err: unknown) => void;
}

interface Waiter {
  resolve: () => void;
  /** True when the waiter is satisfied. */
  ready: () => boolean;
}

/** Moves a local runner's executions forward. */
export class Pump {
  /** A run of the pump is scheduled (on the next turn of the event loop). */
  private scheduled = false;
  private stopped = false;
  /** The deadline the wake timer counts down to. */
  private wakeFor: number | undefined;
  private wakeTimer: ReturnType<typeof setTimeout> | undefined;
  /** How many `result()` calls are waiting: while any is, the virtual clock skips idle time. */
  private awaitingResults = 0;
  private readonly idleWaiters: Waiter[] = [];
  private readonly clock: Clock;
  private readonly service: WorkflowService;
  private readonly activities: ActivityRunner;

  constructor(private readonly parts: PumpParts) {
    this.clock = parts.clock;
    this.service = parts.service;
    this.activities = parts.activities;
  }

  /** Runs the pump soon (on the next turn of the event loop), once however often it is asked. */
  schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      try {
        this.runBatch();
      } catch (err) {
        this.parts.fatal(err);
      }
    });
  }

  /** A `result()` call starts (1) or stops (-1) waiting: while any waits, the virtual clock skips idle time. */
  awaitingResult(delta: 1 | -1): void {
    this.awaitingResults += delta;
    if (delta > 0) this.schedule();
  }

  /**
   * Resolves once nothing more can happen by itself: no decision task scheduled, no activity running, and no
   * deadline the clock will reach on its own.
   */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      this.idleWaiters.push({ resolve, ready: () => this.isIdle() });
      this.schedule();
    });
  }

  /** Lets microtasks and immediates run until the pump has nothing left to do (running activities may remain). */
  async quiesce(): Promise<void> {
    for (let i = 0; i < 100_000; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.scheduled) continue;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!this.scheduled) return;
    }
  }

  /** Waits (wall clock) until no activity runs, or `maxMs` have passed. */
  async waitForActivities(maxMs: number): Promise<void> {
    const until = performance.now() + Math.max(0, maxMs);
    while (this.activities.size > 0 && performance.now() < until && !this.stopped) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(5, Math.max(1, until - performance.now()))));
    }
  }

  /** Stops for good: clears the wake-up timer and resolves every `idle()` waiter. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeFor = undefined;
    for (const w of this.idleWaiters.splice(0)) w.resolve();
  }

  private runBatch(): void {
    if (this.stopped) return;
    for (let budget = 2_000; budget > 0; budget--) {
      if (this.parts.decisions.runOne()) continue;
      if (this.service.fireDue(this.clock.now())) continue;
      if (this.dispatchActivity()) continue;
      if (this.canSkip()) {
        const next = this.service.nextDeadline();
        if (next !== undefined) {
          this.clock.advanceTo(next);
          continue;
        }
      }
      this.armWake();
      this.releaseIdle();
      return;
    }
    this.schedule();
  }

  private canSkip(): boolean {
    return (
      this.clock.kind === "virtual" &&
      this.awaitingResults > 0 &&
      this.activities.size === 0 &&
      this.parts.decisions.inFlight === 0 &&
      !this.service.hasDecisionTask
    );
  }

  private isIdle(): boolean {
    if (this.scheduled || this.service.hasDecisionTask || this.activities.size > 0) return false;
    if (this.parts.decisions.inFlight > 0) return false;
    if (this.service.hasDeadlines && (this.clock.kind === "real" || this.canSkip())) return false;
    return !(this.activities.hasCapacity && this.service.hasActivityTask(this.servable));
  }

  private releaseIdle(): void {
    for (let i = this.idleWaiters.length - 1; i >= 0; i--) {
      const w = this.idleWaiters[i] as Waiter;
      if (w.ready()) {
        this.idleWaiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  /** Arms a wall-clock wake-up for the next deadline when time has to pass for real (real clock, or activities running). */
  private armWake(): void {
    const next = this.service.nextDeadline();
    const wanted =
      next === undefined || (this.clock.kind === "virtual" && this.activities.size === 0) ? undefined : next;
    if (wanted !== undefined && this.wakeTimer && this.wakeFor === wanted) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeFor = wanted;
    if (wanted === undefined) return;
    const delay = Math.min(Math.max(0, wanted - this.clock.now()), 2_147_483_647);
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeFor = undefined;
      // on the virtual clock, a running activity lets time pass at the wall clock's pace until its deadline
      if (this.clock.kind === "virtual" && this.activities.size > 0) this.clock.advanceTo(wanted);
      this.schedule();
    }, delay);
  }

  private readonly servable = (q: QueuedActivity): boolean =>
    (this.parts.servedTaskLists === undefined || this.parts.servedTaskLists.has(q.taskList)) &&
    this.service.registry.implementationFor(q.activityType) !== undefined;

  /** Starts one waiting activity task in process, if there is capacity. */
  private dispatchActivity(): boolean {
    if (!this.activities.hasCapacity) return false;
    const task = this.service.pollForActivityTask(this.servable, this.parts.identity);
    if (!task) return false;
    const impl = this.service.registry.implementationFor(task.activityType) as AnyActivity;
    this.activities.run(task, impl);
    return true;
  }
}
