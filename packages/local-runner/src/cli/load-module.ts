/**
 * Loads a user's module (TypeScript or JavaScript) and finds what it exports: workflow definitions and activity
 * implementations, also inside arrays and plain objects. Definitions are recognised by shape, not by class, so a
 * module that resolved its own copy of @yieldflow/core works too.
 */

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type AnyActivity, type AnyWorkflow, errorMessage, type PayloadOptions, Payloads } from "@yieldflow/core";
import { firstLine, UsageError, withCode } from "./format.js";

/** What a module exports that the CLI can use. */
export interface LoadedModule {
  path: string;
  /** Workflow definitions with the export name they were found under. */
  workflows: { exportName: string; workflow: AnyWorkflow }[];
  activities: AnyActivity[];
  /** The workflow exported as `default`, if any. */
  defaultWorkflow: AnyWorkflow | undefined;
}

function isWorkflow(v: unknown): v is AnyWorkflow {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "workflow" && "body" in v;
}

function isActivityImplementation(v: unknown): v is AnyActivity {
  const d = (v as { definition?: { kind?: unknown } } | null)?.definition;
  return typeof v === "object" && v !== null && d?.kind === "activity" && typeof (v as AnyActivity).run === "function";
}

/** What went wrong loading a module, in one line: for a syntax error, esbuild's line with where and what. */
function loadError(err: unknown): string {
  const lines = errorMessage(err).split("\n");
  if (lines[0]?.startsWith("Transform failed") && lines[1]) return lines[1].trim();
  if (/require\(\) ES Module|outside a module/.test(lines[0] ?? "")) {
    return 'it was loaded as CommonJS, but workflow modules are ES modules: put it under a package.json that says "type": "module", or name it .mts';
  }
  return firstLine(err);
}

/** Imports `path` (relative to `cwd`) and collects its workflows and activity implementations. */
export async function loadModule(path: string, cwd: string): Promise<LoadedModule> {
  const abs = resolve(cwd, path);
  if (!existsSync(abs)) throw new UsageError(`cannot find module ${path} (looked for ${abs})`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`cannot load ${path}: ${withCode(err, loadError(err))}`);
  }
  const workflows: LoadedModule["workflows"] = [];
  const activities: AnyActivity[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, name: string, depth: number) => {
    if (typeof value !== "object" || value === null || seen.has(value)) return;
    seen.add(value);
    if (isWorkflow(value)) workflows.push({ exportName: name, workflow: value });
    else if (isActivityImplementation(value)) activities.push(value);
    else if (depth < 2 && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype))
      for (const [k, v] of Object.entries(value)) visit(v, Array.isArray(value) ? name : k, depth + 1);
  };
  for (const [name, value] of Object.entries(mod)) if (name !== "default") visit(value, name, 0);
  visit(mod.default, "default", 0);
  const defaultWorkflow = isWorkflow(mod.default) ? mod.default : undefined;
  const loaded = { path, workflows, activities, defaultWorkflow };
  checkOneDefinitionPerType(loaded);
  return loaded;
}

/**
 * A module exports at most one definition of each workflow type and version: a decider runs one code per type, so
 * with two (say `order` and `orderV2`, both order@1) which one runs or replays would depend on export names. Every
 * command refuses such a module the same way (`run`, `replay`), naming the exports.
 */
function checkOneDefinitionPerType(m: LoadedModule): void {
  const byType = new Map<string, LoadedModule["workflows"]>();
  for (const entry of m.workflows) {
    const key = `${entry.workflow.name}@${entry.workflow.version}`;
    byType.set(key, [...(byType.get(key) ?? []), entry]);
  }
  for (const [type, entries] of byType) {
    if (entries.length < 2) continue;
    throw new UsageError(
      `${m.path} exports ${entries.length} different definitions of workflow ${type} (exports ${entries.map((e) => e.exportName).join(", ")}); ` +
        "export one definition per workflow type and version (give a changed workflow a new version, or guard the change with patched())",
    );
  }
}

/** Describes the workflows of a module for an error message: `order@1 (export order), refund@2`. */
export function listWorkflows(m: LoadedModule): string {
  if (m.workflows.length === 0) return "none";
  return m.workflows
    .map(({ exportName, workflow }) =>
      exportName === workflow.name
        ? `${workflow.name}@${workflow.version}`
        : `${workflow.name}@${workflow.version} (export ${exportName})`,
    )
    .join(", ");
}

/**
 * Picks the workflow to run: the one named by `name` (workflow type name, `name@version`, or export name), else
 * the default export, else the only one.
 */
export function pickWorkflow(m: LoadedModule, name: string | undefined): AnyWorkflow {
  if (m.workflows.length === 0)
    throw new UsageError(`${m.path} exports no workflow definitions (defineWorkflow(...) results)`);
  if (name !== undefined) {
    const matches = m.workflows.filter(
      ({ exportName, workflow: w }) => w.name === name || `${w.name}@${w.version}` === name || exportName === name,
    );
    const unique = [...new Set(matches.map((x) => x.workflow))];
    if (unique.length === 1) return unique[0] as AnyWorkflow;
    if (unique.length === 0)
      throw new UsageError(`unknown workflow ${JSON.stringify(name)} in ${m.path}; available: ${listWorkflows(m)}`);
    throw new UsageError(
      `${JSON.stringify(name)} matches ${unique.length} workflows in ${m.path}; use name@version: ${listWorkflows(m)}`,
    );
  }
  if (m.defaultWorkflow) return m.defaultWorkflow;
  if (m.workflows.length === 1) return (m.workflows[0] as { workflow: AnyWorkflow }).workflow;
  throw new UsageError(
    `${m.path} exports ${m.workflows.length} workflows; choose one with --workflow: ${listWorkflows(m)}`,
    "run",
  );
}

/** Recognised by shape, like definitions: a module may have resolved its own copy of @yieldflow/core. */
function isPayloads(v: unknown): v is Payloads {
  const p = v as Partial<Record<keyof Payloads, unknown>> | null;
  return typeof p?.encode === "function" && typeof p.fetch === "function" && typeof p.forType === "function";
}

/**
 * Loads the payload configuration of `--payloads <module>`: its `payloads` export, else its default export; a
 * `Payloads` (e.g. from `nodePayloads`), payload options, or a function (possibly async) returning either.
 */
export async function loadPayloads(path: string, cwd: string, command: string): Promise<Payloads> {
  const abs = resolve(cwd, path);
  if (!existsSync(abs)) throw new UsageError(`cannot find the --payloads module ${path} (looked for ${abs})`, command);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`cannot load ${path}: ${loadError(err)}`, command);
  }
  let value = "payloads" in mod ? mod.payloads : mod.default;
  if (typeof value === "function") value = await (value as () => unknown)();
  if (isPayloads(value)) return value;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    try {
      return new Payloads({
        digest: (bytes) => createHash("sha256").update(bytes).digest("hex"),
        ...(value as PayloadOptions),
      });
    } catch (err) {
      throw new UsageError(`${path}: ${firstLine(err)}`, command);
    }
  }
  throw new UsageError(
    `${path} must export \`payloads\` (or a default export): a Payloads such as nodePayloads({ store }), payload options ({ store, codecs, prefix }), or a function returning one`,
    command,
  );
}
