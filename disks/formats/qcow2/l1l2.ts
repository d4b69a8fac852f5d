/**
 * L1 and L2 table entries: decoding without BigInt (each 64-bit entry is handled as two
 * 32-bit halves, fast enough for per-cluster lookups) and encoding of standard entries.
 *
 * L1 entry: bits 9–55 L2 table offset, bit 63 COPIED.
 * L2 entry: bit 63 COPIED, bit 62 compressed; standard: bits 9–55 host offset, bit 0
 * (v3) reads-as-zeros; compressed: host byte offset in bits 0..x-1 and additional
 * 512-byte sectors in bits x..61, where x = 62 - (cluster_bits - 8).
 */

/** How one guest cluster is stored. */
export const KIND_UNALLOCATED = 0;
export const KIND_ZERO = 1;
export const KIND_NORMAL = 2;
export const KIND_COMPRESSED = 3;
export type ClusterKind = 0 | 1 | 2 | 3;

const TWO_32 = 2 ** 32;
const HI_COPIED = 0x80000000;
const HI_COMPRESSED = 0x40000000;
/** Offset bits 32..55 in the high word. */
const HI_OFFSET_MASK = 0x00ffffff;
/** Offset bits 9..31 in the low word. */
const LO_OFFSET_MASK = 0xfffffe00;
/** Bits 1..8 of a standard L2 entry and bits 0..8 of an L1 entry must be zero. */
export const LO_RESERVED_L2 = 0x1fe;
export const LO_RESERVED_L1 = 0x1ff;
/** Bits 56..61 of a standard L2 entry (and 56..62 of an L1 entry) must be zero. */
export const HI_RESERVED_L2 = 0x3f000000;
export const HI_RESERVED_L1 = 0x7f000000;

/** A table of 64-bit big-endian entries (an L1 table or one L2 table) held in memory. */
export class EntryTable {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** True when the in-memory copy has changes not yet written to the file. */
  dirty = false;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length >>> 3;
  }

  hi(i: number): number {
    return this.view.getUint32(i * 8);
  }

  lo(i: number): number {
    return this.view.getUint32(i * 8 + 4);
  }

  /** True if the entry is all zeros. */
  isEmpty(i: number): boolean {
    return this.view.getUint32(i * 8) === 0 && this.view.getUint32(i * 8 + 4) === 0;
  }

  set(i: number, hi: number, lo: number): void {
    this.view.setUint32(i * 8, hi >>> 0);
    this.view.setUint32(i * 8 + 4, lo >>> 0);
    this.dirty = true;
  }

  /** Stores a standard entry (an L1 entry, or a normal L2 entry) pointing at `offset`. */
  setPointer(i: number, offset: number, copied: boolean): void {
    this.set(i, (copied ? HI_COPIED : 0) | Math.floor(offset / TWO_32), offset % TWO_32);
  }
}

/** The host offset in bits 9..55 (L1 entries and standard L2 entries). */
export function pointerOffset(hi: number, lo: number): number {
  return (hi & HI_OFFSET_MASK) * TWO_32 + ((lo & LO_OFFSET_MASK) >>> 0);
}

export function isCopied(hi: number): boolean {
  return (hi & HI_COPIED) !== 0;
}

/** Classifies an L2 entry; the zero flag exists only in version 3. */
export function l2Kind(hi: number, lo: number, version: number): ClusterKind {
  if (hi & HI_COMPRESSED) return KIND_COMPRESSED;
  if (version >= 3 && (lo & 1)) return KIND_ZERO;
  return pointerOffset(hi, lo) === 0 ? KIND_UNALLOCATED : KIND_NORMAL;
}

/** Where a compressed cluster's data lies: a byte offset and a byte length (to the end of its last sector). */
export interface CompressedExtent {
  readonly offset: number;
  readonly length: number;
}

/** Decodes a compressed L2 entry's descriptor. */
export function compressedExtent(hi: number, lo: number, clusterBits: number): CompressedExtent {
  const x = 62 - (clusterBits - 8);
  const hiOffsetBits = x - 32; // 17..29 for cluster_bits 21..9
  const hiOffset = hi & ((1 << hiOffsetBits) - 1);
  const offset = hiOffset * TWO_32 + (lo >>> 0);
  const extraSectors = (hi & 0x3fffffff) >>> hiOffsetBits;
  return { offset, length: (extraSectors + 1) * 512 - (offset % 512) };
}
