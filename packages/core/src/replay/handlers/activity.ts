/** The `activity` effect's handler: schedules an activity task (cancelled with RequestCancelActivityTask). */
import { SWF_LIMITS } from "../../decisions/limits.js";
import * as to from "../../decisions/to-decision.js";
import type { ActivityDescriptor } from "../../effects/effect.js";
import type { Engine } from "../engine.js";
import { type CommandKindOps, type Fiber, OpenCommand } from "../fiber.js";
import type { Op } from "../ops.js";
import { activityInput } from "../payload-fields.js";
import { checkUnused, openCommand } from "./commands.js";

export function activity(e: Engine, effect: ActivityDescriptor, fiber: Fiber): Op {
  const id = e.nextId("activity", effect.id);
  checkUnused(e, "activity", id, "activity id", effect.id === undefined);
  // A task being replayed that recorded this activity's decision says how large its input was: the outbox needs
  // only that size (to defer exactly what the decision deferred), so the input is not serialized again. It went out,
  // so its value could be serialized then; the decision itself is never built (a replayed task's decisions are only
  // matched with the history, by kind, id, name and version).
  const recorded = e.replaying ? e.recordedSchedule(id, effect.activity) : undefined;
  if (recorded?.inputSize !== undefined) {
    const size = to.scheduleActivityTaskSize(effect, id, recorded.inputSize);
    // (a decision larger than a response is never deferred quietly: the outbox reads it to say so)
    if (size <= SWF_LIMITS.responseBytesBudget) {
      // keyed by the history's own text of the id (equal to `id`): the completion the fold gives later names it with
      // that same string, so finding it again is a pointer comparison, and its hash is computed once
      const p = new OpenCommand("activity", recorded.id as string, REPLAYED, undefined, effect, undefined);
      p.size = size;
      return openCommand(e, p, fiber);
    }
  }
  // Otherwise encoded now: its length decides what the outbox defers, and a value that cannot be serialized is thrown
  // at the call; the decision itself is built only if it is read (see `Command`)
  const input = e.fields.encode(effect.input, activityInput, effect.activity, effect.activity.name);
  return openCommand(e, new OpenCommand("activity", id, ACTIVITY, undefined, effect, input), fiber);
}

const ACTIVITY: CommandKindOps = {
  build: (p) => to.scheduleActivityTask(p.descriptor as ActivityDescriptor, p.id, p.input),
  bound: (p) => to.scheduleActivityTaskBound(p.descriptor as ActivityDescriptor, p.id, p.input),
  cancel: (p) => to.requestCancelActivityTask(p.id),
};

/** An activity whose decision a replayed task recorded: sized from the history, its input never serialized. */
const REPLAYED: CommandKindOps = {
  build: (p) => {
    throw new Error(`internal: the decision of replayed activity ${p.id} was read; only its recorded size is known`);
  },
  bound: undefined,
  cancel: ACTIVITY.cancel,
};
