/**
 * A disk as a chain of layers: a read-only base, read-only intermediate children and a
 * writable top. Reads go through one merged map (sector range → layer, and for read-only
 * layers the host offset), so a read costs one binary search and, for plain data, one host
 * read, whatever the depth; writes go only to the top.
 */
import { basename, dirname, relative, resolve } from "./path.ts";
import { type BlockDevice, type ChsGeometry, SECTOR_SIZE } from "./block_device.ts";
import { detectFormat } from "./detect.ts";
import { DiskError } from "./errors.ts";
import { createQcow2Image, openLayer } from "./formats/registry.ts";
import { createVhdDifferencing } from "./formats/vhd/create.ts";
import { describe, HostFile } from "./host_file.ts";
import type { DiskLayer, ImageFormat } from "./layer.ts";
import { MemoryOverlay } from "./memory_overlay.ts";
import {
  type ChainExtent,
  type HostMappedLayer,
  hostMapping,
  MergedMap,
  NO_HOST,
  UNMAPPED,
} from "./merged_map.ts";
import { allowedRoots, fileIdentity, notRegularReason, resolveParent } from "./parent_resolver.ts";

/** Default limit on the number of layers in a chain. */
export const DEFAULT_MAX_DEPTH = 256;

export interface OpenChainOptions {
  /** Open the top read-only too (every parent is always read-only). */
  readonly readOnly?: boolean;
  /** Format of the top image; detected from its content by default. */
  readonly format?: ImageFormat;
  /** Directories (besides the image's own tree) where parents may live. */
  readonly allowParentDirs?: readonly string[];
  /** Most layers a chain may have, top included (default 256). */
  readonly maxDepth?: number;
  /** Geometry to report instead of the one derived from the images. */
  readonly geometry?: ChsGeometry;
  /**
   * Layers already open elsewhere that this chain may share instead of opening them again:
   * called with each layer file's identity (device and inode) before it is opened, it returns
   * that layer and every layer below it (base first), or null. Used by a restore, whose chain
   * is mostly the running chain's read-only layers; the caller then owns the sharing (see
   * {@link DiskChain.close}'s `keep`).
   */
  readonly reuse?: (identity: string) => readonly DiskLayer[] | null;
}

/** The identity {@link OpenChainOptions.reuse} is asked with, for a layer file at `path`. */
export function layerFileIdentity(path: string): string {
  const realPath = Deno.realPathSync(path);
  return fileIdentity(Deno.statSync(realPath), realPath);
}

/** Opens the image at `path` and its whole parent chain; parents are opened read-only. */
export function openChain(path: string, options: OpenChainOptions = {}): DiskChain {
  const steps = openChainSteps(path, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * {@link openChain} one layer at a time: yields each layer right after opening it (the top
 * first), so a caller on an event loop can let other work run between the opens. Returns the
 * chain. Stopping early (`return()`/`throw()`) or a failure closes every layer opened so far.
 */
export function* openChainSteps(
  path: string,
  options: OpenChainOptions = {},
): Generator<DiskLayer, DiskChain, void> {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const roots = allowedRoots(path, options.allowParentDirs ?? []);
  const opened: DiskLayer[] = []; // top first while opening
  /** Layers shared from elsewhere (base first): the bottom of the chain, never closed here. */
  let shared: readonly DiskLayer[] = [];
  let chain: DiskChain | null = null;
  try {
    const top = checkRegular(path);
    const seen = new Map<string, string>([[top.identity, path]]);
    // Only a read-only top can be shared (a writable one is the caller's to write).
    const reusedTop = options.readOnly ? options.reuse?.(top.identity) ?? null : null;
    if (reusedTop !== null && reusedTop.length > 0) {
      return chain = new DiskChain(reusedTop.slice(), options.geometry ?? null);
    }
    let layer = openFile(path, options.format, !!options.readOnly);
    opened.push(layer);
    yield layer;
    while (layer.parentRef) {
      if (opened.length >= maxDepth) {
        throw new DiskError(path, `chain is deeper than the limit of ${maxDepth} layers (at ${layer.path})`);
      }
      const parent = resolveParent(layer.path, layer.parentRef, roots);
      const earlier = seen.get(parent.identity);
      if (earlier !== undefined) {
        throw new DiskError(layer.path, `parent chain loops: ${parent.path} is the same file as ${earlier}`);
      }
      seen.set(parent.identity, parent.path);
      const reused = options.reuse?.(parent.identity) ?? null;
      if (reused !== null && reused.length > 0) {
        shared = reused;
        break;
      }
      layer = openFile(parent.realPath, layer.parentRef.format, true);
      opened.push(layer);
      yield layer;
    }
    // Identity and freshness are checked once the structure is known to be sound.
    const all = [...opened, ...shared.slice().reverse()];
    for (let i = 0; i + 1 < all.length && i < opened.length; i++) {
      const problem = all[i].parentRef?.verify?.(all[i + 1]) ?? null;
      if (problem) throw new DiskError(all[i].path, problem);
    }
    if (all.length > maxDepth) {
      throw new DiskError(path, `chain is deeper than the limit of ${maxDepth} layers`);
    }
    chain = new DiskChain(all.reverse(), options.geometry ?? null);
    return chain;
  } finally {
    if (chain === null) { for (const l of opened) l.close(); }
  }
}

function checkRegular(path: string): { identity: string } {
  let info: Deno.FileInfo;
  let realPath: string;
  try {
    realPath = Deno.realPathSync(path);
    info = Deno.statSync(realPath);
  } catch (e) {
    throw new DiskError(path, `cannot open: ${describe(e)}`);
  }
  const reason = notRegularReason(info);
  if (reason) throw new DiskError(path, `refusing to open: ${reason}`);
  return { identity: fileIdentity(info, realPath) };
}

function openFile(path: string, format: ImageFormat | undefined, readOnly: boolean): DiskLayer {
  let detected = format;
  if (!detected) {
    const probe = HostFile.open(path, true);
    try {
      detected = detectFormat(probe);
    } finally {
      probe.close();
    }
  }
  return openLayer(path, detected, { readOnly });
}

/** The merged view of a layer chain, served as one {@link BlockDevice}. */
export class DiskChain implements BlockDevice {
  readonly sectorSize = SECTOR_SIZE;
  #layers: DiskLayer[];
  #map: MergedMap;
  /** Per layer: the layer as host-mapped when the map may carry its host offsets. */
  #hosted: (HostMappedLayer | null)[] = [];
  #geometry: ChsGeometry | null;

  /** Use {@link openChain}. `layers` is base first; only the last may be writable. */
  constructor(layers: DiskLayer[], geometry: ChsGeometry | null = null) {
    if (layers.length === 0) throw new Error("a disk chain needs at least one layer");
    this.#layers = layers;
    this.#geometry = geometry;
    this.#map = MergedMap.build(layers, this.top.sectorCount);
    this.#hosted = layers.map(hostMapping);
    this.#wireBackingReaders();
  }

  /** Rebuilds the merged map from the layers (and which of them are host-mapped). */
  #rebuildMap(): void {
    this.#map = MergedMap.build(this.#layers, this.sectorCount);
    this.#hosted = this.#layers.map(hostMapping);
  }

  /** The layers, base first. */
  get layers(): readonly DiskLayer[] {
    return this.#layers;
  }

  /** The layer writes go to. */
  get top(): DiskLayer {
    return this.#layers[this.#layers.length - 1];
  }

  get sectorCount(): number {
    return this.top.sectorCount;
  }

  get readOnly(): boolean {
    return this.top.readOnly;
  }

  /** The base's geometry when it has the disk's size (children inherit it), else the top's. */
  get geometry(): ChsGeometry {
    if (this.#geometry) return this.#geometry;
    const base = this.#layers[0];
    return base.sectorCount === this.top.sectorCount ? base.geometry : this.top.geometry;
  }

  read(lba: number, count: number, into: Uint8Array): void {
    this.#checkRange(lba, count, into);
    // Fast path: the whole request lies in one extent of plain host data.
    const map = this.#map;
    const extent = map.find(lba);
    const host = map.hostOf(extent);
    if (host !== NO_HOST && lba + count <= map.endOf(extent)) {
      const bytes = count * SECTOR_SIZE;
      this.#hosted[map.layerOf(extent)]!.readHost(
        host + (lba - map.startOf(extent)) * SECTOR_SIZE,
        into.length === bytes ? into : into.subarray(0, bytes),
      );
      return;
    }
    this.#readBelow(this.#layers.length, lba, count, into);
  }

  write(lba: number, count: number, from: Uint8Array): void {
    if (this.readOnly) throw new DiskError(this.top.path, "disk is open read-only");
    this.#checkRange(lba, count, from);
    try {
      this.top.write(lba, count, from);
    } catch (e) {
      // Part of the write may have landed: ask the layers again rather than guess.
      this.#rebuildMap();
      throw e;
    }
    this.#map.assign(lba, count, this.#layers.length - 1);
  }

  flush(): void {
    this.top.flush();
  }

  /** Closes every layer, except those in `keep` (layers another chain shares now). */
  close(keep?: ReadonlySet<DiskLayer>): void {
    for (const layer of this.#layers) if (!keep?.has(layer)) layer.close();
  }

  /** The merged map as runs: which layer (base = 0) holds each sector range, or null. */
  extents(): ChainExtent[] {
    return this.#map.extents();
  }

  /**
   * Creates a differencing child of the current top at `path` and makes it the writable
   * top; the old top is flushed and reopened read-only. VHD children need a VHD top;
   * qcow2 children take any top as backing file.
   */
  pushChild(path: string, format: ImageFormat): DiskLayer {
    const old = this.top;
    if (old instanceof MemoryOverlay) {
      throw new DiskError(path, "cannot put a file child over an in-memory overlay");
    }
    if (format === "raw") throw new DiskError(path, "a raw image cannot be a differencing child");
    if (format === "vhd" && old.format !== "vhd") {
      throw new DiskError(
        path,
        `a VHD differencing child needs a VHD parent, not ${old.format} (${old.path})`,
      );
    }
    old.flush();
    if (format === "vhd") createVhdDifferencing(path, old.path);
    else {
      const backingFile = relative(dirname(resolve(path)), resolve(old.path)) || basename(old.path);
      createQcow2Image(path, { size: old.sectorCount * SECTOR_SIZE, backingFile, backingFormat: old.format });
    }
    const index = this.#layers.length - 1;
    if (!old.readOnly) {
      old.close();
      this.#layers[index] = openLayer(old.path, old.format, { readOnly: true });
    }
    const child = openLayer(path, format, { readOnly: false });
    const problem = child.parentRef?.verify?.(this.#layers[index]) ?? null;
    if (problem) {
      child.close();
      throw new DiskError(path, problem);
    }
    this.#layers.push(child);
    // The old top is read-only now: its host offsets may be cached.
    this.#rebuildMap();
    this.#wireBackingReaders();
    return child;
  }

  /**
   * Makes `child`, an empty writable differencing layer already created and opened over the
   * current top's file, the new top, without any file I/O (a live snapshot's freeze). The old
   * top object stays as it is and is no longer written; the caller flushes it afterwards.
   */
  attachChild(child: DiskLayer): void {
    const old = this.top;
    if (old instanceof MemoryOverlay) {
      throw new DiskError(child.path, "cannot put a file child over an in-memory overlay");
    }
    if (child.readOnly || child.sectorCount !== old.sectorCount) {
      throw new DiskError(child.path, "not a writable child of the same size as the top layer");
    }
    this.#layers.push(child);
    this.#hosted.push(null);
    this.#wireBackingReaders();
  }

  /**
   * Replaces `count` adjacent read-only layers from `index` (base = 0) with `layer`, which must
   * show the same merged view (a merge of them, e.g. after a chain-depth merge). The top stays.
   * The replaced layers are closed.
   */
  replaceLayers(index: number, count: number, layer: DiskLayer): void {
    if (index < 0 || count < 1 || index + count >= this.#layers.length) {
      throw new DiskError(layer.path, "only layers below the top can be replaced");
    }
    const old = this.#layers.splice(index, count, layer);
    for (const l of old) l.close();
    this.#rebuildMap();
    this.#wireBackingReaders();
  }

  /** Puts an empty in-memory layer on top: from now on writes stay in RAM. */
  pushOverlay(): MemoryOverlay {
    const overlay = new MemoryOverlay(this.sectorCount, this.geometry);
    this.#layers.push(overlay);
    this.#hosted.push(null);
    this.#wireBackingReaders();
    return overlay;
  }

  /** Each layer reads the merged view of the layers below it (for partial-cluster copy-on-write). */
  #wireBackingReaders(): void {
    this.#layers.forEach((layer, index) => {
      layer.backingReader = index === 0
        ? null
        : (lba, count, into) => this.#readBelow(index, lba, count, into);
    });
  }

  /** Reads the merged view of layers [0, below) through the map. */
  #readBelow(below: number, lba: number, count: number, into: Uint8Array): void {
    let extent = this.#map.find(lba);
    let done = 0;
    while (done < count) {
      const at = lba + done;
      const n = Math.min(this.#map.endOf(extent), lba + count) - at;
      const layer = this.#map.layerOf(extent);
      const host = this.#map.hostOf(extent);
      const target = into.subarray(done * SECTOR_SIZE, (done + n) * SECTOR_SIZE);
      if (layer === UNMAPPED) target.fill(0);
      else if (layer >= below) this.#readWalking(below - 1, at, n, target);
      else if (host !== NO_HOST) {
        this.#hosted[layer]!.readHost(host + (at - this.#map.startOf(extent)) * SECTOR_SIZE, target);
      } else this.#layers[layer].readOwn(at, n, target);
      done += n;
      extent++;
    }
  }

  /**
   * Reads sectors that the map assigns to a layer at or above `from`+1, by asking the
   * layers from `from` downwards (only backing readers of lower layers need this).
   */
  #readWalking(from: number, lba: number, count: number, into: Uint8Array): void {
    if (from < 0) {
      into.subarray(0, count * SECTOR_SIZE).fill(0);
      return;
    }
    const layer = this.#layers[from];
    let done = 0;
    while (done < count) {
      const run = layer.allocationRun(lba + done, count - done);
      const n = Math.min(Math.abs(run), count - done);
      const target = into.subarray(done * SECTOR_SIZE, (done + n) * SECTOR_SIZE);
      if (run > 0) layer.readOwn(lba + done, n, target);
      else this.#readWalking(from - 1, lba + done, n, target);
      done += n;
    }
  }

  #checkRange(lba: number, count: number, buffer: Uint8Array): void {
    if (
      !Number.isInteger(lba) || !Number.isInteger(count) || lba < 0 || count < 0 ||
      lba + count > this.sectorCount
    ) {
      throw new DiskError(
        this.top.path,
        `sector range ${lba}+${count} is outside the disk (${this.sectorCount} sectors)`,
      );
    }
    if (buffer.length < count * SECTOR_SIZE) {
      throw new DiskError(
        this.top.path,
        `buffer of ${buffer.length} bytes is too small for ${count} sectors`,
      );
    }
  }
}
