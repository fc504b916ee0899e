/**
 * The bridge between the AWS SDK's SWF types and core's. Core's history and decision types are generated from the
 * SDK's; the two functions below are where the compiler proves they still fit: an SDK `HistoryEvent` (as
 * PollForDecisionTask returns it) is accepted by `decide`, and a core `Decision` is accepted by
 * RespondDecisionTaskCompleted. If an SDK upgrade changes a shape, `npm run typecheck` fails here.
 */
import type { Decision as SdkDecision, HistoryEvent as SdkHistoryEvent } from "@aws-sdk/client-swf";
import type { Decision, HistoryEvent } from "@yieldflow/core";

/** SDK history events, as core's interpreter takes them (no copy: the shapes are the same). */
export function fromSdkHistory(events: readonly SdkHistoryEvent[]): readonly HistoryEvent[] {
  return events;
}

/** Core's decisions, as the SDK's RespondDecisionTaskCompleted takes them (no copy). */
export function toSdkDecisions(decisions: readonly Decision[]): SdkDecision[] {
  return [...decisions];
}
