/**
 * `yieldflow dev-server`: SWF's API over HTTP (awsJson1_0: `POST /` with `X-Amz-Target:
 * SimpleWorkflowService.<Operation>`), on the real clock (or, with `timeSkipping`, on a clock that jumps to the next
 * deadline whenever the server is idle: `clock.ts`), with a web UI on the same port.
 *
 * Invariants:
 * - every call is validated against SWF's input shapes before the backend sees it;
 * - every call that changes state runs in one store transaction that commits before the answer is sent;
 * - a long poll that finds nothing waits (up to `pollWaitMs`, SWF's 60 s by default) and is served, in arrival
 *   order, as soon as a task appears; a poll whose client went away is dropped, never handed a task;
 * - deadlines (timers and timeouts) fire on the server's clock, each firing journaled like a call.
 * Requests are accepted with any (or no) SigV4 signature.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { freshToken, SwfBackend } from "./backend.js";
import { ServerClock, TimeSkipper } from "./clock.js";
import { SwfFault } from "./faults.js";
import { readBody, refuseForeign, reply, replyError } from "./http.js";
import { isOperation, type Operation, validateInput } from "./shapes.js";
import { DataStoreError, MemoryStore, SqliteStore, type Store } from "./store.js";
import { handleUi } from "./ui.js";

/** Operations that never change state (they are not journaled). */
const READ_ONLY: ReadonlySet<Operation> = new Set<Operation>([
  "CountClosedWorkflowExecutions",
  "CountOpenWorkflowExecutions",
  "CountPendingActivityTasks",
  "CountPendingDecisionTasks",
  "DescribeActivityType",
  "DescribeDomain",
  "DescribeWorkflowExecution",
  "DescribeWorkflowType",
  "GetWorkflowExecutionHistory",
  "ListActivityTypes",
  "ListClosedWorkflowExecutions",
  "ListDomains",
  "ListOpenWorkflowExecutions",
  "ListTagsForResource",
  "ListWorkflowTypes",
]);

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** Default 4566; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (this machine only). */
  host?: string;
  /** An SQLite file for the state; without it the state lives in memory. */
  data?: string;
  /** How long a poll waits for a task before answering with an empty one, ms. Default 60 000 (SWF's). */
  pollWaitMs?: number;
  /**
   * Time skipping: when no decision or activity task is queued or running anywhere and a timer is open, the
   * server's clock jumps to the next deadline (see `clock.ts` for the exact rule). Default false (the real clock).
   */
  timeSkipping?: boolean;
  /** With `timeSkipping`: how long (real ms) the server must stay idle before time jumps. Default 20. */
  timeSkippingGraceMs?: number;
}

/** A running dev server. */
export interface DevServer {
  /** `http://host:port` (the SWF endpoint and the UI). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly store: Store["kind"];
  readonly backend: SwfBackend;
  /** How many journaled calls were executed again at start (0 for a new or in-memory store). */
  readonly restored: number;
  /** True when the server skips idle time. */
  readonly timeSkipping: boolean;
  /** The server's time, epoch ms (ahead of the wall clock once time was skipped). */
  now(): number;
  /** How many times time skipping jumped. */
  readonly timeJumps: number;
  /**
   * A test hook: moves the server's time forward by `ms` at once, firing every deadline on the way at its own time
   * (workers get no chance to act in between: use it to pass time in which nothing else happens). Returns the new
   * time, epoch ms. Works with or without time skipping.
   */
  advanceTime(ms: number): number;
  /** Stops accepting calls, answers waiting polls with empty tasks, and closes the store. */
  close(): Promise<void>;
}

interface Waiter {
  op: "PollForDecisionTask" | "PollForActivityTask";
  input: Record<string, unknown>;
  answer: (output: Record<string, unknown>) => void;
  fail: (err: unknown) => void;
  timer: NodeJS.Timeout;
}

/** Starts a dev server; resolves once it listens. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const host = options.host ?? "127.0.0.1";
  const pollWaitMs = options.pollWaitMs ?? 60_000;
  const store: Store = options.data === undefined ? new MemoryStore() : new SqliteStore(options.data);
  const backend = new SwfBackend();
  const clock = new ServerClock();

  // ─── restore ───────────────────────────────────────────────────────────────────────────────────────────────────
  let restored = 0;
  try {
    for (const entry of store.entries()) {
      const tokens = [...entry.tokens];
      try {
        backend.execute(entry.op as Operation | "$fire", entry.input, entry.at, () => {
          const t = tokens.shift();
          if (t === undefined)
            throw new DataStoreError(`journal entry ${restored + 1} (${entry.op}) lacks a task token`);
          return t;
        });
      } catch (err) {
        // a call that failed half-way fails again the same way; anything else is a journal this code cannot read
        if (!entry.failed) throw err;
      }
      backend.takeRecorded();
      clock.resumeAt(entry.at);
      restored++;
    }
  } catch (err) {
    store.close();
    if (err instanceof DataStoreError) throw err;
    throw new DataStoreError(
      `cannot restore ${options.data}: journal entry ${restored + 1} failed again (${(err as Error).message}); it was written by another version of the dev server, or edited`,
      { cause: err },
    );
  }
  if (store.kind === "sqlite") {
    let replayed = 0;
    for (const name of backend.domainNames())
      for (const info of backend.executions(name)) replayed += backend.history(name, info.runId)?.length ?? 0;
    const stored = store.eventCount();
    if (replayed !== stored) {
      store.close();
      throw new DataStoreError(
        `cannot restore ${options.data}: its journal replays to ${replayed} events but it recorded ${stored}; it was written by another version of the dev server`,
      );
    }
  }

  // ─── calls ─────────────────────────────────────────────────────────────────────────────────────────────────────

  /** Executes one call in one transaction; journals it when it changed state. */
  function call(op: Operation | "$fire", input: Record<string, unknown>): Record<string, unknown> {
    // deadlines that are due fire before the call, so nothing answers a task that has already timed out
    const due = backend.nextDeadline();
    if (op !== "$fire" && due !== undefined && due <= clock.now()) call("$fire", {});
    const at = clock.stamp();
    const tokens: string[] = [];
    let failure: unknown;
    let changed = false;
    const output = store.transaction(() => {
      let out: Record<string, unknown> = {};
      try {
        out = backend.execute(op, input, at, () => {
          const t = freshToken();
          tokens.push(t);
          return t;
        });
      } catch (err) {
        failure = err;
      }
      const recorded = backend.takeRecorded();
      // A refused call changes nothing, except a call that failed half-way through recording (a bug): what it
      // recorded is journaled with it, so that a restart rebuilds exactly the state that answers later calls.
      changed =
        failure !== undefined
          ? recorded.length > 0
          : op === "$fire"
            ? recorded.length > 0
            : !READ_ONLY.has(op) && !(isPoll(op) && (out.taskToken === "" || typeof input.nextPageToken === "string"));
      if (changed) store.append({ at, op, input, tokens, failed: failure !== undefined }, recorded);
      return out;
    });
    // only a change restarts time skipping's grace period: pollers finding nothing must not hold time still
    if (changed) skipper?.poke();
    if (failure !== undefined) throw failure;
    scheduleDeadline();
    return output;
  }

  // ─── deadlines ─────────────────────────────────────────────────────────────────────────────────────────────────
  let deadlineTimer: NodeJS.Timeout | undefined;
  let deadlineAt: number | undefined;
  function scheduleDeadline(): void {
    const next = backend.nextDeadline();
    if (next === deadlineAt) return;
    if (deadlineTimer) clearTimeout(deadlineTimer);
    deadlineTimer = undefined;
    deadlineAt = next;
    if (next === undefined || closed) return;
    deadlineTimer = setTimeout(
      () => {
        deadlineTimer = undefined;
        deadlineAt = undefined;
        if (clock.now() < next) {
          scheduleDeadline();
          return;
        }
        try {
          call("$fire", {});
        } catch (err) {
          process.stderr.write(`yieldflow dev-server: firing a deadline failed: ${(err as Error).stack}\n`);
        }
        scheduleDeadline();
      },
      Math.min(Math.max(0, next - clock.now()), 2 ** 31 - 1),
    );
  }

  /** Fires what is due now and re-arms the real-time wait for the next deadline (time may have jumped). */
  function fireNow(): void {
    call("$fire", {});
    if (deadlineTimer) clearTimeout(deadlineTimer);
    deadlineTimer = undefined;
    deadlineAt = undefined;
    scheduleDeadline();
  }
  const skipper = options.timeSkipping
    ? new TimeSkipper({ clock, backend, graceMs: Math.max(0, options.timeSkippingGraceMs ?? 20), fire: fireNow })
    : undefined;

  // ─── long polls ────────────────────────────────────────────────────────────────────────────────────────────────
  const waiters: Waiter[] = [];
  let serving = false;
  let closed = false;
  backend.onChange = () => {
    if (serving || waiters.length === 0) return;
    serving = true;
    setImmediate(servePolls);
  };

  function servePolls(): void {
    serving = false;
    if (closed) return;
    for (const w of [...waiters]) {
      if (!waiters.includes(w)) continue;
      try {
        const out = call(w.op, w.input);
        if (out.taskToken === "") continue;
        remove(w);
        w.answer(out);
      } catch (err) {
        remove(w);
        w.fail(err);
      }
    }
  }

  function remove(w: Waiter): void {
    const i = waiters.indexOf(w);
    if (i >= 0) waiters.splice(i, 1);
    clearTimeout(w.timer);
  }

  function poll(op: Waiter["op"], input: Record<string, unknown>, res: ServerResponse): void {
    const first = call(op, input);
    if (first.taskToken !== "" || typeof input.nextPageToken === "string" || closed) {
      reply(res, 200, first);
      return;
    }
    const w: Waiter = {
      op,
      input,
      answer: (out) => reply(res, 200, out),
      fail: (err) => replyError(res, err),
      timer: setTimeout(() => {
        remove(w);
        reply(res, 200, first);
      }, pollWaitMs),
    };
    waiters.push(w);
    // a client that went away must not be handed a task it will never run
    res.on("close", () => remove(w));
  }

  // ─── HTTP ──────────────────────────────────────────────────────────────────────────────────────────────────────
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => replyError(res, err));
  });
  // SDK clients keep connections open between calls; a server that closes idle ones first makes them race
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = refuseForeign(req, host);
    if (refusal) {
      res.writeHead(403, { "content-type": "text/plain; charset=utf-8" });
      res.end(refusal);
      return;
    }
    const target = req.headers["x-amz-target"];
    if (req.method !== "POST" || target === undefined) {
      const body = req.method === "POST" ? await readBody(req) : "";
      handleUi(req, res, body, {
        backend,
        call,
        storeKind: store.kind,
        time: () => ({ now: clock.now(), ahead: clock.ahead, skipping: skipper !== undefined }),
      });
      return;
    }
    const body = await readBody(req);
    const t = Array.isArray(target) ? target[0] : target;
    const [prefix, name] = (t ?? "").split(".", 2);
    if (prefix !== "SimpleWorkflowService" || name === undefined || !isOperation(name))
      throw new SwfFault("UnknownOperationException", `Unknown operation: ${t}`);
    let input: unknown;
    try {
      input = body.trim() === "" ? {} : JSON.parse(body);
    } catch {
      throw new SwfFault("SerializationException", "the request body is not valid JSON");
    }
    validateInput(name, input);
    const i = input as Record<string, unknown>;
    if (name === "PollForDecisionTask" || name === "PollForActivityTask") {
      poll(name, i, res);
      return;
    }
    reply(res, 200, call(name, i));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 4566, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  scheduleDeadline();
  skipper?.poke();
  // tasks that were waiting when the server stopped are handed out to the first polls; deadlines that passed fire now

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    host,
    store: store.kind,
    backend,
    restored,
    timeSkipping: skipper !== undefined,
    now: () => clock.now(),
    get timeJumps() {
      return skipper?.jumps ?? 0;
    },
    advanceTime(ms: number): number {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advanceTime takes a number of ms >= 0, not ${ms}`);
      if (closed) throw new Error("advanceTime: the dev server is closed");
      const target = clock.now() + ms;
      for (let next = backend.nextDeadline(); next !== undefined && next <= target; next = backend.nextDeadline()) {
        clock.jumpTo(next);
        call("$fire", {});
      }
      clock.jumpTo(target);
      fireNow();
      return clock.now();
    },
    async close() {
      closed = true;
      skipper?.stop();
      if (deadlineTimer) clearTimeout(deadlineTimer);
      for (const w of [...waiters]) {
        remove(w);
        w.answer(w.op === "PollForDecisionTask" ? { taskToken: "", startedEventId: 0, events: [] } : { taskToken: "" });
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.close();
    },
  };
}

function isPoll(op: Operation | "$fire"): boolean {
  return op === "PollForDecisionTask" || op === "PollForActivityTask";
}
