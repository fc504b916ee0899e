/** Small helpers for building event attributes: SWF omits absent fields rather than sending them as null. */

/** The fields of `o` named by `keys` that are not undefined. */
export function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Deletes the fields of `o` that are undefined, in place; returns `o`. */
export function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
