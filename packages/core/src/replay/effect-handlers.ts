/**
 * The table from effect kind to its handler: what starting each effect means. A handler returns the op workflow
 * code waits on (already settled for immediate effects). `satisfies` keeps the table exhaustive: a new effect
 * kind does not compile until it has a handler.
 */
import type { Descriptor, EffectKind } from "../effects/effect.js";
import { cancel, combine, start, wait } from "./combinators.js";
import type { Engine } from "./engine.js";
import type { Fiber } from "./fiber.js";
import { activity } from "./handlers/activity.js";
import { child } from "./handlers/child.js";
import { continueAsNew } from "./handlers/continue-as-new.js";
import { info } from "./handlers/info.js";
import { patch } from "./handlers/patch.js";
import { sideEffect } from "./handlers/side-effect.js";
import { external, signal } from "./handlers/signal.js";
import { timer } from "./handlers/timer.js";
import type { Op } from "./ops.js";

/** The descriptor of an effect of kind `K` (`all`, `race` and `any` share one). */
type DescriptorOf<K extends EffectKind> = Descriptor extends infer D
  ? D extends { kind: infer DK }
    ? K extends DK
      ? D
      : never
    : never
  : never;

/** Starts an effect of kind `K` on behalf of `fiber`. */
export type EffectHandler<K extends EffectKind> = (engine: Engine, effect: DescriptorOf<K>, fiber: Fiber) => Op;

const handlers = {
  activity,
  timer,
  sideEffect,
  child,
  signal,
  signalExternal: external,
  cancelExternal: external,
  all: combine,
  race: combine,
  any: combine,
  start,
  wait,
  cancel,
  info,
  continueAsNew,
  patch,
} satisfies { [K in EffectKind]: EffectHandler<K> };

/**
 * The table, as a Map: the kind comes from the object workflow code yielded, and one forged by hand (`constructor`,
 * `toString`, `__proto__`) must find no handler (then the yield is refused), not an Object method.
 */
export const effectHandlers: ReadonlyMap<string, EffectHandler<EffectKind>> = new Map(
  Object.entries(handlers) as [string, EffectHandler<EffectKind>][],
);
