/** The `timer` effect's handler (`sleep`), and the durable timers other handlers start (signal timeouts, retries). */
import * as to from "../../decisions/to-decision.js";
import type { TimerDescriptor } from "../../effects/effect.js";
import type { Engine } from "../engine.js";
import { type CommandKindOps, type Fiber, OpenCommand } from "../fiber.js";
import type { Op } from "../ops.js";
import { checkUnused, openCommand } from "./commands.js";

export function timer(e: Engine, effect: TimerDescriptor, fiber: Fiber): Op {
  return startTimer(e, e.nextId("timer", effect.id), effect.seconds, fiber);
}

/** Starts timer `id` firing after `secs`, owned by `fiber` (cancelled with CancelTimer). */
export function startTimer(e: Engine, id: string, secs: number, fiber: Fiber): Op {
  checkUnused(e, "timer", id, "timer id");
  const decision = to.startTimer(id, secs);
  return openCommand(e, new OpenCommand("timer", id, TIMER, decision, undefined, undefined), fiber);
}

const TIMER: CommandKindOps = { build: undefined, bound: undefined, cancel: (p) => to.cancelTimer(p.id) };
