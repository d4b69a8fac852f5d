/**
 * Reference counts: the refcount table (held whole in memory; its size is bounded by the
 * header check) and refcount blocks (cached, LRU-bounded). Entries of any width from
 * 1 to 64 bits (refcount_order 0..6) are read and written; sub-byte entries are packed
 * least significant bit first, wider ones are big-endian.
 *
 * This module only stores counts. Choosing clusters, growing the table and ordering
 * writes for crash safety is the allocator's and the image's business.
 */
import { DiskError } from "../../errors.ts";
import type { HostFile } from "../../host_file.ts";
import { LruMap } from "./lru.ts";

const TWO_32 = 2 ** 32;

/** One cached refcount block. */
export interface RefcountBlock {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  dirty: boolean;
}

/** Reads entry `i` of a refcount block with the given refcount_order. */
export function getRefcountEntry(block: RefcountBlock, i: number, order: number): number {
  switch (order) {
    case 3:
      return block.bytes[i];
    case 4:
      return block.view.getUint16(i * 2);
    case 5:
      return block.view.getUint32(i * 4);
    case 6:
      return block.view.getUint32(i * 8) * TWO_32 + block.view.getUint32(i * 8 + 4);
    default: {
      const bits = 1 << order;
      const bitPos = i * bits;
      return (block.bytes[bitPos >>> 3] >>> (bitPos & 7)) & ((1 << bits) - 1);
    }
  }
}

/** Writes entry `i` (the caller keeps `value` within the entry width). */
export function setRefcountEntry(block: RefcountBlock, i: number, order: number, value: number): void {
  switch (order) {
    case 3:
      block.bytes[i] = value;
      break;
    case 4:
      block.view.setUint16(i * 2, value);
      break;
    case 5:
      block.view.setUint32(i * 4, value);
      break;
    case 6:
      block.view.setUint32(i * 8, Math.floor(value / TWO_32));
      block.view.setUint32(i * 8 + 4, value % TWO_32);
      break;
    default: {
      const bits = 1 << order;
      const bitPos = i * bits;
      const mask = ((1 << bits) - 1) << (bitPos & 7);
      const at = bitPos >>> 3;
      block.bytes[at] = (block.bytes[at] & ~mask) | ((value << (bitPos & 7)) & mask);
    }
  }
  block.dirty = true;
}

/** Decodes a refcount table entry's block offset (bits 9..63); throws on reserved bits. */
export function refcountTableEntryOffset(view: DataView, i: number, path: string): number {
  const hi = view.getUint32(i * 8);
  const lo = view.getUint32(i * 8 + 4);
  if (lo & 0x1ff) throw new DiskError(path, `qcow2: refcount table entry ${i} has reserved bits set`);
  if (hi >= 2 ** 21) throw new DiskError(path, `qcow2: refcount table entry ${i} is absurd`);
  return hi * TWO_32 + lo;
}

/** Decodes (and checks) a refcount table's raw bytes as {@link RefcountStore} does. */
export function decodeRefcountTable(raw: Uint8Array, clusterSize: number, path: string): Float64Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const table = new Float64Array(raw.length / 8);
  for (let i = 0; i < table.length; i++) {
    const offset = refcountTableEntryOffset(view, i, path);
    if (offset % clusterSize !== 0) {
      throw new DiskError(path, `qcow2: refcount block ${i} at unaligned offset ${offset}`);
    }
    table[i] = offset;
  }
  return table;
}

/** Creates an empty in-memory block of one cluster. */
export function newRefcountBlock(clusterSize: number): RefcountBlock {
  const bytes = new Uint8Array(clusterSize);
  return { bytes, view: new DataView(bytes.buffer), dirty: true };
}

/** The refcount table and a bounded cache of refcount blocks of one image. */
export class RefcountStore {
  readonly order: number;
  readonly clusterSize: number;
  /** Clusters described by one refcount block. */
  readonly entriesPerBlock: number;
  /** Largest refcount an entry can hold. */
  readonly maxRefcount: number;
  /** Where the table lives on disk and how many clusters it spans. */
  tableOffset: number;
  tableClusters: number;
  /** Block offsets by table index; 0 = no block (all refcounts in its range are 0). */
  table: Float64Array;
  /** Table indices whose entries changed in memory but not on disk. */
  readonly dirtyTableEntries = new Set<number>();
  readonly #blocks = new LruMap<number, RefcountBlock>();
  readonly #file: HostFile;
  /** Cache budget in blocks (dirty blocks stay cached until written). */
  readonly maxCachedBlocks: number;

  constructor(
    file: HostFile,
    clusterBits: number,
    order: number,
    tableOffset: number,
    tableClusters: number,
    cacheBytes: number,
    /** The table already decoded (by {@link decodeRefcountTable}, e.g. in a worker): not read again. */
    decoded: Float64Array | null = null,
  ) {
    this.#file = file;
    this.order = order;
    this.clusterSize = 2 ** clusterBits;
    this.entriesPerBlock = (this.clusterSize * 8) >>> order;
    this.maxRefcount = order === 6 ? Number.MAX_SAFE_INTEGER : 2 ** (1 << order) - 1;
    this.tableOffset = tableOffset;
    this.tableClusters = tableClusters;
    this.maxCachedBlocks = Math.max(4, Math.floor(cacheBytes / this.clusterSize));
    if (decoded !== null && decoded.length === (tableClusters * this.clusterSize) / 8) {
      this.table = decoded;
      return;
    }
    const raw = new Uint8Array(tableClusters * this.clusterSize);
    file.readAt(tableOffset, raw);
    const view = new DataView(raw.buffer);
    this.table = new Float64Array(raw.length / 8);
    for (let i = 0; i < this.table.length; i++) {
      const offset = refcountTableEntryOffset(view, i, file.path);
      if (offset % this.clusterSize !== 0) {
        throw new DiskError(file.path, `qcow2: refcount block ${i} at unaligned offset ${offset}`);
      }
      this.table[i] = offset;
    }
  }

  /** Clusters the current table can describe. */
  get coveredClusters(): number {
    return this.table.length * this.entriesPerBlock;
  }

  /** The refcount of host cluster `cluster` (0 where no block exists). */
  get(cluster: number): number {
    const k = Math.floor(cluster / this.entriesPerBlock);
    if (k >= this.table.length || this.table[k] === 0) return 0;
    return getRefcountEntry(this.block(k), cluster % this.entriesPerBlock, this.order);
  }

  /** Sets a refcount; the block for its range must exist (see {@link hasBlockFor}). */
  set(cluster: number, value: number): void {
    if (value < 0 || value > this.maxRefcount) {
      throw new DiskError(
        this.#file.path,
        `qcow2: refcount of cluster ${cluster} would be ${value} (out of range)`,
      );
    }
    const k = Math.floor(cluster / this.entriesPerBlock);
    setRefcountEntry(this.block(k), cluster % this.entriesPerBlock, this.order, value);
  }

  hasBlockFor(cluster: number): boolean {
    const k = Math.floor(cluster / this.entriesPerBlock);
    return k < this.table.length && this.table[k] !== 0;
  }

  /** Installs a new, empty, dirty block for table index `k` at host `offset`. */
  installBlock(k: number, offset: number): void {
    this.table[k] = offset;
    this.dirtyTableEntries.add(k);
    this.#blocks.set(k, newRefcountBlock(this.clusterSize));
  }

  /** Switches to a relocated table (already written and pointed at by the header). */
  replaceTable(table: Float64Array, offset: number, clusters: number): void {
    this.table = table;
    this.tableOffset = offset;
    this.tableClusters = clusters;
    this.dirtyTableEntries.clear();
  }

  /** Adds an already-built block to the cache (used when relocating the table). */
  adoptBlock(k: number, block: RefcountBlock): void {
    this.#blocks.set(k, block);
  }

  /** True if any block or table entry is waiting to be written. */
  get hasDirty(): boolean {
    if (this.dirtyTableEntries.size > 0) return true;
    for (const b of this.#blocks.values()) if (b.dirty) return true;
    return false;
  }

  /** Writes every dirty block to its cluster. The caller syncs. */
  writeDirtyBlocks(): void {
    for (const [k, b] of this.#blocks.entries()) {
      if (!b.dirty) continue;
      this.#file.writeAt(this.table[k], b.bytes);
      b.dirty = false;
    }
  }

  /** Writes the dirty table entries in place (blocks they point to must already be durable). */
  writeDirtyTableEntries(): void {
    if (this.dirtyTableEntries.size === 0) return;
    const indices = [...this.dirtyTableEntries].sort((a, b) => a - b);
    const first = indices[0];
    const last = indices[indices.length - 1];
    this.#file.writeAt(this.tableOffset + first * 8, encodeTableEntries(this.table, first, last + 1));
    this.dirtyTableEntries.clear();
  }

  /** True if more blocks are cached than the budget allows. */
  get overBudget(): boolean {
    return this.#blocks.size > this.maxCachedBlocks;
  }

  dirtyBlockCount(): number {
    let n = 0;
    for (const b of this.#blocks.values()) if (b.dirty) n++;
    return n;
  }

  /** Evicts clean blocks beyond the cache budget. */
  trimCache(): void {
    this.#blocks.trimTo(this.maxCachedBlocks, (b) => !b.dirty);
  }

  /** The block for table index `k` (which must have an offset), loading it if needed. */
  block(k: number): RefcountBlock {
    const cached = this.#blocks.get(k);
    if (cached) return cached;
    const bytes = new Uint8Array(this.clusterSize);
    this.#file.readAt(this.table[k], bytes);
    const block = { bytes, view: new DataView(bytes.buffer), dirty: false };
    this.#blocks.set(k, block);
    return block;
  }
}

/** Encodes table entries [from, to) as big-endian offsets. */
export function encodeTableEntries(table: Float64Array, from: number, to: number): Uint8Array {
  const bytes = new Uint8Array((to - from) * 8);
  const view = new DataView(bytes.buffer);
  for (let i = from; i < to; i++) {
    view.setUint32((i - from) * 8, Math.floor(table[i] / TWO_32));
    view.setUint32((i - from) * 8 + 4, table[i] % TWO_32);
  }
  return bytes;
}
