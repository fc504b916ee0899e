/**
 * Reads a history file: `{"events":[...]}` (GetWorkflowExecutionHistory) or a bare array of events, and checks it
 * the one way every command does (`replay` and `history` alike): with core's fold, so every event, field, reference
 * and decision task is checked before anything is run or printed. A malformed history is a usage error (exit 2).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { foldHistoryInPlace, HistoryError, type HistoryEvent, newHistoryState } from "@yieldflow/core";
import { firstLine, UsageError } from "./format.js";

/** A history read from a file, with the execution it belongs to when the file says. */
export interface HistoryFile {
  events: HistoryEvent[];
  workflowExecution: { workflowId?: string; runId?: string } | undefined;
}

export function readHistoryFile(path: string, cwd: string, command: string): HistoryFile {
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`cannot read history file ${path} (looked for ${file})`, command);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path} is not valid JSON: ${firstLine(err)}`, command);
  }
  const events = Array.isArray(parsed) ? parsed : (parsed as { events?: unknown } | null)?.events;
  if (!Array.isArray(events))
    throw new UsageError(`${path} is not a history: expected {"events":[...]} or an array of events`, command);
  if (events.length === 0)
    throw new UsageError(`${path} is not a valid history: YF_HISTORY_EMPTY: it has no events`, command);
  checkHistory(events, path, command);
  const x = Array.isArray(parsed) ? undefined : (parsed as { workflowExecution?: unknown }).workflowExecution;
  return {
    events: events as HistoryEvent[],
    workflowExecution: typeof x === "object" && x !== null ? (x as HistoryFile["workflowExecution"]) : undefined,
  };
}

/** Checks `events` as replay does before it runs any code (core's fold). Throws `UsageError` naming the event. */
export function checkHistory(events: readonly unknown[], path: string, command: string): void {
  try {
    foldHistoryInPlace(events, newHistoryState());
  } catch (err) {
    if (err instanceof HistoryError)
      throw new UsageError(`${path} is not a valid history: ${err.code}: ${firstLine(err)}`, command);
    throw err;
  }
}
