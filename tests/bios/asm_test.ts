import assert from "node:assert/strict";
import { Asm } from "../../core/bios/asm.ts";

Deno.test("Asm.data copies a block at the emit offset and advances it", () => {
  const a = new Asm(new Uint8Array(16).fill(0xFF));
  a.org(2).data(new Uint8Array([1, 2, 3])).db(4);
  assert.equal(a.offset, 6);
  assert.deepEqual([...a.finish()], [0xFF, 0xFF, 1, 2, 3, 4, ...new Array(10).fill(0xFF)]);
});

Deno.test("Asm.data refuses to overlap earlier emits or run past the image", () => {
  const a = new Asm(new Uint8Array(16));
  a.org(4).db(9);
  assert.throws(() => a.org(2).data(new Uint8Array(4)), /overlapping emit at 4/);
  assert.throws(() => a.org(14).data(new Uint8Array(4)), /past end/);
  a.org(5).data(new Uint8Array(11)); // up to the last byte is fine
  assert.equal(a.offset, 16);
});
