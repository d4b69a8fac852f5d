/**
 * The `.t86snap` file format, version 1 (described in docs/snapshot-format.md).
 * Constants, the metadata types, and the building blocks shared by the writer and
 * the reader.
 */

/** First 8 bytes of every snapshot file. */
export const SNAPSHOT_MAGIC = new TextEncoder().encode("TTY86SNP");
/** Last 8 bytes of a complete snapshot file, written last. */
export const COMPLETE_MARKER = new TextEncoder().encode("T86SDONE");
/** Format version this code writes and reads. */
export const FORMAT_VERSION = 1;
/** Section tags (ASCII, little-endian u32). */
export const TAG_STATE = 0x54415453; // "STAT"
export const TAG_MEMORY = 0x534D454D; // "MEMS"
export const TAG_TRAILER = 0x524C5254; // "TRLR"
/** Trailer: tag u32, body length u64, CRC-32 u32, marker 8 bytes. */
export const TRAILER_SIZE = 4 + 8 + 4 + 8;
/** File name extension of a snapshot, and of one being written. */
export const SNAPSHOT_EXT = ".t86snap";
export const PARTIAL_EXT = ".t86snap.partial";

/** Page record kinds. */
export const PAGE_ZERO = 0;
export const PAGE_REF = 1;
export const PAGE_ZSTD = 2;
export const PAGE_RAW = 3;

/** Longest chain of diff snapshots a page reference may cross; deeper snapshots are stored in full. */
export const MAX_DIFF_DEPTH = 16;

/** What a snapshot must match to be restored into a machine. */
export interface MachineIdentity {
  /** CPU model ("8086", "80186", …). */
  readonly cpuModel: string;
  /** Each memory the snapshot covers, by name, with its size in bytes. */
  readonly memories: readonly { readonly name: string; readonly size: number }[];
  /** Device names, in the machine's order. */
  readonly devices: readonly string[];
  /** Other settings that must match (clock, conventional memory…), compared exactly. */
  readonly settings?: { readonly [key: string]: string | number | boolean };
}

/** Identifies one frozen disk layer file exactly. */
export interface LayerIdentity {
  readonly size: number;
  readonly mtimeMs: number;
  /** CRC-32 (hex) of the file's first and last 4 KiB. */
  readonly headerCrc: string;
}

/** One drive's disk state at a snapshot: the layer frozen at that instant. */
export interface DiskRecord {
  /** Drive name as the machine knows it ("a", "c"…). */
  readonly drive: string;
  /** Absolute path of the frozen (now read-only) layer. */
  readonly frozenPath: string;
  readonly format: string;
  readonly identity: LayerIdentity;
  /** Every layer of the chain at the snapshot, base first, frozen one last (absolute paths). */
  readonly layers: readonly string[];
}

/** The metadata block of a snapshot file (also mirrored in the index). */
export interface SnapshotMeta {
  readonly id: string;
  /** Snapshot this one was taken after (tree parent), or null. */
  readonly parentId: string | null;
  /** Snapshot whose pages this one's page references point to (the parent, or null for a full snapshot). */
  readonly baseId: string | null;
  /** Diff depth: 0 for a full snapshot, base's depth + 1 otherwise. */
  readonly diffDepth: number;
  /** ISO time the snapshot was taken. */
  readonly createdAt: string;
  readonly label: string;
  readonly identity: MachineIdentity;
  readonly disks: readonly DiskRecord[];
}

/** Compares two identities; returns the first difference as a phrase, or null when they match. */
export function identityMismatch(want: MachineIdentity, have: MachineIdentity): string | null {
  if (want.cpuModel !== have.cpuModel) return `CPU model ${want.cpuModel} ≠ machine's ${have.cpuModel}`;
  const wm = want.memories.map((m) => `${m.name}=${m.size}`).join(",");
  const hm = have.memories.map((m) => `${m.name}=${m.size}`).join(",");
  if (wm !== hm) return `memories ${wm} ≠ machine's ${hm}`;
  const wd = want.devices.join(","), hd = have.devices.join(",");
  if (wd !== hd) return `devices ${wd} ≠ machine's ${hd}`;
  const ws = want.settings ?? {}, hs = have.settings ?? {};
  for (const k of new Set([...Object.keys(ws), ...Object.keys(hs)])) {
    if (ws[k] !== hs[k]) return `setting ${k}=${String(ws[k])} ≠ machine's ${String(hs[k])}`;
  }
  return null;
}
