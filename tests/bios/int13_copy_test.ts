import assert from "node:assert/strict";
import { copyFromGuest, copyToGuest } from "../../core/bios/int13_disk.ts";
import { type MmioHandler, PagedMemory } from "../../core/memory/paged_memory.ts";

/** An MMIO page that records writes and reads back address-derived bytes. */
class Recorder implements MmioHandler {
  readonly writes: [number, number][] = [];
  mmioRead8(addr: number): number {
    return (addr * 7) & 0xFF;
  }
  mmioWrite8(addr: number, value: number): void {
    this.writes.push([addr, value]);
  }
}

function pattern(n: number): Uint8Array {
  const d = new Uint8Array(n);
  for (let i = 0; i < n; i++) d[i] = (i * 13 + 1) & 0xFF;
  return d;
}

Deno.test("copyToGuest stores across RAM, ROM and MMIO pages exactly as write8 byte by byte", () => {
  const fast = new PagedMemory(1 << 20);
  const slow = new PagedMemory(1 << 20);
  const recFast = new Recorder();
  const recSlow = new Recorder();
  for (const [m, r] of [[fast, recFast], [slow, recSlow]] as const) {
    m.setRom(0x3000, 0x1000);
    m.mapMmio(0x5000, 0x1000, r);
  }
  const data = pattern(0x5000);
  copyToGuest(fast, 0x1800, data, 0x4C00);
  for (let i = 0; i < 0x4C00; i++) slow.write8(0x1800 + i, data[i]);
  assert.deepEqual(fast.bytes, slow.bytes);
  assert.deepEqual(recFast.writes, recSlow.writes);
  assert.equal(recFast.writes.length, 0x1000);
});

Deno.test("copyToGuest and copyFromGuest wrap at the end of the address space", () => {
  const m = new PagedMemory(1 << 20);
  const data = pattern(0x200);
  copyToGuest(m, 0xFFF00, data, 0x200);
  assert.deepEqual(m.bytes.subarray(0xFFF00), data.subarray(0, 0x100));
  assert.deepEqual(m.bytes.subarray(0, 0x100), data.subarray(0x100));
  const back = new Uint8Array(0x200);
  copyFromGuest(m, 0xFFF00, back, 0x200);
  assert.deepEqual(back, data);
});

Deno.test("copyFromGuest reads MMIO pages through their handler", () => {
  const m = new PagedMemory(1 << 20);
  m.mapMmio(0x2000, 0x1000, new Recorder());
  m.bytes.set(pattern(0x1000), 0x1000);
  const into = new Uint8Array(0x1800);
  copyFromGuest(m, 0x1800, into, 0x1800);
  for (let i = 0; i < 0x1800; i++) assert.equal(into[i], m.read8(0x1800 + i), `byte ${i}`);
});
