/** The ids yieldflow gives what SWF sees, when workflow code does not give one. */
import { checkSwfId } from "../decisions/validate.js";

/** 32-bit FNV-1a as 8 hex digits. */
function hash8(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** The default id of a child workflow: readable, unique across runs, valid for SWF. */
export function childWorkflowId(parentWorkflowId: string, runId: string, seq: number): string {
  const id = `${parentWorkflowId.slice(0, 200)}-child-${seq}-${hash8(runId)}`;
  checkSwfId(id, "child workflowId");
  return id;
}
