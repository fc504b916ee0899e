/**
 * An S3-compatible server in this process for the payload tests (`@20minutes/s3rver`, port 0, a temporary
 * directory), and an S3 client pointed at it (path-style, dummy credentials). Not a test file.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "@20minutes/s3rver";
import { S3Client } from "@aws-sdk/client-s3";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export interface TestS3 {
  client: S3Client;
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

/** Starts a server with one bucket; `stop()` closes the client and the server and removes the directory. */
export async function startS3(bucket = "payloads"): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), "yieldflow-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    allowMismatchedSignatures: true,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = s3Client(endpoint);
  return {
    client,
    endpoint,
    bucket,
    async stop() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A client for the test server: path-style addressing, dummy credentials. */
export function s3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
}
