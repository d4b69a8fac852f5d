/**
 * CRC-32 (IEEE 802.3, reflected, polynomial EDB88320h), incremental so a snapshot file's checksum
 * can be computed chunk by chunk while it is written. Computed natively by node:zlib's `crc32`
 * (~5 GB/s): a restore verifies every file it reads, and a table-driven loop in JavaScript that
 * runs a few times per session stays in V8's interpreter (~3 ms for the 100 KB of a diff chain).
 *
 * @example
 * ```ts
 * let crc = 0;
 * for (const chunk of chunks) crc = crc32Update(crc, chunk);
 * ```
 */
import { crc32 as nativeCrc32 } from "node:zlib";

/** Continues a CRC-32 over `data`; start with `crc = 0`. */
export function crc32Update(crc: number, data: Uint8Array): number {
  return nativeCrc32(data, crc) >>> 0;
}

/** CRC-32 of `data`. */
export function crc32(data: Uint8Array): number {
  return crc32Update(0, data);
}
