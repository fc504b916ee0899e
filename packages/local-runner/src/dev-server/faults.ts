/**
 * SWF's error answers. Every refusal the dev server gives is an `SwfFault`: its `type` is what travels as `__type`
 * on the wire (`com.amazonaws.swf#UnknownResourceFault`, `com.amazon.coral.validate#ValidationException`, …), the
 * SDK turns the part after `#` into the error's `name`, and `status` is the HTTP status SWF answers with.
 */
import { YieldflowError } from "@yieldflow/core";

/** The faults SWF's API model declares (namespace `com.amazonaws.swf`). */
export type ModeledFault =
  | "DefaultUndefinedFault"
  | "DomainAlreadyExistsFault"
  | "DomainDeprecatedFault"
  | "LimitExceededFault"
  | "OperationNotPermittedFault"
  | "TooManyTagsFault"
  | "TypeAlreadyExistsFault"
  | "TypeDeprecatedFault"
  | "TypeNotDeprecatedFault"
  | "UnknownResourceFault"
  | "WorkflowExecutionAlreadyStartedFault";

/** The framework errors every AWS JSON service answers with (namespaces as AWS sends them). */
const FRAMEWORK = {
  ValidationException: "com.amazon.coral.validate#ValidationException",
  SerializationException: "com.amazon.coral.service#SerializationException",
  UnknownOperationException: "com.amazon.coral.service#UnknownOperationException",
  InternalFailure: "com.amazon.coral.service#InternalFailure",
  RequestEntityTooLargeException: "com.amazon.coral.service#RequestEntityTooLargeException",
} as const;

type FrameworkError = keyof typeof FRAMEWORK;

/** An SWF error answer: `name` is SWF's error name, `type` the wire `__type`, `status` the HTTP status. */
export class SwfFault extends YieldflowError {
  readonly faultName: ModeledFault | FrameworkError;
  readonly type: string;
  readonly status: number;
  constructor(name: ModeledFault | FrameworkError, message: string, status = 400) {
    super("YF_SWF_FAULT", message);
    this.faultName = name;
    this.type = name in FRAMEWORK ? FRAMEWORK[name as FrameworkError] : `com.amazonaws.swf#${name}`;
    this.status = status;
  }

  /** The JSON body SWF sends with this error. */
  body(): string {
    return JSON.stringify({ __type: this.type, message: this.message });
  }
}

/** `UnknownResourceFault` (the domain, type, execution or task does not exist, or is closed). */
export const unknownResource = (message: string): SwfFault => new SwfFault("UnknownResourceFault", message);

/** `ValidationException` with SWF's wording for each constraint that failed. */
export function validationError(problems: readonly string[]): SwfFault {
  const n = problems.length;
  return new SwfFault(
    "ValidationException",
    `${n} validation error${n === 1 ? "" : "s"} detected: ${problems.join("; ")}`,
  );
}

/** How SWF quotes a value in a validation message (long values are shortened here to keep messages readable). */
export function quoteValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  let s: string;
  try {
    s = typeof value === "string" ? value : JSON.stringify(value);
  } catch {
    s = Object.prototype.toString.call(value);
  }
  if (s === undefined) s = String(value);
  return `'${s.length > 128 ? `${s.slice(0, 128)}…(${s.length} chars)` : s}'`;
}
