/**
 * @yieldflow/swf-adapter: production workers and client over @aws-sdk/client-swf. So far: the type bridge between
 * the SDK's SWF shapes and core's (the decider and activity workers, client and S3 payload store are later issues).
 */
export { fromSdkHistory, toSdkDecisions } from "./sdk-types.js";
