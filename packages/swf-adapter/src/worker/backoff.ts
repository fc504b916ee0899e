/**
 * Backoff with jitter for calls to SWF. Throttling (`ThrottlingException`, HTTP 429) and transient faults (5xx,
 * dropped connections, socket timeouts) are retried after a random wait ("full jitter": uniform in
 * [0, min(max, initial × 2^(n-1))]), so many workers throttled at once do not retry in step. Anything else (a bad
 * request, an unknown task token) is permanent and surfaces at once.
 */

/** How an error from an SWF call should be handled. */
export type ErrorKind = "throttled" | "transient" | "aborted" | "permanent";

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
]);
const TRANSIENT_NAMES = new Set([
  "InternalFailure",
  "InternalServerError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
]);
const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
]);

/** Classifies an error thrown by an SDK call. Never throws. */
export function classifyError(err: unknown): ErrorKind {
  if (typeof err !== "object" || err === null) return "permanent";
  const e = err as { name?: unknown; code?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const name = typeof e.name === "string" ? e.name : "";
  if (name === "AbortError") return "aborted";
  const status = typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : undefined;
  if (THROTTLING.has(name) || status === 429) return "throttled";
  if (TRANSIENT_NAMES.has(name) || (status !== undefined && status >= 500)) return "transient";
  // an answer of the service (a 4xx that is not throttling) is permanent, whatever its message says
  if (status !== undefined) return "permanent";
  if (typeof e.code === "string" && TRANSIENT_CODES.has(e.code)) return "transient";
  const message = typeof e.message === "string" ? e.message : "";
  if (/socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|network error/i.test(message)) return "transient";
  return "permanent";
}

/** Backoff settings. */
export interface BackoffOptions {
  /** The first wait's upper bound, ms. Default 100. */
  initialMs?: number;
  /** The largest wait, ms. Default 20,000. */
  maxMs?: number;
  /** Uniform random in [0, 1). Default `Math.random` (tests pass their own). */
  random?: () => number;
}

/** The wait before retry `attempt` (1-based): uniform in [0, min(max, initial × 2^(attempt-1))]. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 100;
  const max = options.maxMs ?? 20_000;
  const cap = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
  return Math.floor((options.random ?? Math.random)() * cap);
}

/**
 * Resolves after `ms`, or at once when `signal` aborts. With `unref`, the timer does not keep the process alive (for
 * deadlines raced against work that usually ends first).
 */
export function delay(ms: number, signal?: AbortSignal, options: { unref?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    if (options.unref) timer.unref();
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Options of {@link withRetries}. */
export interface RetryOptions extends BackoffOptions {
  /** Give up (rethrow the last error) when the next attempt would start after this time (epoch ms). */
  deadline?: number;
  /** Give up after this many attempts. Default: unlimited (until the deadline or the signal). */
  maxAttempts?: number;
  /** Stops retrying (the last error is rethrown). */
  signal?: AbortSignal;
  /** Called before each wait, e.g. to count and log. */
  onRetry?: (info: { kind: "throttled" | "transient"; attempt: number; waitMs: number; error: unknown }) => void;
}

/** Runs `call`, retrying throttled and transient failures with jittered backoff. */
export async function withRetries<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const kind = classifyError(err);
      if (kind !== "throttled" && kind !== "transient") throw err;
      if (options.maxAttempts !== undefined && attempt >= options.maxAttempts) throw err;
      if (options.signal?.aborted) throw err;
      const waitMs = backoffDelay(attempt, options);
      if (options.deadline !== undefined && Date.now() + waitMs >= options.deadline) throw err;
      options.onRetry?.({ kind, attempt, waitMs, error: err });
      await delay(waitMs, options.signal);
    }
  }
}
