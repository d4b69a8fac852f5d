/**
 * The qcow2 file header (versions 2 and 3): decoding with validation of every field a
 * hostile file could abuse, and encoding for newly created images. All numbers are
 * big-endian. Field offsets are exported so that single fields can be updated in place.
 */
import { DiskError } from "../../errors.ts";

export const QCOW2_MAGIC = 0x514649fb; // "QFI\xfb"
export const V2_HEADER_LENGTH = 72;
export const V3_MIN_HEADER_LENGTH = 104;
/** Header length tty86 writes for v3: includes the compression_type byte, padded to 8. */
export const V3_WRITTEN_HEADER_LENGTH = 112;
export const MIN_CLUSTER_BITS = 9;
/** QEMU cannot open clusters above 2 MiB; neither do we (bounds every per-cluster buffer). */
export const MAX_CLUSTER_BITS = 21;
export const MAX_BACKING_FILE_NAME = 1023;
/** QEMU's limits; anything larger is treated as a hostile size field. */
export const MAX_L1_BYTES = 32 * 1024 * 1024;
export const MAX_REFCOUNT_TABLE_BYTES = 8 * 1024 * 1024;
export const MAX_SNAPSHOTS = 65536;

/** Byte offsets of header fields that are rewritten in place. */
export const FIELD = {
  refcountTableOffset: 48,
  refcountTableClusters: 56,
  incompatibleFeatures: 72,
  autoclearFeatures: 88,
} as const;

/** Incompatible feature bits (v3). */
export const INCOMPAT_DIRTY = 1n << 0n;
export const INCOMPAT_CORRUPT = 1n << 1n;
export const INCOMPAT_DATA_FILE = 1n << 2n;
export const INCOMPAT_COMPRESSION_TYPE = 1n << 3n;
export const INCOMPAT_EXTENDED_L2 = 1n << 4n;
/** Compatible feature bits. */
export const COMPAT_LAZY_REFCOUNTS = 1n << 0n;
/** Autoclear feature bits. */
export const AUTOCLEAR_BITMAPS = 1n << 0n;
export const AUTOCLEAR_DATA_FILE_RAW = 1n << 1n;

/** The decoded header. Offsets and sizes are plain numbers (checked to be safe integers). */
export interface Qcow2Header {
  readonly version: 2 | 3;
  readonly backingFileOffset: number;
  readonly backingFileSize: number;
  readonly clusterBits: number;
  /** Virtual disk size in bytes. */
  readonly size: number;
  readonly cryptMethod: number;
  readonly l1Size: number;
  readonly l1TableOffset: number;
  readonly refcountTableOffset: number;
  readonly refcountTableClusters: number;
  readonly nbSnapshots: number;
  readonly snapshotsOffset: number;
  readonly incompatibleFeatures: bigint;
  readonly compatibleFeatures: bigint;
  readonly autoclearFeatures: bigint;
  /** refcount_bits = 1 << refcountOrder; always 4 for v2. */
  readonly refcountOrder: number;
  readonly headerLength: number;
  /** 0 = zlib; only meaningful when the compression-type incompatible bit is set. */
  readonly compressionType: number;
}

/** Entries in one L2 table (standard, non-extended entries of 8 bytes). */
export function l2EntriesPerTable(clusterBits: number): number {
  return 2 ** (clusterBits - 3);
}

/** L1 entries needed to map `size` bytes with the given cluster size. */
export function l1EntriesFor(size: number, clusterBits: number): number {
  const bytesPerL2 = 2 ** clusterBits * l2EntriesPerTable(clusterBits);
  return Math.ceil(size / bytesPerL2);
}

/**
 * Decodes and validates the header at the start of `bytes` (the first cluster, or as
 * much of the file as exists if shorter). `fileSize` bounds every offset.
 */
export function parseHeader(bytes: Uint8Array, fileSize: number, path: string): Qcow2Header {
  const fail = (problem: string): never => {
    throw new DiskError(path, `qcow2: ${problem}`);
  };
  if (bytes.length < V2_HEADER_LENGTH) fail(`file too short for a header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (at: number, name: string): number => {
    const v = view.getBigUint64(at);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${name} is absurd (${v})`);
    return Number(v);
  };
  if (view.getUint32(0) !== QCOW2_MAGIC) fail("bad magic (not a qcow2 image)");
  const version = view.getUint32(4);
  if (version !== 2 && version !== 3) fail(`unsupported version ${version} (only 2 and 3)`);
  const clusterBits = view.getUint32(20);
  if (clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS) {
    fail(`cluster_bits ${clusterBits} out of range ${MIN_CLUSTER_BITS}..${MAX_CLUSTER_BITS}`);
  }
  const clusterSize = 2 ** clusterBits;
  const isAligned = (offset: number): boolean => offset % clusterSize === 0;

  let headerLength = V2_HEADER_LENGTH;
  let incompatibleFeatures = 0n;
  let compatibleFeatures = 0n;
  let autoclearFeatures = 0n;
  let refcountOrder = 4;
  let compressionType = 0;
  if (version === 3) {
    if (bytes.length < V3_MIN_HEADER_LENGTH) fail("file too short for a version 3 header");
    incompatibleFeatures = view.getBigUint64(72);
    compatibleFeatures = view.getBigUint64(80);
    autoclearFeatures = view.getBigUint64(88);
    refcountOrder = view.getUint32(96);
    headerLength = view.getUint32(100);
    if (headerLength < V3_MIN_HEADER_LENGTH || headerLength % 8 !== 0) {
      fail(`header_length ${headerLength} invalid (must be >= 104 and a multiple of 8)`);
    }
    if (headerLength > clusterSize || headerLength > bytes.length) {
      fail(`header_length ${headerLength} exceeds the first cluster`);
    }
    if (refcountOrder > 6) fail(`refcount_order ${refcountOrder} exceeds 6`);
    if (headerLength > 104) compressionType = view.getUint8(104);
  }

  const size = u64(24, "virtual size");
  const backingFileOffset = u64(8, "backing_file_offset");
  const backingFileSize = backingFileOffset === 0 ? 0 : view.getUint32(16);
  if (backingFileOffset !== 0) {
    if (backingFileSize > MAX_BACKING_FILE_NAME) {
      fail(`backing file name length ${backingFileSize} exceeds ${MAX_BACKING_FILE_NAME}`);
    }
    if (backingFileOffset < headerLength || backingFileOffset + backingFileSize > clusterSize) {
      fail(`backing file name (offset ${backingFileOffset}) lies outside the first cluster`);
    }
  }
  const cryptMethod = view.getUint32(32);
  const l1Size = view.getUint32(36);
  const l1TableOffset = u64(40, "l1_table_offset");
  const refcountTableOffset = u64(48, "refcount_table_offset");
  const refcountTableClusters = view.getUint32(56);
  const nbSnapshots = view.getUint32(60);
  const snapshotsOffset = u64(64, "snapshots_offset");

  if (l1Size * 8 > MAX_L1_BYTES) fail(`l1_size ${l1Size} is absurd`);
  if (l1Size < l1EntriesFor(size, clusterBits)) fail(`l1_size ${l1Size} too small for virtual size ${size}`);
  if (l1Size > 0) {
    if (!isAligned(l1TableOffset) || l1TableOffset === 0) fail(`L1 table offset ${l1TableOffset} invalid`);
    if (l1TableOffset + l1Size * 8 > fileSize) fail(`L1 table (offset ${l1TableOffset}) beyond end of file`);
  }
  if (refcountTableClusters === 0) fail("refcount table has no clusters");
  if (refcountTableClusters * clusterSize > MAX_REFCOUNT_TABLE_BYTES) {
    fail(`refcount_table_clusters ${refcountTableClusters} is absurd`);
  }
  if (!isAligned(refcountTableOffset) || refcountTableOffset === 0) {
    fail(`refcount table offset ${refcountTableOffset} invalid`);
  }
  if (refcountTableOffset + refcountTableClusters * clusterSize > fileSize) {
    fail(`refcount table (offset ${refcountTableOffset}) beyond end of file`);
  }
  if (nbSnapshots > MAX_SNAPSHOTS) fail(`nb_snapshots ${nbSnapshots} is absurd`);
  if (
    nbSnapshots > 0 && (!isAligned(snapshotsOffset) || snapshotsOffset === 0 || snapshotsOffset >= fileSize)
  ) {
    fail(`snapshot table offset ${snapshotsOffset} invalid`);
  }

  return {
    version: version === 2 ? 2 : 3,
    backingFileOffset,
    backingFileSize,
    clusterBits,
    size,
    cryptMethod,
    l1Size,
    l1TableOffset,
    refcountTableOffset,
    refcountTableClusters,
    nbSnapshots,
    snapshotsOffset,
    incompatibleFeatures,
    compatibleFeatures,
    autoclearFeatures,
    refcountOrder,
    headerLength,
    compressionType,
  };
}

/** Encodes the fixed header (header_length bytes; v3 fields only for version 3). */
export function encodeHeader(h: Qcow2Header): Uint8Array {
  const bytes = new Uint8Array(h.version === 2 ? V2_HEADER_LENGTH : h.headerLength);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, QCOW2_MAGIC);
  view.setUint32(4, h.version);
  view.setBigUint64(8, BigInt(h.backingFileOffset));
  view.setUint32(16, h.backingFileSize);
  view.setUint32(20, h.clusterBits);
  view.setBigUint64(24, BigInt(h.size));
  view.setUint32(32, h.cryptMethod);
  view.setUint32(36, h.l1Size);
  view.setBigUint64(40, BigInt(h.l1TableOffset));
  view.setBigUint64(48, BigInt(h.refcountTableOffset));
  view.setUint32(56, h.refcountTableClusters);
  view.setUint32(60, h.nbSnapshots);
  view.setBigUint64(64, BigInt(h.snapshotsOffset));
  if (h.version === 3) {
    view.setBigUint64(72, h.incompatibleFeatures);
    view.setBigUint64(80, h.compatibleFeatures);
    view.setBigUint64(88, h.autoclearFeatures);
    view.setUint32(96, h.refcountOrder);
    view.setUint32(100, h.headerLength);
    if (h.headerLength > 104) view.setUint8(104, h.compressionType);
  }
  return bytes;
}
