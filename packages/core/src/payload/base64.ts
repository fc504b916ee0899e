/** Base64 (RFC 4648, with padding) without `Buffer`, so core runs anywhere. Used for bytes inside payloads. */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Encodes bytes as base64. */
export function toBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 3 * 4096;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    let out = "";
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
      out +=
        ALPHABET.charAt(n >> 18) +
        ALPHABET.charAt((n >> 12) & 63) +
        ALPHABET.charAt((n >> 6) & 63) +
        ALPHABET.charAt(n & 63);
    }
    if (i < end) {
      const a = bytes[i] as number;
      const b = i + 1 < end ? (bytes[i + 1] as number) : 0;
      const n = (a << 16) | (b << 8);
      out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63);
      out += i + 1 < end ? `${ALPHABET.charAt((n >> 6) & 63)}=` : "==";
    }
    parts.push(out);
  }
  return parts.join("");
}

/** Decodes base64; returns undefined if `text` is not base64. */
export function fromBase64Strict(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      let v: number;
      if (c === 61 && i + j >= text.length - pad) v = 0;
      else {
        v = c < 128 ? (LOOKUP[c] as number) : -1;
        if (v < 0) return undefined;
      }
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

/** Decodes base64; throws a plain Error naming the problem if `text` is not base64. */
export function fromBase64(text: string): Uint8Array {
  const bytes = fromBase64Strict(text);
  if (!bytes) throw new Error(`not base64 (${text.length} characters, starts ${JSON.stringify(text.slice(0, 20))})`);
  return bytes;
}
