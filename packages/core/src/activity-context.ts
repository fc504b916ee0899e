/**
 * What a driver gives an activity function besides its input, written once for every driver (the local runner's
 * activity worker, the SWF adapter's): the attempt number, read from the `control` of the ActivityTaskScheduled
 * event (where `retry` records it), and a logger whose lines name the run, the activity and the attempt. Pure: the
 * driver says where lines go and what time it is.
 */

/** Log levels of an activity's logger. */
export type ActivityLogLevel = "debug" | "info" | "warn" | "error";

/** An activity's logger: each line is tagged with the workflow, run, activity id, type and attempt. */
export interface ActivityLogger {
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  warn(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
}

/** One line logged by an activity, with what it is tagged with. */
export interface ActivityLogLine {
  level: ActivityLogLevel;
  message: string;
  data: unknown;
  /** When it was logged (the driver's clock), epoch ms. */
  time: number;
  workflowId: string;
  runId: string;
  activityId: string;
  activityType: { name: string; version: string };
  attempt: number;
}

/**
 * The attempt number of an activity task from its ActivityTaskScheduled event's `control` (`{"attempt":n}`, written
 * by `retry` and by activities that retry under their policy); 1 when there is none. `control` comes from a history,
 * so anything else (not JSON, no positive integer) also reads as 1, never as an error.
 */
export function activityAttempt(control: string | undefined): number {
  if (typeof control !== "string" || !control.startsWith('{"attempt":')) return 1;
  try {
    const n = (JSON.parse(control) as { attempt?: unknown }).attempt;
    return typeof n === "number" && Number.isSafeInteger(n) && n >= 1 ? n : 1;
  } catch {
    return 1;
  }
}

/** A logger that hands each line, tagged, to `sink`. `clock` gives the time of each line. */
export function activityLogger(
  tags: Omit<ActivityLogLine, "level" | "message" | "data" | "time">,
  sink: (line: ActivityLogLine) => void,
  clock: () => number,
): ActivityLogger {
  const at =
    (level: ActivityLogLevel) =>
    (message: string, data?: unknown): void =>
      sink({ ...tags, level, message: String(message), data, time: clock() });
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/**
 * A line as text: `<ISO time> <level> [<workflowId> <runId> <activityId> <type>@<version> attempt <n>] <message>`,
 * then the data as JSON. Never throws (data that JSON cannot carry is shown as `[unprintable]`).
 */
export function formatActivityLogLine(line: ActivityLogLine): string {
  let data = "";
  if (line.data !== undefined) {
    try {
      data = ` ${JSON.stringify(line.data, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))}`;
    } catch {
      data = " [unprintable]";
    }
  }
  const time = Number.isFinite(line.time) ? new Date(line.time).toISOString() : String(line.time);
  const tag = `${line.workflowId} ${line.runId} ${line.activityId} ${line.activityType.name}@${line.activityType.version} attempt ${line.attempt}`;
  return `${time} ${line.level} [${tag}] ${line.message}${data}`;
}
