/**
 * The signal mailbox of one run: signals wait here, per name and in arrival order, until workflow code asks for
 * them; waits wait here until a signal comes. Nothing is dropped: what the workflow never read is handed back to
 * be reported.
 */
import type { Op } from "./ops.js";

export class SignalMailbox {
  private readonly buffered = new Map<string, unknown[]>();
  private readonly waiting = new Map<string, Op[]>();

  /** A signal arrived: the first wait for its name gets it, or it is buffered. */
  deliver(name: string, value: unknown): void {
    const waiter = this.waiting.get(name)?.shift();
    if (waiter) {
      waiter.settle("ok", value);
      return;
    }
    let list = this.buffered.get(name);
    if (!list) {
      list = [];
      this.buffered.set(name, list);
    }
    list.push(value);
  }

  /** Takes the oldest buffered signal of `name`, with a way to put it back first in line (if it goes unread). */
  take(name: string): { value: unknown; giveBack: () => void } | undefined {
    const list = this.buffered.get(name);
    if (!list || list.length === 0) return undefined;
    const value = list.shift();
    return { value, giveBack: () => list.unshift(value) };
  }

  /** `op` waits for the next signal of `name` (after the ones already waiting). */
  wait(name: string, op: Op): void {
    let list = this.waiting.get(name);
    if (!list) {
      list = [];
      this.waiting.set(name, list);
    }
    list.push(op);
  }

  /** `op` no longer waits (it timed out or was cancelled). */
  remove(name: string, op: Op): void {
    const list = this.waiting.get(name);
    const i = list?.indexOf(op) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
  }

  /** The names that waits are waiting for (each once). */
  waitingFor(): string[] {
    return [...this.waiting].filter(([, ops]) => ops.some((op) => op.state === "pending")).map(([name]) => name);
  }

  /** Empties the buffer, returning what was never read, by name. */
  drainUnread(): { name: string; values: unknown[] }[] {
    const out: { name: string; values: unknown[] }[] = [];
    for (const [name, values] of this.buffered) if (values.length > 0) out.push({ name, values: values.splice(0) });
    return out;
  }
}
