/**
 * Where a disk layer holds data: allocated sectors, extent count and a coarse map over the disk,
 * gathered from `allocationRun` a bounded number of calls at a time. A panel advances the scan while
 * it draws, so a large or fragmented image never stalls the emulator: it shows "…" until done.
 *
 * @example
 * ```ts
 * const scan = new AllocationScan(layer);
 * scan.advance(10_000);                  // at most 10 000 allocationRun calls
 * if (scan.done) console.log(scan.share, scan.extents, scan.bar(40));
 * ```
 */
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import type { DiskLayer } from "../../disks/layer.ts";

/** What a scan needs from a layer. */
export type AllocationSource = Pick<DiskLayer, "sectorCount" | "allocationRun">;

/** Resolution of the stored map; bars of any width are drawn from it. */
const MAP_BUCKETS = 512;

/** Bar glyphs from empty to full: fraction of a bar cell's sectors that are allocated. */
const BAR_GLYPHS = ["·", "░", "▒", "▓", "█"];

/** An incremental scan of one layer's allocation. */
export class AllocationScan {
  readonly sectorCount: number;
  #source: AllocationSource;
  #next = 0;
  #allocated = 0;
  #extents = 0;
  #lastAllocated = false;
  /** Allocated sectors per bucket of `sectorCount / MAP_BUCKETS` sectors. */
  readonly #buckets: Float64Array;
  readonly #bucketSectors: number;

  constructor(source: AllocationSource) {
    this.#source = source;
    this.sectorCount = source.sectorCount;
    const buckets = Math.max(1, Math.min(MAP_BUCKETS, this.sectorCount));
    this.#buckets = new Float64Array(buckets);
    this.#bucketSectors = this.sectorCount / buckets;
  }

  /** True once every sector has been looked at. */
  get done(): boolean {
    return this.#next >= this.sectorCount;
  }

  /** Share of the disk scanned so far, 0..1. */
  get progress(): number {
    return this.sectorCount === 0 ? 1 : this.#next / this.sectorCount;
  }

  /** Sectors found allocated so far. */
  get allocatedSectors(): number {
    return this.#allocated;
  }

  /** Bytes found allocated so far. */
  get allocatedBytes(): number {
    return this.#allocated * SECTOR_SIZE;
  }

  /** Allocated share of the virtual disk (final once {@link done}). */
  get share(): number {
    return this.sectorCount === 0 ? 0 : this.#allocated / this.sectorCount;
  }

  /** Contiguous allocated ranges found so far. */
  get extents(): number {
    return this.#extents;
  }

  /** Does up to `maxCalls` allocationRun calls; returns the number left unused. */
  advance(maxCalls: number): number {
    let calls = maxCalls;
    while (calls > 0 && this.#next < this.sectorCount) {
      const lba = this.#next;
      const run = this.#source.allocationRun(lba, this.sectorCount - lba);
      calls--;
      const length = Math.max(1, Math.abs(run)); // never 0 by contract; guard against a loop anyway
      const allocated = run > 0;
      if (allocated) {
        this.#allocated += length;
        if (!this.#lastAllocated) this.#extents++;
        this.#addToBuckets(lba, length);
      }
      this.#lastAllocated = allocated;
      this.#next = lba + length;
    }
    return calls;
  }

  /** A `width`-column picture of where the data lies across the disk (scanned part only). */
  bar(width: number): string {
    if (width <= 0) return "";
    let s = "";
    const n = this.#buckets.length;
    for (let i = 0; i < width; i++) {
      const from = Math.floor(i * n / width);
      const to = Math.max(from + 1, Math.floor((i + 1) * n / width));
      let sum = 0;
      for (let b = from; b < to; b++) sum += this.#buckets[b];
      const fraction = sum / ((to - from) * this.#bucketSectors);
      s += fraction <= 0 ? BAR_GLYPHS[0] : BAR_GLYPHS[Math.min(4, 1 + Math.floor(fraction * 3.999))];
    }
    return s;
  }

  #addToBuckets(lba: number, length: number): void {
    let at = lba;
    const end = lba + length;
    while (at < end) {
      const bucket = Math.min(this.#buckets.length - 1, Math.floor(at / this.#bucketSectors));
      const bucketEnd = Math.min(end, Math.ceil((bucket + 1) * this.#bucketSectors));
      const take = Math.max(1, bucketEnd - at);
      this.#buckets[bucket] += take;
      at += take;
    }
  }
}
