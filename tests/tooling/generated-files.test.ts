// The generated SWF types and the history check's fast path (packages/core/src/history/swf-types.ts and
// event-checks.ts) are what scripts/gen-swf-types.mjs writes from the pinned @aws-sdk/client-swf: regenerating them
// in a scratch folder gives the committed files byte for byte. An edit by hand, or a generator changed without
// rerunning it, fails here.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const FILES = ["packages/core/src/history/swf-types.ts", "packages/core/src/history/event-checks.ts"];

test("scripts/gen-swf-types.mjs regenerates the committed files exactly", () => {
  const scratch = mkdtempSync(join(tmpdir(), "yieldflow-gen-"));
  try {
    mkdirSync(join(scratch, "packages/core/src/history"), { recursive: true });
    symlinkSync(join(root, "node_modules"), join(scratch, "node_modules"), "dir");
    for (const config of ["biome.json", ".gitignore"]) copyFileSync(join(root, config), join(scratch, config));
    symlinkSync(join(root, "lint"), join(scratch, "lint"), "dir"); // biome.json's plugins
    execFileSync(process.execPath, [join(root, "scripts/gen-swf-types.mjs")], { cwd: scratch, stdio: "pipe" });
    for (const file of FILES) {
      const fresh = readFileSync(join(scratch, file), "utf8");
      const committed = readFileSync(join(root, file), "utf8");
      assert.ok(
        fresh === committed,
        `${file} differs from what the generator writes: run node scripts/gen-swf-types.mjs`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test.run();
