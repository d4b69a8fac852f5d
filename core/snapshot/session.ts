/**
 * Ties snapshots to one running machine and its state directory: takes live
 * snapshots (freezing the disks at the same instant, diffing against the last
 * snapshot taken or restored), restores lazily, and keeps the index up to date.
 * The emulation loop calls {@link SnapshotSession.pump} between slices.
 */
import { SnapshotError } from "./errors.ts";
import { type DiskRecord, identityMismatch, MAX_DIFF_DEPTH } from "./format.ts";
import { LazyRestore } from "./lazy_restore.ts";
import {
  type DiffBase,
  LiveSnapshotWriter,
  type SnapshotResult,
  type SnapshotTarget,
} from "./live_writer.ts";
import type { IndexEntry } from "./snapshot_index.ts";
import type { StateDir } from "./state_dir.ts";
import { closeChainAsync, DiskFreezer, type DiskSlot, prepareDisks, SpareMaker } from "./disk_freeze.ts";
import { DEFAULT_PUMP_BUDGET_MS } from "./stall_budget.ts";

/** A drive whose chain snapshots freeze and restores switch. */
export interface SessionDrive {
  readonly drive: string;
  readonly slot: DiskSlot;
}

/** How the session is wired to the machine. */
export interface SessionOptions {
  readonly target: SnapshotTarget;
  readonly stateDir: StateDir;
  readonly drives?: readonly SessionDrive[];
  /** Memories restored before the guest runs (read directly by devices, e.g. "vram"). */
  readonly eager?: readonly string[];
  /** Shared writer (the rewind ring uses the same one); a new one by default. */
  readonly writer?: LiveSnapshotWriter;
}

/** Status for the front end's status line. */
export interface SessionStatus {
  readonly busy: boolean;
  readonly queued: number;
  readonly restoring: boolean;
  /** 0–1 progress of the snapshot being written or the restore, null when idle. */
  readonly progress: number | null;
  readonly lastId: string | null;
}

/** Snapshots and restores of one machine in one state directory. */
export class SnapshotSession {
  readonly writer: LiveSnapshotWriter;
  readonly #target: SnapshotTarget;
  readonly #dir: StateDir;
  readonly #drives: readonly SessionDrive[];
  readonly #eager: readonly string[];
  #base: DiffBase | null = null;
  #restore: LazyRestore | null = null;
  #deferred: (() => void)[] = [];
  #inflight = new Set<Promise<unknown>>();
  /** Makes the next snapshot's disk children ahead of time (null without drives). */
  readonly freezer: DiskFreezer | null;
  /** The id the next snapshot will get (its disk children are named after it). */
  #nextId: string | null = null;
  /** Makes disk child files off the thread (shared by the freezer and restores). */
  readonly #maker: SpareMaker;

  constructor(options: SessionOptions) {
    this.#target = options.target;
    this.#dir = options.stateDir;
    this.#drives = options.drives ?? [];
    this.#eager = options.eager ?? [];
    this.writer = options.writer ?? new LiveSnapshotWriter();
    // With drives, the worker lives until close(): a restore must not wait for it to start.
    this.#maker = new SpareMaker({ keepAlive: this.#drives.length > 0 });
    this.freezer = this.#drives.length > 0 ? new DiskFreezer(this.#drives, this.#dir.dir, this.#maker) : null;
  }

  /**
   * Creates the next snapshot's disk children in the background (a worker makes the files,
   * {@link pump} opens them), so that snapshot's pause is a flip. Called after every
   * snapshot and restore; call it once up front for the first snapshot.
   */
  prepareNext(): void {
    if (this.freezer === null) return;
    this.#nextId ??= this.#dir.newId();
    this.#maker.warm();
    try {
      this.#dir.ensure();
      this.freezer.prepare(this.#nextId);
    } catch {
      // The freeze falls back to creating the children in the pause.
    }
  }

  /** True when the next snapshot's disk children are open (its pause will do no file I/O). */
  get disksReady(): boolean {
    return this.freezer === null || (this.#nextId !== null && this.freezer.ready(this.#nextId));
  }

  /** Drops the prepared disk children (deleting their files) and ends their worker. */
  async close(): Promise<void> {
    await this.freezer?.dispose();
    this.#maker.close();
  }

  /** The snapshot the next one will be a child (and diff) of. */
  get baseId(): string | null {
    return this.#base?.id ?? null;
  }

  get status(): SessionStatus {
    const p = this.writer.progress;
    const r = this.#restore?.progress;
    return {
      busy: this.writer.busy || this.#deferred.length > 0,
      queued: this.writer.queued + this.#deferred.length,
      restoring: this.#restore !== null,
      progress: p ? p.pagesDone / p.pagesTotal : r ? 1 - r.pagesRemaining / r.pagesTotal : null,
      lastId: this.#base?.id ?? null,
    };
  }

  /**
   * Takes a snapshot: the guest stops only for the state copy and the disk freeze (at
   * the moment the request's turn comes). Resolves with the index entry once the file
   * is durable and listed.
   */
  snapshot(label = ""): Promise<IndexEntry> {
    const run = new Promise<IndexEntry>((resolve, reject) => {
      const start = () => {
        const job = this.writer.take(this.#target, () => {
          const id = this.#nextId ?? this.#dir.newId();
          this.#nextId = null;
          let disks: (() => readonly DiskRecord[]) | undefined;
          let prepare: (() => boolean) | undefined;
          if (this.freezer === null || !this.freezer.ready(id)) this.#dir.ensure();
          if (this.freezer !== null) {
            const frozen = this.freezer.freeze(id);
            disks = frozen.records;
            prepare = frozen.settle;
          }
          const base = this.#base !== null && this.#base.diffDepth < MAX_DIFF_DEPTH ? this.#base : null;
          const sink = this.#dir.sinkFor(id);
          return { id, sink, parentId: this.#base?.id ?? null, base, label, disks, prepare };
        });
        // The tops changed: make the following snapshot's children now.
        if (this.freezer !== null) queueMicrotask(() => this.prepareNext());
        job.then((result) => {
          this.#base = { id: result.meta.id, diffDepth: result.meta.diffDepth, hashes: result.hashes };
          return this.#list(result);
        }).then(resolve, reject);
      };
      if (this.#restore) this.#deferred.push(start);
      else start();
    });
    return this.#track(run);
  }

  /**
   * Restores snapshot `id`: reads and verifies it (and its bases) while the guest runs,
   * then loads the state, switches the disks to a new branch of the snapshot's layers
   * and lets the guest run while pages arrive via {@link pump}.
   */
  async restore(id: string): Promise<LazyRestore> {
    await Promise.allSettled([...this.#inflight]);
    const drives = new Map(this.#drives.map((d) => [d.drive, d]));
    const checkDrives = (disks: readonly DiskRecord[], source: string) => {
      for (const d of disks) {
        if (!drives.has(d.drive)) {
          throw new SnapshotError(source, `has drive ${d.drive}, the machine has none`);
        }
      }
    };
    const tag = `${this.#dir.newId()}-restore`;
    const prepare = (disks: readonly DiskRecord[]) =>
      disks.length === 0 ? Promise.resolve(null) : prepareDisks(disks, this.#dir.dir, tag, this.#maker);
    // The index names the disks: their chains open (and new children are made by the worker)
    // while the snapshot file is read and verified.
    let listed: readonly DiskRecord[] | null = null;
    try {
      listed = this.#dir.entry(id).disks;
    } catch {
      // Not listed: the disks are read from the file below.
    }
    if (listed !== null) checkDrives(listed, this.#dir.fileOf(id));
    let early = listed !== null ? prepare(listed) : null;
    early?.catch(() => {});
    let resolved;
    try {
      resolved = await this.#dir.openResolved(id);
      await resolved.predecode(this.#eager);
      const meta = resolved.top.meta;
      const problem = identityMismatch(meta.identity, this.#target.config);
      if (problem) throw new SnapshotError(resolved.top.source, `made for a different machine: ${problem}`);
      checkDrives(meta.disks, resolved.top.source);
      if (listed !== null && JSON.stringify(listed) !== JSON.stringify(meta.disks)) {
        (await early!.catch(() => null))?.abort();
        early = null;
      }
      early ??= prepare(meta.disks);
    } catch (e) {
      (await early?.catch(() => null))?.abort();
      throw e;
    }
    const prepared = await early;
    const meta = resolved.top.meta;
    // The pause: only switches.
    const t0 = performance.now();
    if (this.#restore && !this.#restore.done) this.#restore.finishNow();
    prepared?.attach();
    let restore: LazyRestore;
    try {
      restore = LazyRestore.begin(this.#target, resolved, { eager: this.#eager });
    } catch (e) {
      prepared?.abort();
      throw e;
    }
    const old = (prepared?.drives ?? []).map((c) => drives.get(c.drive)!.slot.swap(c.chain));
    this.lastRestorePauseMs = performance.now() - t0;
    // The chains left behind are flushed and closed without blocking the loop.
    this.lastRestoreRunningAt = performance.now();
    if (this.freezer !== null) queueMicrotask(() => this.prepareNext());
    this.#restore = restore;
    this.#restoredFrom = { id: meta.id, diffDepth: meta.diffDepth };
    // The guest runs on (restored) while the chains left behind are flushed and closed
    // without blocking the loop; the promise resolves once they are durable.
    await Promise.all(old.map((chain) => this.#track(closeChainAsync(chain))));
    return restore;
  }

  /** How long the last restore stopped the guest (state load, disk switch), in ms. */
  lastRestorePauseMs = 0;
  /** performance.now() when the last restore's pause ended (the guest ran restored from then). */
  lastRestoreRunningAt = 0;

  #restoredFrom: { id: string; diffDepth: number } | null = null;

  /** Background work for about `budgetMs`: restore pages first, then snapshot pages. */
  pump(budgetMs = DEFAULT_PUMP_BUDGET_MS): boolean {
    // Opening a prepared disk child is one unit on its own (~1 ms for a qcow2 file).
    if (this.freezer?.pump()) return true;
    const r = this.#restore;
    if (r) {
      const more = r.pump(budgetMs);
      if (more) return true;
      this.#restore = null;
      if (this.#restoredFrom) this.#base = { ...this.#restoredFrom, hashes: r.hashes };
      this.#restoredFrom = null;
      for (const start of this.#deferred.splice(0)) start();
      return true;
    }
    return this.writer.pump(budgetMs);
  }

  /** Waits for every snapshot and index update started so far. */
  async idle(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inflight.add(p);
    const done = () => this.#inflight.delete(p);
    p.then(done, done);
    return p;
  }

  async #list(result: SnapshotResult): Promise<IndexEntry> {
    const entry: IndexEntry = {
      ...result.meta,
      file: `${result.meta.id}.t86snap`,
      fileBytes: result.fileBytes,
      memoryBytes: result.memoryBytes,
    };
    await this.#dir.updateIndex((index) => ({ ...index, snapshots: [...index.snapshots, entry] }));
    return entry;
  }
}
