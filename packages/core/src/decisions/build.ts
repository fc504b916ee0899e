/** Small helpers for writing decisions in SWF's exact shapes. */
import { toSwfDuration } from "../duration.js";

/** A copy without the undefined fields (SWF's shapes omit absent fields). Copies rather than deletes: faster. */
export function compact<T extends object>(o: T): T {
  const out = {} as T;
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Seconds as SWF's duration string (`"NONE"` for no timeout), or undefined to leave the field out. */
export function swfSeconds(s: number | undefined): string | undefined {
  return s === undefined ? undefined : toSwfDuration(s);
}
