import assert from "node:assert/strict";
import { AX, CS, DS } from "../../core/cpu/registers.ts";
import { PAGE_SIZE } from "../../core/memory/paged_memory.ts";
import { machine } from "./machine.ts";

Deno.test("a word read at offset FFFF takes its high byte from offset 0 of the same segment", () => {
  const { cpu, memory } = machine([0x8B, 0x06, 0xFF, 0xFF]); // mov ax, [FFFF]
  cpu.sregs[DS] = 0x2000;
  memory.write8(0x2FFFF, 0x34);
  memory.write8(0x20000, 0x12);
  memory.write8(0x30000, 0x99); // the byte a linear (non-wrapping) read would take
  cpu.step();
  assert.equal(cpu.regs[AX], 0x1234);
});

Deno.test("a word write at offset FFFF wraps inside the segment", () => {
  const { cpu, memory } = machine([0x89, 0x06, 0xFF, 0xFF]); // mov [FFFF], ax
  cpu.sregs[DS] = 0x2000;
  cpu.regs[AX] = 0xBEEF;
  cpu.step();
  assert.equal(memory.read8(0x2FFFF), 0xEF);
  assert.equal(memory.read8(0x20000), 0xBE);
  assert.equal(memory.read8(0x30000), 0);
});

Deno.test("linear addresses wrap at 1 MiB (FFFF:0010 is address 0)", () => {
  const { cpu, memory } = machine([0xA0, 0x10, 0x00]); // mov al, [0010]
  cpu.sregs[DS] = 0xFFFF;
  memory.write8(0, 0x5A);
  cpu.step();
  assert.equal(cpu.regs8[0], 0x5A);
});

Deno.test("instruction fetch wraps IP from FFFF to 0000 inside CS", () => {
  const { cpu, memory } = machine([]);
  cpu.sregs[CS] = 0x3000;
  cpu.ip = 0xFFFF;
  memory.write8(0x3FFFF, 0xB0); // mov al, imm8 ...
  memory.write8(0x30000, 0x77); // ... whose immediate is at 3000:0000
  cpu.step();
  assert.equal(cpu.regs8[0], 0x77);
  assert.equal(cpu.ip, 1);
});

Deno.test("stores go through the memory's write path: ROM pages are not changed", () => {
  const { cpu, memory } = machine([0xA2, 0x00, 0x00]); // mov [0000], al
  cpu.sregs[DS] = 0xF000;
  memory.loadRom(0xF0000, new Uint8Array([0x11]));
  memory.setRom(0xF0000, PAGE_SIZE);
  cpu.regs8[0] = 0x22;
  cpu.step();
  assert.equal(memory.read8(0xF0000), 0x11);
});

Deno.test("reads and writes of memory-mapped pages go to the device", () => {
  const { cpu, memory } = machine([0xA0, 0x05, 0x00, 0xA2, 0x06, 0x00]); // mov al,[5]; mov [6],al
  const writes: [number, number][] = [];
  memory.mapMmio(0xA0000, PAGE_SIZE, {
    mmioRead8: (addr) => addr & 0xFF,
    mmioWrite8: (addr, value) => writes.push([addr, value]),
  });
  cpu.sregs[DS] = 0xA000;
  cpu.step();
  assert.equal(cpu.regs8[0], 0x05);
  cpu.step();
  assert.deepEqual(writes, [[0xA0006, 0x05]]);
});
