/**
 * @yieldflow/payloads/s3: a payload store on Amazon S3 (or any S3-compatible server). Puts go through
 * `@aws-sdk/lib-storage`'s `Upload` (multipart above its part size, 5 MiB by default, parts sent in parallel);
 * gets use `GetObjectCommand`. Keys are content-addressed, so an object is written once and never changed.
 *
 * Lifecycle: objects are kept until deleted. Set an S3 lifecycle rule on the prefix that expires them after the
 * longest time a run can still be replayed: its execution timeout plus the domain's history retention (see README).
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { PayloadStore } from "@yieldflow/core";

/** What {@link S3PayloadStore} takes. */
export interface S3PayloadStoreOptions {
  /** The S3 client (region, credentials, endpoint: `forcePathStyle` for S3-compatible servers). */
  client: S3Client;
  bucket: string;
  /** Recorded in references. Default `s3:<bucket>`. */
  name?: string;
  /** Multipart part size in bytes (lib-storage's default and minimum: 5 MiB). */
  partSize?: number;
  /** Parts uploaded at once. Default 4. */
  queueSize?: number;
}

/** Stores payloads in an S3 bucket. */
export class S3PayloadStore implements PayloadStore {
  readonly name: string;
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly partSize: number | undefined;
  private readonly queueSize: number;

  constructor(options: S3PayloadStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.name = options.name ?? `s3:${options.bucket}`;
    this.partSize = options.partSize;
    this.queueSize = options.queueSize ?? 4;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: bytes, ContentType: "application/octet-stream" },
      queueSize: this.queueSize,
      ...(this.partSize !== undefined && { partSize: this.partSize }),
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) return new Uint8Array(0);
      return await out.Body.transformToByteArray();
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === "NoSuchKey") return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }
}
