import assert from "node:assert/strict";
import {
  decodeFooter,
  encodeFooter,
  newFooter,
  onesComplementChecksum,
  vhdTimestamp,
} from "../../disks/formats/vhd/footer.ts";
import { decodeHeader, encodeHeader } from "../../disks/formats/vhd/dynamic_header.ts";

/** Independent checksum: sum every byte except bytes 64..67, then invert in 32 bits. */
function referenceChecksum(bytes: Uint8Array, skipAt: number): number {
  let sum = 0;
  bytes.forEach((b, i) => {
    if (i < skipAt || i >= skipAt + 4) sum = (sum + b) % 2 ** 32;
  });
  return 2 ** 32 - 1 - sum;
}

Deno.test("footer checksum is the one's complement of the byte sum without the checksum field", () => {
  const bytes = encodeFooter(newFooter({
    diskType: 3,
    size: 10 * 1024 * 1024,
    geometry: { cylinders: 301, heads: 4, sectorsPerTrack: 17 },
    dataOffset: 512,
  }));
  const stored = new DataView(bytes.buffer).getUint32(64);
  assert.equal(stored, referenceChecksum(bytes, 64));
  assert.equal(onesComplementChecksum(bytes, 64), stored);
  // All-zero input: the sum is 0, so the checksum is 0xFFFFFFFF.
  assert.equal(onesComplementChecksum(new Uint8Array(512), 64), 0xFFFFFFFF);
});

Deno.test("footer fields are big-endian at the specification's offsets", () => {
  const f = newFooter({
    diskType: 2,
    size: 0x123456789A00,
    geometry: { cylinders: 0x0102, heads: 3, sectorsPerTrack: 4 },
    dataOffset: null,
  });
  const bytes = encodeFooter(f);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), "conectix");
  assert.deepEqual([...bytes.subarray(8, 12)], [0, 0, 0, 2]); // features: reserved bit
  assert.deepEqual([...bytes.subarray(12, 16)], [0, 1, 0, 0]); // version 1.0
  assert.deepEqual([...bytes.subarray(16, 24)], [255, 255, 255, 255, 255, 255, 255, 255]); // fixed: no header
  assert.deepEqual([...bytes.subarray(48, 56)], [0, 0, 0x12, 0x34, 0x56, 0x78, 0x9A, 0x00]);
  assert.deepEqual([...bytes.subarray(56, 60)], [1, 2, 3, 4]);
  assert.deepEqual([...bytes.subarray(60, 64)], [0, 0, 0, 2]);
  const back = decodeFooter(bytes)!;
  assert.equal(back.currentSize, 0x123456789A00);
  assert.equal(back.dataOffset, null);
  assert.equal(back.storedChecksum, back.computedChecksum);
  assert.deepEqual(back.uniqueId, f.uniqueId);
});

Deno.test("a flipped footer byte makes the stored and computed checksums differ", () => {
  const bytes = encodeFooter(newFooter({
    diskType: 3,
    size: 1 << 20,
    geometry: { cylinders: 1, heads: 4, sectorsPerTrack: 17 },
    dataOffset: 512,
  }));
  bytes[100] ^= 1;
  const back = decodeFooter(bytes)!;
  assert.notEqual(back.storedChecksum, back.computedChecksum);
  assert.equal(decodeFooter(new Uint8Array(512)), null);
});

Deno.test("VHD timestamps count seconds from 2000-01-01 UTC", () => {
  assert.equal(vhdTimestamp(Date.UTC(2000, 0, 1, 0, 0, 0)), 0);
  assert.equal(vhdTimestamp(Date.UTC(2000, 0, 2, 0, 0, 1)), 86401);
});

Deno.test("dynamic header round-trips, with UTF-16 BE parent name and a checksum at 36", () => {
  const bytes = encodeHeader({
    tableOffset: 1536,
    headerVersion: 0x00010000,
    maxTableEntries: 5,
    blockSize: 2 * 1024 * 1024,
    parentUniqueId: new Uint8Array(16).fill(7),
    parentTimestamp: 12345,
    parentUnicodeName: "base.vhd",
    locators: [{ platformCode: 0x57327275, dataSpace: 1, dataLength: 20, dataOffset: 2048 }],
  });
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), "cxsparse");
  assert.deepEqual([...bytes.subarray(64, 68)], [0, 0x62, 0, 0x61]); // "ba" big-endian
  assert.equal(new DataView(bytes.buffer).getUint32(36), referenceChecksum(bytes, 36));
  const h = decodeHeader(bytes)!;
  assert.equal(h.parentUnicodeName, "base.vhd");
  assert.equal(h.parentTimestamp, 12345);
  assert.equal(h.locators[0].dataOffset, 2048);
  assert.equal(h.storedChecksum, h.computedChecksum);
});
