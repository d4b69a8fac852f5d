/**
 * A thin positional-I/O wrapper over a host file. Every format writes through it so
 * that tests can observe the order of writes and syncs (crash-safety proofs), and so
 * that short reads of truncated files become a clear {@link DiskError}.
 */
import { DiskError } from "./errors.ts";

/** One mutating operation on a host file, as seen by an observer. */
export type FileOp =
  | { readonly kind: "write"; readonly offset: number; readonly length: number }
  | { readonly kind: "sync" }
  | { readonly kind: "truncate"; readonly size: number };

/** Called after each mutating operation completes (tests use it to check ordering). */
export type FileOpObserver = (op: FileOp) => void;

/** One open host file with positional reads/writes and an optional observer. */
export class HostFile {
  readonly path: string;
  readonly readOnly: boolean;
  #file: Deno.FsFile;
  #observer: FileOpObserver | null;
  /**
   * The file's bytes from offset 0, read ahead of time (e.g. by a worker): reads inside them
   * and {@link size} are served from memory until {@link endPreload}. Only valid while nothing
   * writes the file.
   */
  #preload: Uint8Array | null = null;

  private constructor(path: string, file: Deno.FsFile, readOnly: boolean, observer: FileOpObserver | null) {
    this.path = path;
    this.#file = file;
    this.readOnly = readOnly;
    this.#observer = observer;
  }

  /** Opens an existing file; read-only opens never request write access from the OS. */
  static open(path: string, readOnly: boolean, observer: FileOpObserver | null = null): HostFile {
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { read: true, write: !readOnly });
    } catch (e) {
      throw new DiskError(path, `cannot open${readOnly ? "" : " for writing"}: ${describe(e)}`);
    }
    return new HostFile(path, file, readOnly, observer);
  }

  /** Creates (or truncates) a file for writing; used for temp files that are renamed into place. */
  static create(path: string, observer: FileOpObserver | null = null): HostFile {
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { read: true, write: true, create: true, truncate: true });
    } catch (e) {
      throw new DiskError(path, `cannot create: ${describe(e)}`);
    }
    return new HostFile(path, file, false, observer);
  }

  /**
   * Serves reads within `bytes` (the whole file as read ahead of time, from offset 0) and
   * {@link size} from memory, without system calls, until {@link endPreload} or the first write.
   */
  preload(bytes: Uint8Array): void {
    this.#preload = bytes;
  }

  /** The preloaded bytes `[offset, offset + length)` without copying, or null (not preloaded, or beyond them). */
  peek(offset: number, length: number): Uint8Array | null {
    const pre = this.#preload;
    if (pre === null || offset < 0 || offset + length > pre.length) return null;
    return pre.subarray(offset, offset + length);
  }

  /** Ends {@link preload}: reads go to the file again. */
  endPreload(): void {
    this.#preload = null;
  }

  size(): number {
    if (this.#preload !== null) return this.#preload.length;
    return this.#file.statSync().size;
  }

  stat(): Deno.FileInfo {
    return this.#file.statSync();
  }

  /** Fills `into` from `offset`; a read past the end of the file is an error (truncated image). */
  readAt(offset: number, into: Uint8Array): void {
    const got = this.readUpTo(offset, into);
    if (got < into.length) {
      throw new DiskError(this.path, `file is truncated (wanted ${into.length} bytes at offset ${offset})`);
    }
  }

  /** Reads as much as exists at `offset` into `into`; returns the byte count read. */
  readUpTo(offset: number, into: Uint8Array): number {
    const pre = this.#preload;
    if (pre !== null && offset >= 0 && offset <= pre.length) {
      const n = Math.min(into.length, pre.length - offset);
      into.set(pre.subarray(offset, offset + n));
      return n;
    }
    let done = 0;
    try {
      this.#file.seekSync(offset, Deno.SeekMode.Start);
      while (done < into.length) {
        const n = this.#file.readSync(into.subarray(done));
        if (n === null || n === 0) break;
        done += n;
      }
    } catch (e) {
      // The OS refuses absurd offsets (EINVAL past the filesystem's limit), which Deno throws as TypeError.
      throw new DiskError(this.path, `cannot read ${into.length} bytes at offset ${offset}: ${describe(e)}`);
    }
    return done;
  }

  writeAt(offset: number, data: Uint8Array): void {
    if (this.readOnly) throw new DiskError(this.path, "file is open read-only");
    this.#preload = null;
    try {
      this.#file.seekSync(offset, Deno.SeekMode.Start);
      let done = 0;
      while (done < data.length) done += this.#file.writeSync(data.subarray(done));
    } catch (e) {
      throw new DiskError(this.path, `cannot write ${data.length} bytes at offset ${offset}: ${describe(e)}`);
    }
    this.#observer?.({ kind: "write", offset, length: data.length });
  }

  /** Makes everything written so far durable (fsync). */
  sync(): void {
    if (this.readOnly) return;
    this.#file.syncSync();
    this.#observer?.({ kind: "sync" });
  }

  /**
   * {@link sync} without blocking the caller's thread (the fsync runs on Deno's blocking pool);
   * writes issued before the call are durable when it resolves. The observer sees the sync then.
   */
  async syncAsync(): Promise<void> {
    if (this.readOnly) return;
    await this.#file.sync();
    this.#observer?.({ kind: "sync" });
  }

  truncate(size: number): void {
    if (this.readOnly) throw new DiskError(this.path, "file is open read-only");
    this.#preload = null;
    this.#file.truncateSync(size);
    this.#observer?.({ kind: "truncate", size });
  }

  close(): void {
    try {
      this.#file.close();
    } catch {
      // Already closed: closing twice is harmless for callers.
    }
  }
}

/** A short human description of a thrown value. */
export function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
