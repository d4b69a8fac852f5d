/**
 * What the snapshot tree panel shows: each snapshot with its parent, time, label and size, which one
 * the machine runs from, and the one being written (with its progress).
 *
 * @example
 * ```ts
 * const model = snapshotTreeModel(stateDir.readIndex().snapshots, { currentId: session.baseId });
 * ```
 */
import type { IndexEntry } from "../../core/snapshot/snapshot_index.ts";

/** One snapshot in the tree. */
export interface SnapshotView {
  readonly id: string;
  /** The snapshot this one was taken after, or null for a root. */
  readonly parentId: string | null;
  readonly time: Date;
  /** The user's label ("" when none). */
  readonly label: string;
  /** Bytes its own file takes (what deleting it frees). */
  readonly bytes: number;
  /** 0..1 while it is still being written, null when complete. */
  readonly progress: number | null;
  /** Frozen disk layer paths, one per drive ("c: /…/c-2.qcow2"). */
  readonly disks: readonly string[];
}

/** Everything the snapshot tree panel draws. */
export interface SnapshotTreeModel {
  readonly snapshots: readonly SnapshotView[];
  /** The snapshot the running machine descends from (marked), or null. */
  readonly currentId: string | null;
  /**
   * What the engine's delete does to a snapshot's children: true = they keep working (their data is
   * kept or moved into them), false = they are deleted with it. The delete confirmation says which.
   */
  readonly deleteKeepsChildren: boolean;
}

/** A snapshot still being written, as the app learns it from the session's progress. */
export interface SnapshotInProgress {
  readonly id: string;
  readonly parentId: string | null;
  readonly label?: string;
  readonly time: Date;
  readonly pagesDone: number;
  readonly pagesTotal: number;
  readonly bytesWritten: number;
}

/** Options of {@link snapshotTreeModel}. */
export interface SnapshotTreeOptions {
  readonly currentId: string | null;
  /** Default true: core/snapshot's `deleteSnapshot(dir, id, true)` re-bases the children. */
  readonly deleteKeepsChildren?: boolean;
  readonly inProgress?: SnapshotInProgress | null;
}

/** Builds the model from the state directory's index entries (plus a snapshot in progress). */
export function snapshotTreeModel(
  entries: readonly IndexEntry[],
  options: SnapshotTreeOptions,
): SnapshotTreeModel {
  const snapshots: SnapshotView[] = entries.map((e) => ({
    id: e.id,
    parentId: e.parentId,
    time: new Date(e.createdAt),
    label: e.label,
    bytes: e.fileBytes,
    progress: null,
    disks: e.disks.map((d) => `${d.drive}: ${d.frozenPath}`),
  }));
  const p = options.inProgress;
  if (p && !snapshots.some((s) => s.id === p.id)) {
    snapshots.push({
      id: p.id,
      parentId: p.parentId,
      time: p.time,
      label: p.label ?? "",
      bytes: p.bytesWritten,
      progress: p.pagesTotal > 0 ? p.pagesDone / p.pagesTotal : 0,
      disks: [],
    });
  }
  return {
    snapshots,
    currentId: options.currentId,
    deleteKeepsChildren: options.deleteKeepsChildren ?? true,
  };
}
