/**
 * The dev server's time, and time skipping (`yieldflow dev-server --time-skipping`).
 *
 * The server's clock is the wall clock plus an offset that only grows. Without time skipping the offset stays 0
 * (unless a restore or a test's `advanceTime` moved it); with it, the {@link TimeSkipper} adds to it whenever nothing
 * can make progress on the real clock, so a 3-day timer fires as soon as the run waits for nothing else.
 *
 * The rule (what "idle" means), checked after every call and every fired deadline:
 * - the server is idle when no open run of any domain has a decision task scheduled or started, and none has an
 *   activity task scheduled or started (an activity is open from ActivityTaskScheduled to its closing event). So an
 *   activity that a worker is running is never timed out by a jump (its start-to-close and heartbeat timeouts run on
 *   the real clock), and a task queued for a poller that has not polled yet waits for it: a jump only ever creates
 *   work, it never takes work away from a worker about to poll;
 * - and at least one timer (StartTimer) is open somewhere: a run that waits only for a signal (or a child, or a
 *   cancel request) with no timer does not move time, even though its execution timeout is armed;
 * - after the server has been idle, with no call changing anything, for a short grace period of real time (default
 *   20 ms: a client that starts a run and signals it at once is not overtaken by a jump; calls that change nothing,
 *   such as polls that find no task, do not restart it, so busy pollers cannot hold time still), time jumps to the
 *   earliest armed deadline (a timer, or an execution timeout that comes first) and that deadline fires; the rule
 *   is then checked again.
 *
 * Every deadline keeps its meaning: deadlines fire in order at their own (virtual) time, and events are stamped
 * with the server's time, so histories show the virtual time.
 */
import type { SwfBackend } from "./backend.js";

/** The server's clock: the wall clock plus the time skipped so far. Never goes backwards. */
export class ServerClock {
  private offset = 0;
  private last = 0;

  /** The server's time, epoch ms. */
  now(): number {
    return Date.now() + this.offset;
  }

  /** How far the server's time is ahead of the wall clock, ms. */
  get ahead(): number {
    return this.offset;
  }

  /** The time of the call being executed: now, and strictly after the previous call's (events stay ordered). */
  stamp(): number {
    this.last = Math.max(this.last + 0.001, this.now());
    return this.last;
  }

  /**
   * After a restore: the server's time resumes at the last journaled call's time when that is ahead of the wall
   * clock (it was written by a time-skipping server), so no event is ever stamped before an earlier one.
   */
  resumeAt(at: number): void {
    this.last = Math.max(this.last, at);
    this.offset = Math.max(this.offset, at - Date.now());
  }

  /** Moves the server's time forward to `epochMs` (never backwards). */
  jumpTo(epochMs: number): void {
    const d = epochMs - this.now();
    if (d > 0) this.offset += d;
  }
}

/** Options of a {@link TimeSkipper}. */
export interface TimeSkipperOptions {
  clock: ServerClock;
  backend: SwfBackend;
  /** Real time the server must stay idle before a jump, ms. */
  graceMs: number;
  /** Fires the deadlines that are due now (a journaled `$fire` call). */
  fire: () => void;
}

/** Jumps the server's time to the next deadline when the server is idle (see the file's header for the rule). */
export class TimeSkipper {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** How many jumps were made. */
  jumps = 0;

  constructor(private readonly o: TimeSkipperOptions) {}

  /** Something changed: the grace period starts again, if the server is (still) idle. */
  poke(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped || !this.o.backend.idleWithTimer()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.jump();
    }, this.o.graceMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private jump(): void {
    if (this.stopped || !this.o.backend.idleWithTimer()) return;
    const next = this.o.backend.nextDeadline();
    if (next === undefined) return;
    this.o.clock.jumpTo(next);
    this.jumps++;
    try {
      this.o.fire();
    } catch (err) {
      process.stderr.write(
        `yieldflow dev-server: firing a deadline after a time skip failed: ${(err as Error).stack}\n`,
      );
    }
    // firing may leave the server idle (an execution timeout that came before a timer): check again
    this.poke();
  }
}
