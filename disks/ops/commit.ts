/**
 * `tty86 disk commit`: merges a child's own sectors into its parent. The parent is opened
 * read-write for this only (as the top of its own chain, so a qcow2 parent fills partial
 * clusters from its own parents). Refused when other images are built on the parent,
 * since their view would change underneath them, unless forced.
 *
 * Afterwards the child is kept but emptied (replaced, by write + rename, with a fresh
 * child of the same parent, which also records a VHD parent's new time stamp), or deleted
 * with `discard`. The chain's content is the same before and after.
 */
import { realpathSync } from "node:fs";
import { SECTOR_SIZE } from "../block_device.ts";
import { openChain } from "../chain.ts";
import { DiskError } from "../errors.ts";
import { createQcow2 } from "../formats/qcow2/qcow2_image.ts";
import { Qcow2Image } from "../formats/qcow2/qcow2_image.ts";
import { createVhdDifferencing } from "../formats/vhd/create.ts";
import type { DiskLayer } from "../layer.ts";
import { findDependents } from "./dependents.ts";
import { openSingle } from "./open_layer.ts";
import { noProgress, type ProgressSink } from "./progress.ts";

export interface CommitOptions {
  /** Commit even though other images depend on the parent. */
  readonly force?: boolean;
  /** Delete the child afterwards instead of emptying it. */
  readonly discard?: boolean;
  readonly allowParentDirs?: readonly string[];
  readonly progress?: ProgressSink;
}

/** What commit did (also the `--json` shape). */
export interface CommitResult {
  readonly child: string;
  readonly parent: string;
  readonly bytesCommitted: number;
  readonly child_action: "emptied" | "deleted";
}

const CHUNK_SECTORS = 2048;

/** Commits `childPath` into its parent. */
export function commitDisk(childPath: string, options: CommitOptions = {}): CommitResult {
  const allowParentDirs = options.allowParentDirs ?? [];
  const progress = options.progress ?? noProgress;
  const { parentPath } = resolveParentOf(childPath, allowParentDirs);
  const childReal = realpathSync(childPath);
  const others = findDependents(parentPath, allowParentDirs).filter((p) => realpathSync(p) !== childReal);
  if (others.length > 0 && !options.force) {
    throw new DiskError(
      childPath,
      `refusing to commit: other images depend on the parent ${parentPath} (${others.join(", ")}); ` +
        "use --force to commit anyway",
    );
  }
  const child = openSingle(childPath, true);
  let bytes = 0;
  try {
    const parent = openChain(parentPath, { allowParentDirs });
    try {
      if (parent.sectorCount !== child.sectorCount) {
        throw new DiskError(
          childPath,
          `child size (${child.sectorCount} sectors) differs from its parent's (${parent.sectorCount}); not committed`,
        );
      }
      bytes = copyOwnSectors(child, (lba, n, data) => parent.write(lba, n, data), progress);
      parent.flush();
    } finally {
      parent.close();
    }
  } finally {
    child.close();
  }
  if (options.discard) {
    Deno.removeSync(childPath);
    return { child: childPath, parent: parentPath, bytesCommitted: bytes, child_action: "deleted" };
  }
  emptyChild(childPath, parentPath);
  return { child: childPath, parent: parentPath, bytesCommitted: bytes, child_action: "emptied" };
}

/** The parent file the child's chain actually uses. */
function resolveParentOf(childPath: string, allowParentDirs: readonly string[]): { parentPath: string } {
  const chain = openChain(childPath, { readOnly: true, allowParentDirs });
  try {
    const layers = chain.layers;
    if (layers.length < 2) throw new DiskError(childPath, "has no parent to commit into");
    return { parentPath: layers[layers.length - 2].path };
  } finally {
    chain.close();
  }
}

/** Copies every sector `layer` holds itself through `write`; returns the bytes copied. */
export function copyOwnSectors(
  layer: DiskLayer,
  write: (lba: number, count: number, data: Uint8Array) => void,
  progress: ProgressSink,
): number {
  const buffer = new Uint8Array(CHUNK_SECTORS * SECTOR_SIZE);
  let copied = 0;
  for (let lba = 0; lba < layer.sectorCount;) {
    const run = layer.allocationRun(lba, Math.min(CHUNK_SECTORS, layer.sectorCount - lba));
    const n = Math.abs(run);
    if (run > 0) {
      const part = buffer.subarray(0, n * SECTOR_SIZE);
      layer.readOwn(lba, n, part);
      write(lba, n, part);
      copied += n * SECTOR_SIZE;
    }
    lba += n;
    progress(lba, layer.sectorCount);
  }
  return copied;
}

/** Replaces the child with an empty one over the same parent (same stored name for qcow2). */
function emptyChild(childPath: string, parentPath: string): void {
  const old = openSingle(childPath, true);
  const ref = old.parentRef;
  const size = old.sectorCount * SECTOR_SIZE;
  const qcow2 = old instanceof Qcow2Image ? old.header : null;
  old.close();
  if (qcow2 && ref) {
    createQcow2(childPath, {
      size,
      backingFile: ref.paths[0] ?? parentPath,
      ...(ref.format ? { backingFormat: ref.format } : {}),
      version: qcow2.version,
      clusterBits: qcow2.clusterBits,
      overwrite: true,
    });
  } else {
    createVhdDifferencing(childPath, parentPath, { overwrite: true });
  }
}
