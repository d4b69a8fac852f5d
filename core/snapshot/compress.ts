/** zstd through node:zlib, with the level snapshots use (fast: pages are compressed in 1 ms pump slices). */
import { constants, zstdCompressSync, zstdDecompressSync } from "node:zlib";

const FAST = { params: { [constants.ZSTD_c_compressionLevel]: 1 } };
const STATE = { params: { [constants.ZSTD_c_compressionLevel]: 3 } };

/** Compresses one page (level 1). */
export function compressPage(data: Uint8Array): Uint8Array {
  return zstdCompressSync(data, FAST);
}

/** Compresses a larger block such as the device state (level 3). */
export function compressBlock(data: Uint8Array): Uint8Array {
  return zstdCompressSync(data, STATE);
}

/** Decompresses a zstd frame. */
export function decompress(data: Uint8Array): Uint8Array {
  return zstdDecompressSync(data);
}
