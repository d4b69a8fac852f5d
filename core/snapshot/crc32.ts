/**
 * CRC-32 (IEEE 802.3, reflected, polynomial EDB88320h), incremental so a snapshot
 * file's checksum can be computed chunk by chunk while it is written.
 */

const TABLE = (() => {
  const t = new Uint32Array(256 * 4);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  // Slice-by-4 tables: four bytes per step.
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 4; k++) {
      c = t[c & 0xFF] ^ (c >>> 8);
      t[k * 256 + n] = c >>> 0;
    }
  }
  return t;
})();

/** Continues a CRC-32 over `data`; start with `crc = 0`. */
export function crc32Update(crc: number, data: Uint8Array): number {
  let c = ~crc >>> 0;
  let i = 0;
  const n = data.length;
  const end4 = n - (n & 3);
  for (; i < end4; i += 4) {
    c ^= data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    c = TABLE[768 + (c & 0xFF)] ^ TABLE[512 + ((c >>> 8) & 0xFF)] ^ TABLE[256 + ((c >>> 16) & 0xFF)] ^
      TABLE[c >>> 24];
  }
  for (; i < n; i++) c = TABLE[(c ^ data[i]) & 0xFF] ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32 of `data`. */
export function crc32(data: Uint8Array): number {
  return crc32Update(0, data);
}
