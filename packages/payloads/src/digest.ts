/** The Node side of the payload pipeline's content addressing: SHA-256 from `node:crypto`. */
import { createHash } from "node:crypto";

/** SHA-256 (hex) with `node:crypto`: the same result as core's pure `sha256Hex`, many times faster. */
export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
