/**
 * The dev server's HTTP edge: reading a request body within SWF's 1 MB limit, answering in awsJson1_0 (SWF's
 * `__type` and `x-amzn-errortype` for faults, InternalFailure for a bug), and refusing requests that a web page of
 * another site could make (DNS rebinding, cross-origin form posts).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SwfFault } from "./faults.js";

/** SWF's request size limit. */
const MAX_REQUEST_BYTES = 1_048_576;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * Why a request from a web page of another site must be refused, if it must: on a loopback address only requests
 * naming a loopback host are served (a DNS-rebinding page names its own), and a form posted from another origin
 * never reaches the UI's buttons.
 */
export function refuseForeign(req: IncomingMessage, listenHost: string): string | undefined {
  const hostHeader = req.headers.host ?? "";
  const hostname = hostHeader.startsWith("[")
    ? hostHeader.slice(0, hostHeader.indexOf("]") + 1)
    : hostHeader.split(":")[0];
  if (LOOPBACK.has(listenHost) && !LOOPBACK.has(hostname ?? ""))
    return `this dev server only answers requests for 127.0.0.1 or localhost, not ${hostHeader}`;
  const origin = req.headers.origin;
  if (req.method === "POST" && origin !== undefined && origin !== "null") {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (originHost !== hostHeader) return `requests from ${origin} are refused: use the dev server's own pages`;
  }
  return undefined;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new SwfFault("RequestEntityTooLargeException", "the request is larger than SWF's 1 MB limit", 413));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
  });
  res.end(text);
}

export function replyError(res: ServerResponse, err: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const fault =
    err instanceof SwfFault
      ? err
      : new SwfFault("InternalFailure", `internal error: ${err instanceof Error ? err.message : String(err)}`, 500);
  if (!(err instanceof SwfFault))
    process.stderr.write(`yieldflow dev-server: ${err instanceof Error ? err.stack : String(err)}\n`);
  const text = fault.body();
  res.writeHead(fault.status, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
    "x-amzn-errortype": fault.faultName,
  });
  res.end(text);
}
