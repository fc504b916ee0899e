/**
 * Helpers for the SWF adapter suites: a dev server on 127.0.0.1:0 (the real SWF wire protocol over HTTP), an SDK
 * client for it, and comparisons of histories across drivers (timestamps, task tokens and identities aside).
 */
import type { SWFClient } from "@aws-sdk/client-swf";
import type { HistoryEvent } from "@yieldflow/core";
import { type DevServer, type DevServerOptions, startDevServer } from "@yieldflow/local-runner/dev-server";
import { createSwfClient } from "@yieldflow/swf-adapter";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export interface Harness {
  server: DevServer;
  swf: SWFClient;
  close(): Promise<void>;
}

/** Starts a dev server on 127.0.0.1:0 (polls wait 1 s, so workers stop fast) and a client for it. */
export async function harness(options: DevServerOptions = {}): Promise<Harness> {
  const server = await startDevServer({ port: 0, pollWaitMs: 1000, ...options });
  const swf = createSwfClient({ endpoint: server.url });
  return {
    server,
    swf,
    async close() {
      swf.destroy();
      await server.close();
    },
  };
}

/** Waits until `check` returns true (polling every 20 ms), or fails after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 20_000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

const VOLATILE = new Set(["eventTimestamp", "identity", "taskToken", "newExecutionRunId", "continuedExecutionRunId"]);

/**
 * A history with what differs between drivers removed: timestamps, identities, run ids of continue-as-new links,
 * stack traces inside failure details (the call sites differ), and (under `runIds`) the given run ids replaced by
 * placeholders. What remains must be equal event for event (both record the effective activity timeouts and task
 * lists, the registered defaults filled in, as SWF does).
 */
export function comparable(events: readonly HistoryEvent[], runIds: readonly string[] = []): unknown[] {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v instanceof Date) return "<time>";
    if (typeof v === "string") {
      let s = v;
      if (s.startsWith("{") && s.includes('"stack"')) {
        try {
          s = JSON.stringify(JSON.parse(s), (k, x) => (k === "stack" ? undefined : x));
        } catch {
          // not JSON: compared as it is
        }
      }
      runIds.forEach((id, i) => {
        if (id) s = s.split(id).join(`<run${i}>`);
      });
      return s;
    }
    if (typeof v !== "object" || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!VOLATILE.has(k)) out[k] = strip(x);
    return out;
  };
  return events.map(strip);
}
