/** SWF's limits that the decision emitter honours (see shared/SWF-FACTS.md §5a–5b). */
export const SWF_LIMITS = {
  /** `Data` fields: input, result, details, control, marker details. */
  dataChars: 32_768,
  /** Failure and termination reasons. */
  reasonChars: 256,
  /** Ids and names: activityId, timerId, workflowId, markerName, signalName, type names. */
  idChars: 256,
  versionChars: 64,
  tagChars: 256,
  maxTags: 5,
  /** Open activities, timers and child workflows per execution. */
  maxOpenActivities: 1_000,
  maxOpenTimers: 1_000,
  maxOpenChildren: 1_000,
  /** Decisions per RespondDecisionTaskCompleted (Flow Java and simpleflow use 100). */
  maxDecisionsPerResponse: 100,
  /** What the decisions of one response may add up to: SWF's request limit is 1 MB, headers and envelope included. */
  responseBytesBudget: 900_000,
  /** The hard cap on events in one execution's history, and where yieldflow starts warning. */
  maxHistoryEvents: 25_000,
  warnHistoryEvents: 10_000,
  /** The longest timeout SWF accepts, in seconds (one year). */
  maxTimeoutSeconds: 31_536_000,
} as const;
