import assert from "node:assert/strict";
import { hexToBytes } from "../../core/video/font/hex.ts";

Deno.test("hexToBytes decodes hex in either case, ignoring layout whitespace", () => {
  assert.deepEqual(hexToBytes("\n  00ff 7E\t80\r\n a5  \n"), new Uint8Array([0x00, 0xFF, 0x7E, 0x80, 0xA5]));
  assert.deepEqual(hexToBytes(""), new Uint8Array(0));
});

Deno.test("hexToBytes rejects malformed text", () => {
  assert.throws(() => hexToBytes("0g"), /malformed font hex data/);
  assert.throws(() => hexToBytes("abc"), /malformed font hex data/);
});
