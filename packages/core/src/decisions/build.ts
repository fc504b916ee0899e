/** Small helpers for writing decisions in SWF's exact shapes. */
import { toSwfDuration } from "../duration.js";

export { compact } from "../objects.js";

/** Seconds as SWF's duration string (`"NONE"` for no timeout), or undefined to leave the field out. */
export function swfSeconds(s: number | undefined): string | undefined {
  return s === undefined ? undefined : toSwfDuration(s);
}
