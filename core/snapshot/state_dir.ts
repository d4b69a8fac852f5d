/**
 * A snapshot tree on disk: a directory holding `<id>.t86snap` files, disk layers
 * frozen or created by snapshots, and `index.json`. Default location: beside the
 * top disk image, `<image>.tty86-state/`.
 */
import { join } from "node:path";
import { describeError, SnapshotError } from "./errors.ts";
import { MAX_DIFF_DEPTH, PARTIAL_EXT, SNAPSHOT_EXT } from "./format.ts";
import { replaceFileAtomically, replaceFileAtomicallySync } from "./fs_sync.ts";
import { ResolvedSnapshot } from "./resolved_snapshot.ts";
import { HEAVY, type JobStep, UNIT } from "./step_job.ts";

/**
 * Snapshot files (with their bases) up to this size are read, verified and decoded in one step
 * by a cold restore (~1 ms per MiB); larger ones are read asynchronously.
 */
export const QUICK_RESTORE_BYTES = 1 << 20;
import { FileSink } from "./sink.ts";
import { SnapshotFile } from "./snapshot_file.ts";
import {
  emptyIndex,
  formatIndex,
  INDEX_NAME,
  type IndexEntry,
  parseIndex,
  type SnapshotIndex,
} from "./snapshot_index.ts";

/** The state directory used for a disk image when none is given. */
export function defaultStateDir(topImagePath: string): string {
  return `${topImagePath}.tty86-state`;
}

/** The identity of an index file as read (device, inode, size, times): it is only ever replaced whole. */
function indexKey(info: Deno.FileInfo): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtime?.getTime()}:${info.ctime?.getTime()}`;
}

/** A state directory: reads and updates the index, opens snapshots. */
export class StateDir {
  readonly dir: string;
  #indexTail: Promise<unknown> = Promise.resolve();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** True once {@link ensure} made sure the directory exists (in this process). */
  ensured = false;

  /** Creates the directory if needed. */
  ensure(): void {
    try {
      Deno.mkdirSync(this.dir, { recursive: true });
      this.ensured = true;
    } catch (e) {
      throw new SnapshotError(this.dir, `cannot create state directory: ${describeError(e)}`);
    }
  }

  get indexPath(): string {
    return join(this.dir, INDEX_NAME);
  }

  /** Path of snapshot `id`'s file. */
  fileOf(id: string): string {
    return join(this.dir, id + SNAPSHOT_EXT);
  }

  /** Path a snapshot is written under until it is complete. */
  partialOf(id: string): string {
    return join(this.dir, id + PARTIAL_EXT);
  }

  /** A sink writing snapshot `id` crash-safely into this directory. */
  sinkFor(id: string): FileSink {
    return new FileSink(this.fileOf(id), this.partialOf(id));
  }

  /** A fresh snapshot id: time-ordered, with a random suffix so ids never collide. */
  newId(now = new Date()): string {
    const t = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
    const r = crypto.getRandomValues(new Uint16Array(1))[0].toString(16).padStart(4, "0");
    return `${t}-${r}`;
  }

  /** The last index read, and the file it came from (dev, inode, size, mtime). */
  #cached: { key: string; index: SnapshotIndex } | null = null;

  /**
   * The index (empty when the directory has none yet). Parsed again only when the file changed:
   * it is always replaced whole (a new inode), so its identity and size tell. Callers treat the
   * result as read-only, as its types say.
   */
  readIndex(): SnapshotIndex {
    let key = "";
    try {
      key = indexKey(Deno.statSync(this.indexPath));
      if (this.#cached !== null && this.#cached.key === key) return this.#cached.index;
    } catch {
      // Read below, which says what is wrong.
    }
    const index = this.#readIndexFile();
    this.#cached = key === "" ? null : { key, index };
    return index;
  }

  /**
   * {@link readIndex} with asynchronous file calls (a stat; the file read only when it changed since
   * it was last read or written here): no file call of an index update blocks the loop.
   */
  async #readIndexAsync(): Promise<SnapshotIndex> {
    let key = "";
    try {
      key = indexKey(await Deno.stat(this.indexPath));
      if (this.#cached !== null && this.#cached.key === key) return this.#cached.index;
      const index = parseIndex(await Deno.readTextFile(this.indexPath), this.indexPath);
      this.#cached = { key, index };
      return index;
    } catch (e) {
      if (e instanceof SnapshotError) throw e;
      // Missing (or unreadable): the synchronous reader says which, as before.
      return this.readIndex();
    }
  }

  #readIndexFile(): SnapshotIndex {
    let text: string;
    try {
      text = Deno.readTextFileSync(this.indexPath);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        try {
          if (!Deno.statSync(this.dir).isDirectory) throw new SnapshotError(this.dir, "is not a directory");
        } catch (e2) {
          if (e2 instanceof SnapshotError) throw e2;
          throw new SnapshotError(this.dir, "no such state directory");
        }
        return emptyIndex();
      }
      throw new SnapshotError(this.indexPath, `cannot read: ${describeError(e)}`);
    }
    return parseIndex(text, this.indexPath);
  }

  /** The entry for `id`, or a one-line error. */
  entry(id: string, index = this.readIndex()): IndexEntry {
    const e = index.snapshots.find((s) => s.id === id);
    if (!e) throw new SnapshotError(this.dir, `no snapshot ${id} in the index`);
    return e;
  }

  /**
   * Applies `change` to the index and replaces it atomically (asynchronously, one
   * update at a time, so the emulation loop is not blocked by the fsync).
   */
  updateIndex(change: (index: SnapshotIndex) => SnapshotIndex): Promise<void> {
    const run = this.#indexTail.then(async () => {
      const index = change(await this.#readIndexAsync());
      const ino = await replaceFileAtomically(this.indexPath, formatIndex(index));
      // The index just written is kept as the cached one (no re-read and parse of the file on the
      // loop's thread by the next reader), under the file's identity once renamed: only when that
      // file still is ours (same inode), else the next reader reads whatever replaced it.
      const info = await Deno.stat(this.indexPath).catch(() => null);
      this.#cached = info !== null && ino !== null && info.ino === ino
        ? { key: indexKey(info), index }
        : null;
    });
    this.#indexTail = run.catch(() => {});
    return run;
  }

  /** Synchronous {@link updateIndex} for the command line. */
  updateIndexSync(change: (index: SnapshotIndex) => SnapshotIndex): void {
    replaceFileAtomicallySync(this.indexPath, formatIndex(change(this.readIndex())));
  }

  /** Reads and verifies snapshot `id`'s file. */
  read(id: string): Promise<SnapshotFile> {
    return SnapshotFile.read(this.fileOf(id));
  }

  /** Reads snapshot `id` and the bases it needs, all verified. */
  async openResolved(id: string): Promise<ResolvedSnapshot> {
    return ResolvedSnapshot.open(await this.read(id), (base) => this.read(base));
  }

  /**
   * {@link openResolved} in steps, for a background job run from a pump (see `StepJob`): each file
   * read asynchronously (a promise yielded), then verified and indexed in a unit of its own, the
   * pages resolved in another; the same checks and errors.
   */
  *openResolvedSteps(id: string): Generator<JobStep, ResolvedSnapshot, unknown> {
    const top = yield* this.#readSteps(id);
    yield UNIT;
    const loaded = new Map<string, SnapshotFile>();
    const failed = new Map<string, unknown>();
    // The bases the chain names, read ahead; loops, depth and ids are checked by openSync.
    for (let next = top.meta.baseId; next !== null && next !== id && !loaded.has(next);) {
      if (loaded.size > MAX_DIFF_DEPTH) break;
      let base: SnapshotFile;
      try {
        base = yield* this.#readSteps(next);
      } catch (e) {
        failed.set(next, e);
        break;
      }
      loaded.set(next, base);
      next = base.meta.baseId;
      yield UNIT;
    }
    yield HEAVY;
    return ResolvedSnapshot.openSync(top, (which) => {
      const f = loaded.get(which);
      if (f !== undefined) return f;
      throw failed.get(which) ?? new SnapshotError(this.fileOf(which), "not read");
    });
  }

  /** One snapshot file: read asynchronously, then verified (CRC, structure) in the next step. */
  *#readSteps(id: string): Generator<JobStep, SnapshotFile, unknown> {
    const path = this.fileOf(id);
    const bytes = (yield Deno.readFile(path).catch((e) => {
      throw new SnapshotError(path, `cannot read: ${describeError(e)}`);
    })) as Uint8Array;
    yield HEAVY;
    return SnapshotFile.parse(bytes, path);
  }

  /**
   * Snapshot `id` and its bases read synchronously, in one step, when together they hold at most
   * `maxBytes` (a restore then costs no event-loop turns); else null (read them with
   * {@link openResolved}).
   */
  openResolvedQuickly(id: string, maxBytes: number, index = this.readIndex()): ResolvedSnapshot | null {
    const listed = new Map(index.snapshots.map((e) => [e.id, e.fileBytes]));
    const files = new Map<string, SnapshotFile>();
    let total = 0;
    // Files are read in one step while they stay small (sizes from the index, else the files). Any
    // trouble (too big, missing, damaged, a loop) leaves the reading to openResolved, which reports it.
    for (let next: string | null = id; next !== null && !files.has(next);) {
      if (files.size > MAX_DIFF_DEPTH) return null;
      const path = this.fileOf(next);
      let file: SnapshotFile;
      try {
        total += listed.get(next) ?? Deno.statSync(path).size;
        if (total > maxBytes) return null;
        file = SnapshotFile.readSync(path);
      } catch {
        return null;
      }
      files.set(next, file);
      next = file.meta.baseId;
    }
    const loaded = (which: string) => {
      const f = files.get(which);
      if (f === undefined) throw new SnapshotError(this.fileOf(which), "not read");
      return f;
    };
    return ResolvedSnapshot.openSync(loaded(id), loaded);
  }

  /**
   * Snapshot `id` as a cold restore needs it (read, verified, its `eager` memories decoded) in one
   * synchronous step, when it and its bases hold at most {@link QUICK_RESTORE_BYTES}; else null:
   * read it with {@link openResolved} and `predecode`, which let the loop run between steps.
   */
  openForRestoreQuickly(
    id: string,
    eager: readonly string[],
    index = this.readIndex(),
  ): ResolvedSnapshot | null {
    const quick = this.openResolvedQuickly(id, QUICK_RESTORE_BYTES, index);
    quick?.predecodeSync(eager);
    return quick;
  }

  /** Snapshot files present but not listed (a crash before the index update) and partial files. */
  strayFiles(index = this.readIndex()): string[] {
    const listed = new Set(index.snapshots.map((e) => e.file));
    const out: string[] = [];
    for (const f of Deno.readDirSync(this.dir)) {
      if (!f.isFile) continue;
      if ((f.name.endsWith(SNAPSHOT_EXT) && !listed.has(f.name)) || f.name.endsWith(PARTIAL_EXT)) {
        out.push(f.name);
      }
    }
    return out.sort();
  }
}
