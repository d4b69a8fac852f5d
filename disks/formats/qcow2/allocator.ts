/**
 * Host cluster allocation on top of {@link RefcountStore}.
 *
 * Crash-safety rules this module keeps:
 * - An allocation raises the in-memory refcount at once; {@link persistRefcounts} makes
 *   it durable, and the image writes pointers to the cluster only after that.
 * - A release is only queued. The image applies the queue ({@link applyReleases}) after
 *   the pointers that dropped the cluster are durable, so no cluster is reused, and no
 *   refcount lowered, while a durable pointer still refers to it.
 * - A new refcount block is placed in the range it describes and counts itself; when the
 *   table is full it is relocated past the end of everything allocated, its new blocks
 *   and the table are written and synced before the header points at them, and only then
 *   is the old table released.
 */
import { DiskError } from "../../errors.ts";
import type { HostFile } from "../../host_file.ts";
import { FIELD } from "./header.ts";
import { encodeTableEntries, newRefcountBlock, type RefcountBlock, type RefcountStore } from "./refcount.ts";

export class ClusterAllocator {
  readonly #store: RefcountStore;
  readonly #file: HostFile;
  readonly #clusterSize: number;
  /** No free cluster lies below this index (a search starts here). */
  #hint = 0;
  /** One past the highest cluster that is allocated or inside the file. */
  #highWater: number;
  /** Cluster indices whose refcount drops by one once their last pointer is durable. */
  #releases: number[] = [];

  constructor(store: RefcountStore, file: HostFile) {
    this.#store = store;
    this.#file = file;
    this.#clusterSize = store.clusterSize;
    this.#highWater = Math.ceil(file.size() / this.#clusterSize);
  }

  /** Refcount of the cluster at host byte offset `offset`. */
  refcountAt(offset: number): number {
    return this.#store.get(offset / this.#clusterSize);
  }

  /** Allocates one cluster (refcount 1 in memory) and returns its host byte offset. */
  allocate(): number {
    for (;;) {
      const c = this.#findFree();
      const k = Math.floor(c / this.#store.entriesPerBlock);
      if (k >= this.#store.table.length) {
        this.#growTable(k);
        continue;
      }
      if (this.#store.table[k] === 0) {
        // The first free cluster of an undescribed range becomes that range's block.
        this.#store.installBlock(k, c * this.#clusterSize);
      }
      this.#store.set(c, 1);
      this.#hint = c + 1;
      this.#highWater = Math.max(this.#highWater, c + 1);
      if (this.#store.table[k] !== c * this.#clusterSize) return c * this.#clusterSize;
    }
  }

  /** Queues a reference drop for each cluster overlapping [offset, offset + length). */
  release(offset: number, length: number): void {
    const first = Math.floor(offset / this.#clusterSize);
    const last = Math.floor((offset + length - 1) / this.#clusterSize);
    for (let c = first; c <= last; c++) this.#releases.push(c);
  }

  get hasReleases(): boolean {
    return this.#releases.length > 0;
  }

  /** Lowers refcounts for queued releases, in memory; call only once the dropping pointers are durable. */
  applyReleases(): void {
    for (const c of this.#releases) {
      const count = this.#store.get(c);
      if (count === 0) {
        throw new DiskError(
          this.#file.path,
          `qcow2: refcount of cluster ${c} would drop below zero (image corrupt)`,
        );
      }
      this.#store.set(c, count - 1);
      if (count === 1) this.#hint = Math.min(this.#hint, c);
    }
    this.#releases = [];
  }

  /** Makes in-memory refcounts durable: blocks, sync, then table entries pointing at new blocks, sync. */
  persistRefcounts(): void {
    if (!this.#store.hasDirty) return;
    this.#store.writeDirtyBlocks();
    this.#file.sync();
    if (this.#store.dirtyTableEntries.size > 0) {
      this.#store.writeDirtyTableEntries();
      this.#file.sync();
    }
  }

  #findFree(): number {
    const store = this.#store;
    const perBlock = store.entriesPerBlock;
    let c = this.#hint;
    for (;;) {
      const k = Math.floor(c / perBlock);
      if (k >= store.table.length || store.table[k] === 0) return c;
      const block = store.block(k);
      for (let i = c % perBlock; i < perBlock; i++) {
        if (isZeroEntry(block, i, store.order)) return k * perBlock + i;
      }
      c = (k + 1) * perBlock;
    }
  }

  /** Relocates the refcount table so that it has an entry for block index `needed`. */
  #growTable(needed: number): void {
    const store = this.#store;
    const cs = this.#clusterSize;
    const perBlock = store.entriesPerBlock;
    this.persistRefcounts();
    const start = this.#highWater;
    let entries = Math.max(needed + 1, store.table.length * 2);
    for (;;) {
      const tableClusters = Math.ceil((entries * 8) / cs);
      const table = new Float64Array((tableClusters * cs) / 8);
      table.set(store.table);
      const newBlocks = new Map<number, RefcountBlock>();
      let end = start + tableClusters;
      let fits = true;
      // Count the table and every new block; new blocks go right after the table.
      for (let x = start; x < end; x++) {
        const k = Math.floor(x / perBlock);
        if (k >= table.length) {
          fits = false;
          break;
        }
        if (table[k] === 0) {
          table[k] = end * cs;
          newBlocks.set(k, newRefcountBlock(cs));
          end++;
        }
        const fresh = newBlocks.get(k);
        if (fresh) setOne(fresh, x % perBlock, store.order);
        else store.set(x, 1);
      }
      if (!fits) {
        entries = Math.max(entries * 2, Math.ceil(end / perBlock) + 1);
        continue;
      }
      // Existing blocks changed above are written with the new ones, all before the header moves.
      store.writeDirtyBlocks();
      for (const [k, block] of newBlocks) this.#file.writeAt(table[k], block.bytes);
      this.#file.writeAt(start * cs, encodeTableEntries(table, 0, table.length));
      this.#file.sync();
      const field = new Uint8Array(12);
      const view = new DataView(field.buffer);
      view.setBigUint64(0, BigInt(start * cs));
      view.setUint32(8, tableClusters);
      this.#file.writeAt(FIELD.refcountTableOffset, field);
      this.#file.sync();
      const oldOffset = store.tableOffset;
      const oldClusters = store.tableClusters;
      store.replaceTable(table, start * cs, tableClusters);
      for (const [k, block] of newBlocks) {
        block.dirty = false;
        store.adoptBlock(k, block);
      }
      this.release(oldOffset, oldClusters * cs);
      this.#highWater = Math.max(this.#highWater, end);
      return;
    }
  }
}

function isZeroEntry(block: RefcountBlock, i: number, order: number): boolean {
  if (order === 4) return block.view.getUint16(i * 2) === 0;
  if (order < 3) {
    const bits = 1 << order;
    const bitPos = i * bits;
    return ((block.bytes[bitPos >>> 3] >>> (bitPos & 7)) & ((1 << bits) - 1)) === 0;
  }
  const width = 1 << (order - 3);
  for (let b = 0; b < width; b++) if (block.bytes[i * width + b] !== 0) return false;
  return true;
}

function setOne(block: RefcountBlock, i: number, order: number): void {
  if (order < 3) {
    const bitPos = i << order;
    block.bytes[bitPos >>> 3] |= 1 << (bitPos & 7);
  } else {
    const width = 1 << (order - 3);
    block.bytes[i * width + width - 1] = 1;
  }
}
