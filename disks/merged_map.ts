/**
 * The chain's merged map: which layer holds each sector, as sorted extents in typed
 * arrays. Extent i covers [start[i], start[i+1]) (the last one ends at the disk end).
 *
 * For read-only layers that can say where their data lies in their host file
 * ({@link HostMappedLayer}: VHD blocks, plain qcow2 clusters), the map also records the
 * host byte offset of each extent's first sector, so a chain read becomes one binary
 * search and one host read, with no per-layer lookup (BAT, bitmap, L1/L2) at read time.
 * Such extents end where the host data stops being contiguous. Neighbours always differ
 * in layer or are not contiguous on the host; {@link MergedMap.extents} reports runs by
 * layer only.
 *
 * Host offsets are taken only from read-only layers: a writable layer may move data on
 * the host (qcow2 copy-on-write of a whole cluster), so its extents carry
 * {@link NO_HOST} and reads ask the layer. Writes mark what they touch {@link NO_HOST}.
 *
 * Layers address sectors by virtual LBA (see DiskLayer.readOwn), so "sector in that
 * layer" equals the virtual sector and needs no second array.
 */
import { SECTOR_SIZE } from "./block_device.ts";
import type { DiskLayer } from "./layer.ts";

/** Host offset meaning "ask the layer" (not plain data, or the layer may change). */
export const NO_HOST = -1;

/**
 * A layer that can tell where sectors it holds are stored in its host file as plain,
 * uncompressed data, and read them back by host offset.
 */
export interface HostMappedLayer {
  /**
   * For sectors from `lba` (all held by this layer, up to `maxCount`): positive = that many
   * sectors are plain data at consecutive host offsets starting at {@link hostOffset}(lba);
   * negative = that many sectors must be read through `readOwn` (zero or compressed
   * clusters, malformed entries). Never 0 for maxCount > 0.
   */
  hostRun(lba: number, maxCount: number): number;
  /** Host byte offset of sector `lba` (valid where {@link hostRun} is positive). */
  hostOffset(lba: number): number;
  /** Fills `into` from byte `offset` of the layer's host file. */
  readHost(offset: number, into: Uint8Array): void;
}

/** The layer as a {@link HostMappedLayer} when its host offsets may be cached: read-only and able to. */
export function hostMapping(layer: DiskLayer): HostMappedLayer | null {
  if (!layer.readOnly) return null;
  const candidate = layer as DiskLayer & Partial<HostMappedLayer>;
  if (
    typeof candidate.hostRun !== "function" || typeof candidate.hostOffset !== "function" ||
    typeof candidate.readHost !== "function"
  ) return null;
  return candidate as DiskLayer & HostMappedLayer;
}

/** Layer index meaning "no layer holds these sectors" (they read as zeros). */
export const UNMAPPED = -1;

/** One run of the merged map, for `disk map`. */
export interface ChainExtent {
  readonly start: number;
  readonly count: number;
  /** Index into the chain's layers (base = 0), or null when no layer holds the run. */
  readonly layer: number | null;
}

/** One extent while building or splicing: first sector, layer (or UNMAPPED) and host offset (or NO_HOST). */
interface Piece {
  start: number;
  layer: number;
  host: number;
}

/** True when `b` (starting later) continues `a` in the same layer and, if `a` is host-mapped, on the host. */
function continues(a: Piece, b: Piece): boolean {
  if (a.layer !== b.layer) return false;
  if (a.host === NO_HOST) return b.host === NO_HOST;
  return b.host === a.host + (b.start - a.start) * SECTOR_SIZE;
}

/** Sector range → layer index (and host offset), as sorted extents; see the module comment. */
export class MergedMap {
  readonly sectorCount: number;
  #starts: Float64Array;
  #layers: Int32Array;
  #hosts: Float64Array;
  #length: number;

  private constructor(sectorCount: number, pieces: readonly Piece[]) {
    this.sectorCount = sectorCount;
    const capacity = Math.max(16, pieces.length * 2);
    this.#starts = new Float64Array(capacity);
    this.#layers = new Int32Array(capacity);
    this.#hosts = new Float64Array(capacity);
    pieces.forEach((p, i) => {
      this.#starts[i] = p.start;
      this.#layers[i] = p.layer;
      this.#hosts[i] = p.host;
    });
    this.#length = pieces.length;
  }

  /**
   * Builds the map top-down: the top layer claims what it holds, each lower layer is asked
   * only about the gaps still open. Cost follows the number of allocation runs, not sectors.
   * Runs of host-mappable read-only layers are then split where their host data is not
   * contiguous, and carry the host offset. `layers` is base first.
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
    const mapped = layers.map(hostMapping);
    const pieces: Piece[] = [];
    const push = (start: number, layer: number, host: number) => {
      const piece = { start, layer, host };
      if (pieces.length > 0 && continues(pieces[pieces.length - 1], piece)) return;
      pieces.push(piece);
    };
    let at = 0;
    for (const f of found) {
      if (f.start > at) push(at, UNMAPPED, NO_HOST);
      const host = mapped[f.layer];
      const end = f.start + f.count;
      if (!host) push(f.start, f.layer, NO_HOST);
      else {
        for (let s = f.start; s < end;) {
          const run = host.hostRun(s, end - s);
          const n = Math.min(Math.abs(run), end - s);
          if (n <= 0) throw new Error(`${layers[f.layer].path}: hostRun returned 0 at sector ${s}`);
          push(s, f.layer, run > 0 ? host.hostOffset(s) : NO_HOST);
          s += n;
        }
      }
      at = end;
    }
    if (at < sectorCount || pieces.length === 0) push(at, UNMAPPED, NO_HOST);
    return new MergedMap(sectorCount, pieces);
  }

  /** Number of extents, host-contiguity splits included (for diagnostics and tests of compactness). */
  get extentCount(): number {
    return this.#length;
  }

  /** Index of the extent holding `lba` (binary search). */
  find(lba: number): number {
    const starts = this.#starts;
    let lo = 0;
    let hi = this.#length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= lba) lo = mid;
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

  /** Host byte offset of the extent's first sector in its layer's file, or {@link NO_HOST}. */
  hostOf(extent: number): number {
    return this.#hosts[extent];
  }

  /** Marks [lba, lba+count) as held by `layer` (after a write to that layer), with no host offset. */
  assign(lba: number, count: number, layer: number): void {
    if (count <= 0) return;
    const end = lba + count;
    let lo = this.find(lba);
    let hi = this.find(end - 1);
    if (lo === hi && this.#layers[lo] === layer && this.#hosts[lo] === NO_HOST) return;
    const pieces: Piece[] = [];
    if (this.#starts[lo] < lba) pieces.push(this.#piece(lo));
    pieces.push({ start: lba, layer, host: NO_HOST });
    if (this.endOf(hi) > end) {
      const host = this.#hosts[hi];
      pieces.push({
        start: end,
        layer: this.#layers[hi],
        host: host === NO_HOST ? NO_HOST : host + (end - this.#starts[hi]) * SECTOR_SIZE,
      });
    }
    if (lo > 0 && continues(this.#piece(lo - 1), pieces[0])) {
      lo--;
      pieces[0] = this.#piece(lo);
    }
    if (hi + 1 < this.#length && continues(pieces[pieces.length - 1], this.#piece(hi + 1))) hi++;
    const merged = pieces.filter((p, i) => i === 0 || !continues(pieces[i - 1], p));
    this.#splice(lo, hi - lo + 1, merged);
  }

  /** All extents in order, as runs by layer (host-contiguity splits are not shown). */
  extents(): ChainExtent[] {
    const out: ChainExtent[] = [];
    for (let i = 0; i < this.#length;) {
      const start = this.#starts[i];
      const layer = this.#layers[i];
      let j = i + 1;
      while (j < this.#length && this.#layers[j] === layer) j++;
      const end = j < this.#length ? this.#starts[j] : this.sectorCount;
      out.push({ start, count: end - start, layer: layer === UNMAPPED ? null : layer });
      i = j;
    }
    return out;
  }

  #piece(i: number): Piece {
    return { start: this.#starts[i], layer: this.#layers[i], host: this.#hosts[i] };
  }

  /** Replaces `removed` extents at `at` with `pieces`, growing the arrays when needed. */
  #splice(at: number, removed: number, pieces: readonly Piece[]): void {
    const newLength = this.#length - removed + pieces.length;
    if (newLength > this.#starts.length) {
      const starts = new Float64Array(newLength * 2);
      const layers = new Int32Array(newLength * 2);
      const hosts = new Float64Array(newLength * 2);
      starts.set(this.#starts.subarray(0, this.#length));
      layers.set(this.#layers.subarray(0, this.#length));
      hosts.set(this.#hosts.subarray(0, this.#length));
      this.#starts = starts;
      this.#layers = layers;
      this.#hosts = hosts;
    }
    const tailFrom = at + removed;
    const tailTo = at + pieces.length;
    if (tailFrom !== tailTo) {
      this.#starts.copyWithin(tailTo, tailFrom, this.#length);
      this.#layers.copyWithin(tailTo, tailFrom, this.#length);
      this.#hosts.copyWithin(tailTo, tailFrom, this.#length);
    }
    pieces.forEach((p, i) => {
      this.#starts[at + i] = p.start;
      this.#layers[at + i] = p.layer;
      this.#hosts[at + i] = p.host;
    });
    this.#length = newLength;
  }
}
