/**
 * The chain's merged map: which layer holds each sector, as sorted extents in typed
 * arrays. Extent i covers [start[i], start[i+1]) (the last one ends at the disk end);
 * neighbours always differ in layer. A lookup is one binary search, whatever the depth.
 *
 * Layers address sectors by virtual LBA (see DiskLayer.readOwn), so "sector in that
 * layer" equals the virtual sector and needs no second array.
 */
import type { DiskLayer } from "./layer.ts";

/** Layer index meaning "no layer holds these sectors" (they read as zeros). */
export const UNMAPPED = -1;

/** One run of the merged map, for `disk map`. */
export interface ChainExtent {
  readonly start: number;
  readonly count: number;
  /** Index into the chain's layers (base = 0), or null when no layer holds the run. */
  readonly layer: number | null;
}

/** Sector range → layer index, as sorted extents; see the module comment. */
export class MergedMap {
  readonly sectorCount: number;
  #starts: Float64Array;
  #layers: Int32Array;
  #length: number;

  private constructor(sectorCount: number, starts: number[], layers: number[]) {
    this.sectorCount = sectorCount;
    const capacity = Math.max(16, starts.length * 2);
    this.#starts = new Float64Array(capacity);
    this.#layers = new Int32Array(capacity);
    this.#starts.set(starts);
    this.#layers.set(layers);
    this.#length = starts.length;
  }

  /**
   * Builds the map top-down: the top layer claims what it holds, each lower layer is asked
   * only about the gaps still open. Cost follows the number of allocation runs, not sectors.
   * `layers` is base first.
   */
  static build(layers: readonly DiskLayer[], sectorCount: number): MergedMap {
    const found: { start: number; count: number; layer: number }[] = [];
    let gaps: { start: number; count: number }[] = sectorCount > 0 ? [{ start: 0, count: sectorCount }] : [];
    for (let index = layers.length - 1; index >= 0 && gaps.length > 0; index--) {
      const layer = layers[index];
      const open: { start: number; count: number }[] = [];
      for (const gap of gaps) {
        let at = gap.start;
        const end = gap.start + gap.count;
        while (at < end) {
          const run = layer.allocationRun(at, end - at);
          const n = Math.min(Math.abs(run), end - at);
          if (n <= 0) throw new Error(`${layer.path}: allocationRun returned 0 at sector ${at}`);
          if (run > 0) found.push({ start: at, count: n, layer: index });
          else open.push({ start: at, count: n });
          at += n;
        }
      }
      gaps = open;
    }
    found.sort((a, b) => a.start - b.start);
    const starts: number[] = [];
    const owners: number[] = [];
    const push = (start: number, layer: number) => {
      if (owners.length > 0 && owners[owners.length - 1] === layer) return;
      starts.push(start);
      owners.push(layer);
    };
    let at = 0;
    for (const f of found) {
      if (f.start > at) push(at, UNMAPPED);
      push(f.start, f.layer);
      at = f.start + f.count;
    }
    if (at < sectorCount || starts.length === 0) push(at, UNMAPPED);
    return new MergedMap(sectorCount, starts, owners);
  }

  /** Number of extents (for diagnostics and tests of compactness). */
  get extentCount(): number {
    return this.#length;
  }

  /** Index of the extent holding `lba` (binary search). */
  find(lba: number): number {
    let lo = 0;
    let hi = this.#length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#starts[mid] <= lba) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  startOf(extent: number): number {
    return this.#starts[extent];
  }

  endOf(extent: number): number {
    return extent + 1 < this.#length ? this.#starts[extent + 1] : this.sectorCount;
  }

  layerOf(extent: number): number {
    return this.#layers[extent];
  }

  /** Marks [lba, lba+count) as held by `layer` (after a write to that layer). */
  assign(lba: number, count: number, layer: number): void {
    if (count <= 0) return;
    const end = lba + count;
    let lo = this.find(lba);
    let hi = this.find(end - 1);
    if (lo === hi && this.#layers[lo] === layer) return;
    const pieces: { start: number; layer: number }[] = [];
    if (this.#starts[lo] < lba) pieces.push({ start: this.#starts[lo], layer: this.#layers[lo] });
    pieces.push({ start: lba, layer });
    if (this.endOf(hi) > end) pieces.push({ start: end, layer: this.#layers[hi] });
    if (lo > 0 && this.#layers[lo - 1] === pieces[0].layer) {
      lo--;
      pieces[0] = { start: this.#starts[lo], layer: pieces[0].layer };
    }
    if (hi + 1 < this.#length && this.#layers[hi + 1] === pieces[pieces.length - 1].layer) hi++;
    const merged = pieces.filter((p, i) => i === 0 || pieces[i - 1].layer !== p.layer);
    this.#splice(lo, hi - lo + 1, merged);
  }

  /** All extents in order. */
  extents(): ChainExtent[] {
    const out: ChainExtent[] = [];
    for (let i = 0; i < this.#length; i++) {
      const start = this.#starts[i];
      const layer = this.#layers[i];
      out.push({ start, count: this.endOf(i) - start, layer: layer === UNMAPPED ? null : layer });
    }
    return out;
  }

  /** Replaces `removed` extents at `at` with `pieces`, growing the arrays when needed. */
  #splice(at: number, removed: number, pieces: { start: number; layer: number }[]): void {
    const newLength = this.#length - removed + pieces.length;
    if (newLength > this.#starts.length) {
      const starts = new Float64Array(newLength * 2);
      const layers = new Int32Array(newLength * 2);
      starts.set(this.#starts.subarray(0, this.#length));
      layers.set(this.#layers.subarray(0, this.#length));
      this.#starts = starts;
      this.#layers = layers;
    }
    const tailFrom = at + removed;
    const tailTo = at + pieces.length;
    if (tailFrom !== tailTo) {
      this.#starts.copyWithin(tailTo, tailFrom, this.#length);
      this.#layers.copyWithin(tailTo, tailFrom, this.#length);
    }
    pieces.forEach((p, i) => {
      this.#starts[at + i] = p.start;
      this.#layers[at + i] = p.layer;
    });
    this.#length = newLength;
  }
}
