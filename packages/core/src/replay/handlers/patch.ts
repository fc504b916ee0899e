/**
 * The `patch` effect's handler (`patched` / `deprecatePatch`): versioning by marker. The new code path runs when
 * its marker is in the history, or when this decision is being made for the first time (then the marker is
 * recorded). Patch markers take no number from the id sequence, so adding one does not shift later ids.
 */
import { commandOf } from "../../decisions/outbox.js";
import * as to from "../../decisions/to-decision.js";
import type { PatchDescriptor } from "../../effects/effect.js";
import type { Engine } from "../engine.js";
import type { Op } from "../ops.js";

export function patch(e: Engine, effect: PatchDescriptor): Op {
  return e.immediate("patch", "ok", patched(e, effect.patchId, effect.deprecated));
}

function patched(e: Engine, patchId: string, deprecated: boolean): boolean {
  const known = e.patches.get(patchId);
  if (known !== undefined) return known;
  const markerName = `patch.${patchId}`;
  const recorded = Object.hasOwn(e.history().markers, markerName);
  const value = recorded || !e.replaying;
  e.patches.set(patchId, value);
  if (value) e.outbox.push(commandOf(to.recordMarker(markerName), "marker"));
  return deprecated ? true : value;
}
