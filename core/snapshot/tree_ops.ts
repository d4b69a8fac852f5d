/**
 * Operations on a snapshot tree for the command line: list as a tree, describe one
 * snapshot, label, and delete (re-basing children onto the deleted one's parent).
 */
import { describeError, SnapshotError } from "./errors.ts";
import { replaceFileAtomically, replaceFileAtomicallySync } from "./fs_sync.ts";
import { PAGE_RAW, PAGE_REF, PAGE_ZERO, PAGE_ZSTD } from "./format.ts";
import { rebaseOnto } from "./rebase.ts";
import { SnapshotFile } from "./snapshot_file.ts";
import { childrenOf, type IndexEntry } from "./snapshot_index.ts";
import type { StateDir } from "./state_dir.ts";

/** Human-readable byte count. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** The tree as text lines: one per snapshot, children indented under their parent. */
export function treeLines(dir: StateDir): string[] {
  const index = dir.readIndex();
  const ids = new Set(index.snapshots.map((e) => e.id));
  const lines: string[] = [];
  const put = (e: IndexEntry, prefix: string, last: boolean, root: boolean) => {
    const branch = root ? "" : last ? "└─ " : "├─ ";
    const kind = e.baseId ? `diff of ${e.baseId}` : "full";
    const label = e.label ? `  "${e.label}"` : "";
    lines.push(`${prefix}${branch}${e.id}  ${e.createdAt}  ${formatBytes(e.fileBytes)} (${kind})${label}`);
    const kids = childrenOf(index, e.id);
    kids.forEach((k, i) => put(k, root ? "" : prefix + (last ? "   " : "│  "), i === kids.length - 1, false));
  };
  const roots = index.snapshots.filter((e) => e.parentId === null || !ids.has(e.parentId));
  for (const r of roots) put(r, "", true, true);
  if (index.snapshots.length === 0) lines.push("(no snapshots)");
  for (const f of dir.strayFiles(index)) {
    lines.push(`note: ${f} is not in the index (${f.endsWith(".partial") ? "incomplete" : "unlisted"})`);
  }
  return lines;
}

/** A description of one snapshot, verifying its file. */
export function infoLines(dir: StateDir, id: string): string[] {
  const e = dir.entry(id);
  const lines = [
    `id:        ${e.id}`,
    `label:     ${e.label || "(none)"}`,
    `taken:     ${e.createdAt}`,
    `parent:    ${e.parentId ?? "(none)"}`,
    `stored as: ${e.baseId ? `diff of ${e.baseId} (depth ${e.diffDepth})` : "full"}`,
    `file:      ${dir.fileOf(e.id)} (${formatBytes(e.fileBytes)} for ${
      formatBytes(e.memoryBytes)
    } of memory)`,
    `machine:   CPU ${e.identity.cpuModel}; memories ${
      e.identity.memories.map((m) => `${m.name} ${formatBytes(m.size)}`).join(", ")
    }; devices ${e.identity.devices.join(", ") || "(none)"}`,
  ];
  for (const d of e.disks) {
    lines.push(`disk ${d.drive}:    ${d.frozenPath} (${d.format}, ${d.layers.length} layers)`);
  }
  try {
    const f = SnapshotFile.readSync(dir.fileOf(e.id));
    const count = [0, 0, 0, 0];
    for (const m of f.memories) for (const k of m.kinds) count[k]++;
    lines.push(
      `pages:     ${count[PAGE_ZSTD] + count[PAGE_RAW]} stored, ${count[PAGE_REF]} referenced, ${
        count[PAGE_ZERO]
      } zero`,
    );
    lines.push("verified:  checksum ok");
  } catch (e) {
    lines.push(`verified:  FAILED: ${describeError(e)}`);
  }
  return lines;
}

/** Sets a snapshot's label in the index. */
export function setLabel(dir: StateDir, id: string, label: string): void {
  dir.entry(id);
  dir.updateIndexSync((index) => ({
    ...index,
    snapshots: index.snapshots.map((s) => s.id === id ? { ...s, label } : s),
  }));
}

/** What a deletion did. */
export interface DeleteReport {
  readonly deleted: string;
  readonly rebased: string[];
  /** Net bytes freed (the deleted file minus what re-based children grew by). */
  readonly freedBytes: number;
}

/**
 * Deletes snapshot `id`. With children it refuses unless `force`, which re-bases each
 * child onto the deleted snapshot's parent (its references resolved into its own file).
 * Crash-safe order: children rewritten (each atomically, valid on its own), then the
 * index, then the file removed. Disk layers are kept: other layers build on them.
 */
export function deleteSnapshot(dir: StateDir, id: string, force = false): DeleteReport {
  const index = dir.readIndex();
  const entry = dir.entry(id, index);
  const children = childrenOf(index, id);
  if (children.length > 0 && !force) {
    throw new SnapshotError(
      dir.dir,
      `snapshot ${id} has ${children.length} child snapshot(s) (${children.map((c) => c.id).join(", ")}); ` +
        `--force re-bases them onto ${entry.parentId ?? "no parent"}`,
    );
  }
  const newSizes = new Map<string, number>();
  if (children.length > 0) {
    const removed = SnapshotFile.readSync(dir.fileOf(id));
    for (const c of children) {
      const bytes = rebaseOnto(SnapshotFile.readSync(dir.fileOf(c.id)), removed);
      SnapshotFile.parse(bytes, dir.fileOf(c.id)); // verify before replacing
      replaceFileAtomicallySync(dir.fileOf(c.id), bytes);
      newSizes.set(c.id, bytes.length);
    }
  }
  dir.updateIndexSync((idx) => ({
    ...idx,
    snapshots: idx.snapshots.filter((s) => s.id !== id).map((s) => {
      if (s.parentId !== id) return s;
      const rebasedBase = s.baseId === id;
      return {
        ...s,
        parentId: entry.parentId,
        baseId: rebasedBase ? entry.baseId : s.baseId,
        diffDepth: rebasedBase ? entry.diffDepth : s.diffDepth,
        fileBytes: newSizes.get(s.id) ?? s.fileBytes,
      };
    }),
  }));
  try {
    Deno.removeSync(dir.fileOf(id));
  } catch (e) {
    throw new SnapshotError(dir.fileOf(id), `unlisted but could not be removed: ${describeError(e)}`);
  }
  let grown = 0;
  for (const c of children) grown += (newSizes.get(c.id) ?? c.fileBytes) - c.fileBytes;
  return { deleted: id, rebased: children.map((c) => c.id), freedBytes: entry.fileBytes - grown };
}

/** Lets the event loop run between the CPU-bound steps of {@link deleteSnapshotAsync}. */
function breathe(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
}

/**
 * {@link deleteSnapshot} for a running machine (rewind ring eviction): the same crash-safe
 * order (children re-based and replaced atomically, then the index, then the file removed),
 * with every read, fsync, rename and removal asynchronous, and the loop let run between
 * files, so no step blocks the emulation for a whole file's I/O.
 */
export async function deleteSnapshotAsync(dir: StateDir, id: string, force = false): Promise<DeleteReport> {
  const index = dir.readIndex();
  const entry = dir.entry(id, index);
  const children = childrenOf(index, id);
  if (children.length > 0 && !force) {
    throw new SnapshotError(dir.dir, `snapshot ${id} has ${children.length} child snapshot(s)`);
  }
  const newSizes = new Map<string, number>();
  if (children.length > 0) {
    const removed = await SnapshotFile.read(dir.fileOf(id));
    for (const c of children) {
      const child = await SnapshotFile.read(dir.fileOf(c.id));
      await breathe();
      const bytes = rebaseOnto(child, removed);
      await breathe();
      SnapshotFile.parse(bytes, dir.fileOf(c.id)); // verify before replacing
      await replaceFileAtomically(dir.fileOf(c.id), bytes);
      newSizes.set(c.id, bytes.length);
    }
  }
  await dir.updateIndex((idx) => ({
    ...idx,
    snapshots: idx.snapshots.filter((s) => s.id !== id).map((s) => {
      if (s.parentId !== id) return s;
      const rebasedBase = s.baseId === id;
      return {
        ...s,
        parentId: entry.parentId,
        baseId: rebasedBase ? entry.baseId : s.baseId,
        diffDepth: rebasedBase ? entry.diffDepth : s.diffDepth,
        fileBytes: newSizes.get(s.id) ?? s.fileBytes,
      };
    }),
  }));
  try {
    await Deno.remove(dir.fileOf(id));
  } catch (e) {
    throw new SnapshotError(dir.fileOf(id), `unlisted but could not be removed: ${describeError(e)}`);
  }
  let grown = 0;
  for (const c of children) grown += (newSizes.get(c.id) ?? c.fileBytes) - c.fileBytes;
  return { deleted: id, rebased: children.map((c) => c.id), freedBytes: entry.fileBytes - grown };
}
