/**
 * What the disk chain panel shows: each drive's layers, base first, with file, format, sizes,
 * creation time, the snapshot that froze it and a lazily gathered allocation scan.
 *
 * @example
 * ```ts
 * const model = buildDiskChainModel([{ name: "C:", chain }], frozenBy); // frozenBy: layer path → snapshot
 * panel.update(model);
 * ```
 */
import { resolve } from "node:path";
import type { IndexEntry } from "../../core/snapshot/snapshot_index.ts";
import type { DiskChain } from "../../disks/chain.ts";
import type { DiskLayer, ImageFormat } from "../../disks/layer.ts";
import { MemoryOverlay } from "../../disks/memory_overlay.ts";
import { AllocationScan } from "./allocation_scan.ts";

/** One layer of a drive's chain. */
export interface DiskLayerView {
  /** Position in the chain, base = 0. */
  readonly index: number;
  readonly path: string;
  readonly format: ImageFormat;
  /** Virtual disk size in bytes. */
  readonly virtualBytes: number;
  /** Bytes the file occupies on the host (RAM for an in-memory overlay). */
  readonly hostBytes: number;
  /** File creation time (birth time where the host records it, else modification time). */
  readonly created: Date | null;
  /** The snapshot that froze this layer (its label or id), or null. */
  readonly frozenBy: string | null;
  readonly readOnly: boolean;
  /** An in-memory overlay: nothing reaches a file. */
  readonly inMemory: boolean;
  /** Where the layer holds data; advanced by the panel as it draws. */
  readonly allocation: AllocationScan;
}

/** One drive and its chain (no layers: no disk in the drive). */
export interface DriveView {
  /** "A:", "C:", … */
  readonly name: string;
  /** Base first; the last is the top that writes go to. */
  readonly layers: readonly DiskLayerView[];
}

/** Everything the disk chain panel draws. */
export interface DiskChainModel {
  readonly drives: readonly DriveView[];
}

/**
 * The `frozenBy` map for {@link buildDiskChainModel} from the snapshot index: each frozen layer's path
 * → the snapshot's label (or id when it has none). A layer frozen by several snapshots names the first.
 */
export function frozenLayers(entries: readonly IndexEntry[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of entries) {
    for (const disk of entry.disks) {
      if (!map.has(disk.frozenPath)) map.set(disk.frozenPath, entry.label !== "" ? entry.label : entry.id);
    }
  }
  return map;
}

/** Scans of read-only layers, kept across rebuilds: their content cannot change under us. */
const frozenScans = new WeakMap<DiskLayer, AllocationScan>();

/**
 * Reads the chains into a model. Cheap: file stats only; allocation is scanned later, bounded, while
 * the panel draws. `frozenBy` maps a layer's path (as opened, or resolved) to the snapshot that froze it.
 */
export function buildDiskChainModel(
  drives: readonly { name: string; chain: DiskChain | null }[],
  frozenBy: ReadonlyMap<string, string>,
): DiskChainModel {
  return {
    drives: drives.map(({ name, chain }) => ({
      name,
      layers: chain === null ? [] : chain.layers.map((layer, index) => layerView(layer, index, frozenBy)),
    })),
  };
}

function layerView(layer: DiskLayer, index: number, frozenBy: ReadonlyMap<string, string>): DiskLayerView {
  const inMemory = layer instanceof MemoryOverlay || !isFile(layer.path);
  return {
    index,
    path: layer.path,
    format: layer.format,
    virtualBytes: layer.sectorCount * layer.sectorSize,
    hostBytes: layer.hostBytes(),
    created: inMemory ? null : creationTime(layer.path),
    frozenBy: frozenBy.get(layer.path) ?? frozenBy.get(resolve(layer.path)) ?? null,
    readOnly: layer.readOnly,
    inMemory,
    allocation: scanFor(layer),
  };
}

/** A cached scan for a read-only layer; a fresh one for the writable top (the guest changes it). */
function scanFor(layer: DiskLayer): AllocationScan {
  if (!layer.readOnly) return new AllocationScan(layer);
  let scan = frozenScans.get(layer);
  if (!scan) {
    scan = new AllocationScan(layer);
    frozenScans.set(layer, scan);
  }
  return scan;
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function creationTime(path: string): Date | null {
  try {
    const info = Deno.statSync(path);
    return info.birthtime ?? info.mtime;
  } catch {
    return null;
  }
}
