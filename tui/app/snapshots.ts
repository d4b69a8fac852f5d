/**
 * The app's side of live snapshots: one {@link SnapshotSession} for the running machine, the
 * rewind ring, the disk and snapshot panel actions, and the status text. The emulation loop calls
 * {@link SnapshotController.pump} after every slice.
 *
 * Disks opened behind an in-memory overlay (no `--write`) cannot be frozen, so before the first
 * snapshot each such overlay is moved into a qcow2 (or VHD) child in the state directory (the image
 * itself stays untouched). Without `--write`, layers this run created that no snapshot refers to are
 * deleted on exit, as the memory overlay would have been.
 *
 * @example
 * ```ts
 * const snaps = SnapshotController.open({ machine, stateDir, drives, write: false, allowParentDirs: [] });
 * const entry = await snaps.snapshot().done;
 * ```
 */
import { dirname, resolve } from "node:path";
import type { Machine } from "../../core/machine/machine.ts";
import { childPath, type DiskSlot } from "../../core/snapshot/disk_freeze.ts";
import { SnapshotSession } from "../../core/snapshot/session.ts";
import { LayerMerge, planMerges } from "../../core/snapshot/layer_merge.ts";
import type { IndexEntry } from "../../core/snapshot/snapshot_index.ts";
import { StateDir } from "../../core/snapshot/state_dir.ts";
import { deleteSnapshot, deleteSnapshotAsync, setLabel } from "../../core/snapshot/tree_ops.ts";
import { type DiskChain, openChain } from "../../disks/chain.ts";
import type { ImageFormat } from "../../disks/layer.ts";
import { MemoryOverlay } from "../../disks/memory_overlay.ts";
import { commitDisk } from "../../disks/ops/commit.ts";
import { buildDiskChainModel, type DiskChainModel, frozenLayers } from "../panels/disk_chain_model.ts";
import type { DiskChainAction } from "../panels/disk_chain_actions.ts";
import type { SnapshotTreeAction } from "../panels/snapshot_tree_actions.ts";
import { type SnapshotTreeModel, snapshotTreeModel } from "../panels/snapshot_tree_model.ts";
import { EAGER_MEMORIES, machineSnapshotTarget } from "./machine_target.ts";

/** A drive ("a", "c"…) and the slot the machine reads it through. */
export interface SnapshotDrive {
  readonly drive: string;
  readonly slot: DiskSlot;
}

/** Automatic snapshots every `intervalMs`, the last `count` kept. */
export interface RewindSettings {
  readonly intervalMs: number;
  readonly count: number;
}

/** How the controller is wired. */
export interface SnapshotControllerOptions {
  readonly machine: Machine;
  readonly stateDir: string;
  readonly drives: readonly SnapshotDrive[];
  /** `--write`: layers are kept on exit and commits may go into the images. */
  readonly write: boolean;
  readonly allowParentDirs: readonly string[];
  readonly rewind?: RewindSettings | null;
  /** Wall clock in ms (default performance.now). */
  readonly now?: () => number;
  /**
   * How long after start the first snapshot's disk children start being prepared in the
   * background (default {@link FIRST_PREPARE_DELAY_MS}).
   */
  readonly firstPrepareDelayMs?: number;
}

/**
 * The first snapshot's disk children (a worker makes them) are not prepared at once: during
 * the first second the boot has the machine to itself (on a 2-core host the worker's start-up
 * competed with the emulator for a core), a short scripted run never starts the worker at all,
 * and nobody snapshots in the first second; a snapshot taken sooner freezes the slow way.
 */
export const FIRST_PREPARE_DELAY_MS = 1000;

/** A snapshot request: whether it waits behind another, and its result. */
export interface SnapshotRequest {
  readonly queued: boolean;
  readonly done: Promise<IndexEntry>;
}

/** Parses `--rewind <interval>:<count>` ("5s:60", "500ms:10", "2m:30"). */
export function parseRewind(text: string): RewindSettings {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?:(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`--rewind ${text}: expected <interval>:<count>, e.g. 5s:60`);
  const unit = m[2] === "ms" ? 1 : m[2] === "m" ? 60_000 : 1000;
  const intervalMs = Number(m[1]) * unit;
  const count = Number(m[3]);
  if (!(intervalMs >= 100) || count < 1) {
    throw new Error(`--rewind ${text}: the interval must be at least 100ms and the count at least 1`);
  }
  return { intervalMs, count };
}

const COPY_SECTORS = 128;
const REWIND_LABEL = "rewind";

/** Snapshots, restores, rewind and panel actions of one running machine. */
export class SnapshotController {
  readonly session: SnapshotSession;
  readonly dir: StateDir;
  readonly #drives: readonly SnapshotDrive[];
  readonly #write: boolean;
  readonly #allowParentDirs: readonly string[];
  readonly #rewind: RewindSettings | null;
  readonly #now: () => number;
  readonly #runTag: string;
  /** Layer files this run created (candidates for clean-up without --write). */
  readonly #created = new Set<string>();
  #ring: string[] = [];
  /** Rewind points dropped from the ring, still to be deleted. */
  #evict: string[] = [];
  /** The eviction in progress (with the chain-depth merge it allows). */
  #evicting: Promise<void> | null = null;
  /** The rewind points' index entries (their disk records name the layers a merge joins). */
  #ringEntries = new Map<string, IndexEntry>();
  /** The chain-depth merge in progress (its copy units run from {@link pump}). */
  #merge: LayerMerge | null = null;
  #closing = false;
  /** Chain-depth merges completed (tests, status). */
  merges = 0;
  #ringPos: number | null = null;
  #lastRewind: number;
  #rewindTaking = false;
  #restoring = false;
  #lastSaved: string | null = null;
  /** When the pump may first prepare disk children (see FIRST_PREPARE_DELAY_MS). */
  readonly #prepareFrom: number;
  /** Whether the state directory was there before this run (else close removes it if left empty). */
  readonly #dirExisted: boolean;
  /** Called when something the status line or a panel shows changed. */
  onChange: (note: string) => void = () => {};

  constructor(options: SnapshotControllerOptions) {
    this.dir = new StateDir(options.stateDir);
    this.#dirExisted = pathExists(options.stateDir);
    this.#drives = options.drives;
    this.#write = options.write;
    this.#allowParentDirs = options.allowParentDirs;
    this.#rewind = options.rewind ?? null;
    this.#now = options.now ?? (() => performance.now());
    this.#lastRewind = this.#now();
    this.#prepareFrom = this.#lastRewind + (options.firstPrepareDelayMs ?? FIRST_PREPARE_DELAY_MS);
    this.#runTag = this.dir.newId();
    this.session = new SnapshotSession({
      target: machineSnapshotTarget(options.machine),
      stateDir: this.dir,
      drives: options.drives,
      eager: EAGER_MEMORIES,
    });
  }

  /** The rewind ring's snapshot ids, oldest first. */
  get rewindRing(): readonly string[] {
    return this.#ring;
  }

  /** Takes a live snapshot; `queued` when another one is still being saved. */
  snapshot(label = ""): SnapshotRequest {
    const queued = this.session.status.busy;
    this.#materialize();
    const done = this.session.snapshot(label).then((entry) => {
      this.#lastSaved = entry.id;
      this.#noteTops();
      return entry;
    });
    return { queued, done };
  }

  /** The most recently taken snapshot in the state directory, or null. */
  latestId(): string | null {
    const all = this.#entries();
    let best: IndexEntry | null = null;
    for (const e of all) if (best === null || e.createdAt >= best.createdAt) best = e;
    return best?.id ?? null;
  }

  /** Restores snapshot `id` (CPU and devices at once, memory lazily through {@link pump}). */
  async restore(id: string): Promise<void> {
    this.#restoring = true;
    try {
      await this.session.restore(id);
      this.#noteTops();
    } finally {
      this.#restoring = false;
    }
  }

  get restoring(): boolean {
    return this.#restoring || this.session.status.restoring;
  }

  /** The next older rewind snapshot to go back to (null when the ring is empty). */
  rewindTarget(): string | null {
    if (this.#ring.length === 0) return null;
    const pos = this.#ringPos === null ? this.#ring.length - 1 : Math.max(0, this.#ringPos - 1);
    this.#ringPos = pos;
    this.#lastRewind = this.#now();
    return this.#ring[pos];
  }

  /** Background work for about `budgetMs`: restore pages, snapshot pages, the rewind timer. */
  pump(budgetMs = 0.5): void {
    const worked = this.session.pump(budgetMs);
    if (!this.session.status.busy && !this.restoring) {
      // One unit of the chain-depth merge (copies one cluster), in a pump with nothing else.
      if (!worked && this.#merge?.step()) return;
      // Disk children for the next snapshot, made in the background (its pause is then a flip).
      if (!this.session.disksReady && this.#now() >= this.#prepareFrom) this.session.prepareNext();
      // Evicted rewind points, one at a time, asynchronously (re-basing its child, the index
      // update and the removal never block the loop on a file's I/O).
      if (this.#evicting === null) {
        const old = this.#evict.shift();
        if (old !== undefined) {
          const entry = this.#ringEntries.get(old);
          this.#ringEntries.delete(old);
          this.#evicting = deleteSnapshotAsync(this.dir, old, true)
            .then(() => entry ? this.#mergeAfter(entry) : undefined)
            .catch((e) => this.onChange(`rewind clean-up failed: ${oneLine(e)}`))
            .finally(() => this.#evicting = null);
          return;
        }
      }
    }
    const r = this.#rewind;
    if (r === null || this.#rewindTaking || this.restoring) return;
    const now = this.#now();
    if (now - this.#lastRewind < r.intervalMs || this.session.status.busy) return;
    this.#lastRewind = now;
    this.#rewindTaking = true;
    this.snapshot(REWIND_LABEL).done.then((entry) => {
      this.#ring.push(entry.id);
      this.#ringEntries.set(entry.id, entry);
      this.#ringPos = null;
      // Deleted later from pump, one per call while no snapshot or restore runs.
      while (this.#ring.length > r.count) this.#evict.push(this.#ring.shift()!);
    }).catch((e) => this.onChange(`rewind snapshot failed: ${oneLine(e)}`)).finally(() => {
      this.#rewindTaking = false;
    });
  }

  /**
   * After evicting a rewind point: merges its frozen layer into the unreferenced layer below
   * (see core/snapshot/layer_merge.ts), so a long rewind session keeps the chain depth bounded.
   */
  async #mergeAfter(evicted: IndexEntry): Promise<void> {
    const plans = await planMerges(this.dir, evicted, this.#entries());
    for (const plan of plans) {
      if (this.#closing) return;
      // A prepared restore holding either file is dropped (made again later).
      this.session.dropPreparedRestore((paths) =>
        !paths.some((p) => resolve(p) === plan.lower || resolve(p) === plan.upper)
      );
      const merge = new LayerMerge(plan, this.#drives);
      this.#merge = merge;
      try {
        await merge.done;
      } finally {
        this.#merge = null;
      }
      this.merges++;
      this.#created.delete(plan.lower);
      // The lower file is gone: the records that listed it among their layers stop naming it.
      await this.dir.updateIndex((index) => ({
        ...index,
        snapshots: index.snapshots.map((e) => ({
          ...e,
          disks: e.disks.map((d) => ({ ...d, layers: d.layers.filter((l) => resolve(l) !== plan.lower) })),
        })),
      }));
    }
  }

  /** One line for the status line while a snapshot is saved or a restore loads, else null. */
  statusText(): string | null {
    const s = this.session.status;
    const p = this.session.writer.progress;
    if (p !== null) {
      const pct = Math.floor((p.pagesDone / Math.max(1, p.pagesTotal)) * 100);
      return `snapshot ${p.id} saving ${pct}%` + (s.queued > 0 ? `, ${s.queued} queued` : "");
    }
    if (s.restoring && s.progress !== null) return `restoring ${Math.floor(s.progress * 100)}%`;
    return null;
  }

  /** The id of the last snapshot this run saved. */
  get lastSaved(): string | null {
    return this.#lastSaved;
  }

  /** Waits for every snapshot started so far, pumping the writer (for exit and tests). */
  async finish(): Promise<void> {
    let settled = false;
    const idle = this.session.idle().then(() => settled = true);
    while (!settled) {
      this.session.pump(20);
      await new Promise((r) => setTimeout(r, 0));
    }
    await idle;
  }

  /** Loads every page still missing after a restore (for exit and tests). */
  finishRestore(): void {
    while (this.session.status.restoring) this.session.pump(50);
  }

  /**
   * Finishes pending snapshots and closes the drives; without `--write`, deletes the layers this run
   * created that no snapshot refers to.
   */
  async close(): Promise<void> {
    try {
      await this.finish();
      this.#closing = true;
      this.#merge?.abandon();
      await this.#evicting;
      for (const id of this.#evict.splice(0)) deleteSnapshot(this.dir, id, true);
    } finally {
      await this.session.close();
      for (const d of this.#drives) {
        try {
          d.slot.flush();
          d.slot.close();
        } catch {
          // best effort while closing
        }
      }
      if (!this.#write) this.#cleanUp();
      if (!this.#dirExisted) removeIfEmpty(this.dir.dir);
    }
  }

  // ---- Panels -------------------------------------------------------------

  /** The snapshot tree panel's model. */
  treeModel(): SnapshotTreeModel {
    const p = this.session.writer.progress;
    return snapshotTreeModel(this.#entries(), {
      currentId: this.session.baseId,
      inProgress: p === null ? null : {
        id: p.id,
        parentId: this.session.baseId,
        time: new Date(),
        pagesDone: p.pagesDone,
        pagesTotal: p.pagesTotal,
        bytesWritten: p.bytesWritten,
      },
    });
  }

  /** The disk chain panel's model. */
  diskModel(): DiskChainModel {
    return buildDiskChainModel(
      this.#drives.map((d) => ({ name: `${d.drive.toUpperCase()}:`, chain: d.slot.chain })),
      frozenLayers(this.#entries()),
    );
  }

  /** Performs a snapshot tree action; returns the note to show. */
  async treeAction(action: SnapshotTreeAction): Promise<string> {
    switch (action.type) {
      case "restore":
        await this.restore(action.id);
        return `restored ${action.id}`;
      case "delete": {
        await this.finish();
        await this.#evicting;
        const report = deleteSnapshot(this.dir, action.id, true);
        this.#ring = this.#ring.filter((id) => id !== action.id);
        this.#ringPos = null;
        return `deleted ${action.id}` +
          (report.rebased.length > 0 ? ` (${report.rebased.length} re-based)` : "");
      }
      case "label":
        await this.finish();
        setLabel(this.dir, action.id, action.text ?? "");
        return `labelled ${action.id}`;
    }
  }

  /** Performs a disk chain action on the running machine's drive; returns the note to show. */
  diskAction(action: DiskChainAction): string {
    const d = this.#drives.find((x) => `${x.drive.toUpperCase()}:` === action.drive);
    if (!d) throw new Error(`no drive ${action.drive}`);
    const chain = d.slot.chain;
    const layers = chain.layers;
    const top = chain.top;
    if (layers.length - 1 !== action.layerIndex) throw new Error("the disk changed; look again");
    switch (action.type) {
      case "new-child": {
        if (top instanceof MemoryOverlay) throw new Error("a file child cannot go over the memory overlay");
        this.dir.ensure();
        const format: ImageFormat = top.format === "vhd" ? "vhd" : "qcow2";
        const path = childPath(this.dir.dir, d.drive, `${this.dir.newId()}-child`, format);
        chain.pushChild(path, format);
        this.#created.add(resolve(path));
        return `${action.drive} writes now go to ${path}`;
      }
      case "discard": {
        if (layers.length < 2) throw new Error("the base image cannot be discarded");
        const parent = layers[layers.length - 2];
        const fresh = this.#reopen(parent.path, parent.format);
        d.slot.switchTo(fresh);
        if (!(top instanceof MemoryOverlay)) Deno.removeSync(top.path);
        this.#created.delete(resolve(top.path));
        return `${action.drive} rolled back to ${parent.path}`;
      }
      case "commit": {
        if (layers.length < 2) throw new Error("the base image has no parent to commit into");
        const parent = layers[layers.length - 2];
        if (top instanceof MemoryOverlay) {
          throw new Error("the memory overlay cannot be committed; take a snapshot or run with --write");
        }
        if (!this.#writable(parent.path)) {
          throw new Error(`${parent.path} is outside the state directory; run with --write to change it`);
        }
        // The next snapshot's prepared children are children of the top too: made again later.
        this.session.freezer?.dropSpares();
        d.slot.flush();
        commitDisk(top.path, { discard: true, allowParentDirs: this.#parentDirs() });
        this.#created.delete(resolve(top.path));
        d.slot.switchTo(this.#reopen(parent.path, parent.format));
        return `${action.drive} committed into ${parent.path}`;
      }
    }
  }

  // ---- Internals ------------------------------------------------------------

  #entries(): IndexEntry[] {
    try {
      return this.dir.readIndex().snapshots;
    } catch {
      return [];
    }
  }

  #parentDirs(): string[] {
    return [...this.#allowParentDirs, this.dir.dir];
  }

  /** May the app write to this layer file without --write? (Only its own, in the state directory.) */
  #writable(path: string): boolean {
    return this.#write || resolve(dirname(path)) === resolve(this.dir.dir);
  }

  /** Opens the chain topped by `path`: writable if allowed, else read-only under a memory overlay. */
  #reopen(path: string, format: ImageFormat): DiskChain {
    const writable = this.#writable(path);
    const chain = openChain(path, { readOnly: !writable, format, allowParentDirs: this.#parentDirs() });
    if (!writable) chain.pushOverlay();
    return chain;
  }

  /** Moves every memory overlay into a file child in the state directory (so it can be frozen). */
  #materialize(): void {
    for (const d of this.#drives) {
      const chain = d.slot.chain;
      const layers = chain.layers;
      const top = chain.top;
      if (!(top instanceof MemoryOverlay) || layers.length < 2) continue;
      this.dir.ensure();
      const below = layers[layers.length - 2];
      const format: ImageFormat = below.format === "vhd" ? "vhd" : "qcow2";
      const path = childPath(this.dir.dir, d.drive, `${this.#runTag}-run`, format);
      const fresh = openChain(below.path, {
        readOnly: true,
        format: below.format,
        allowParentDirs: this.#parentDirs(),
      });
      try {
        fresh.pushChild(path, format);
        this.#created.add(resolve(path));
        const overlay = layers.length - 1;
        const buf = new Uint8Array(COPY_SECTORS * 512);
        for (const e of chain.extents()) {
          if (e.layer !== overlay) continue;
          for (let at = e.start; at < e.start + e.count; at += COPY_SECTORS) {
            const n = Math.min(COPY_SECTORS, e.start + e.count - at);
            const part = buf.subarray(0, n * 512);
            chain.read(at, n, part);
            fresh.write(at, n, part);
          }
        }
        fresh.flush();
      } catch (e) {
        fresh.close();
        throw e;
      }
      d.slot.switchTo(fresh);
    }
    this.#noteTops();
  }

  #noteTops(): void {
    for (const d of this.#drives) {
      const top = d.slot.chain.top;
      if (top instanceof MemoryOverlay) continue;
      const path = resolve(top.path);
      if (resolve(dirname(path)) === resolve(this.dir.dir)) this.#created.add(path);
    }
  }

  #cleanUp(): void {
    const used = new Set<string>();
    for (const e of this.#entries()) {
      for (const disk of e.disks) {
        used.add(resolve(disk.frozenPath));
        for (const l of disk.layers) used.add(resolve(l));
      }
    }
    for (const path of this.#created) {
      if (used.has(path)) continue;
      try {
        Deno.removeSync(path);
      } catch {
        // already gone
      }
    }
    this.#created.clear();
  }
}

function pathExists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Removes `dir` if it is an empty directory (a run that saved nothing leaves nothing behind). */
function removeIfEmpty(dir: string): void {
  try {
    if (Deno.statSync(dir).isDirectory) Deno.removeSync(dir); // not recursive: fails unless empty
  } catch {
    // not there, or something in it: keep it
  }
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
