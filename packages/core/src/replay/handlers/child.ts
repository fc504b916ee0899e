/** The `child` effect's handler: starts a child workflow execution (cancelled with a cancel request to it). */
import * as to from "../../decisions/to-decision.js";
import type { ChildDescriptor } from "../../effects/effect.js";
import type { Decision } from "../../history/events.js";
import type { Engine } from "../engine.js";
import type { Fiber, OpenCommand } from "../fiber.js";
import { childWorkflowId } from "../ids.js";
import type { Op } from "../ops.js";
import { childInput } from "../payload-fields.js";
import { checkUnused, openCommand } from "./commands.js";

export function child(e: Engine, effect: ChildDescriptor, fiber: Fiber): Op {
  const n = ++e.seq;
  const id = effect.workflowId ?? childWorkflowId(e.ctx.workflowId || e.workflow.name, e.ctx.runId, n);
  checkUnused(e, "child", id, "child workflowId");
  const input = e.fields.encode(effect.input, childInput, effect.workflow, effect.workflow.name);
  const decision = to.startChildWorkflowExecution(effect, id, input);
  const p = openCommand(e, "child", id, fiber, decision, cancelChild, effect);
  p.childSeq = n;
  return p;
}

function cancelChild(p: OpenCommand): Decision {
  return to.requestCancelExternalWorkflowExecution(p.id, p.childRunId, `cancel-${p.childSeq}`);
}
