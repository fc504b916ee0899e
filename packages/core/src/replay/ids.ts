/** The ids yieldflow gives what SWF sees, when workflow code does not give one. */
import { checkSwfId } from "../decisions/validate.js";
import { fnv1a } from "../determinism/hash.js";

/** 32-bit FNV-1a as 8 hex digits. */
function hash8(text: string): string {
  return fnv1a(text).toString(16).padStart(8, "0");
}

/** The default id of a child workflow: readable, unique across runs, valid for SWF. */
export function childWorkflowId(parentWorkflowId: string, runId: string, seq: number): string {
  const id = `${parentWorkflowId.slice(0, 200)}-child-${seq}-${hash8(runId)}`;
  checkSwfId(id, "child workflowId");
  return id;
}
