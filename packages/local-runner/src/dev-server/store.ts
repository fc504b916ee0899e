/**
 * Where the dev server keeps its state: in memory (the default), or in an SQLite file (`--data`).
 *
 * The SQLite store is a journal of acknowledged calls plus what they recorded. Each call that changed something is
 * one transaction that appends the call (operation, input, time, the task tokens it handed out) and the history
 * events it recorded, committed before the answer is sent: a crash at any point loses no acknowledged call. On
 * start the server executes the journal again in order (the backend is deterministic given those rows), which
 * restores every registration, execution, history, task list, task token and deadline; deadlines that passed while
 * the server was down then fire, and waiting tasks are handed to the next polls. The recorded events are checked
 * against the replayed histories, so a data file written by a server with other rules is refused, not silently
 * reinterpreted. `events` and `executions` also let other tools read the histories with plain SQL.
 *
 * `better-sqlite3` is an optional peer dependency, loaded only when `--data` is given.
 */
import { createRequire } from "node:module";
import { YieldflowError } from "@yieldflow/core";
import type { RecordedEvent } from "./backend.js";

/** The schema version this code writes; older or newer files are refused with a clear error. */
export const SCHEMA_VERSION = 1;

/** One acknowledged call that changed state. */
export interface JournalEntry {
  /** Epoch ms the call was executed at. */
  at: number;
  op: string;
  input: Record<string, unknown>;
  /** The task tokens the call handed out, in order. */
  tokens: string[];
  /** The call failed after recording events (journaled so that a restart rebuilds the same state). */
  failed: boolean;
}

/** The dev server's persistence. */
export interface Store {
  readonly kind: "memory" | "sqlite";
  /** Every journaled call, oldest first. */
  entries(): Iterable<JournalEntry>;
  /** Runs `fn` in one transaction: everything `append`ed inside commits together, or nothing does. */
  transaction<T>(fn: () => T): T;
  append(entry: JournalEntry, events: readonly RecordedEvent[]): void;
  /** How many events the store holds (checked against the replayed histories). */
  eventCount(): number;
  close(): void;
}

/** A problem with the `--data` file or the SQLite driver. */
export class DataStoreError extends YieldflowError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("YF_DEV_SERVER_DATA", message, options);
  }
}

/** No persistence: state lives as long as the process. */
export class MemoryStore implements Store {
  readonly kind = "memory" as const;
  entries(): Iterable<JournalEntry> {
    return [];
  }
  transaction<T>(fn: () => T): T {
    return fn();
  }
  append(): void {}
  eventCount(): number {
    return 0;
  }
  close(): void {}
}

interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  iterate(...params: unknown[]): IterableIterator<unknown>;
}
interface Database {
  pragma(source: string): unknown;
  exec(source: string): unknown;
  prepare(source: string): Statement;
  transaction<T>(fn: () => T): () => T;
  close(): void;
}

/** Loads `better-sqlite3`, or says what to install. */
function loadDriver(): new (file: string, options?: { timeout?: number }) => Database {
  const require = createRequire(import.meta.url);
  try {
    return require("better-sqlite3") as new (
      file: string,
    ) => Database;
  } catch (err) {
    throw new DataStoreError(
      "yieldflow dev-server --data needs better-sqlite3 (an optional peer dependency), which is not installed (or did not build): run `npm install better-sqlite3@12`, or leave out --data to keep the state in memory",
      { cause: err },
    );
  }
}

/** The SQLite store of `file` (created when missing). */
export class SqliteStore implements Store {
  readonly kind = "sqlite" as const;
  private readonly db: Database;
  private readonly insertCall: Statement;
  private readonly insertEvent: Statement;
  private readonly upsertExecution: Statement;
  private depth = 0;

  constructor(readonly file: string) {
    const Driver = loadDriver();
    try {
      // no busy waiting: the file is this server's alone (see the lock below), so "busy" means another server
      this.db = new Driver(file, { timeout: 0 });
    } catch (err) {
      throw new DataStoreError(`cannot open ${file} as an SQLite database: ${(err as Error).message}`, { cause: err });
    }
    // WAL with synchronous=NORMAL survives the process being killed at any point (the kernel has every committed
    // page); only a power loss could drop the last transactions.
    try {
      // one server per file: the lock is taken now and held until the server stops (or dies)
      this.db.pragma("locking_mode = EXCLUSIVE");
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      this.db.exec("BEGIN IMMEDIATE; COMMIT");
    } catch (err) {
      this.db.close();
      const busy = /locked|busy/i.test((err as Error).message);
      throw new DataStoreError(
        busy
          ? `${file} is in use by another dev server; stop it, or give this one another --data file`
          : `cannot open ${file} as an SQLite database: ${(err as Error).message}`,
        { cause: err },
      );
    }
    this.migrate();
    this.insertCall = this.db.prepare("INSERT INTO calls (at, op, input, tokens, failed) VALUES (?, ?, ?, ?, ?)");
    this.insertEvent = this.db.prepare(
      "INSERT INTO events (domain, run_id, event_id, event_type, event) VALUES (?, ?, ?, ?, ?)",
    );
    this.upsertExecution = this.db.prepare(
      `INSERT INTO executions (domain, run_id, workflow_id, type_name, type_version, start_time, close_time, close_status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (domain, run_id) DO UPDATE SET close_time = excluded.close_time, close_status = excluded.close_status`,
    );
  }

  private migrate(): void {
    this.db.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
      | { value: string }
      | undefined;
    if (row === undefined) {
      this.db.transaction(() => {
        this.db.exec(`
          CREATE TABLE calls (seq INTEGER PRIMARY KEY, at REAL NOT NULL, op TEXT NOT NULL, input TEXT NOT NULL,
                              tokens TEXT NOT NULL, failed INTEGER NOT NULL DEFAULT 0);
          CREATE TABLE executions (domain TEXT NOT NULL, run_id TEXT NOT NULL, workflow_id TEXT NOT NULL,
                                   type_name TEXT NOT NULL, type_version TEXT NOT NULL, start_time REAL NOT NULL,
                                   close_time REAL, close_status TEXT, PRIMARY KEY (domain, run_id)) WITHOUT ROWID;
          CREATE TABLE events (domain TEXT NOT NULL, run_id TEXT NOT NULL, event_id INTEGER NOT NULL,
                               event_type TEXT NOT NULL, event TEXT NOT NULL,
                               PRIMARY KEY (domain, run_id, event_id)) WITHOUT ROWID;
        `);
        this.db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
      })();
      return;
    }
    if (row.value !== String(SCHEMA_VERSION))
      throw new DataStoreError(
        `${this.file} has schema version ${row.value}; this yieldflow reads version ${SCHEMA_VERSION}. Use the yieldflow version that wrote it, or start with a new --data file`,
      );
  }

  *entries(): Iterable<JournalEntry> {
    for (const r of this.db.prepare("SELECT at, op, input, tokens, failed FROM calls ORDER BY seq").iterate()) {
      const row = r as { at: number; op: string; input: string; tokens: string; failed: number };
      yield {
        at: row.at,
        op: row.op,
        input: JSON.parse(row.input),
        tokens: JSON.parse(row.tokens),
        failed: row.failed === 1,
      };
    }
  }

  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    this.depth++;
    try {
      return this.db.transaction(fn)();
    } finally {
      this.depth--;
    }
  }

  append(entry: JournalEntry, events: readonly RecordedEvent[]): void {
    this.insertCall.run(
      entry.at,
      entry.op,
      JSON.stringify(entry.input),
      JSON.stringify(entry.tokens),
      entry.failed ? 1 : 0,
    );
    for (const { domain, info, event } of events) {
      this.insertEvent.run(domain, info.runId, event.eventId, event.eventType, JSON.stringify(event));
      if (event.eventType === "WorkflowExecutionStarted" || info.closeStatus !== undefined)
        this.upsertExecution.run(
          domain,
          info.runId,
          info.workflowId,
          info.workflowType.name,
          info.workflowType.version,
          info.startTimestamp,
          info.closeTimestamp ?? null,
          info.closeStatus ?? null,
        );
    }
  }

  eventCount(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM events").get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
