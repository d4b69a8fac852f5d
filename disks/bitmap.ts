/**
 * Sector bitmaps, one bit per sector, most significant bit first (the VHD convention,
 * also used by the memory overlay).
 */

/** Whether sector `i` is marked present in `bitmap`. */
export function bitIsSet(bitmap: Uint8Array, i: number): boolean {
  return (bitmap[i >> 3] & (0x80 >> (i & 7))) !== 0;
}

/** Marks sectors [from, from+count) present; returns whether any bit changed. */
export function setBits(bitmap: Uint8Array, from: number, count: number): boolean {
  let changed = false;
  for (let i = from; i < from + count; i++) {
    const mask = 0x80 >> (i & 7);
    if ((bitmap[i >> 3] & mask) === 0) {
      bitmap[i >> 3] |= mask;
      changed = true;
    }
  }
  return changed;
}

/**
 * Length of the run of sectors starting at `from` (at most `limit`) whose bits all equal
 * the bit at `from`. Scans whole bytes where it can, so long runs are cheap.
 */
export function bitRun(bitmap: Uint8Array, from: number, limit: number): number {
  const set = bitIsSet(bitmap, from);
  const fullByte = set ? 0xFF : 0x00;
  let i = from;
  const end = from + limit;
  while (i < end) {
    if ((i & 7) === 0 && i + 8 <= end && bitmap[i >> 3] === fullByte) {
      i += 8;
      continue;
    }
    if (bitIsSet(bitmap, i) !== set) break;
    i++;
  }
  return i - from;
}
