/** The `continueAsNew` effect's handler: closes the run with ContinueAsNewWorkflowExecution; the run is over. */
import * as to from "../../decisions/to-decision.js";
import type { ContinueAsNewDescriptor } from "../../effects/effect.js";
import type { Engine } from "../engine.js";
import { Op } from "../ops.js";

export function continueAsNew(e: Engine, effect: ContinueAsNewDescriptor): Op {
  e.closing = to.continueAsNewWorkflowExecution(effect, e.fields.encode(effect.input, "continueAsNew input"));
  e.statusValue = { status: "continuedAsNew", input: effect.input };
  e.finished = true;
  e.outbox.queueClose(e.closing);
  return new Op("continueAsNew", "continueAsNew"); // never settles: the run is over
}
