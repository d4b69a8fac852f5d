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
import {
  closeChainAsync,
  DiskFreezer,
  type DiskSlot,
  type PreparedDisks,
  prepareDisksSteps,
  removalsDone,
  removeOrphan,
  SpareMaker,
  verifyDiskRecord,
} from "./disk_freeze.ts";
import type { ResolvedSnapshot } from "./resolved_snapshot.ts";
import { openRestoreDisks } from "./restore_disks.ts";
import { DEFAULT_PUMP_BUDGET_MS } from "./stall_budget.ts";
import { HEAVY, type JobStep, StepJob, UNIT } from "./step_job.ts";
import { StallBudget } from "./stall_budget.ts";

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
  /** Makes disk child files (tests pass one with a fake worker); the session closes it. */
  readonly maker?: SpareMaker;
}

/** How long {@link SnapshotSession.close} lets background work finish before cutting the worker off. */
const CLOSE_GRACE_MS = 1000;

/** Status for the front end's status line. */
export interface SessionStatus {
  readonly busy: boolean;
  readonly queued: number;
  readonly restoring: boolean;
  /** 0–1 progress of the snapshot being written or the restore, null when idle. */
  readonly progress: number | null;
  readonly lastId: string | null;
}

/** What a restore needs before its pause: the snapshot read and verified, its disks open. */
interface RestoreWork {
  readonly resolved: ResolvedSnapshot;
  readonly disks: PreparedDisks | null;
}

/** A restore target kept prepared in the background (the latest snapshot: Ctrl-] r). */
interface ReadyRestore {
  readonly id: string;
  /** The disk records the preparation used (JSON), checked against the file's. */
  readonly disksKey: string;
  /** The preparation, run in bounded units from {@link SnapshotSession.pump}. */
  job: StepJob<RestoreWork> | null;
  work: Promise<RestoreWork>;
  done: boolean;
  /** The work once done without failing (read synchronously: awaiting even a settled promise lets a slice run first). */
  value: RestoreWork | null;
  /** A restore took it (it no longer counts as dropped). */
  taken: boolean;
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
  /** Snapshots being taken (a restore waits for them). */
  #inflight = new Set<Promise<unknown>>();
  /** File work a restore need not wait for: old chains closing, new children being synced. */
  #background = new Set<Promise<unknown>>();
  /** Makes the next snapshot's disk children ahead of time (null without drives). */
  readonly freezer: DiskFreezer | null;
  /** The id the next snapshot will get (its disk children are named after it). */
  #nextId: string | null = null;
  /** Makes disk child files off the thread (shared by the freezer and restores). */
  readonly #maker: SpareMaker;
  /** The restore kept prepared (the latest snapshot), or null. */
  #ready: ReadyRestore | null = null;
  /** The last snapshot this session listed (the likely restore target). */
  #latest: { id: string; disks: readonly DiskRecord[] } | null = null;
  #closed = false;
  /** A restore target to prepare from the next {@link pump} (the background starts there). */
  #wantReady: { id: string; disks: readonly DiskRecord[] } | null = null;
  /** {@link prepareNext} is due: done by the next {@link pump}, a unit of its own. */
  #wantNext = false;
  /** Dropped preparations: their jobs wound down and their disks closed from {@link pump}. */
  #dropping: ReadyRestore[] = [];
  /** What is left of closing a dropped preparation's disks, a unit each. */
  #aborts: (() => void)[] = [];
  readonly #abortBudget = new StallBudget(undefined, 0.05);

  constructor(options: SessionOptions) {
    this.#target = options.target;
    this.#dir = options.stateDir;
    this.#drives = options.drives ?? [];
    this.#eager = options.eager ?? [];
    this.writer = options.writer ?? new LiveSnapshotWriter();
    // With drives, the worker lives until close(): a restore must not wait for it to start.
    this.#maker = options.maker ?? new SpareMaker({ keepAlive: this.#drives.length > 0 });
    this.freezer = this.#drives.length > 0 ? new DiskFreezer(this.#drives, this.#dir.dir, this.#maker) : null;
  }

  /**
   * Creates the next snapshot's disk children in the background (a worker makes the files,
   * {@link pump} opens them), so that snapshot's pause is a flip. Called after every
   * snapshot and restore; call it once up front for the first snapshot.
   */
  prepareNext(): void {
    if (this.freezer === null || this.#closed) return;
    this.#nextId ??= this.#dir.newId();
    this.#maker.warm();
    try {
      // Run from a pump: no mkdir once the directory is known to exist (a child the worker cannot
      // make because it vanished since is created in the pause, which ensures it again).
      if (!this.#dir.ensured) this.#dir.ensure();
      this.freezer.prepare(this.#nextId);
    } catch {
      // The freeze falls back to creating the children in the pause.
    }
  }

  /** True when the next snapshot's disk children are open (its pause will do no file I/O). */
  get disksReady(): boolean {
    return this.freezer === null || (this.#nextId !== null && this.freezer.ready(this.#nextId));
  }

  /**
   * Prepares restoring snapshot `id` in the background (its file read and verified, its eager
   * memories decoded, its disk chains opened read-only and their new children made by the worker
   * and opened), so that `restore(id)` only attaches. One target is kept; preparing another drops
   * it. Done automatically for every snapshot this session takes, and again after a restore.
   */
  prepareRestore(id: string, disks: readonly DiskRecord[]): void {
    // Without drives a cold restore is only the file read: nothing worth keeping open.
    if (this.#closed || this.#drives.length === 0) return;
    if (this.#ready !== null && this.#ready.id === id) return;
    this.#dropReady();
    const tag = `${this.#dir.newId()}-restore`;
    const ready: ReadyRestore = {
      id,
      disksKey: JSON.stringify(disks),
      job: null,
      done: false,
      taken: false,
      work: Promise.withResolvers<RestoreWork>().promise,
      value: null,
    };
    const job = new StepJob(this.#prepareSteps(ready, disks, tag));
    ready.job = job;
    ready.work = job.promise;
    ready.work.then((value) => {
      ready.value = value;
      ready.done = true;
    }, (e) => {
      if (this.#ready === ready) this.lastPrepareError = e;
      ready.done = true;
      if (this.#ready === ready) this.#ready = null;
    });
    this.#ready = ready;
  }

  /** Why the last background restore preparation failed (null: none did; it is not retried). */
  lastPrepareError: unknown = null;

  /** True when restoring `id` would only attach (prepared in the background and done). */
  restoreReady(id: string): boolean {
    return this.#ready !== null && this.#ready.id === id && this.#ready.done;
  }

  /**
   * Drops the prepared restore (closing its chains, deleting its new children) when `keep`
   * says no to it (all of them by default): before something changes the files it opened.
   */
  dropPreparedRestore(keep: (paths: readonly string[]) => boolean = () => false): void {
    const r = this.#ready;
    if (r === null) return;
    const paths = (JSON.parse(r.disksKey) as DiskRecord[]).flatMap((d) => [d.frozenPath, ...d.layers]);
    if (!keep(paths)) this.#dropReady();
  }

  /**
   * The preparation of a restore, in units run from {@link pump}: the file and its bases read
   * (asynchronously) and verified, the eager memories decoded a page per unit, the disk chains
   * opened a layer per unit (children made by the worker).
   */
  *#prepareSteps(
    ready: ReadyRestore,
    disks: readonly DiskRecord[],
    tag: string,
  ): Generator<JobStep, RestoreWork, unknown> {
    const resolved = yield* this.#dir.openResolvedSteps(ready.id);
    // The first decoding step is the device state's (a few hundred µs): a pump of its own.
    yield HEAVY;
    for (const _ of resolved.decodeSteps(this.#eager)) yield UNIT;
    yield HEAVY;
    // Closing meanwhile: no child file is made for nothing.
    if (this.#closed || this.#ready !== ready) throw new Error("dropped");
    const meta = resolved.top.meta;
    if (identityMismatch(meta.identity, this.#target.config) !== null) throw new Error("other machine");
    const drives = new Set(this.#drives.map((d) => d.drive));
    if (meta.disks.some((d) => !drives.has(d.drive))) throw new Error("other drives");
    const prepared = disks.length === 0
      ? null
      : yield* prepareDisksSteps(disks, this.#dir.dir, tag, this.#maker);
    if (this.#ready !== ready && !ready.taken) {
      // Dropped while it was being prepared.
      prepared?.abort();
      throw new Error("dropped");
    }
    return { resolved, disks: prepared };
  }

  /**
   * Drops the prepared restore: its job is cancelled (it cleans up in later pumps) and a finished
   * one's disks are closed (and its children deleted) by a later pump, a unit of its own.
   */
  #dropReady(): void {
    const r = this.#ready;
    this.#ready = null;
    if (r === null) return;
    r.job?.cancel(new Error("dropped"));
    this.#dropping.push(r);
  }

  /** One unit of winding down dropped preparations; true when it did something. */
  #pumpDropping(budgetMs: number): boolean {
    if (this.#aborts.length > 0) {
      // A dropped preparation's layers closed a few per pump (closing a chain at once took ~1 ms).
      const budget = this.#abortBudget;
      budget.begin(budgetMs);
      while (this.#aborts.length > 0) {
        this.#aborts.shift()!();
        if (!budget.next()) break;
      }
      return true;
    }
    while (this.#dropping.length > 0) {
      const r = this.#dropping[0];
      const job = r.job;
      if (job !== null && !job.done) {
        if (job.pump(budgetMs)) return true;
        return false; // waiting for its file work
      }
      this.#dropping.shift();
      const disks = job?.value?.disks ?? null;
      if (disks !== null && !r.taken) {
        if (disks.abortUnits === undefined) disks.abort();
        else this.#aborts.push(...disks.abortUnits());
        return true;
      }
    }
    return false;
  }

  /** Runs the background jobs (preparations, dropped ones) to their end: for {@link close}. */
  async #drainJobs(): Promise<void> {
    for (;;) {
      const jobs = [this.#ready?.job, ...this.#dropping.map((r) => r.job)].filter((j) => j && !j.done);
      if (jobs.length === 0 && this.#dropping.length === 0 && this.#aborts.length === 0) return;
      if (!this.#pumpDropping(Number.POSITIVE_INFINITY)) {
        const waiting = this.#ready?.job;
        if (waiting && !waiting.done && !waiting.waiting) waiting.pump(Number.POSITIVE_INFINITY);
        else await new Promise((r) => setTimeout(r, 1));
      }
    }
  }

  /**
   * Drops the prepared disk children (deleting their files) and ends their worker. Settles within
   * about {@link CLOSE_GRACE_MS}: work still waiting for the worker then fails (the worker ends).
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#dropReady();
    const work = Promise.allSettled([this.#drainJobs(), this.freezer?.dispose()]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([work, new Promise((r) => timer = setTimeout(r, CLOSE_GRACE_MS))]);
    clearTimeout(timer);
    // Whatever still waits for a child file fails now, so the work above ends.
    const orphan = this.#maker.shutdown(new Error("snapshot session closed"));
    await work;
    // Children made for nothing are deleted asynchronously: gone before the process may exit.
    await removalsDone();
    if (orphan !== null) await removeOrphan(orphan);
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
        // The tops changed: the following snapshot's children are asked for by the next pump.
        if (this.freezer !== null) this.#wantNext = true;
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
    // Snapshots under way finish first; with none, the restore starts in this very call.
    if (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
    // A preparation still under way is not waited for: the cold path takes a few ms.
    const ready = this.#ready !== null && this.#ready.id === id && this.#ready.done ? this.#ready : null;
    if (ready === null) this.#dropReady();
    if (ready !== null) {
      // Prepared in the background: only the pause is left (after a last identity check).
      this.#ready = null;
      ready.taken = true;
      const work = ready.value;
      if (work !== null) {
        try {
          if (!sameFrozenLayers(JSON.parse(ready.disksKey), work.resolved.top.meta.disks)) {
            throw new Error("disk records differ");
          }
          for (const r of work.resolved.top.meta.disks) verifyDiskRecord(r);
        } catch (e) {
          work.disks?.abort();
          if (e instanceof SnapshotError) throw e;
          return this.#restoreCold(id);
        }
        return this.#switch(work.resolved, work.disks);
      }
    }
    return this.#restoreCold(id);
  }

  /**
   * A restore nothing was prepared for. The old timeline is being left, so there is no point
   * keeping it running while the restore is made ready: small snapshots (the usual case) are
   * read, verified and decoded in one step, and the disks are opened at once (sharing the
   * running chains' layers, a new child made on this thread: {@link openRestoreDisks}), so the
   * guest runs restored within a few ms of the command. Larger snapshot files are read
   * asynchronously first.
   */
  async #restoreCold(id: string): Promise<LazyRestore> {
    const drives = new Map(this.#drives.map((d) => [d.drive, d]));
    const checkDrives = (disks: readonly DiskRecord[], source: string) => {
      for (const d of disks) {
        if (!drives.has(d.drive)) {
          throw new SnapshotError(source, `has drive ${d.drive}, the machine has none`);
        }
      }
    };
    // From here to the end of the pause the loop does not run (with a quick read, nothing awaits).
    let blockedFrom = performance.now();
    const index = this.#dir.readIndex();
    let listed: readonly DiskRecord[] | null = null;
    try {
      listed = this.#dir.entry(id, index).disks;
    } catch {
      // Not listed: the disks are read from the file below.
    }
    // Not through an async call when quick: awaiting anything would let a slice of the old
    // timeline run before the restore goes on.
    let resolved = this.#dir.openForRestoreQuickly(id, this.#eager, index);
    if (resolved === null) {
      resolved = await this.#dir.openResolved(id);
      await resolved.predecode(this.#eager);
      blockedFrom = performance.now();
    }
    const meta = resolved.top.meta;
    const problem = identityMismatch(meta.identity, this.#target.config);
    if (problem) throw new SnapshotError(resolved.top.source, `made for a different machine: ${problem}`);
    checkDrives(meta.disks, resolved.top.source);
    // The index may list fewer layers than the file (rewind merges drop merged files from the
    // index): its records are the current ones when they name the same frozen layers.
    const records = listed !== null && sameFrozenLayers(listed, meta.disks) ? listed : meta.disks;
    const disks = records.length === 0 ? null : openRestoreDisks(
      records,
      this.#dir.dir,
      `${this.#dir.newId()}-restore`,
      (drive) => drives.get(drive)?.slot.chain,
    );
    if (disks !== null) this.#track(disks.durable, this.#background).catch(() => {});
    return this.#switch(resolved, disks, blockedFrom);
  }

  /** The restore's pause (attach, load state, swap chains), then the old chains closed. */
  async #switch(
    resolved: ResolvedSnapshot,
    prepared: PreparedDisks | null,
    blockedFrom: number | null = null,
  ): Promise<LazyRestore> {
    const drives = new Map(this.#drives.map((d) => [d.drive, d]));
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
    this.lastRestoreBlockedMs = performance.now() - (blockedFrom ?? t0);
    // The chains left behind are flushed and closed without blocking the loop.
    this.lastRestoreRunningAt = performance.now();
    if (this.freezer !== null) this.#wantNext = true;
    // The latest snapshot is the likely next target again (Ctrl-] r): prepared in the background.
    this.#wantReady = this.#latest;
    this.#restore = restore;
    this.#restoredFrom = { id: meta.id, diffDepth: meta.diffDepth };
    // The guest runs on (restored) while the chains left behind are flushed and closed
    // without blocking the loop; the promise resolves once they are durable.
    await Promise.all(
      old.map((chain) => this.#track(closeChainAsync(chain, prepared?.shared?.(chain)), this.#background)),
    );
    return restore;
  }

  /** How long the last restore stopped the guest (state load, disk switch), in ms. */
  lastRestorePauseMs = 0;
  /**
   * How long the last restore kept the emulation loop from running in one stretch, in ms: the
   * pause, and for a cold restore also the reading and opening done at once before it.
   */
  lastRestoreBlockedMs = 0;
  /** performance.now() when the last restore's pause ended (the guest ran restored from then). */
  lastRestoreRunningAt = 0;

  #restoredFrom: { id: string; diffDepth: number } | null = null;

  /**
   * Background work for about `budgetMs`: the next snapshot's disk children asked for or opened,
   * a dropped preparation wound down, restore pages, then snapshot pages, then (in a pump where the
   * snapshot had no page work) units of the restore preparation. True when it did something.
   */
  pump(budgetMs = DEFAULT_PUMP_BUDGET_MS): boolean {
    // Asking for the next snapshot's disk children (the tops changed) is a unit on its own.
    if (this.#wantNext) {
      this.#wantNext = false;
      this.prepareNext();
      return true;
    }
    // Opening a prepared disk child is one unit on its own (~1 ms for a qcow2 file).
    if (this.freezer?.pump()) return true;
    if (this.#pumpDropping(budgetMs)) return true;
    const want = this.#wantReady;
    if (want !== null && this.#restore === null) {
      this.#wantReady = null;
      this.prepareRestore(want.id, want.disks);
    }
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
    const t0 = performance.now();
    const more = this.writer.pump(budgetMs);
    // The restore preparation runs in pumps where the snapshot being written did (next to) nothing
    // (none is, or it waits for its file to be durable): their units do not add up in one pump.
    const job = this.#ready?.job;
    if (job && !job.done && !job.waiting && performance.now() - t0 < 0.05) {
      return job.pump(budgetMs) || more;
    }
    // True only when something was done or is left for the writer: a preparation waiting for its
    // file work does not keep the caller from work of its own (the rewind ring's merge steps).
    return more;
  }

  /** Waits for every snapshot and index update started so far. */
  async idle(): Promise<void> {
    while (this.#inflight.size + this.#background.size > 0) {
      await Promise.allSettled([...this.#inflight, ...this.#background]);
    }
  }

  #track<T>(p: Promise<T>, set = this.#inflight): Promise<T> {
    set.add(p);
    const done = () => set.delete(p);
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
    this.#latest = { id: entry.id, disks: entry.disks };
    this.#wantReady = this.#latest;
    return entry;
  }
}

/** True when both lists name the same frozen layers (drive, file, format, identity), in order. */
function sameFrozenLayers(a: readonly DiskRecord[], b: readonly DiskRecord[]): boolean {
  const key = (d: DiskRecord) => JSON.stringify([d.drive, d.frozenPath, d.format, d.identity]);
  return a.length === b.length && a.every((d, i) => key(d) === key(b[i]));
}
