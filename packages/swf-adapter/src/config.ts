/**
 * How the adapter reaches SWF: an `SWFClient` configured through the standard AWS SDK chain (region, credentials,
 * `AWS_ENDPOINT_URL_SWF`), plus an `endpoint` option, so the same code points at AWS or at `yieldflow dev-server`.
 * Long polls last 60 s, so the socket timeout is above that (70 s by default).
 */
import { SWFClient, type SWFClientConfig } from "@aws-sdk/client-swf";

/** Options of {@link createSwfClient}. */
export interface SwfConnectionOptions {
  /** An SWF endpoint URL (the dev server: `http://127.0.0.1:<port>`). Default: `AWS_ENDPOINT_URL_SWF`, else AWS. */
  endpoint?: string;
  /** The AWS region. Default: the SDK chain (`AWS_REGION`, profile); `us-east-1` for a loopback endpoint. */
  region?: string;
  /** Socket timeout of every call, ms. Must exceed SWF's 60 s long poll. Default 70,000. */
  requestTimeoutMs?: number;
  /** Anything else the SDK takes (credentials, a logger, a retry strategy …). */
  sdk?: SWFClientConfig;
}

/** The SDK's own retries are left to the workers' backoff (which knows about polls and task deadlines). */
const SDK_ATTEMPTS = 1;

/** True for `localhost`, `127.x` and `[::1]` URLs: the dev server, which needs no AWS credentials. */
export function isLoopbackEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    const host = new URL(endpoint).hostname;
    return host === "localhost" || host.startsWith("127.") || host === "[::1]" || host === "::1";
  } catch {
    return false;
  }
}

/**
 * Creates an `SWFClient` for the workers and the client. A loopback endpoint (the dev server) gets a default region
 * and placeholder credentials when the environment has none, so `yieldflow dev-server` needs no AWS account.
 *
 * @example
 * const swf = createSwfClient({ endpoint: "http://127.0.0.1:8080" });
 */
export function createSwfClient(options: SwfConnectionOptions = {}): SWFClient {
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_SWF;
  const local = isLoopbackEndpoint(endpoint);
  const config: SWFClientConfig = {
    maxAttempts: SDK_ATTEMPTS,
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 70_000, connectionTimeout: 10_000 },
    ...options.sdk,
  };
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.region !== undefined) config.region = options.region;
  else if (local && !process.env.AWS_REGION && !process.env.AWS_DEFAULT_REGION) config.region ??= "us-east-1";
  if (local && config.credentials === undefined && !process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE) {
    config.credentials = { accessKeyId: "yieldflow-dev", secretAccessKey: "yieldflow-dev" };
  }
  return new SWFClient(config);
}
