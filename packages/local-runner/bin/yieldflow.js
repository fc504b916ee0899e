#!/usr/bin/env node
// The `yieldflow` command. Registers tsx so that users' TypeScript modules load without a build step, then runs
// the CLI. In a source checkout of yieldflow (this package's tsconfig.json is present; it is not published) the
// CLI and @yieldflow/* packages are loaded from their TypeScript sources through the `yieldflow-source` export
// condition; an installed package runs its built `dist/`. YIELDFLOW_CLI_FROM_SOURCE=1|0 overrides the choice.
import { existsSync } from "node:fs";
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

const pkg = new URL("../", import.meta.url);
const override = process.env.YIELDFLOW_CLI_FROM_SOURCE;
const fromSource =
  override !== undefined
    ? override === "1"
    : existsSync(new URL("tsconfig.json", pkg)) || !existsSync(new URL("dist/cli/main.js", pkg));
if (fromSource) register("./source-condition.js", import.meta.url);
registerTsx();
const { main } = await import(fromSource ? "../src/cli/main.ts" : "../dist/cli/main.js");
const code = await main(process.argv.slice(2));
// Activities that ignore cancellation, or real-clock timers, must not keep a finished command alive.
process.exit(code);
