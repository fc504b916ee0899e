/**
 * A payload store in a filesystem directory: one file per object. Keys map to paths under the directory; a key
 * that would leave it (`..`, absolute paths, backslashes, NUL) is refused. Writes go to a temporary file renamed
 * into place, so a reader never sees half an object.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { InvalidArgumentError, type PayloadStore } from "@yieldflow/core";

let tmpSeq = 0;

/** Stores payloads as files under `directory`. */
export class FsPayloadStore implements PayloadStore {
  readonly name: string;
  readonly directory: string;

  /** @param directory where objects go (created when needed); @param name recorded in references (default `"fs"`) */
  constructor(directory: string, name = "fs") {
    this.directory = resolve(directory);
    this.name = name;
  }

  private pathOf(key: string): string {
    const parts = key.split("/");
    if (
      key.length === 0 ||
      key.includes("\\") ||
      key.includes("\0") ||
      parts.some((p) => p === "" || p === "." || p === "..")
    ) {
      throw new InvalidArgumentError(
        `payload key ${JSON.stringify(key)} cannot be a file path under ${this.directory}`,
      );
    }
    const path = join(this.directory, ...parts);
    if (!path.startsWith(this.directory + sep)) {
      throw new InvalidArgumentError(`payload key ${JSON.stringify(key)} leaves ${this.directory}`);
    }
    return path;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.${++tmpSeq}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const b = await readFile(this.pathOf(key));
      return new Uint8Array(b.buffer, b.byteOffset, b.length);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async list(prefix: string): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.directory, { recursive: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    const keys: string[] = [];
    for (const e of entries) {
      if (e.endsWith(".tmp")) continue;
      const key = relative(this.directory, join(this.directory, e)).split(sep).join("/");
      if (key.startsWith(prefix)) keys.push(key);
    }
    // directories are listed too: keep only what get() can read
    const files: string[] = [];
    for (const k of keys) if ((await this.get(k).catch(() => undefined)) !== undefined) files.push(k);
    return files;
  }
}
