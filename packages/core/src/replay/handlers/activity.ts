/** The `activity` effect's handler: schedules an activity task (cancelled with RequestCancelActivityTask). */
import * as to from "../../decisions/to-decision.js";
import type { ActivityDescriptor } from "../../effects/effect.js";
import type { Decision } from "../../history/events.js";
import type { Engine } from "../engine.js";
import type { Fiber, OpenCommand } from "../fiber.js";
import type { Op } from "../ops.js";
import { activityInput } from "../payload-fields.js";
import { checkUnused, openCommand } from "./commands.js";

export function activity(e: Engine, effect: ActivityDescriptor, fiber: Fiber): Op {
  const id = e.nextId("activity", effect.id);
  checkUnused(e, "activity", id, "activity id", effect.id === undefined);
  const input = e.fields.encode(effect.input, activityInput, effect.activity, effect.activity.name);
  const decision = to.scheduleActivityTask(effect, id, input);
  const bound = to.scheduleActivityTaskBound(decision, effect);
  return openCommand(e, "activity", id, fiber, decision, cancelActivity, effect, bound).op;
}

function cancelActivity(p: OpenCommand): Decision {
  return to.requestCancelActivityTask(p.op.id);
}
