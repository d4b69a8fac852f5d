/**
 * Where a snapshot's bytes go while it is written: a file (written under a
 * `.partial` name, fsynced, then renamed) or memory (the rewind ring). Writes are
 * queued and performed asynchronously so the emulation loop never waits for the disk.
 */
import { dirname } from "node:path";
import { crc32Update } from "./crc32.ts";
import { describeError, SnapshotError } from "./errors.ts";
import { syncDirectory } from "./fs_sync.ts";

/** Receives a snapshot file's bytes in order. */
export interface SnapshotSink {
  /** Queues `chunk` (the sink keeps it; the caller must not modify it afterwards). */
  write(chunk: Uint8Array): void;
  /** Bytes queued so far. */
  readonly length: number;
  /** CRC-32 of the bytes queued so far. */
  readonly crc: number;
  /** Waits until every byte is durable and the result is in place. */
  finish(): Promise<void>;
  /** Drops what was written (a failed or cancelled snapshot). */
  abort(): Promise<void>;
}

abstract class ChecksummingSink {
  length = 0;
  crc = 0;

  protected count(chunk: Uint8Array): void {
    this.length += chunk.length;
    this.crc = crc32Update(this.crc, chunk);
  }
}

/** Writes `<final>.partial`-style temp file, then fsync + rename + directory fsync on finish. */
export class FileSink extends ChecksummingSink implements SnapshotSink {
  readonly finalPath: string;
  readonly partialPath: string;
  #file: Promise<Deno.FsFile>;
  #tail: Promise<void>;
  #failure: unknown = null;

  constructor(finalPath: string, partialPath: string) {
    super();
    this.finalPath = finalPath;
    this.partialPath = partialPath;
    this.#file = Deno.open(partialPath, { write: true, create: true, truncate: true });
    this.#tail = this.#file.then(() => {}, (e) => {
      this.#failure = e;
    });
  }

  write(chunk: Uint8Array): void {
    this.count(chunk);
    this.#tail = this.#tail.then(async () => {
      if (this.#failure !== null) return;
      try {
        const file = await this.#file;
        let done = 0;
        while (done < chunk.length) done += await file.write(chunk.subarray(done));
      } catch (e) {
        this.#failure = e;
      }
    });
  }

  async finish(): Promise<void> {
    await this.#tail;
    if (this.#failure !== null) {
      await this.abort();
      throw new SnapshotError(this.partialPath, `cannot write: ${describeError(this.#failure)}`);
    }
    const file = await this.#file;
    try {
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(this.partialPath, this.finalPath);
    await syncDirectory(dirname(this.finalPath));
  }

  async abort(): Promise<void> {
    await this.#tail;
    try {
      (await this.#file).close();
    } catch {
      // Already closed, or never opened.
    }
    try {
      await Deno.remove(this.partialPath);
    } catch {
      // Nothing to remove.
    }
  }
}

/** Keeps the snapshot in memory (the rewind ring); `bytes()` is the complete file after finish. */
export class MemorySink extends ChecksummingSink implements SnapshotSink {
  #chunks: Uint8Array[] = [];
  #result: Uint8Array | null = null;

  write(chunk: Uint8Array): void {
    this.count(chunk);
    this.#chunks.push(chunk);
  }

  finish(): Promise<void> {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.#chunks = [];
    this.#result = out;
    return Promise.resolve();
  }

  abort(): Promise<void> {
    this.#chunks = [];
    return Promise.resolve();
  }

  /** The finished file. */
  bytes(): Uint8Array {
    if (!this.#result) throw new Error("memory snapshot is not finished");
    return this.#result;
  }
}
