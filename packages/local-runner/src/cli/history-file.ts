/** Reads a history file: `{"events":[...]}` (GetWorkflowExecutionHistory) or a bare array of events. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { HistoryEvent } from "@yieldflow/core";
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
  if (events.length === 0) throw new UsageError(`${path} has no events`, command);
  const x = Array.isArray(parsed) ? undefined : (parsed as { workflowExecution?: unknown }).workflowExecution;
  return {
    events: events as HistoryEvent[],
    workflowExecution: typeof x === "object" && x !== null ? (x as HistoryFile["workflowExecution"]) : undefined,
  };
}
