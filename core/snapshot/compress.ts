/** zstd through node:zlib, with the level snapshots use (fast: pages are compressed in 1 ms pump slices). */
import { constants, zstdCompressSync, zstdDecompressSync } from "node:zlib";

const FAST = { params: { [constants.ZSTD_c_compressionLevel]: 1 } };

/** Compresses one page (level 1). */
export function compressPage(data: Uint8Array): Uint8Array {
  return zstdCompressSync(data, FAST);
}

/**
 * Compresses a larger block such as the device state (level 1 too: level 3 took 2-6 times as long
 * for the ~4 KiB state, inside a pump step, and saved a few bytes).
 */
export function compressBlock(data: Uint8Array): Uint8Array {
  return zstdCompressSync(data, FAST);
}

/** Decompresses a zstd frame. */
export function decompress(data: Uint8Array): Uint8Array {
  return zstdDecompressSync(data);
}
