import assert from "node:assert/strict";
import {
  type MmioHandler,
  PAGE_CODE,
  PagedMemory,
  type PageWriteBarrier,
} from "../../core/memory/paged_memory.ts";

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

/** A barrier that records the pages it is told about and saves them as a live snapshot would. */
class Barrier implements PageWriteBarrier {
  readonly pages: number[] = [];
  beforeWrite(memory: PagedMemory, page: number): void {
    this.pages.push(page);
    memory.unguard(page);
  }
}

function pattern(n: number): Uint8Array {
  const d = new Uint8Array(n);
  for (let i = 0; i < n; i++) d[i] = (i * 13 + 1) & 0xFF;
  return d;
}

/** Two memories with ROM, MMIO, guarded and code pages; each bulk call is checked against write8 loops. */
function pair() {
  const made = [0, 1].map(() => {
    const m = new PagedMemory(1 << 20);
    const rec = new Recorder();
    const barrier = new Barrier();
    const code: number[] = [];
    m.setRom(0x3000, 0x1000);
    m.mapMmio(0x5000, 0x1000, rec);
    m.guardAll(barrier);
    for (const p of [0, 1, 2, 3, 4, 5]) m.unguard(p); // pages 6 and up stay guarded
    m.pageFlags[2] |= PAGE_CODE;
    m.codeWriteHook = (addr) => code.push(addr);
    return { m, rec, barrier, code };
  });
  return { bulk: made[0], bytewise: made[1] };
}

Deno.test("writeBlock stores across RAM, ROM, MMIO, code and guarded pages exactly as write8 byte by byte", () => {
  const { bulk, bytewise } = pair();
  const data = pattern(0x6000);
  bulk.m.writeBlock(0x0800, data);
  for (let i = 0; i < data.length; i++) bytewise.m.write8(0x0800 + i, data[i]);
  assert.deepEqual(bulk.m.bytes, bytewise.m.bytes);
  assert.deepEqual(bulk.rec.writes, bytewise.rec.writes);
  assert.deepEqual(bulk.barrier.pages, bytewise.barrier.pages);
  assert.deepEqual(bulk.code, bytewise.code);
  assert.equal(bulk.rec.writes.length, 0x1000);
  assert.deepEqual(bulk.barrier.pages, [6]);
  assert.equal(bulk.code.length, 0x1000);
});

Deno.test("fill stores as write8 byte by byte would", () => {
  const { bulk, bytewise } = pair();
  bulk.m.fill(0x1234, 0x6000, 0xA5);
  for (let i = 0; i < 0x6000; i++) bytewise.m.write8(0x1234 + i, 0xA5);
  assert.deepEqual(bulk.m.bytes, bytewise.m.bytes);
  assert.deepEqual(bulk.rec.writes, bytewise.rec.writes);
  assert.deepEqual(bulk.barrier.pages, bytewise.barrier.pages);
  assert.deepEqual(bulk.code, bytewise.code);
});

Deno.test("writeBlock, fill and readBlock wrap at the end of the address space", () => {
  const m = new PagedMemory(1 << 20);
  const data = pattern(0x200);
  m.writeBlock(0xFFF00, data);
  assert.deepEqual(m.bytes.subarray(0xFFF00), data.subarray(0, 0x100));
  assert.deepEqual(m.bytes.subarray(0, 0x100), data.subarray(0x100));
  const back = new Uint8Array(0x200);
  m.readBlock(0xFFF00, back);
  assert.deepEqual(back, data);
  m.fill(0xFFFF0, 0x20, 0x11);
  assert.deepEqual(m.bytes.subarray(0xFFFF0), new Uint8Array(0x10).fill(0x11));
  assert.deepEqual(m.bytes.subarray(0, 0x10), new Uint8Array(0x10).fill(0x11));
});

Deno.test("readBlock reads MMIO pages through their handler", () => {
  const m = new PagedMemory(1 << 20);
  m.mapMmio(0x2000, 0x1000, new Recorder());
  m.bytes.set(pattern(0x1000), 0x1000);
  const into = new Uint8Array(0x1800);
  m.readBlock(0x1800, into);
  for (let i = 0; i < 0x1800; i++) assert.equal(into[i], m.read8(0x1800 + i), `byte ${i}`);
});

Deno.test("loadRom writes through ROM protection and tells the barrier once per guarded page", () => {
  const m = new PagedMemory(1 << 20);
  m.setRom(0xF0000, 0x10000);
  const barrier = new Barrier();
  m.guardAll(barrier);
  const rom = pattern(0x2800);
  m.loadRom(0xEF800, rom);
  assert.deepEqual(m.bytes.subarray(0xEF800, 0xF2000), rom);
  assert.deepEqual(barrier.pages, [0xEF, 0xF0, 0xF1]);
  m.write8(0xF0000, 0); // still ROM for the guest
  assert.equal(m.bytes[0xF0000], rom[0x800]);
});
