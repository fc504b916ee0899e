/**
 * The `sideEffect` effect's handler: runs the function once, records its value in a marker, and on replay reads
 * the value back from the marker instead of running the function again.
 */
import { commandOf } from "../../decisions/outbox.js";
import * as to from "../../decisions/to-decision.js";
import type { SideEffectDescriptor } from "../../effects/effect.js";
import { InvalidArgumentError } from "../../errors.js";
import type { Engine } from "../engine.js";
import type { Op } from "../ops.js";

export function sideEffect(e: Engine, effect: SideEffectDescriptor): Op {
  const markerName = e.nextId("sideEffect", effect.id);
  if (e.markerNames.has(markerName)) {
    throw new InvalidArgumentError(
      `sideEffect id ${JSON.stringify(markerName)} was already used in this execution; each side effect needs its own id (its value is recorded under it)`,
    );
  }
  e.markerNames.add(markerName);
  const markers = e.history().markers;
  let details: string | undefined;
  if (Object.hasOwn(markers, markerName)) {
    details = markers[markerName] ?? undefined;
  } else {
    let value: unknown;
    try {
      value = effect.fn();
    } catch (err) {
      throw e.taskError(err);
    }
    if (value instanceof Promise) {
      throw e.taskError(
        new InvalidArgumentError(
          `sideEffect ${markerName}: the function returned a Promise; side effects must be synchronous (use an activity for async work)`,
        ),
      );
    }
    details = e.fields.encode(value, `sideEffect ${markerName} value`);
  }
  e.outbox.push(commandOf(to.recordMarker(markerName, details), "marker"));
  return e.immediate("sideEffect", "ok", e.fields.decode(details, `sideEffect ${markerName}`), markerName);
}
