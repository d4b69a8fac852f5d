import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { crc32, encodePng } from "../../core/video/png.ts";

interface Chunk {
  type: string;
  data: Uint8Array;
  crc: number;
  crcInput: Uint8Array;
}

function chunks(png: Uint8Array): Chunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: Chunk[] = [];
  for (let pos = 8; pos < png.length;) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    out.push({
      type,
      data: png.subarray(pos + 8, pos + 8 + len),
      crc: view.getUint32(pos + 8 + len),
      crcInput: png.subarray(pos + 4, pos + 8 + len),
    });
    pos += 12 + len;
  }
  return out;
}

Deno.test("crc32 matches the standard check value for '123456789'", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xCBF43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

Deno.test("PNG round trip: signature, IHDR, chunk CRCs, and the inflated IDAT holds the pixels", () => {
  const w = 5, h = 3;
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 37) & 0xFF;
  const png = encodePng(w, h, rgba);
  assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
  const cs = chunks(png);
  assert.deepEqual(cs.map((c) => c.type), ["IHDR", "IDAT", "IEND"]);
  for (const c of cs) assert.equal(c.crc, crc32(c.crcInput), `CRC of ${c.type}`);
  const ihdr = new DataView(cs[0].data.buffer, cs[0].data.byteOffset, 13);
  assert.deepEqual([ihdr.getUint32(0), ihdr.getUint32(4), cs[0].data[8], cs[0].data[9]], [w, h, 8, 6]);
  const raw = new Uint8Array(inflateSync(cs[1].data));
  assert.equal(raw.length, h * (w * 4 + 1));
  for (let y = 0; y < h; y++) {
    assert.equal(raw[y * (w * 4 + 1)], 0, "filter type none");
    assert.deepEqual(
      raw.subarray(y * (w * 4 + 1) + 1, (y + 1) * (w * 4 + 1)),
      rgba.subarray(y * w * 4, (y + 1) * w * 4),
    );
  }
  assert.equal(cs[2].data.length, 0);
});

Deno.test("encodePng rejects a buffer of the wrong size", () => {
  assert.throws(() => encodePng(2, 2, new Uint8Array(15)), RangeError);
});
