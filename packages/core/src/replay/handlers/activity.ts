/** The `activity` effect's handler: schedules an activity task (cancelled with RequestCancelActivityTask). */
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
  // encoded now, replayed or not: its length decides what the outbox defers, and a value that cannot be serialized
  // is thrown at the call; the decision itself is built only if it is read (see `Command`)
  const input = e.fields.encode(effect.input, activityInput, effect.activity, effect.activity.name);
  return openCommand(e, new OpenCommand("activity", id, ACTIVITY, undefined, effect, input), fiber);
}

const ACTIVITY: CommandKindOps = {
  build: (p) => to.scheduleActivityTask(p.descriptor as ActivityDescriptor, p.id, p.input),
  bound: (p) => to.scheduleActivityTaskBound(p.descriptor as ActivityDescriptor, p.id, p.input),
  cancel: (p) => to.requestCancelActivityTask(p.id),
};
