import assert from "node:assert/strict";
import { compressPage, decompress } from "../../core/snapshot/compress.ts";
import { FrameMemo } from "../../core/snapshot/frame_memo.ts";

function page(fill: (i: number) => number): Uint8Array {
  const p = new Uint8Array(4096);
  for (let i = 0; i < p.length; i++) p[i] = fill(i);
  return p;
}

Deno.test("alike zstd frames are decompressed once, and every result is the frame's own content", () => {
  const memo = new FrameMemo();
  let calls = 0;
  const counting = (f: Uint8Array) => {
    calls++;
    return decompress(f);
  };
  const a = page(() => 7), b = page((i) => i & 1 ? 0x07 : 0x20), c = page(() => 8);
  const frames = [a, b, a, c, a, b].map((p) => compressPage(p));
  const plains = frames.map((f) => memo.decode(f, counting));
  assert.equal(calls, 3, "one call per distinct frame");
  assert.equal(memo.hits, 3);
  assert.deepEqual(plains.map((p) => p[0]), [7, 0x20, 7, 8, 7, 0x20]);
  assert.deepEqual(new Uint8Array(plains[2]), a);
  assert.deepEqual(new Uint8Array(plains[5]), b);
  assert.deepEqual(new Uint8Array(plains[3]), c);
});

Deno.test("large frames are not remembered (real content is rarely repeated)", () => {
  const memo = new FrameMemo();
  let x = 1;
  const noisy = page(() => (x = (x * 1103515245 + 12345) >>> 0) >>> 24);
  const frame = compressPage(noisy);
  assert.ok(frame.length > 512);
  let calls = 0;
  const counting = (f: Uint8Array) => {
    calls++;
    return decompress(f);
  };
  assert.deepEqual(new Uint8Array(memo.decode(frame, counting)), noisy);
  assert.deepEqual(new Uint8Array(memo.decode(frame, counting)), noisy);
  assert.equal(calls, 2);
  assert.equal(memo.hits, 0);
});
