/** The `child` effect's handler: starts a child workflow execution (cancelled with a cancel request to it). */
import * as to from "../../decisions/to-decision.js";
import type { ChildDescriptor } from "../../effects/effect.js";
import type { Engine } from "../engine.js";
import { ChildCommand, type CommandKindOps, type Fiber } from "../fiber.js";
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
  return openCommand(e, new ChildCommand(id, CHILD, decision, effect, n), fiber);
}

const CHILD: CommandKindOps = {
  build: undefined,
  bound: undefined,
  cancel: (p) => {
    const c = p as ChildCommand;
    return to.requestCancelExternalWorkflowExecution(c.id, c.childRunId, `cancel-${c.childSeq}`);
  },
};
