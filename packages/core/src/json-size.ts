/**
 * How many bytes a text takes as a JSON string in a request: what the decision emitter counts against SWF's request
 * size, and what the history fold records of an activity's input so that a replay need not serialize it again.
 */

const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** The UTF-8 byte length of `text` as a JSON string (escapes included), without building it. */
export function jsonUtf8Length(text: string): number {
  // most long fields are printable ASCII without quotes or backslashes: one byte per character (a native scan); a
  // short one (ids, small JSON values) is counted faster than a regular expression is called
  if (text.length > 64 && PLAIN_ASCII.test(text)) return text.length + 2;
  let n = 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c)
      n += 2; // \" and \\
    else if (c < 0x20)
      n += 6; // \u00XX (a few have two-character forms; this errs on the safe side)
    else if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4; // a surrogate pair is one 4-byte character
      i++;
    } else n += 3;
  }
  return n;
}
