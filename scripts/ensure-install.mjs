#!/usr/bin/env node
// Makes `npm start`, `npm test` and `npm run bench` work as the very first command after `git clone`: when
// node_modules is missing or stale it runs `npm ci` (or `npm install` when there is no package-lock.json);
// otherwise it returns in a few milliseconds. Wired up as the prestart/pretest/prebench scripts.
//
// Stale means any of:
//   - node_modules/.package-lock.json (npm's record of the last install) is missing;
//   - a bin the scripts run (e.g. node_modules/.bin/tsx), a root dependency or a workspace link is missing;
//   - package-lock.json is newer than that record and its content differs from the one last installed here
//     (a `git pull` or branch switch that only touched the file's mtime does not reinstall).
//
// Env: YIELDFLOW_SKIP_INSTALL=1 skips the check entirely; YIELDFLOW_ENSURE_INSTALL_ACTIVE guards recursion.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const nodeModules = join(root, "node_modules");
const npmRecord = join(nodeModules, ".package-lock.json");
const stampFile = join(nodeModules, ".yieldflow-install-stamp");
const lockFile = join(root, "package-lock.json");
const pkgFile = join(root, "package.json");
const GUARD = "YIELDFLOW_ENSURE_INSTALL_ACTIVE";

// What must be there: the bins the root scripts execute, every root dependency and every workspace's link
// (read from package.json, so renaming or adding a package needs no change here).
function requiredPaths() {
  const paths = [".bin/tsx", ".bin/tsc", ".bin/biome"];
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  } catch {
    return paths;
  }
  for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) paths.push(`${name}/package.json`);
  for (const ws of Array.isArray(pkg.workspaces) ? pkg.workspaces : []) {
    try {
      const { name } = JSON.parse(readFileSync(join(root, ws, "package.json"), "utf8"));
      if (name) paths.push(`${name}/package.json`);
    } catch {}
  }
  return paths;
}

const mtime = (file) => statSync(file).mtimeMs;
const hashOf = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");

function staleReason() {
  if (!existsSync(nodeModules)) return "node_modules is missing";
  if (!existsSync(npmRecord)) return "node_modules/.package-lock.json is missing";
  for (const rel of requiredPaths()) {
    if (!existsSync(join(nodeModules, rel))) return `node_modules/${rel} is missing`;
  }
  const manifest = existsSync(lockFile) ? lockFile : pkgFile;
  if (mtime(manifest) > mtime(npmRecord)) {
    // Newer by mtime: reinstall only if the content really changed since the last install made by this script.
    let stamp = "";
    try {
      stamp = readFileSync(stampFile, "utf8").trim();
    } catch {}
    if (stamp && stamp === hashOf(manifest)) {
      touch(npmRecord);
      return null;
    }
    return `${manifest === lockFile ? "package-lock.json" : "package.json"} is newer than node_modules`;
  }
  return null;
}

function touch(file) {
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch {}
}

function install(reason) {
  const useCi = existsSync(lockFile);
  const args = useCi ? ["ci"] : ["install"];
  args.push("--no-audit", "--no-fund");
  console.error(`[ensure-install] ${reason}: running npm ${args.join(" ")}`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, [GUARD]: "1" },
    shell: process.platform === "win32",
  });
  if (result.error) {
    console.error(`[ensure-install] could not run npm: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(`[ensure-install] npm ${args[0]} failed (exit ${result.status ?? result.signal})`);
    if (useCi) {
      console.error("[ensure-install] if package.json and package-lock.json are out of sync, run `npm install` once");
    }
    process.exit(result.status || 1);
  }
  // npm does not always rewrite its record when nothing changed (npm install); make the record fresh ourselves
  // and remember what was installed, so the next run is a no-op.
  if (existsSync(npmRecord)) touch(npmRecord);
  const manifest = existsSync(lockFile) ? lockFile : pkgFile;
  try {
    writeFileSync(stampFile, `${hashOf(manifest)}\n`);
  } catch {}
  const still = staleReason();
  if (still) {
    console.error(`[ensure-install] node_modules still looks incomplete after npm ${args[0]}: ${still}`);
    process.exit(1);
  }
}

if (process.env[GUARD] || process.env.YIELDFLOW_SKIP_INSTALL === "1") process.exit(0);
const reason = staleReason();
if (reason) install(reason);
