import assert from "node:assert/strict";
import { crc32, crc32Update } from "../../core/snapshot/crc32.ts";

Deno.test("CRC-32 gives the IEEE check value and the same result chunk by chunk", () => {
  const text = new TextEncoder().encode("123456789");
  assert.equal(crc32(text), 0xCBF43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  const data = new Uint8Array(100_003).map((_, i) => (i * 31 + 7) & 0xFF);
  let crc = 0;
  for (let at = 0; at < data.length; at += 4097) crc = crc32Update(crc, data.subarray(at, at + 4097));
  assert.equal(crc, crc32(data));
  assert.ok(crc >= 0, "unsigned");
});
