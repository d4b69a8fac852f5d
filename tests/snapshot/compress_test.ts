/**
 * core/snapshot/compress.ts runs frames through reused node:zlib engines: the frames must be the
 * very bytes zstdCompressSync makes (the file format does not change), decompression must give
 * back the data, and what the reused path cannot do (large output, damaged frames) must end as
 * the public functions end.
 */
import assert from "node:assert/strict";
import { constants, zstdCompressSync, zstdDecompressSync } from "node:zlib";
import { compressBlock, compressPage, decompress } from "../../core/snapshot/compress.ts";

const FAST = { params: { [constants.ZSTD_c_compressionLevel]: 1 } };

function data(size: number, seed: number, kind: number): Uint8Array {
  const out = new Uint8Array(size);
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  for (let i = 0; i < size; i++) {
    out[i] = kind === 0 ? rnd() : kind === 1 ? ((rnd() & 3) === 0 ? rnd() & 7 : (i >> 5) & 3) : 0x41;
  }
  return out;
}

function outcome(f: () => Uint8Array): string {
  try {
    const r = f();
    return `ok ${r.length} ${r.slice(0, 16).join(",")}`;
  } catch (e) {
    return String(e);
  }
}

Deno.test("reused-engine frames are zstdCompressSync's bytes and decompress to the data", () => {
  for (let k = 0; k < 60; k++) {
    const page = data(4096, k + 1, k % 3);
    const frame = compressPage(page);
    assert.deepEqual(frame, new Uint8Array(zstdCompressSync(page, FAST)), `page ${k}`);
    assert.deepEqual(new Uint8Array(decompress(frame)), page);
  }
  // Larger than the reused output buffer both ways (incompressible, then highly compressible).
  for (const block of [data(300_000, 7, 0), data(1_000_000, 9, 2)]) {
    const frame = compressBlock(block);
    assert.deepEqual(frame, new Uint8Array(zstdCompressSync(block, FAST)));
    assert.deepEqual(new Uint8Array(decompress(frame)), block);
  }
});

Deno.test("a damaged or cut frame ends as zstdDecompressSync ends, and later frames still decompress", () => {
  const page = data(4096, 3, 1);
  const good = compressPage(page);
  const flipped = good.slice();
  flipped[flipped.length - 3] ^= 0x5a;
  for (const frame of [flipped, good.subarray(0, good.length - 2), new Uint8Array([1, 2, 3, 4, 5, 6])]) {
    assert.equal(outcome(() => decompress(frame)), outcome(() => zstdDecompressSync(frame)));
  }
  assert.deepEqual(decompress(good), page);
});
