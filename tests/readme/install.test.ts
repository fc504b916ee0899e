/**
 * The README's Install section and first workflow, done as a user does them, from the packed packages, in a folder
 * outside the repository: `npm run build`, `npm pack` of each workspace package, then the Install section's commands
 * (with the tarballs in place of the package names, which are not published), the first workflow's `shop.ts` and
 * `run.ts` written verbatim from the README, and the README's `yieldflow run`, `replay` and `history` commands with
 * the installed CLI. Also: the tarballs carry no .tsbuildinfo, and the README's TypeScript settings compile (with
 * the repository's TypeScript, library checks on) and run, in an ES module project and in a CommonJS one. npm installs offline-first (from the local npm cache; what is not
 * there comes from the registry) and never asks the registry for a package named `yieldflow` (`npm_config_yes=false`:
 * npx may run only what is installed).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { test } from "uvu";
import * as assert from "uvu/assert";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const work = mkdtempSync(join(tmpdir(), "yieldflow-install-"));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  npm_config_prefer_offline: "true",
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
  npm_config_yes: "false",
  npm_config_loglevel: "error",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  NO_COLOR: "1",
};
// the packages must come from the tarballs, not from the repository's source condition or workspace
delete env.NODE_OPTIONS;
delete env.YIELDFLOW_CLI_FROM_SOURCE;

/** The body of the first fenced block of `lang` after `marker` in the README. */
function block(marker: string, lang: string): string {
  const at = readme.indexOf(marker);
  assert.ok(at >= 0, `README has ${marker}`);
  const start = readme.indexOf(`\`\`\`${lang}\n`, at);
  const end = readme.indexOf("\n```", start + 1);
  return readme.slice(start + lang.length + 4, end + 1);
}

async function sh(script: string, cwd: string): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run("sh", ["-e", "-c", script], { cwd, env, maxBuffer: 16 * 1024 * 1024, timeout: 240_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${script}\nfailed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
}

/** Builds and packs the three packages once. */
const packed = (async () => {
  await run("npm", ["run", "build"], { cwd: root, env });
  const tarballs = new Map<string, string>();
  await Promise.all(
    ["core", "local-runner", "swf-adapter"].map(async (name) => {
      const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], {
        cwd: join(root, "packages", name),
        env,
      });
      const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
      assert.ok(info, `npm pack ${name}`);
      tarballs.set(`@yieldflow/${name}`, join(work, info.filename));
      tarballs.set(`${name}:files`, info.files.map((f) => f.path).join("\n"));
    }),
  );
  return tarballs;
})();

/** The Install section, run in `work`, with tarballs for the package names. */
const installed = packed.then(async (tarballs) => {
  let script = block("## Install", "sh");
  for (const name of ["@yieldflow/local-runner", "@yieldflow/core"])
    script = script.replaceAll(` ${name}`, ` ${tarballs.get(name)}`);
  const out = await sh(script, work);
  return { project: join(work, "my-workflows"), out, script };
});

test("the tarballs ship dist, sources, README and LICENSE, and no .tsbuildinfo", async () => {
  const tarballs = await packed;
  for (const name of ["core", "local-runner", "swf-adapter"]) {
    const files = (tarballs.get(`${name}:files`) ?? "").split("\n");
    assert.not.ok(
      files.some((f) => f.endsWith(".tsbuildinfo")),
      `${name}: ${files.filter((f) => f.includes("tsbuildinfo"))}`,
    );
    for (const f of ["package.json", "README.md", "LICENSE", "dist/index.js", "dist/index.d.ts", "src/index.ts"])
      assert.ok(files.includes(f), `${name} ships ${f}`);
  }
});

test("the Install section's commands install the packages and the CLI", async () => {
  const { project, out, script } = await installed;
  assert.match(script, /yieldflow-core-0\.1\.0\.tgz/);
  assert.match(out.stdout.trim().split("\n").at(-1) ?? "", /^0\.1\.0$/, "npx yieldflow --version");
  const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as Record<string, unknown>;
  assert.is(pkg.type, "module");
  assert.ok(existsSync(join(project, "node_modules/@yieldflow/core/dist/index.js")));
  // installed from the tarball: the built CLI, not the repository's sources
  assert.not.ok(existsSync(join(project, "node_modules/@yieldflow/local-runner/tsconfig.json")));
});

test("the first workflow: shop.ts and run.ts from the README, and its CLI commands, with the installed packages", async () => {
  const { project } = await installed;
  writeFileSync(join(project, "shop.ts"), block("## Your first workflow", "ts"));
  writeFileSync(join(project, "run.ts"), block("Run it locally, with the CLI or from code", "ts"));
  // yieldflow run, as the README writes it
  const runLine = block("Run it locally, with the CLI or from code", "sh").trim();
  assert.match(runLine, /^npx yieldflow run shop\.ts /);
  const r = await sh(runLine, project);
  assert.equal(JSON.parse(r.stdout), { chargeId: "ch-o-1", labels: ["label-for-book", "label-for-pen"] });
  assert.match(r.stderr, /history written to o-1\.json/);
  // the script, run as its first line says; replay and history, as "Testing your workflows" writes them
  const [script, replay, timeline] = await Promise.all([
    sh("node --import tsx run.ts", project),
    sh("npx yieldflow replay shop.ts o-1.json", project),
    sh("npx yieldflow history o-1.json --html o-1.html", project),
  ]);
  // console.log of the result object, then the exported history
  assert.match(script.stdout, /chargeId: 'ch-o-1'/);
  assert.match(script.stdout, /labels: \[\s*'label-for-book',\s*'label-for-pen'\s*\]/);
  assert.match(script.stdout, /^\{"events":\[\{"eventId":1,"eventType":"WorkflowExecutionStarted"/m);
  assert.match(replay.stdout, /replay ok/);
  assert.match(timeline.stdout, /^workflow checkout@1: COMPLETED/);
  assert.match(readFileSync(join(project, "o-1.html"), "utf8"), /^<!doctype html>/);
});

test("TypeScript: the README's settings typecheck the first workflow (ESM) and run it from CommonJS", async () => {
  const { project } = await installed;
  // the repository's TypeScript (6.0) and Node types, so that nothing more is installed
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const typeRoots = [join(root, "node_modules", "@types")];
  const tsconfig = (module: string, include: string[]) =>
    JSON.stringify({
      compilerOptions: { module, target: "ES2022", strict: true, types: ["node"], typeRoots, outDir: "out" },
      include,
    });
  // ES module project: nodenext
  writeFileSync(join(project, "tsconfig.json"), tsconfig("nodenext", ["shop.ts", "run.ts"]));
  // CommonJS project: nodenext compiles import to require(), which loads the ES modules on Node >= 20.19
  const cjs = join(project, "cjs");
  mkdirSync(cjs, { recursive: true });
  writeFileSync(join(cjs, "package.json"), JSON.stringify({ type: "commonjs" }));
  writeFileSync(join(cjs, "tsconfig.json"), tsconfig("nodenext", ["main.ts"]));
  writeFileSync(
    join(cjs, "main.ts"),
    `import { activity, defineActivity, defineWorkflow, implement } from "@yieldflow/core";
import { LocalRunner } from "@yieldflow/local-runner";
const greet = defineActivity<string, string>({ taskList: "default", name: "greet", version: "1" });
const hello = defineWorkflow({ name: "hello", version: "1" }, function* (name: string) {
  return yield* activity(greet, name);
});
const runner = new LocalRunner({ workflows: [hello], activities: [implement(greet, async (n) => \`Hello, \${n}!\`)] });
runner.start(hello, "CommonJS").then((h) => h.result()).then((r) => console.log(r));
`,
  );
  await Promise.all([sh(`node ${tsc} --noEmit -p .`, project), sh(`node ${tsc} -p .`, cjs)]);
  assert.match(readFileSync(join(cjs, "out", "main.js"), "utf8"), /require\("@yieldflow\/core"\)/);
  const r = await sh("node out/main.js", cjs);
  assert.is(r.stdout, "Hello, CommonJS!\n");
  assert.not.match(r.stderr, /Warning/);
});

test.after(() => {
  rmSync(work, { recursive: true, force: true });
});

test.run();
