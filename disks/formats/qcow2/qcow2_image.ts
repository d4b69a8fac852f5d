/**
 * A qcow2 image as one {@link DiskLayer}: opening and validating, cluster lookup through
 * L1/L2, reads (normal, zero and compressed clusters) and writes with crash-safe
 * metadata ordering.
 *
 * Write ordering. Data for a newly allocated cluster is written at once; the metadata
 * that makes it reachable changes only in memory and reaches the file in a commit (on flush, or when too much is dirty),
 * which runs in this order with a sync after each step (data is synced first):
 *   1. refcount blocks (new counts), then refcount table entries for new blocks;
 *   2. L2 tables (new and changed);
 *   3. L1 entries pointing at new L2 tables;
 *   4. refcount drops for clusters no longer referenced (only now may they be reused).
 * So a crash at any point leaves at worst leaked clusters, never a pointer to unwritten
 * data or a refcount lower than the references.
 *
 * Images with internal snapshots open read-only only: refcounts above 1 would need
 * copy-on-write of shared L2 tables, which tty86 does not implement. Data clusters whose
 * COPIED flag is clear are never written in place (they are copied to a new cluster).
 */
import { dirname, isAbsolute, resolve } from "../../path.ts";
import { type ChsGeometry, SECTOR_SIZE } from "../../block_device.ts";
import { DiskError } from "../../errors.ts";
import { biosGeometry } from "../../geometry.ts";
import { type FileOpObserver, HostFile } from "../../host_file.ts";
import type { DiskLayer, ImageFormat, ParentReference } from "../../layer.ts";
import { ClusterAllocator } from "./allocator.ts";
import { readCompressedCluster } from "./compressed.ts";
import { backingFormatOf, type HeaderExtension, parseExtensions } from "./extensions.ts";
import { assertSupported } from "./features.ts";
import { FIELD, l2EntriesPerTable, parseHeader, type Qcow2Header } from "./header.ts";
import {
  compressedExtent,
  EntryTable,
  HI_RESERVED_L1,
  isCopied,
  KIND_COMPRESSED,
  KIND_NORMAL,
  KIND_UNALLOCATED,
  KIND_ZERO,
  l2Kind,
  LO_RESERVED_L1,
  pointerOffset,
} from "./l1l2.ts";
import { LruMap } from "./lru.ts";
import { decodeRefcountTable, RefcountStore } from "./refcount.ts";

export { createQcow2, type CreateQcow2Options } from "./create.ts";
export { checkQcow2, type Qcow2CheckOptions, type Qcow2CheckResult } from "./check.ts";

/** Options for {@link openQcow2}. */
export interface OpenQcow2Options {
  readonly readOnly: boolean;
  /** Sees every write and sync (tests use it to prove crash-safe ordering). */
  readonly fileObserver?: FileOpObserver | null;
  /** Memory budget for cached L2 tables and for cached refcount blocks, each (default 16 MiB). */
  readonly cacheBytes?: number;
}

const DEFAULT_CACHE_BYTES = 16 * 1024 * 1024;
/** Backing format names as QEMU records them, mapped to tty86's. */
const BACKING_FORMATS: Readonly<Record<string, ImageFormat>> = {
  raw: "raw",
  qcow2: "qcow2",
  vpc: "vhd",
  vhd: "vhd",
};

/** Opens a qcow2 image. Parents are not opened here: `parentRef` names the backing file. */
export function openQcow2(path: string, options: OpenQcow2Options): Qcow2Image {
  const file = HostFile.open(path, options.readOnly, options.fileObserver ?? null);
  try {
    return new Qcow2Image(file, options.cacheBytes ?? DEFAULT_CACHE_BYTES);
  } catch (e) {
    file.close();
    throw e;
  }
}

/** A qcow2 file read ahead of time: its bytes and its refcount table decoded. */
export interface Qcow2Preload {
  /** The whole file, from offset 0. */
  readonly bytes: Uint8Array;
  readonly refcountTable: Float64Array | null;
}

/**
 * Decodes what opening `bytes` (a whole small qcow2 file) needs beyond them, e.g. in the
 * worker that made the file, so the opening thread does only the cheap part.
 */
export function preloadQcow2(path: string, bytes: Uint8Array): Qcow2Preload {
  const header = parseHeader(bytes, bytes.length, path);
  const clusterSize = 2 ** header.clusterBits;
  const start = header.refcountTableOffset;
  const end = start + header.refcountTableClusters * clusterSize;
  if (end > bytes.length) return { bytes, refcountTable: null };
  return { bytes, refcountTable: decodeRefcountTable(bytes.subarray(start, end), clusterSize, path) };
}

/**
 * {@link openQcow2} from the file's bytes read ahead of time (from offset 0, e.g. by a worker
 * that just created the file): the header, L1 and refcount table come from `bytes`, so opening
 * costs one open(2) and parsing, no reads. `bytes` must be the file as it is now.
 */
export function openQcow2Preloaded(
  path: string,
  preload: Qcow2Preload,
  options: OpenQcow2Options,
): Qcow2Image {
  const file = HostFile.open(path, options.readOnly, options.fileObserver ?? null);
  file.preload(preload.bytes);
  try {
    return new Qcow2Image(file, options.cacheBytes ?? DEFAULT_CACHE_BYTES, preload.refcountTable);
  } catch (e) {
    file.close();
    throw e;
  } finally {
    file.endPreload();
  }
}

/** One qcow2 file in a disk chain. */
export class Qcow2Image implements DiskLayer {
  readonly path: string;
  readonly format: ImageFormat = "qcow2";
  readonly parentRef: ParentReference | null;
  readonly sectorSize = SECTOR_SIZE;
  readonly sectorCount: number;
  readonly geometry: ChsGeometry;
  readonly readOnly: boolean;
  readonly header: Qcow2Header;
  readonly extensions: readonly HeaderExtension[];
  /** The merged view below this layer; fills partial clusters on allocation. */
  backingReader: ((lba: number, count: number, into: Uint8Array) => void) | null = null;

  readonly #file: HostFile;
  readonly #clusterSize: number;
  readonly #sectorsPerCluster: number;
  readonly #l2Entries: number;
  readonly #l1: EntryTable;
  #l1DirtyFirst = Infinity;
  #l1DirtyLast = -1;
  readonly #l2Cache = new LruMap<number, EntryTable>();
  readonly #maxCachedL2: number;
  readonly #maxDirtyL2: number;
  readonly #allocator: ClusterAllocator | null = null;
  readonly #refcounts: RefcountStore | null = null;
  /** The last inflated compressed cluster (sequential reads of one cluster inflate it once). */
  #inflated: { hostKey: string; bytes: Uint8Array } | null = null;
  #closed = false;
  /** The {@link flushAsync} in flight, if any (the layer takes no writes meanwhile). */
  #flushing: Promise<void> | null = null;
  /** close() was called while a flushAsync ran: the file closes when it ends. */
  #closeAfterFlush = false;
  /** Something was written since the last completed flush (a clean flush does no I/O). */
  #unflushed = false;

  constructor(file: HostFile, cacheBytes: number, refcountTable: Float64Array | null = null) {
    this.#file = file;
    this.path = file.path;
    this.readOnly = file.readOnly;
    const fileSize = file.size();
    // The first cluster (header, extensions, backing file name): 64 KiB read first, the rest of a
    // larger cluster after (not up to 2 MiB whatever the cluster size: a chain opens every layer).
    const readFirst = (length: number): Uint8Array => {
      let bytes = file.peek(0, length);
      if (bytes === null) {
        bytes = new Uint8Array(length);
        file.readUpTo(0, bytes);
      }
      return bytes;
    };
    let first = readFirst(Math.min(fileSize, 2 ** 16));
    const bits = first.length >= 24 ? new DataView(first.buffer, first.byteOffset, 24).getUint32(20) : 0;
    const firstLength = Math.min(fileSize, bits >= 9 && bits <= 21 ? 2 ** bits : 2 ** 21);
    if (firstLength > first.length) first = readFirst(firstLength);
    const header = parseHeader(first, fileSize, file.path);
    this.header = header;
    this.#clusterSize = 2 ** header.clusterBits;
    const cluster0 = first.subarray(0, Math.min(first.length, this.#clusterSize));
    const extEnd = header.backingFileOffset !== 0 ? header.backingFileOffset : this.#clusterSize;
    this.extensions = parseExtensions(cluster0, header.headerLength, extEnd, file.path);
    assertSupported(header, this.extensions, file.path, file.readOnly);
    this.parentRef = this.#parentReference(cluster0);

    this.#sectorsPerCluster = this.#clusterSize / SECTOR_SIZE;
    this.#l2Entries = l2EntriesPerTable(header.clusterBits);
    this.sectorCount = Math.ceil(header.size / SECTOR_SIZE);
    this.geometry = biosGeometry(this.sectorCount, null);
    const l1Bytes = new Uint8Array(header.l1Size * 8);
    file.readAt(header.l1TableOffset, l1Bytes);
    this.#l1 = new EntryTable(l1Bytes);
    this.#maxCachedL2 = Math.max(8, Math.floor(cacheBytes / this.#clusterSize));
    this.#maxDirtyL2 = Math.max(4, this.#maxCachedL2 >>> 1);

    if (!file.readOnly) {
      this.#refcounts = new RefcountStore(
        file,
        header.clusterBits,
        header.refcountOrder,
        header.refcountTableOffset,
        header.refcountTableClusters,
        cacheBytes,
        refcountTable,
      );
      this.#allocator = new ClusterAllocator(this.#refcounts, file);
      if (header.autoclearFeatures !== 0n) {
        // We do not maintain bitmaps (or anything else autoclear guards): the spec says clear the bits.
        const zero = new Uint8Array(8);
        file.writeAt(FIELD.autoclearFeatures, zero);
        file.sync();
      }
    }
  }

  hostBytes(): number {
    return this.#file.size();
  }

  allocationRun(lba: number, maxCount: number): number {
    if (maxCount <= 0) return 0;
    const spc = this.#sectorsPerCluster;
    if (lba >= this.sectorCount) return -maxCount;
    let cluster = Math.floor(lba / spc);
    const present = this.#isPresent(cluster);
    let run = spc - (lba % spc);
    const limit = Math.min(maxCount, this.sectorCount - lba);
    while (run < limit) {
      cluster++;
      if (this.#isPresent(cluster) !== present) break;
      run += spc;
    }
    run = Math.min(run, maxCount);
    return present ? run : -run;
  }

  /**
   * Host mapping for the chain's merged map (see HostMappedLayer): runs of sectors held as
   * normal clusters at consecutive host offsets; zero, compressed and malformed entries
   * are left to {@link readOwn} (negative runs).
   */
  hostRun(lba: number, maxCount: number): number {
    if (maxCount <= 0) return 0;
    const spc = this.#sectorsPerCluster;
    let cluster = Math.floor(lba / spc);
    const first = this.#plainHost(cluster);
    let run = spc - (lba % spc);
    if (first < 0) {
      while (run < maxCount && this.#plainHost(cluster + 1) < 0) {
        cluster++;
        run += spc;
      }
      return -Math.min(run, maxCount);
    }
    let expect = first + this.#clusterSize;
    while (run < maxCount && this.#plainHost(cluster + 1) === expect) {
      cluster++;
      run += spc;
      expect += this.#clusterSize;
    }
    return Math.min(run, maxCount);
  }

  hostOffset(lba: number): number {
    const spc = this.#sectorsPerCluster;
    return this.#plainHost(Math.floor(lba / spc)) + (lba % spc) * SECTOR_SIZE;
  }

  readHost(offset: number, into: Uint8Array): void {
    if (this.#closed) throw new DiskError(this.path, "qcow2: image is closed");
    this.#file.readAt(offset, into);
  }

  /** Host offset of guest `cluster` if it is a normal, well-aligned cluster inside the disk; else -1. */
  #plainHost(cluster: number): number {
    if (cluster * this.#sectorsPerCluster >= this.sectorCount) return -1;
    const l1i = Math.floor(cluster / this.#l2Entries);
    if (l1i >= this.#l1.length || this.#l1.isEmpty(l1i)) return -1;
    const table = this.#l2For(cluster, false);
    if (!table) return -1;
    const i = cluster % this.#l2Entries;
    const hi = table.hi(i);
    const lo = table.lo(i);
    if (l2Kind(hi, lo, this.header.version) !== KIND_NORMAL) return -1;
    const offset = pointerOffset(hi, lo);
    return offset % this.#clusterSize === 0 ? offset : -1;
  }

  readOwn(lba: number, count: number, into: Uint8Array): void {
    this.#checkRange(lba, count, into);
    this.#trimCaches();
    const spc = this.#sectorsPerCluster;
    let runHost = -1; // pending contiguous host read
    let runDst = 0;
    let runLen = 0;
    const flushRun = () => {
      if (runLen > 0) this.#file.readAt(runHost, into.subarray(runDst, runDst + runLen));
      runLen = 0;
    };
    for (let done = 0; done < count;) {
      const sector = lba + done;
      const cluster = Math.floor(sector / spc);
      const within = sector % spc;
      const n = Math.min(spc - within, count - done);
      const dst = done * SECTOR_SIZE;
      const bytes = n * SECTOR_SIZE;
      const table = this.#l2For(cluster, false);
      const i = cluster % this.#l2Entries;
      const hi = table ? table.hi(i) : 0;
      const lo = table ? table.lo(i) : 0;
      const kind = l2Kind(hi, lo, this.header.version);
      if (kind === KIND_NORMAL) {
        const host = this.#dataOffset(hi, lo, cluster) + within * SECTOR_SIZE;
        if (runLen > 0 && runHost + runLen === host) {
          runLen += bytes;
        } else {
          flushRun();
          runHost = host;
          runDst = dst;
          runLen = bytes;
        }
      } else {
        flushRun();
        if (kind === KIND_COMPRESSED) {
          const full = this.#inflate(hi, lo);
          into.set(full.subarray(within * SECTOR_SIZE, within * SECTOR_SIZE + bytes), dst);
        } else {
          into.fill(0, dst, dst + bytes);
        }
      }
      done += n;
    }
    flushRun();
  }

  /** Reads the merged view: own sectors, the backing reader's for the rest (zeros without one). */
  read(lba: number, count: number, into: Uint8Array): void {
    this.#checkRange(lba, count, into);
    for (let done = 0; done < count;) {
      const run = this.allocationRun(lba + done, count - done);
      const n = Math.abs(run);
      const part = into.subarray(done * SECTOR_SIZE, (done + n) * SECTOR_SIZE);
      if (run > 0) this.readOwn(lba + done, n, part);
      else if (this.backingReader) this.backingReader(lba + done, n, part);
      else part.fill(0);
      done += n;
    }
  }

  write(lba: number, count: number, from: Uint8Array): void {
    if (this.readOnly || !this.#allocator) throw new DiskError(this.path, "qcow2: image is open read-only");
    if (this.#flushing !== null) {
      throw new DiskError(this.path, "qcow2: write to a frozen layer while its asynchronous flush runs");
    }
    this.#checkRange(lba, count, from);
    this.#unflushed = true;
    this.#trimCaches();
    const allocator = this.#allocator;
    const spc = this.#sectorsPerCluster;
    const cs = this.#clusterSize;
    const run = new HostRun(this.#file);
    for (let done = 0; done < count;) {
      const sector = lba + done;
      const cluster = Math.floor(sector / spc);
      const within = sector % spc;
      const n = Math.min(spc - within, count - done);
      const src = from.subarray(done * SECTOR_SIZE, (done + n) * SECTOR_SIZE);
      done += n;
      const table = this.#l2For(cluster, true);
      if (!table) throw new Error("unreachable: L2 table allocation returned nothing");
      const i = cluster % this.#l2Entries;
      const hi = table.hi(i);
      const lo = table.lo(i);
      const kind = l2Kind(hi, lo, this.header.version);
      if (kind === KIND_NORMAL && isCopied(hi)) {
        run.add(this.#dataOffset(hi, lo, cluster) + within * SECTOR_SIZE, src);
        continue;
      }
      // Allocate a fresh cluster: fill what the write leaves out from what the cluster showed before.
      let data = src;
      if (n !== spc) {
        data = new Uint8Array(cs);
        this.#oldClusterContent(kind, hi, lo, cluster, data);
        data.set(src, within * SECTOR_SIZE);
      }
      const host = allocator.allocate();
      run.add(host, data);
      table.setPointer(i, host, true);
      if (kind === KIND_COMPRESSED) {
        const extent = compressedExtent(hi, lo, this.header.clusterBits);
        allocator.release(extent.offset, extent.length);
      } else if (kind !== KIND_UNALLOCATED && pointerOffset(hi, lo) !== 0) {
        allocator.release(pointerOffset(hi, lo), cs);
      }
    }
    run.flush();
    this.#inflated = null;
  }

  /** Writes back metadata in crash-safe order and syncs. */
  flush(): void {
    if (this.readOnly || this.#closed || !this.#unflushed) return;
    this.#commit();
    this.#file.sync();
    this.#unflushed = false;
  }

  /**
   * {@link flush} without blocking the caller's thread on the fsyncs: the same commit, in the same
   * crash-safe order (data and refcounts → sync → L2 → sync → L1 → sync → releases), with each sync
   * awaited. For a frozen layer (a live snapshot's old top): {@link write} throws until it resolves,
   * so nothing changes the metadata between the steps. A second call joins the first.
   */
  flushAsync(): Promise<void> {
    if (this.#flushing !== null) return this.#flushing;
    if (this.readOnly || this.#closed || !this.#unflushed) return Promise.resolve();
    const run = this.#commitAsync().then(() => {
      this.#unflushed = false;
    }).finally(() => {
      this.#flushing = null;
      if (this.#closeAfterFlush) {
        // Nothing was written meanwhile (writes throw): close without another commit.
        this.#closed = true;
        this.#file.close();
      }
    });
    this.#flushing = run;
    return run;
  }

  /** True while a {@link flushAsync} runs. */
  get flushing(): boolean {
    return this.#flushing !== null;
  }

  async #commitAsync(): Promise<void> {
    const allocator = this.#allocator, refcounts = this.#refcounts;
    const file = this.#file;
    if (!allocator || !refcounts) return;
    // 1. Data written so far, then refcounts for everything allocated (blocks, sync, table entries, sync).
    await file.syncAsync();
    const persistRefcounts = async () => {
      if (!refcounts.hasDirty) return;
      refcounts.writeDirtyBlocks();
      await file.syncAsync();
      if (refcounts.dirtyTableEntries.size > 0) {
        refcounts.writeDirtyTableEntries();
        await file.syncAsync();
      }
    };
    await persistRefcounts();
    // 2. L2 tables.
    let wroteL2 = false;
    for (const [offset, t] of this.#l2Cache.entries()) {
      if (!t.dirty) continue;
      file.writeAt(offset, t.bytes);
      t.dirty = false;
      wroteL2 = true;
    }
    if (wroteL2) await file.syncAsync();
    // 3. L1 entries.
    if (this.#l1DirtyLast >= 0) {
      const first = this.#l1DirtyFirst * 8;
      file.writeAt(
        this.header.l1TableOffset + first,
        this.#l1.bytes.subarray(first, this.#l1DirtyLast * 8 + 8),
      );
      this.#l1DirtyFirst = Infinity;
      this.#l1DirtyLast = -1;
      await file.syncAsync();
    }
    // 4. Drop references that no durable pointer holds any more.
    if (allocator.hasReleases) {
      allocator.applyReleases();
      await persistRefcounts();
    }
    await file.syncAsync();
  }

  close(): void {
    if (this.#closed) return;
    if (this.#flushing !== null) {
      this.#closeAfterFlush = true; // the flush in flight still needs the file
      return;
    }
    try {
      this.flush();
    } finally {
      this.#closed = true;
      this.#file.close();
    }
  }

  /** Makes all in-memory metadata changes durable, in the order described at the top of this file. */
  #commit(): void {
    const allocator = this.#allocator;
    if (!allocator) return;
    let dirtyL2 = false;
    for (const t of this.#l2Cache.values()) dirtyL2 ||= t.dirty;
    const dirtyL1 = this.#l1DirtyLast >= 0;
    // 1. Refcounts for everything allocated (also syncs data written so far).
    this.#file.sync();
    allocator.persistRefcounts();
    // 2. L2 tables.
    if (dirtyL2) {
      for (const [offset, t] of this.#l2Cache.entries()) {
        if (!t.dirty) continue;
        this.#file.writeAt(offset, t.bytes);
        t.dirty = false;
      }
      this.#file.sync();
    }
    // 3. L1 entries.
    if (dirtyL1) {
      const first = this.#l1DirtyFirst * 8;
      this.#file.writeAt(
        this.header.l1TableOffset + first,
        this.#l1.bytes.subarray(first, this.#l1DirtyLast * 8 + 8),
      );
      this.#l1DirtyFirst = Infinity;
      this.#l1DirtyLast = -1;
      this.#file.sync();
    }
    // 4. Drop references that no durable pointer holds any more.
    if (allocator.hasReleases) {
      allocator.applyReleases();
      allocator.persistRefcounts();
    }
  }

  #checkRange(lba: number, count: number, buffer: Uint8Array): void {
    if (this.#closed) throw new DiskError(this.path, "qcow2: image is closed");
    if (
      !Number.isInteger(lba) || !Number.isInteger(count) || lba < 0 || count < 0 ||
      lba + count > this.sectorCount
    ) {
      throw new DiskError(
        this.path,
        `qcow2: sectors ${lba}+${count} outside the disk (${this.sectorCount} sectors)`,
      );
    }
    if (buffer.length < count * SECTOR_SIZE) {
      throw new DiskError(
        this.path,
        `qcow2: buffer of ${buffer.length} bytes too small for ${count} sectors`,
      );
    }
  }

  /** Commits if too much metadata is dirty, then drops clean cache entries beyond the budget. */
  #trimCaches(): void {
    if (this.#l2Cache.size > this.#maxCachedL2) {
      let dirty = 0;
      for (const t of this.#l2Cache.values()) if (t.dirty) dirty++;
      if (dirty > this.#maxDirtyL2 && this.#flushing === null) this.#commit();
      this.#l2Cache.trimTo(this.#maxCachedL2, (t) => !t.dirty);
    }
    const refcounts = this.#refcounts;
    if (refcounts?.overBudget) {
      if (refcounts.dirtyBlockCount() > refcounts.maxCachedBlocks >>> 1 && this.#flushing === null) {
        this.#commit();
      }
      refcounts.trimCache();
    }
  }

  #isPresent(cluster: number): boolean {
    const l1i = Math.floor(cluster / this.#l2Entries);
    if (l1i >= this.#l1.length || this.#l1.isEmpty(l1i)) return false;
    const table = this.#l2For(cluster, false);
    if (!table) return false;
    const i = cluster % this.#l2Entries;
    return l2Kind(table.hi(i), table.lo(i), this.header.version) !== KIND_UNALLOCATED;
  }

  /**
   * The L2 table mapping guest `cluster`, or null if none exists and `forWrite` is false.
   * For writes, a missing table is allocated (and the L1 entry updated in memory).
   */
  #l2For(cluster: number, forWrite: boolean): EntryTable | null {
    const l1i = Math.floor(cluster / this.#l2Entries);
    const hi = this.#l1.hi(l1i);
    const lo = this.#l1.lo(l1i);
    const offset = pointerOffset(hi, lo);
    if (offset === 0) {
      if (!forWrite || !this.#allocator) return null;
      const fresh = this.#allocator.allocate();
      const table = new EntryTable(new Uint8Array(this.#clusterSize));
      table.dirty = true;
      this.#l2Cache.set(fresh, table);
      this.#setL1(l1i, fresh);
      return table;
    }
    if ((lo & LO_RESERVED_L1) || (hi & HI_RESERVED_L1) || offset % this.#clusterSize !== 0) {
      throw new DiskError(this.path, `qcow2: L1 entry ${l1i} is invalid (offset ${offset})`);
    }
    if (forWrite && !isCopied(hi) && this.#allocator) {
      const refcount = this.#allocator.refcountAt(offset);
      if (refcount !== 1) {
        throw new DiskError(
          this.path,
          `qcow2: L2 table at ${offset} has refcount ${refcount}; shared tables are not written`,
        );
      }
      this.#setL1(l1i, offset);
    }
    const cached = this.#l2Cache.get(offset);
    if (cached) return cached;
    const table = new EntryTable(new Uint8Array(this.#clusterSize));
    this.#file.readAt(offset, table.bytes);
    this.#l2Cache.set(offset, table);
    return table;
  }

  #setL1(i: number, offset: number): void {
    this.#l1.setPointer(i, offset, true);
    this.#l1DirtyFirst = Math.min(this.#l1DirtyFirst, i);
    this.#l1DirtyLast = Math.max(this.#l1DirtyLast, i);
  }

  #dataOffset(hi: number, lo: number, cluster: number): number {
    const offset = pointerOffset(hi, lo);
    if (offset % this.#clusterSize !== 0) {
      throw new DiskError(this.path, `qcow2: guest cluster ${cluster} maps to unaligned offset ${offset}`);
    }
    return offset;
  }

  #inflate(hi: number, lo: number): Uint8Array {
    const key = `${hi}:${lo}`;
    if (this.#inflated?.hostKey === key) return this.#inflated.bytes;
    const bytes = new Uint8Array(this.#clusterSize);
    readCompressedCluster(this.#file, compressedExtent(hi, lo, this.header.clusterBits), bytes);
    this.#inflated = { hostKey: key, bytes };
    return bytes;
  }

  /** What guest `cluster` showed before a write replaces it (for the parts the write leaves out). */
  #oldClusterContent(kind: number, hi: number, lo: number, cluster: number, into: Uint8Array): void {
    if (kind === KIND_NORMAL) this.#file.readAt(this.#dataOffset(hi, lo, cluster), into);
    else if (kind === KIND_COMPRESSED) into.set(this.#inflate(hi, lo));
    else if (kind === KIND_ZERO) into.fill(0);
    else if (this.backingReader) {
      const first = cluster * this.#sectorsPerCluster;
      const inDisk = Math.min(this.#sectorsPerCluster, this.sectorCount - first);
      this.backingReader(first, inDisk, into);
      into.fill(0, inDisk * SECTOR_SIZE);
    } else into.fill(0);
  }

  #parentReference(cluster0: Uint8Array): ParentReference | null {
    const h = this.header;
    if (h.backingFileOffset === 0) return null;
    const name = new TextDecoder().decode(
      cluster0.subarray(h.backingFileOffset, h.backingFileOffset + h.backingFileSize),
    );
    if (name.length === 0) return null;
    const recorded = backingFormatOf(this.extensions);
    let format: ImageFormat | undefined;
    if (recorded !== undefined) {
      format = BACKING_FORMATS[recorded];
      if (!format) {
        throw new DiskError(this.path, `qcow2: backing file format "${recorded}" is not supported`);
      }
    }
    const path = isAbsolute(name) ? name : resolve(dirname(this.path), name);
    return format ? { paths: [path], format } : { paths: [path] };
  }
}

/** Coalesces writes to contiguous host offsets into one write each. */
class HostRun {
  readonly #file: HostFile;
  #start = -1;
  #length = 0;
  #parts: Uint8Array[] = [];

  constructor(file: HostFile) {
    this.#file = file;
  }

  add(offset: number, data: Uint8Array): void {
    if (this.#length > 0 && this.#start + this.#length !== offset) this.flush();
    if (this.#length === 0) this.#start = offset;
    this.#parts.push(data);
    this.#length += data.length;
  }

  flush(): void {
    if (this.#length === 0) return;
    if (this.#parts.length === 1) {
      this.#file.writeAt(this.#start, this.#parts[0]);
    } else {
      const joined = new Uint8Array(this.#length);
      let at = 0;
      for (const p of this.#parts) {
        joined.set(p, at);
        at += p.length;
      }
      this.#file.writeAt(this.#start, joined);
    }
    this.#parts = [];
    this.#length = 0;
  }
}
