/** Zero detection for sparse copies: whole runs of zero bytes are skipped instead of written. */

/** True when every byte of `bytes` is zero (checked 4 bytes at a time where aligned). */
export function isAllZero(bytes: Uint8Array): boolean {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes.length - (bytes.length % 4) : 0;
  if (aligned > 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, aligned / 4);
    for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
  }
  for (let i = aligned; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}
