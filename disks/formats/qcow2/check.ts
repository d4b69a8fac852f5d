/**
 * Consistency check of a qcow2 image, in the spirit of `qemu-img check`: rebuild every
 * cluster's reference count from the structures that point at clusters (header, L1/L2
 * tables of the active state and of every snapshot, refcount table and blocks, snapshot
 * table, bitmaps), then compare with the stored refcounts.
 *
 * A stored refcount lower than the references is corruption (an error); a higher one is
 * a leak. Findings that repair fixed are listed under `repaired`, not `errors`. Repair only does what the scan proves safe: it lowers leaked refcounts and
 * fixes COPIED flags, and only when every structure could be read; for an image marked
 * dirty (lazy refcounts, so stored counts are known to be stale) it also raises refcounts
 * that are too low, then clears the dirty bit.
 */
import { DiskError } from "../../errors.ts";
import { HostFile } from "../../host_file.ts";
import { EXT_BITMAPS, type HeaderExtension, parseExtensions } from "./extensions.ts";
import { assertSupported } from "./features.ts";
import { AUTOCLEAR_BITMAPS, FIELD, INCOMPAT_DIRTY, parseHeader, type Qcow2Header } from "./header.ts";
import {
  compressedExtent,
  EntryTable,
  HI_RESERVED_L1,
  isCopied,
  KIND_COMPRESSED,
  KIND_NORMAL,
  KIND_ZERO,
  l2Kind,
  LO_RESERVED_L1,
  pointerOffset,
} from "./l1l2.ts";
import {
  getRefcountEntry,
  type RefcountBlock,
  refcountTableEntryOffset,
  setRefcountEntry,
} from "./refcount.ts";
import { readSnapshotTable } from "./snapshots.ts";

/** Options for {@link checkQcow2}. */
export interface Qcow2CheckOptions {
  readonly repair: boolean;
}

/** What {@link checkQcow2} found and did. */
export interface Qcow2CheckResult {
  /** Corruption: refcounts too low, overlapping or misplaced structures, wrong COPIED flags. */
  readonly errors: string[];
  /** Harmless findings: leaks (listed individually up to a limit), dirty image. */
  readonly warnings: string[];
  /** Clusters whose stored refcount exceeds their references (before any repair). */
  readonly leakedClusters: number;
  /** What repair changed. */
  readonly repaired: string[];
}

/** Clusters the checker is willing to track (4 + 1 bytes each). */
const MAX_CHECK_CLUSTERS = 2 ** 27;
/** Individual messages kept per kind; the rest are summarised. */
const MESSAGE_LIMIT = 50;

const USE_HEADER = 1;
const USE_L1 = 2;
const USE_L2 = 3;
const USE_DATA = 4;
const USE_COMPRESSED = 5;
const USE_REFCOUNT_TABLE = 6;
const USE_REFCOUNT_BLOCK = 7;
const USE_SNAPSHOT_TABLE = 8;
const USE_SNAPSHOT_L1 = 9;
const USE_BITMAP = 10;
const USE_NAMES = [
  "",
  "header",
  "L1 table",
  "L2 table",
  "data",
  "compressed data",
  "refcount table",
  "refcount block",
  "snapshot table",
  "snapshot L1 table",
  "bitmap metadata",
];
/** Uses that may legitimately be referenced more than once (shared through snapshots, or packed compressed data). */
const SHAREABLE = new Set([USE_L2, USE_DATA, USE_COMPRESSED]);

/** Checks (and with `repair`, fixes what is provably safe to fix in) the qcow2 image at `path`. */
export function checkQcow2(path: string, options: Qcow2CheckOptions): Qcow2CheckResult {
  const file = HostFile.open(path, !options.repair);
  try {
    return new Checker(file, options.repair).run();
  } finally {
    file.close();
  }
}

class Checker {
  readonly #file: HostFile;
  readonly #repair: boolean;
  readonly #fileSize: number;
  readonly #header: Qcow2Header;
  readonly #extensions: readonly HeaderExtension[];
  readonly #cs: number;
  readonly #fileClusters: number;
  readonly #computed: Uint32Array;
  readonly #use: Uint8Array;
  readonly #errors = new MessageList();
  readonly #warnings = new MessageList();
  readonly #repaired: string[] = [];
  /** Set when some structure could not be read: the reference scan is incomplete, so no repair. */
  #incomplete = false;

  constructor(file: HostFile, repair: boolean) {
    this.#file = file;
    this.#repair = repair;
    this.#fileSize = file.size();
    const first = new Uint8Array(Math.min(this.#fileSize, 2 ** 21));
    file.readUpTo(0, first);
    this.#header = parseHeader(first, this.#fileSize, file.path);
    this.#cs = 2 ** this.#header.clusterBits;
    const extEnd = this.#header.backingFileOffset || this.#cs;
    this.#extensions = parseExtensions(
      first.subarray(0, this.#cs),
      this.#header.headerLength,
      extEnd,
      file.path,
    );
    assertSupported(this.#header, this.#extensions, file.path, true);
    this.#fileClusters = Math.ceil(this.#fileSize / this.#cs);
    if (this.#fileClusters > MAX_CHECK_CLUSTERS) {
      throw new DiskError(file.path, `qcow2: too many clusters to check (${this.#fileClusters})`);
    }
    this.#computed = new Uint32Array(this.#fileClusters);
    this.#use = new Uint8Array(this.#fileClusters);
  }

  run(): Qcow2CheckResult {
    const h = this.#header;
    const dirty = (h.incompatibleFeatures & INCOMPAT_DIRTY) !== 0n;
    if (dirty) this.#warnings.add("image is dirty: stored refcounts may be stale (lazy refcounts)");
    this.#reference(0, this.#cs, USE_HEADER, "header");
    this.#reference(h.l1TableOffset, h.l1Size * 8, USE_L1, "active L1 table");
    this.#walkL1(h.l1TableOffset, h.l1Size, "active");
    const blocks = this.#scanRefcountTable();
    this.#scanSnapshots();
    this.#scanBitmaps();

    const { leaked, tooLow } = this.#compare(blocks, dirty);
    const copiedFixes = this.#checkCopiedFlags(blocks);
    const repairing = this.#repair && !this.#incomplete;
    if (repairing) this.#applyRepairs(blocks, leaked, dirty ? tooLow : [], copiedFixes, dirty);
    else for (const fix of copiedFixes) this.#errors.add(fix.problem);
    return {
      errors: this.#errors.finish("errors"),
      warnings: this.#warnings.finish("warnings"),
      leakedClusters: leaked.length,
      repaired: this.#repaired,
    };
  }

  /** Counts one reference to every cluster overlapping [offset, offset + length). */
  #reference(offset: number, length: number, use: number, what: string): boolean {
    if (length <= 0) return true;
    if (offset % this.#cs !== 0 && use !== USE_COMPRESSED) {
      this.#errors.add(`${what} at unaligned offset ${offset}`);
      this.#incomplete = true;
      return false;
    }
    if (offset + length > this.#fileSize) {
      this.#errors.add(
        `${what} at offset ${offset} lies beyond the end of the file (${this.#fileSize} bytes)`,
      );
      this.#incomplete = true;
      return false;
    }
    const first = Math.floor(offset / this.#cs);
    const last = Math.floor((offset + length - 1) / this.#cs);
    for (let c = first; c <= last; c++) {
      const previous = this.#use[c];
      if (previous !== 0 && (previous !== use || !SHAREABLE.has(use))) {
        this.#errors.add(`cluster ${c} is used as both ${USE_NAMES[previous]} and ${what} (overlap)`);
      }
      this.#use[c] = use;
      this.#computed[c]++;
    }
    return true;
  }

  #readTable(offset: number, bytes: number): EntryTable {
    const table = new EntryTable(new Uint8Array(bytes));
    this.#file.readAt(offset, table.bytes);
    return table;
  }

  /** References the L2 tables and data clusters reachable from one L1 table. */
  #walkL1(l1Offset: number, l1Size: number, label: string): void {
    if (l1Size === 0) return;
    if (l1Offset % this.#cs !== 0 || l1Offset + l1Size * 8 > this.#fileSize) return; // reported by #reference
    const l1 = this.#readTable(l1Offset, l1Size * 8);
    for (let i = 0; i < l1Size; i++) {
      const hi = l1.hi(i);
      const lo = l1.lo(i);
      const l2Offset = pointerOffset(hi, lo);
      if (l2Offset === 0) continue;
      if ((lo & LO_RESERVED_L1) || (hi & HI_RESERVED_L1)) {
        this.#warnings.add(`${label} L1 entry ${i} has reserved bits set`);
      }
      if (!this.#reference(l2Offset, this.#cs, USE_L2, `L2 table (${label} L1 entry ${i})`)) continue;
      this.#walkL2(this.#readTable(l2Offset, this.#cs), `${label} L2 table at ${l2Offset}`);
    }
  }

  #walkL2(l2: EntryTable, label: string): void {
    const version = this.#header.version;
    for (let j = 0; j < l2.length; j++) {
      const hi = l2.hi(j);
      const lo = l2.lo(j);
      const kind = l2Kind(hi, lo, version);
      if (kind === KIND_COMPRESSED) {
        if (isCopied(hi)) this.#errors.add(`${label} entry ${j}: compressed cluster has the COPIED flag set`);
        const extent = compressedExtent(hi, lo, this.#header.clusterBits);
        this.#reference(
          extent.offset,
          extent.length,
          USE_COMPRESSED,
          `compressed data (${label} entry ${j})`,
        );
      } else if (kind === KIND_NORMAL || kind === KIND_ZERO) {
        const offset = pointerOffset(hi, lo);
        if (offset !== 0) this.#reference(offset, this.#cs, USE_DATA, `data cluster (${label} entry ${j})`);
      }
    }
  }

  /** References the refcount table and its blocks; returns block offsets by table index (0 = none/unusable). */
  #scanRefcountTable(): Float64Array {
    const h = this.#header;
    const bytes = h.refcountTableClusters * this.#cs;
    this.#reference(h.refcountTableOffset, bytes, USE_REFCOUNT_TABLE, "refcount table");
    const raw = new Uint8Array(bytes);
    this.#file.readAt(h.refcountTableOffset, raw);
    const view = new DataView(raw.buffer);
    const blocks = new Float64Array(bytes / 8);
    for (let k = 0; k < blocks.length; k++) {
      let offset: number;
      try {
        offset = refcountTableEntryOffset(view, k, this.#file.path);
      } catch (e) {
        this.#errors.add(
          e instanceof Error ? e.message.replace(`${this.#file.path}: qcow2: `, "") : String(e),
        );
        this.#incomplete = true;
        continue;
      }
      if (offset === 0) continue;
      if (this.#reference(offset, this.#cs, USE_REFCOUNT_BLOCK, `refcount block ${k}`)) blocks[k] = offset;
    }
    return blocks;
  }

  #scanSnapshots(): void {
    const h = this.#header;
    if (h.nbSnapshots === 0) return;
    let table;
    try {
      table = readSnapshotTable(this.#file, h.snapshotsOffset, h.nbSnapshots);
    } catch (e) {
      this.#errors.add(`snapshot table unreadable: ${e instanceof Error ? e.message : String(e)}`);
      this.#incomplete = true;
      return;
    }
    this.#reference(h.snapshotsOffset, table.tableBytes, USE_SNAPSHOT_TABLE, "snapshot table");
    for (const s of table.snapshots) {
      const label = `snapshot ${s.id}`;
      if (this.#reference(s.l1TableOffset, s.l1Size * 8, USE_SNAPSHOT_L1, `${label} L1 table`)) {
        this.#walkL1(s.l1TableOffset, s.l1Size, label);
      }
    }
  }

  /**
   * References the bitmap directory, bitmap tables and bitmap data clusters. Like QEMU,
   * only while the bitmaps autoclear bit vouches for them; otherwise their clusters are leaks.
   */
  #scanBitmaps(): void {
    const ext = this.#extensions.find((e) => e.type === EXT_BITMAPS);
    if (!ext || (this.#header.autoclearFeatures & AUTOCLEAR_BITMAPS) === 0n) return;
    if (ext.data.length < 24) {
      this.#errors.add("bitmaps extension is too short");
      this.#incomplete = true;
      return;
    }
    const view = new DataView(ext.data.buffer, ext.data.byteOffset, ext.data.byteLength);
    const count = view.getUint32(0);
    const dirSize = Number(view.getBigUint64(8));
    const dirOffset = Number(view.getBigUint64(16));
    if (dirSize > 64 * 1024 * 1024 || !this.#reference(dirOffset, dirSize, USE_BITMAP, "bitmap directory")) {
      this.#incomplete = true;
      return;
    }
    const dir = new Uint8Array(dirSize);
    this.#file.readAt(dirOffset, dir);
    const d = new DataView(dir.buffer);
    let at = 0;
    for (let n = 0; n < count && at + 24 <= dirSize; n++) {
      const tableOffset = Number(d.getBigUint64(at));
      const tableEntries = d.getUint32(at + 8);
      const nameSize = d.getUint16(at + 18);
      const extraSize = d.getUint32(at + 20);
      const label = `bitmap ${n}`;
      if (tableEntries * 8 > 64 * 1024 * 1024) {
        this.#errors.add(`${label} table size ${tableEntries} is absurd`);
        this.#incomplete = true;
      } else if (this.#reference(tableOffset, tableEntries * 8, USE_BITMAP, `${label} table`)) {
        const table = this.#readTable(tableOffset, tableEntries * 8);
        for (let i = 0; i < tableEntries; i++) {
          const offset = pointerOffset(table.hi(i), table.lo(i));
          if (offset !== 0) this.#reference(offset, this.#cs, USE_BITMAP, `${label} data`);
        }
      }
      at += Math.ceil((24 + extraSize + nameSize) / 8) * 8;
    }
  }

  #loadBlock(offset: number): RefcountBlock {
    const bytes = new Uint8Array(this.#cs);
    this.#file.readAt(offset, bytes);
    return { bytes, view: new DataView(bytes.buffer), dirty: false };
  }

  /** Compares stored with computed refcounts; returns clusters with too high and too low counts. */
  #compare(blocks: Float64Array, dirty: boolean): { leaked: number[]; tooLow: number[] } {
    const order = this.#header.refcountOrder;
    const perBlock = (this.#cs * 8) >>> order;
    const leaked: number[] = [];
    const tooLow: number[] = [];
    const lastCluster = Math.max(this.#fileClusters, blocks.length * perBlock);
    for (let k = 0; k * perBlock < lastCluster; k++) {
      const block = k < blocks.length && blocks[k] !== 0 ? this.#loadBlock(blocks[k]) : null;
      const end = Math.min((k + 1) * perBlock, lastCluster);
      if (!block && k * perBlock >= this.#fileClusters) continue; // nothing stored, nothing referenced
      for (let c = k * perBlock; c < end; c++) {
        const stored = block ? getRefcountEntry(block, c - k * perBlock, order) : 0;
        const computed = c < this.#fileClusters ? this.#computed[c] : 0;
        if (stored === computed) continue;
        if (stored > computed) {
          leaked.push(c);
          this.#warnings.add(`cluster ${c}: refcount ${stored} but ${computed} reference(s) (leaked)`);
        } else {
          tooLow.push(c);
          const message = `cluster ${c}: refcount ${stored} but ${computed} reference(s) (refcount too low)`;
          if (dirty) this.#warnings.add(message);
          else this.#errors.add(message);
        }
      }
    }
    if (dirty && tooLow.length > 0 && !this.#repair) {
      this.#errors.add(`${tooLow.length} refcount(s) too low in a dirty image; repair rebuilds them`);
    }
    return { leaked, tooLow };
  }

  /** Verifies COPIED flags of the active tables against the (post-repair) refcounts; returns the fixes. */
  #checkCopiedFlags(blocks: Float64Array): CopiedFix[] {
    const h = this.#header;
    const fixes: CopiedFix[] = [];
    if (
      h.l1Size === 0 || h.l1TableOffset % this.#cs !== 0 || h.l1TableOffset + h.l1Size * 8 > this.#fileSize
    ) return fixes;
    const order = h.refcountOrder;
    const perBlock = (this.#cs * 8) >>> order;
    const blockCache = new Map<number, RefcountBlock>();
    const storedRefcount = (offset: number): number => {
      const c = Math.floor(offset / this.#cs);
      const k = Math.floor(c / perBlock);
      if (k >= blocks.length || blocks[k] === 0) return 0;
      let block = blockCache.get(k);
      if (!block) {
        if (blockCache.size > 64) blockCache.clear();
        block = this.#loadBlock(blocks[k]);
        blockCache.set(k, block);
      }
      return getRefcountEntry(block, c % perBlock, order);
    };
    /** The refcount after repair: leaks are lowered to the references. */
    const expected = (offset: number): number | null => {
      const c = Math.floor(offset / this.#cs);
      if (c >= this.#fileClusters) return null;
      const stored = storedRefcount(offset);
      const computed = this.#computed[c];
      if (stored < computed) return null; // corruption already reported; no COPIED verdict
      return this.#repair && !this.#incomplete ? computed : stored;
    };
    const l1 = this.#readTable(h.l1TableOffset, h.l1Size * 8);
    for (let i = 0; i < h.l1Size; i++) {
      const hi = l1.hi(i);
      const l2Offset = pointerOffset(hi, l1.lo(i));
      if (l2Offset === 0 || l2Offset % this.#cs !== 0 || l2Offset + this.#cs > this.#fileSize) continue;
      const l2Refcount = expected(l2Offset);
      if (l2Refcount !== null && isCopied(hi) !== (l2Refcount === 1)) {
        const problem = `L1 entry ${i}: COPIED flag ${
          isCopied(hi) ? "set" : "clear"
        } but refcount is ${l2Refcount}`;
        fixes.push({ tableOffset: h.l1TableOffset, index: i, copied: l2Refcount === 1, problem });
      }
      const l2 = this.#readTable(l2Offset, this.#cs);
      for (let j = 0; j < l2.length; j++) {
        const ehi = l2.hi(j);
        const elo = l2.lo(j);
        const kind = l2Kind(ehi, elo, h.version);
        if (kind !== KIND_NORMAL && kind !== KIND_ZERO) continue;
        const offset = pointerOffset(ehi, elo);
        if (offset === 0 || offset % this.#cs !== 0) continue;
        const refcount = expected(offset);
        if (refcount !== null && isCopied(ehi) !== (refcount === 1)) {
          const flag = isCopied(ehi) ? "set" : "clear";
          const problem =
            `L2 table at ${l2Offset} entry ${j}: COPIED flag ${flag} but refcount is ${refcount}`;
          fixes.push({ tableOffset: l2Offset, index: j, copied: refcount === 1, problem });
        }
      }
    }
    return fixes;
  }

  #applyRepairs(
    blocks: Float64Array,
    leaked: number[],
    tooLow: number[],
    fixes: CopiedFix[],
    dirty: boolean,
  ): void {
    const order = this.#header.refcountOrder;
    const perBlock = (this.#cs * 8) >>> order;
    const changed = new Map<number, RefcountBlock>();
    const setStored = (c: number, value: number): boolean => {
      const k = Math.floor(c / perBlock);
      if (k >= blocks.length || blocks[k] === 0) return false;
      let block = changed.get(k);
      if (!block) {
        block = this.#loadBlock(blocks[k]);
        changed.set(k, block);
      }
      setRefcountEntry(block, c % perBlock, order, value);
      return true;
    };
    let unfixable = 0;
    for (const c of [...leaked, ...tooLow]) {
      const value = c < this.#fileClusters ? this.#computed[c] : 0;
      if (!setStored(c, value)) unfixable++;
    }
    // Raised refcounts go to disk before anything that relies on them; lowered ones are unreferenced.
    for (const [k, block] of changed) this.#file.writeAt(blocks[k], block.bytes);
    this.#file.sync();
    if (leaked.length > 0) this.#repaired.push(`lowered ${leaked.length} leaked refcount(s)`);
    if (tooLow.length > 0) {
      this.#repaired.push(`rebuilt ${tooLow.length - unfixable} stale refcount(s) of a dirty image`);
    }
    if (unfixable > 0) {
      this.#errors.add(`${unfixable} refcount(s) lie in missing refcount blocks and were not repaired`);
    }
    for (const fix of fixes) {
      const entry = new EntryTable(new Uint8Array(8));
      this.#file.readAt(fix.tableOffset + fix.index * 8, entry.bytes);
      const hi = entry.hi(0);
      entry.set(0, fix.copied ? hi | 0x80000000 : hi & 0x7fffffff, entry.lo(0));
      this.#file.writeAt(fix.tableOffset + fix.index * 8, entry.bytes);
    }
    if (fixes.length > 0) {
      this.#file.sync();
      this.#repaired.push(`fixed ${fixes.length} COPIED flag(s)`);
    }
    if (dirty && unfixable === 0) {
      const field = new Uint8Array(8);
      new DataView(field.buffer).setBigUint64(0, this.#header.incompatibleFeatures & ~INCOMPAT_DIRTY);
      this.#file.writeAt(FIELD.incompatibleFeatures, field);
      this.#file.sync();
      this.#repaired.push("cleared the dirty bit");
    }
  }
}

interface CopiedFix {
  readonly tableOffset: number;
  readonly index: number;
  readonly copied: boolean;
  /** The finding, reported as an error unless repaired. */
  readonly problem: string;
}

/** Collects messages, keeping the first {@link MESSAGE_LIMIT} and counting the rest. */
class MessageList {
  readonly #kept: string[] = [];
  #dropped = 0;

  add(message: string): void {
    if (this.#kept.length < MESSAGE_LIMIT) this.#kept.push(message);
    else this.#dropped++;
  }

  finish(kind: string): string[] {
    return this.#dropped > 0 ? [...this.#kept, `... and ${this.#dropped} more ${kind}`] : this.#kept;
  }
}
