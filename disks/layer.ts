/**
 * One image file in a disk chain. Each format (raw, VHD, qcow2) implements this;
 * `DiskChain` stacks layers and serves the merged view as a {@link BlockDevice}.
 *
 * A layer answers only for itself: `readOwn` returns the sectors this file holds,
 * and `allocationRun` says which sectors those are. It never reads its parent;
 * resolving a sector to the layer that holds it is the chain's job, done once
 * through a merged map rather than a lookup per layer.
 */
import type { BlockDevice } from "./block_device.ts";

export type ImageFormat = "raw" | "vhd" | "qcow2";

/** How a child names its parent, as stored in the child's metadata. */
export interface ParentReference {
  /** Candidate paths in the order the format says to try them (already decoded, maybe relative). */
  readonly paths: readonly string[];
  /** Format the child declares for its parent, if the format records one. */
  readonly format?: ImageFormat;
  /**
   * Checks that the opened parent is the one the child was made against
   * (VHD: unique id and timestamp). Returns an error message, or null if it matches
   * or the format has nothing to check.
   */
  verify?(parent: DiskLayer): string | null;
}

export interface DiskLayer extends BlockDevice {
  readonly path: string;
  readonly format: ImageFormat;
  /** The parent this layer refers to, or null for a base image. */
  readonly parentRef: ParentReference | null;
  /** Bytes this file occupies on the host. */
  hostBytes(): number;
  /**
   * Starting at `lba`, the length of the run of sectors (at most `maxCount`) that share
   * one allocation status, and that status: positive count = present in this layer,
   * negative count = not present (read through to the parent). Never 0 for maxCount > 0.
   * Allocation-free, so the chain can build its merged map quickly.
   */
  allocationRun(lba: number, maxCount: number): number;
  /**
   * Reads sectors that this layer holds. Sectors it does not hold read as zeros
   * (callers use `allocationRun` to avoid asking for them).
   */
  readOwn(lba: number, count: number, into: Uint8Array): void;
  /** Writes sectors into this layer, allocating as needed (crash-safe order). */
  write(lba: number, count: number, from: Uint8Array): void;
  /**
   * The merged view of the layers below, set by the chain. Formats whose allocation unit
   * is larger than a sector (qcow2 clusters) use it to fill the rest of a newly allocated
   * unit on a partial write; with none, they fill zeros.
   */
  backingReader?: ((lba: number, count: number, into: Uint8Array) => void) | null;
}
