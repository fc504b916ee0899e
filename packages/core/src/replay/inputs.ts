/**
 * What each input of a decision task (an event the fold turned into something for workflow code: a completion,
 * a signal, a refusal, a cancel request) does to the running workflow. One case per input type; the fold has
 * already said which command a refusal refused, so nothing here reads SWF event types.
 */
import * as to from "../decisions/to-decision.js";
import type { ActivityDescriptor, ChildDescriptor } from "../effects/effect.js";
import { isGenerator } from "../effects/effect.js";
import {
  ActivityFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  decodeRemoteError,
  InvalidArgumentError,
  ScheduleFailure,
  TimeoutFailure,
  type TimeoutType,
  YieldflowError,
} from "../errors.js";
import type { Input } from "../history/fold.js";
import { cancelFiber } from "./cancellation.js";
import { warnUnconsumedSignals } from "./closing.js";
import type { Engine } from "./engine.js";
import { type ChildCommand, Fiber } from "./fiber.js";
import { startTimer } from "./handlers/timer.js";
import { Op } from "./ops.js";
import { activityResult, childResult } from "./payload-fields.js";

/** How long to wait before deciding a close again after SWF refused it for a lasting reason. */
const CLOSE_RETRY_SECONDS = 60;

/** Delivers one input to the workflow: settles what waits for it, or starts the workflow, or cancels it. */
export function deliverInput(e: Engine, input: Input): undefined {
  switch (input.type) {
    case "workflowStarted": {
      const started = e.history().started;
      const arg = e.fields.decode(started?.input, "the workflow input");
      const op = new Op("workflow", "workflow");
      let gen: Generator<unknown, unknown, unknown>;
      try {
        gen = e.workflow.body(arg) as Generator<unknown, unknown, unknown>;
      } catch (err) {
        throw e.taskError(err);
      }
      if (!isGenerator(gen)) {
        throw new InvalidArgumentError(
          `workflow ${e.workflow.name}: the body must be a generator function (function*), it returned ${typeof gen}`,
        );
      }
      e.root = new Fiber(e, gen, op);
      e.runQueue.push(e.root, true, undefined);
      return;
    }
    case "activityCompleted": {
      const p = e.resolve("activity", input.id);
      if (p) {
        const def = (p.descriptor as ActivityDescriptor).activity;
        p.settle("ok", e.fields.decode(input.result, activityResult, def, input.id));
      }
      return;
    }
    case "activityFailed": {
      const p = e.resolve("activity", input.id);
      if (p) {
        const def = (p.descriptor as ActivityDescriptor).activity;
        p.settle(
          "failed",
          new ActivityFailure(
            input.id,
            { name: def.name, version: def.version },
            decodeRemoteError(
              input.reason,
              e.fields.decodeText(input.details, `the failure of activity ${input.id}`, def),
            ),
          ),
        );
      }
      return;
    }
    case "activityTimedOut": {
      const p = e.resolve("activity", input.id);
      if (p) {
        const def = (p.descriptor as ActivityDescriptor).activity;
        const msg = `activity ${def.name}@${def.version} (${input.id}) timed out (${input.timeoutType})`;
        p.settle(
          "failed",
          new TimeoutFailure(
            { kind: "activity", id: input.id },
            input.timeoutType as TimeoutType,
            msg,
            e.fields.decodeText(input.details, `the heartbeat details of activity ${input.id}`, def),
          ),
        );
      }
      return;
    }
    case "activityCanceled":
      e.resolve("activity", input.id)?.settle("failed", new CancelledFailure(input.id));
      return;
    case "timerFired":
      e.resolve("timer", input.id)?.settle("ok", undefined);
      return;
    case "childStarted": {
      const p = e.commands.child.get(input.id) as ChildCommand | undefined;
      if (p) p.childRunId = input.runId;
      return;
    }
    case "childClosed": {
      const p = e.resolve("child", input.id);
      if (p) {
        const def = (p.descriptor as ChildDescriptor).workflow;
        if (input.status === "COMPLETED") p.settle("ok", e.fields.decode(input.result, childResult, def, input.id));
        else {
          const error =
            input.status === "TIMED_OUT"
              ? undefined
              : decodeRemoteError(
                  input.reason ?? input.status,
                  e.fields.decodeText(input.details, `the failure of child ${input.id}`, def),
                );
          p.settle(
            "failed",
            new ChildWorkflowFailure(
              input.status,
              { name: def.name, version: def.version },
              input.id,
              input.runId,
              error,
            ),
          );
        }
      }
      return;
    }
    case "signal":
      return e.deliverSignal(input.name, input.input);
    case "externalDone":
      e.resolve("external", input.id)?.settle("ok", undefined);
      return;
    case "commandFailed": {
      if (input.command === "marker") {
        e.warn(`marker ${input.id} was not recorded (${input.cause}); its value will be recomputed on replay`);
        return;
      }
      const p = e.resolve(input.command, input.id);
      if (p === undefined) return;
      const d = p.descriptor;
      const type =
        d?.kind === "activity"
          ? { kind: "activity", name: d.activity.name, version: d.activity.version }
          : d?.kind === "child"
            ? { kind: "child workflow", name: d.workflow.name, version: d.workflow.version }
            : undefined;
      p.settle("failed", new ScheduleFailure(input.eventType, input.id, input.cause, type));
      return;
    }
    case "cancelRequested":
      if (e.cancelRequested || e.finished) return;
      e.cancelRequested = true;
      if (e.root)
        cancelFiber(e, e.root, new CancelledFailure("workflow", "the workflow execution was asked to cancel"));
      return;
    case "closeFailed": {
      warnUnconsumedSignals(e);
      if (!e.closing) return;
      if (input.cause === "UNHANDLED_DECISION") {
        e.outbox.queueClose(e.closing); // new events came in while deciding: decide the close again
        return;
      }
      if (input.command === "continueAsNew") {
        const reason = "ContinueAsNewFailed";
        const details = `SWF refused to continue as new: ${input.cause}`;
        e.closing = to.failWorkflowExecution(reason, details);
        const error = new ScheduleFailure(input.eventType, "workflow", input.cause);
        e.statusValue = { status: "failed", reason, details, error };
        e.outbox.queueClose(e.closing);
        return;
      }
      // Refused for a reason that does not go away by itself (OPERATION_NOT_PERMITTED: permissions): try again
      // after a pause, on a durable timer, instead of answering every decision task with the same refusal.
      const timerId = `close-retry-${input.eventId}`;
      e.warn(
        `SWF refused ${input.decisionType} with ${input.cause}; the workflow tries again in ${CLOSE_RETRY_SECONDS} s`,
      );
      const op = startTimer(e, timerId, CLOSE_RETRY_SECONDS, e.root as Fiber);
      op.listen(() => {
        if (e.closing) e.outbox.queueClose(e.closing);
      });
      return;
    }
    default: {
      const unreachable: never = input;
      throw new YieldflowError("YF_INTERNAL", `unhandled input ${(unreachable as Input).type}`);
    }
  }
}
