/**
 * Versioning by marker: `patched` and `deprecatePatch` let running executions keep replaying the code path they
 * took while new executions take the new one.
 */
import { checkSwfName } from "../decisions/validate.js";
import { type Effect, makeEffect } from "./effect.js";

/**
 * Versioning for running workflows. Returns true when this execution runs the new code at this point, false when
 * it is replaying a history recorded before the change. New executions record a marker and get true; histories
 * without the marker replay with false. The answer is fixed per execution and patch id.
 *
 * @example
 * if (yield* patched("send-sms")) yield* activity(sendSms, user); else yield* activity(sendEmail, user);
 */
export function patched(patchId: string): Effect<boolean> {
  checkSwfName(patchId, "patch id", 200);
  return makeEffect<boolean>({ kind: "patch", patchId, deprecated: false });
}

/**
 * Marks a patch whose old path is gone: once no execution that predates `patched(id)` is still running, replace
 * `if (yield* patched(id)) new; else old;` by `yield* deprecatePatch(id); new;`. Histories with or without the marker
 * replay. Later, remove the call entirely.
 */
export function deprecatePatch(patchId: string): Effect<void> {
  checkSwfName(patchId, "patch id", 200);
  return makeEffect<void>({ kind: "patch", patchId, deprecated: true });
}
