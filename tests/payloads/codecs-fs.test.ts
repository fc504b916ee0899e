/**
 * Codecs and the filesystem store: gzip with its threshold, an encryption codec written the way the README shows
 * (AES-256-GCM with an IV derived from the plaintext by HMAC, so the same value gives the same bytes), and the
 * filesystem store (objects as files, keys that would leave the directory refused).
 */
import { createCipheriv, createDecipheriv, createHmac } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError, type PayloadCodec, PayloadError } from "@yieldflow/core";
import { FsPayloadStore, gzipCodec, nodePayloads } from "@yieldflow/payloads";
import { test } from "uvu";
import * as assert from "uvu/assert";

/** The README's encryption codec: deterministic (SIV-style IV), authenticated, with a key id for rotation. */
function aesGcmCodec(keyId: string, key: Uint8Array): PayloadCodec {
  return {
    name: `aes-gcm.${keyId}`,
    encode(plain) {
      const iv = createHmac("sha256", key).update(plain).digest().subarray(0, 12); // same plaintext, same IV
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decode(data) {
      const decipher = createDecipheriv("aes-256-gcm", key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]);
    },
  };
}

const key = new Uint8Array(32).fill(7);

test("gzip applies from its threshold and only when it helps; the envelope says so", () => {
  const p = nodePayloads({ codecs: [gzipCodec({ threshold: 100 })] });
  assert.is(p.encode("small", "v").data, '"small"');
  const { data } = p.encode("abc".repeat(1000), "v");
  assert.match(data ?? "", /^\{"\$yf:payload":1,"codecs":\["gzip"\],"data":"H4sI/);
  assert.ok((data?.length ?? 0) < 200);
  assert.is(p.decode(data, "v"), "abc".repeat(1000));
  // damaged gzip data is a codec error, not a crash
  const damaged = (data ?? "").replace('"data":"H4sI', '"data":"H4sJ');
  const err = (() => {
    try {
      p.decode(damaged, "the result");
    } catch (e) {
      return e as PayloadError;
    }
  })();
  assert.instance(err, PayloadError);
  assert.is(err?.code, "YF_PAYLOAD_CODEC");
});

test("an encryption codec with an HMAC-derived IV is deterministic, and compresses first when listed after gzip", () => {
  const p = nodePayloads({ codecs: [gzipCodec(), aesGcmCodec("k1", key)] });
  const value = { secret: "card 4242", rows: Array.from({ length: 500 }, (_, i) => i) };
  const a = p.encode(value, "v").data;
  assert.is(nodePayloads({ codecs: [gzipCodec(), aesGcmCodec("k1", key)] }).encode(value, "v").data, a);
  assert.match(a ?? "", /"codecs":\["gzip","aes-gcm.k1"\]/);
  assert.not.match(a ?? "", /4242/);
  assert.equal(p.decode(a, "v"), value);
  // the wrong key fails authentication: a codec error naming the field
  const wrong = nodePayloads({ codecs: [gzipCodec(), aesGcmCodec("k1", new Uint8Array(32))] });
  try {
    wrong.decode(a, "signal approve input");
    assert.unreachable();
  } catch (err) {
    assert.is((err as PayloadError).code, "YF_PAYLOAD_CODEC");
    assert.match((err as Error).message, "signal approve input: codec aes-gcm.k1 failed to decode");
  }
});

test("the filesystem store keeps objects as files, lists them, deletes them, and refuses keys that leave its directory", async () => {
  const dir = await mkdtemp(join(tmpdir(), "yieldflow-fs-store-"));
  try {
    const store = new FsPayloadStore(dir);
    const p = nodePayloads({ store, codecs: [aesGcmCodec("k1", key)] });
    const { data, upload } = p.encode("y".repeat(50_000), "v");
    assert.ok(upload);
    await p.upload([upload]);
    assert.equal(await store.list("yieldflow/"), [upload.key]);
    assert.equal(await readdir(join(dir, "yieldflow", "payloads")), [upload.key.split("/").at(-1)]);
    const reader = nodePayloads({ store, codecs: [aesGcmCodec("k1", key)] });
    await reader.fetch([{ eventId: 3, workflowExecutionStartedEventAttributes: { input: data } }]);
    assert.is(reader.decode(data, "v"), "y".repeat(50_000));
    for (const bad of ["../escape", "a/../../b", "/abs", "a\\b", "", "a//b"]) {
      try {
        await store.put(bad, new Uint8Array(1));
        assert.unreachable(bad);
      } catch (err) {
        assert.instance(err, InvalidArgumentError, bad);
      }
    }
    await store.delete(upload.key);
    assert.is(await store.get(upload.key), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
