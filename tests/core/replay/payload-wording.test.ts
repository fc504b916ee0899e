/**
 * How the engine names the payloads every activity and child reads and writes in errors. The names are worded only
 * when an error is thrown (payload-fields.ts), so these tests pin the texts, whole, for each way a payload can fail:
 * one the serializer refuses, one that is not JSON, an envelope naming a codec that is not configured, a value too
 * large for its field, and the same through a per-type pipeline (with codecs: the slow path).
 */
import {
  activity,
  childWorkflow,
  decide,
  defineActivity,
  defineWorkflow,
  type Effect,
  InvalidArgumentError,
  type PayloadCodec,
  PayloadError,
} from "@yieldflow/core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Driver, resultOf, thrown } from "../support.ts";

const identity: PayloadCodec = { name: "ident", encode: (b) => b, decode: (b) => b };
const act = defineActivity<unknown, unknown>({ name: "act", version: "1", taskList: "t" });
const coded = defineActivity<unknown, unknown>({
  name: "coded",
  version: "1",
  taskList: "t",
  payloads: { codecs: [identity] },
});
const kid = defineWorkflow({ name: "kid", version: "1" }, function* () {
  return yield* activity(act, 1);
});

/**
 * Calls the activity (or child) with its input, or with `make()` when given (a value the workflow input cannot
 * carry); returns its result or what it threw, as text.
 */
function caller(name: string, call: (input: unknown) => Effect<unknown>, make?: () => unknown) {
  return defineWorkflow({ name, version: "1" }, function* (input: unknown) {
    try {
      return { ok: yield* call(make ? make() : input) };
    } catch (err) {
      return { caught: `${(err as Error).name} ${(err as { code?: string }).code}: ${(err as Error).message}` };
    }
  });
}
const viaAct = caller("via-act", (input) => activity(act, input));
const viaCoded = caller("via-coded", (input) => activity(coded, input));
const viaChild = caller("via-child", (input) => childWorkflow(kid, input));

const t = suite("payload wording: the names of payloads in errors");

// The name appears once: the pipeline's error already begins with it, and the engine's InvalidArgumentError around it
// does not repeat it (it once read "activity act input: activity act input: …").
t("an input the serializer refuses is thrown into workflow code, named after the activity or child", () => {
  const named = () => function named() {};
  for (const [wf, text] of [
    [
      caller("fn-act", (input) => activity(act, input), named),
      "InvalidArgumentError YF_INVALID_ARGUMENT: activity act input: the value is a function (named), which cannot travel in a payload",
    ],
    [
      caller("fn-coded", (input) => activity(coded, input), named),
      "InvalidArgumentError YF_INVALID_ARGUMENT: activity coded input: the value is a function (named), which cannot travel in a payload",
    ],
    [
      caller("fn-child", (input) => childWorkflow(kid, input), named),
      "InvalidArgumentError YF_INVALID_ARGUMENT: child kid input: the value is a function (named), which cannot travel in a payload",
    ],
  ] as const) {
    assert.equal(resultOf(new Driver(wf).decide().decisions), { caught: text });
  }
});

t("an input too large for its field names the activity", () => {
  const wf = caller("big", (input) => activity(act, input));
  assert.equal(resultOf(new Driver(wf, "x".repeat(40_000)).decide().decisions), {
    caught:
      "PayloadTooLargeError YF_PAYLOAD_TOO_LARGE: activity act input is 40002 characters once encoded; the SWF field holds at most 32768. Configure a payload store (payloads: { store }) so large values go out of band, or pass a smaller value.",
  });
});

/** Decides after the first activity (or child) completed with `result`: what the decision task fails with. */
function failedWith(wf: typeof viaAct, result: string, child = false): string {
  const d = new Driver(wf, 1, { workflowId: "w-1", runId: "run-1" });
  const first = d.decide().decisions[0] as unknown as Record<string, Record<string, string>>;
  if (child) {
    const id = first.startChildWorkflowExecutionDecisionAttributes?.workflowId as string;
    d.b.childStarted(id, "kid-run");
    d.b.childClosed(id, "COMPLETED", { result });
  } else d.b.activityCompleted("activity-1", result);
  d.b.startDecisionTask();
  const err = thrown(() => decide(wf, d.b.events, d.options));
  assert.instance(err, PayloadError);
  assert.not.instance(err, InvalidArgumentError);
  return `${(err as PayloadError).code}: ${(err as Error).message}`;
}

t("a result that cannot be decoded fails the decision task, naming the activity or child, the run and the task", () => {
  assert.is(
    failedWith(viaAct, "{not json"),
    'YF_PAYLOAD: workflow via-act (run run-1), decision task at event 9: the result of activity activity-1 cannot be decoded: payload is not valid JSON (9 chars, starts "{not json")',
  );
  assert.is(
    failedWith(viaCoded, '{"$yf:payload":1,"codecs":["gzip"],"data":"AAAA"}'),
    'YF_PAYLOAD_CODEC: workflow via-coded (run run-1), decision task at event 9: the result of activity activity-1 was encoded with codec "gzip", which is not configured here (configured: ident)',
  );
  assert.is(
    failedWith(viaAct, '{"$yf:payload":1,"codecs":[]}'),
    'YF_PAYLOAD_ENVELOPE: workflow via-act (run run-1), decision task at event 9: the result of activity activity-1 is a malformed payload envelope (bad store name): "{\\"$yf:payload\\":1,\\"codecs\\":[]}"',
  );
  assert.is(
    failedWith(viaChild, "{not json", true),
    'YF_PAYLOAD: workflow via-child (run run-1), decision task at event 9: the result of child w-1-child-1-3c9d57fc cannot be decoded: payload is not valid JSON (9 chars, starts "{not json")',
  );
});

t.run();
