/**
 * @yieldflow/local-runner/dev-server: SWF's API over HTTP on this machine (what `yieldflow dev-server` runs), for
 * tests and tools that want a server in process.
 */
export { type ExecutionInfo, SwfBackend } from "./backend.js";
export { type ModeledFault, SwfFault } from "./faults.js";
export { type DevServer, type DevServerOptions, startDevServer } from "./server.js";
export { OPERATIONS, type Operation, validateInput } from "./shapes.js";
export { DataStoreError, SCHEMA_VERSION } from "./store.js";
