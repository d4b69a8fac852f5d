/**
 * Creating an empty qcow2 image (optionally over a backing file). The whole image is
 * built in a temporary file in the destination directory, synced, and renamed into place,
 * so a crash never leaves a half-written image under the final name.
 */
import { basename, dirname, join } from "../../path.ts";
import { DiskError } from "../../errors.ts";
import { describe, HostFile } from "../../host_file.ts";
import type { ImageFormat } from "../../layer.ts";
import type { Qcow2Preload } from "./qcow2_image.ts";
import {
  encodeExtensions,
  encodeFeatureNames,
  EXT_BACKING_FORMAT,
  type FeatureName,
  type HeaderExtension,
} from "./extensions.ts";
import {
  encodeHeader,
  l1EntriesFor,
  MAX_BACKING_FILE_NAME,
  MAX_CLUSTER_BITS,
  MIN_CLUSTER_BITS,
  type Qcow2Header,
  V2_HEADER_LENGTH,
  V3_WRITTEN_HEADER_LENGTH,
} from "./header.ts";
import { encodeTableEntries, type RefcountBlock, setRefcountEntry } from "./refcount.ts";

/** Options for {@link createQcow2}. */
export interface CreateQcow2Options {
  /** Virtual size in bytes (rounded up to whole sectors). */
  readonly size: number;
  /** Backing file name exactly as it should be stored (relative names resolve against the image's directory). */
  readonly backingFile?: string;
  /** The parent's format; QEMU's name "vpc" is accepted for "vhd". */
  readonly backingFormat?: ImageFormat | "vpc";
  /** refcount_order (v3 only; refcount width = 2^order bits); default 4 (16-bit). */
  readonly refcountOrder?: number;
  /** Default 3. */
  readonly version?: 2 | 3;
  /** Default 16 (64 KiB clusters); 9..21. */
  readonly clusterBits?: number;
  /** Replace an existing file at `path` (default false: refuse). */
  readonly overwrite?: boolean;
  /**
   * Sync the file and its directory before returning (default true). False leaves that to the
   * caller (e.g. a restore that must not wait several ms for fsync: it syncs asynchronously
   * before anything depends on the file); the file still appears whole, by rename.
   */
  readonly durable?: boolean;
}

const DEFAULT_REFCOUNT_ORDER = 4;
/** Backing format names as QEMU spells them. */
const QEMU_FORMAT_NAMES: Readonly<Record<string, string>> = {
  raw: "raw",
  qcow2: "qcow2",
  vhd: "vpc",
  vpc: "vpc",
};
/** Names for the features this version of the format defines (shown by tools that meet an unknown bit). */
const FEATURE_NAMES: readonly FeatureName[] = [
  { kind: "incompatible", bit: 0, name: "dirty bit" },
  { kind: "incompatible", bit: 1, name: "corrupt bit" },
  { kind: "incompatible", bit: 2, name: "external data file" },
  { kind: "incompatible", bit: 3, name: "compression type" },
  { kind: "incompatible", bit: 4, name: "extended L2 entries" },
  { kind: "compatible", bit: 0, name: "lazy refcounts" },
  { kind: "autoclear", bit: 0, name: "bitmaps" },
  { kind: "autoclear", bit: 1, name: "raw external data" },
];

/**
 * Creates a new, empty qcow2 image at `path`. Returns the file as written (a new image is a few
 * clusters) with its refcount table decoded, so a caller can open it without reading anything
 * back (`openQcow2Preloaded`).
 */
export function createQcow2(path: string, options: CreateQcow2Options): Qcow2Preload {
  const version = options.version ?? 3;
  const clusterBits = options.clusterBits ?? 16;
  const fail = (problem: string): never => {
    throw new DiskError(path, `qcow2: ${problem}`);
  };
  if (version !== 2 && version !== 3) fail(`cannot create version ${version}`);
  if (!Number.isInteger(clusterBits) || clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS) {
    fail(`cluster_bits ${clusterBits} out of range ${MIN_CLUSTER_BITS}..${MAX_CLUSTER_BITS}`);
  }
  if (!Number.isSafeInteger(options.size) || options.size < 0) fail(`invalid size ${options.size}`);
  const refcountOrder = options.refcountOrder ?? DEFAULT_REFCOUNT_ORDER;
  if (!Number.isInteger(refcountOrder) || refcountOrder < 0 || refcountOrder > 6) {
    fail(`refcount order ${refcountOrder} out of range 0..6`);
  }
  if (version === 2 && refcountOrder !== 4) fail("version 2 images always have 16-bit refcounts");
  if (!options.overwrite && exists(path)) fail("file already exists");
  const cs = 2 ** clusterBits;
  const size = Math.ceil(options.size / 512) * 512;

  const nameBytes = new TextEncoder().encode(options.backingFile ?? "");
  if (nameBytes.length > MAX_BACKING_FILE_NAME) {
    fail(`backing file name longer than ${MAX_BACKING_FILE_NAME} bytes`);
  }
  if (options.backingFormat && nameBytes.length === 0) fail("backing format given without a backing file");
  const headerLength = version === 2 ? V2_HEADER_LENGTH : V3_WRITTEN_HEADER_LENGTH;
  const extensions: HeaderExtension[] = [];
  if (options.backingFormat && nameBytes.length > 0) {
    const formatName = QEMU_FORMAT_NAMES[options.backingFormat];
    if (!formatName) fail(`unknown backing format "${options.backingFormat}"`);
    extensions.push({ type: EXT_BACKING_FORMAT, data: new TextEncoder().encode(formatName) });
  }
  const withNames = version === 3 ? [...extensions, encodeFeatureNames(FEATURE_NAMES)] : extensions;
  let extBytes = encodeExtensions(withNames);
  if (headerLength + extBytes.length + nameBytes.length > cs) extBytes = encodeExtensions(extensions);
  if (headerLength + extBytes.length + nameBytes.length > cs) {
    fail("header and backing file name do not fit in one cluster");
  }

  // Layout: header | refcount table | refcount blocks | L1 table — every cluster counted.
  const l1Size = Math.max(1, l1EntriesFor(size, clusterBits));
  const l1Clusters = Math.ceil((l1Size * 8) / cs);
  const perBlock = (cs * 8) >>> refcountOrder;
  let tableClusters = 1;
  let blocks = 1;
  for (;;) {
    const total = 1 + tableClusters + blocks + l1Clusters;
    const needBlocks = Math.ceil(total / perBlock);
    const needTable = Math.ceil((needBlocks * 8) / cs);
    if (needBlocks === blocks && needTable === tableClusters) break;
    blocks = needBlocks;
    tableClusters = needTable;
  }
  const totalClusters = 1 + tableClusters + blocks + l1Clusters;
  const tableOffset = cs;
  const blocksOffset = (1 + tableClusters) * cs;
  const l1Offset = (1 + tableClusters + blocks) * cs;

  const header: Qcow2Header = {
    version,
    backingFileOffset: nameBytes.length > 0 ? headerLength + extBytes.length : 0,
    backingFileSize: nameBytes.length,
    clusterBits,
    size,
    cryptMethod: 0,
    l1Size,
    l1TableOffset: l1Offset,
    refcountTableOffset: tableOffset,
    refcountTableClusters: tableClusters,
    nbSnapshots: 0,
    snapshotsOffset: 0,
    incompatibleFeatures: 0n,
    compatibleFeatures: 0n,
    autoclearFeatures: 0n,
    refcountOrder,
    headerLength,
    compressionType: 0,
  };
  // Built in place in one buffer (a child made for a restore is created while the user waits, in
  // code V8 has not optimised: separate cluster-sized buffers and copies were most of its cost).
  const image = new Uint8Array(totalClusters * cs); // the L1 table is all zeros
  const head = encodeHeader(header);
  image.set(head, 0);
  image.set(extBytes, headerLength);
  image.set(nameBytes, header.backingFileOffset);
  const headerEnd = Math.max(head.length, headerLength + extBytes.length + nameBytes.length);

  const table = new Float64Array((tableClusters * cs) / 8);
  for (let k = 0; k < blocks; k++) table[k] = blocksOffset + k * cs;
  for (let k = 0; k < blocks; k++) {
    const at = blocksOffset + k * cs;
    const block: RefcountBlock = {
      bytes: image.subarray(at, at + cs),
      view: new DataView(image.buffer, at, cs),
      dirty: true,
    };
    for (let i = 0; i < perBlock && k * perBlock + i < totalClusters; i++) {
      setRefcountEntry(block, i, refcountOrder, 1);
    }
  }
  const tableBytes = encodeTableEntries(table, 0, blocks);
  image.set(tableBytes, tableOffset);
  const durable = options.durable ?? true;
  const temp = join(dirname(path), `.${basename(path)}.tmp-${crypto.randomUUID()}`);
  const file = HostFile.create(temp);
  try {
    // Only the bytes that are not zero are written; the file's length comes from truncate.
    file.truncate(image.length);
    file.writeAt(0, image.subarray(0, headerEnd));
    file.writeAt(tableOffset, tableBytes);
    file.writeAt(
      blocksOffset,
      image.subarray(
        blocksOffset,
        blocksOffset + usedRefcountBytes(blocks, perBlock, totalClusters, refcountOrder, cs),
      ),
    );
    if (durable) file.sync();
    file.close();
    Deno.renameSync(temp, path);
  } catch (e) {
    file.close();
    try {
      Deno.removeSync(temp);
    } catch {
      // The temp file may already be gone (renamed); nothing else to clean up.
    }
    throw e instanceof DiskError ? e : new DiskError(path, `qcow2: cannot create: ${describe(e)}`);
  }
  if (durable) syncDirectory(dirname(path));
  return { bytes: image, refcountTable: table };
}

/** Bytes of the refcount blocks up to the last entry that counts a cluster (the rest are zeros). */
function usedRefcountBytes(
  blocks: number,
  perBlock: number,
  totalClusters: number,
  refcountOrder: number,
  cs: number,
): number {
  const lastBlock = Math.min(blocks - 1, Math.floor((totalClusters - 1) / perBlock));
  const entriesInLast = totalClusters - lastBlock * perBlock;
  return lastBlock * cs + Math.ceil((entriesInLast << refcountOrder) / 8);
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw new DiskError(path, `qcow2: cannot inspect: ${describe(e)}`);
  }
}

/** Makes the rename durable; platforms that cannot sync a directory skip it. */
function syncDirectory(dir: string): void {
  let handle: Deno.FsFile | null = null;
  try {
    handle = Deno.openSync(dir, { read: true });
    handle.syncSync();
  } catch {
    // Directory sync is best effort (not supported everywhere).
  } finally {
    handle?.close();
  }
}
