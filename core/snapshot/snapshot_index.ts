/**
 * The state directory's `index.json`: the list of complete snapshots and their tree.
 * It is only ever replaced whole (written to `index.json.tmp`, fsynced, renamed), and
 * only after the snapshot file it lists is durable, so every listed snapshot exists.
 */
import { SnapshotError } from "./errors.ts";
import type { SnapshotMeta } from "./format.ts";

/** Index file format name and version. */
export const INDEX_FORMAT = "tty86-snapshot-index";
export const INDEX_VERSION = 1;
export const INDEX_NAME = "index.json";

/** One listed snapshot: its metadata plus sizes. */
export interface IndexEntry extends SnapshotMeta {
  /** File name inside the state directory. */
  readonly file: string;
  readonly fileBytes: number;
  /** Guest memory the snapshot covers. */
  readonly memoryBytes: number;
}

/** The whole index. */
export interface SnapshotIndex {
  readonly format: typeof INDEX_FORMAT;
  readonly version: number;
  readonly snapshots: IndexEntry[];
}

/** An empty index. */
export function emptyIndex(): SnapshotIndex {
  return { format: INDEX_FORMAT, version: INDEX_VERSION, snapshots: [] };
}

/** Parses index text, throwing a one-line {@link SnapshotError} naming `path` when it is not a valid index. */
export function parseIndex(text: string, path: string): SnapshotIndex {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SnapshotError(path, "index is not valid JSON (damaged)");
  }
  const v = value as Partial<SnapshotIndex> | null;
  if (v === null || typeof v !== "object" || v.format !== INDEX_FORMAT || !Array.isArray(v.snapshots)) {
    throw new SnapshotError(path, "not a tty86 snapshot index");
  }
  if (v.version !== INDEX_VERSION) {
    throw new SnapshotError(
      path,
      `index version ${String(v.version)} is not supported (this is ${INDEX_VERSION})`,
    );
  }
  for (const e of v.snapshots) {
    if (typeof e?.id !== "string" || typeof e.file !== "string" || !/^[A-Za-z0-9._-]+$/.test(e.id)) {
      throw new SnapshotError(path, "index has a malformed entry");
    }
  }
  return v as SnapshotIndex;
}

/** Serializes an index (stable, readable). */
export function formatIndex(index: SnapshotIndex): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(index, null, 2) + "\n");
}

/** Direct children of `id` in the tree. */
export function childrenOf(index: SnapshotIndex, id: string): IndexEntry[] {
  return index.snapshots.filter((e) => e.parentId === id);
}

/** `id` and everything below it, parents before children. */
export function subtreeOf(index: SnapshotIndex, id: string): IndexEntry[] {
  const out: IndexEntry[] = [];
  const walk = (at: string) => {
    for (const c of childrenOf(index, at)) {
      out.push(c);
      walk(c.id);
    }
  };
  const self = index.snapshots.find((e) => e.id === id);
  if (self) out.push(self);
  walk(id);
  return out;
}
