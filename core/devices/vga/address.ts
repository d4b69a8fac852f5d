/**
 * How the CRTC's character-clock counter becomes a plane offset (byte, word or
 * doubleword addressing), shared by the text and graphics renderers.
 */

/**
 * Plane offset for counter value `counter`. `shift` is 0 (byte), 1 (word) or 2
 * (doubleword); in word mode counter bit 13 or 15 (`wrap15`) comes round into
 * address bit 0, in doubleword mode bits 14–15 come round into bits 0–1.
 */
export function planeOffset(counter: number, shift: number, wrap15: boolean): number {
  if (shift === 0) return counter & 0xFFFF;
  if (shift === 1) return ((counter << 1) | ((counter >> (wrap15 ? 15 : 13)) & 1)) & 0xFFFF;
  return ((counter << 2) | ((counter >> 14) & 3)) & 0xFFFF;
}
