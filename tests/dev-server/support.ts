/** Helpers for the dev-server suites: a server on port 0 and an SDK client pointed at it. */
import { SWFClient } from "@aws-sdk/client-swf";
import { type DevServer, type DevServerOptions, startDevServer } from "@yieldflow/local-runner/dev-server";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export interface Harness {
  server: DevServer;
  swf: SWFClient;
  close(): Promise<void>;
}

/** Starts a dev server on 127.0.0.1:0 and a client for it (any credentials, as the server accepts). */
export async function harness(options: DevServerOptions = {}): Promise<Harness> {
  const server = await startDevServer({ port: 0, pollWaitMs: 500, ...options });
  const swf = client(server.url);
  return {
    server,
    swf,
    async close() {
      swf.destroy();
      await server.close();
    },
  };
}

/** An SWF client for `url`. */
export function client(url: string): SWFClient {
  return new SWFClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
}

/** The error `promise` rejects with (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { name: string };
  }
  throw new Error("expected the call to be refused, but it succeeded");
}
