/**
 * FNV-1a, the one string hash of core: 32-bit, with a choosable offset basis and prime so that callers needing
 * more bits (the replayer's history hash, the PRNG's four seeds) run independent variants. Stable forever: ids and
 * seeds derived from it are recorded in histories.
 */

/** 32-bit FNV-1a of `text`'s UTF-16 code units (unsigned). */
export function fnv1a(text: string, basis = 0x811c9dc5, prime = 0x01000193): number {
  let h = basis;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), prime);
  return h >>> 0;
}
