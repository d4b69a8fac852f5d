import assert from "node:assert/strict";
import { VideoMemory } from "../../core/devices/vga/memory.ts";
import { VgaRegisters } from "../../core/devices/vga/registers/index.ts";

const WINDOW_BASE = [0xA0000, 0xA0000, 0xB0000, 0xB8000];
const WINDOW_SIZE = [0x20000, 0x10000, 0x8000, 0x8000];

/** The VGA write path as the hardware documents it, one plane at a time: the reference model. */
function referenceWrite(
  regs: VgaRegisters,
  latch: Uint8Array,
  vram: Uint8Array,
  addr: number,
  value: number,
) {
  const { seq, gc } = regs;
  const offset = addr - WINDOW_BASE[gc.memoryMap];
  if (offset < 0 || offset >= WINDOW_SIZE[gc.memoryMap]) return;
  let planes = seq.mapMask;
  let memOffset = offset & 0xFFFF;
  if (seq.chain4) {
    planes &= 1 << (offset & 3);
    memOffset = offset & 0xFFFC;
  } else if (seq.oddEvenWrites) {
    planes &= (offset & 1) !== 0 ? 0b1010 : 0b0101;
    memOffset = offset & 0xFFFE;
  }
  const mode = gc.writeMode;
  const rotated = ((value >> gc.rotateCount) | (value << (8 - gc.rotateCount))) & 0xFF;
  for (let p = 0; p < 4; p++) {
    if ((planes & (1 << p)) === 0) continue;
    const setResetByte = (gc.setReset >> p) & 1 ? 0xFF : 0;
    let data: number;
    let mask = gc.bitMask;
    if (mode === 1) {
      data = latch[p];
      mask = 0xFF;
    } else if (mode === 0) {
      data = (gc.enableSetReset & (1 << p)) !== 0 ? setResetByte : rotated;
    } else if (mode === 2) {
      data = (value >> p) & 1 ? 0xFF : 0;
    } else {
      data = setResetByte;
      mask &= rotated;
    }
    if (mode !== 1) {
      const op = gc.logicalOp;
      if (op === 1) data &= latch[p];
      else if (op === 2) data |= latch[p];
      else if (op === 3) data ^= latch[p];
    }
    vram[(memOffset << 2) | p] = ((data & mask) | (latch[p] & ~mask)) & 0xFF;
  }
}

/** A small deterministic generator (the test must not depend on Math.random). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 8;
  };
}

Deno.test("CPU writes match the reference model in every write mode, addressing mode and register mix", () => {
  const next = lcg(86);
  const pick = <T>(xs: readonly T[]): T => xs[next() % xs.length];
  for (let round = 0; round < 3000; round++) {
    const regs = new VgaRegisters();
    const mem = new VideoMemory(regs);
    const model = new Uint8Array(256 * 1024);
    for (let i = 0; i < 64; i++) {
      const a = (next() % 0x10000) << 2;
      for (let p = 0; p < 4; p++) {
        const v = next() & 0xFF;
        mem.vram.write8(a | p, v);
        model[a | p] = v;
      }
    }
    // Registers: often the plain write-mode-0 state the fast path takes, often not.
    const plain = next() % 2 === 0;
    regs.gc.regs[0] = next() & 0x0F;
    regs.gc.regs[1] = plain ? pick([0, 0, 0x0F & ~(next() & 0x0F)]) : next() & 0x0F;
    regs.gc.regs[3] = plain ? 0 : next() & 0x1F;
    regs.gc.regs[5] = plain ? pick([0x00, 0x10, 0x40]) : next() & 0x7B;
    regs.gc.regs[6] = (next() & 0x0C) | (next() & 1);
    regs.gc.regs[8] = plain ? 0xFF : pick([0xFF, next() & 0xFF]);
    regs.seq.regs[2] = next() & 0x0F;
    regs.seq.regs[4] = pick([0x02, 0x06, 0x0E, 0x0A]);
    for (let p = 0; p < 4; p++) mem.latch[p] = next() & 0xFF;
    for (let w = 0; w < 8; w++) {
      const addr = pick([0xA0000, 0xB0000, 0xB8000]) + (next() % 0x10000) + (next() % 2 === 0 ? 0 : 0x8000);
      const value = next() & 0xFF;
      referenceWrite(regs, mem.latch, model, addr, value);
      mem.write(addr, value);
    }
    assert.deepEqual(mem.vram.bytes, model, `round ${round}`);
  }
});
