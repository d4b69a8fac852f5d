import assert from "node:assert/strict";
import { CX, DI, DS, ES, FLAG_IF, SI } from "../../core/cpu/registers.ts";
import type { CpuModel } from "../../core/cpu/registers.ts";
import { PAGE_SIZE } from "../../core/memory/paged_memory.ts";
import { FakePic, machine, setVector, stackWord } from "./machine.ts";

/**
 * `ES: REP MOVSB` copying 6 bytes from ES:0000 (a device page answering 42h that raises
 * INTR on its second read) to ES:0100. DS:0000 holds 11h, which is what a resumed
 * instruction that lost its ES override copies instead.
 */
function interruptedRep(model: CpuModel) {
  const { cpu, memory } = machine([0x26, 0xF3, 0xA4, 0xF4], model);
  const dest = new Uint8Array(16);
  let reads = 0;
  memory.mapMmio(0xA0000, PAGE_SIZE, {
    mmioRead8: () => {
      if (++reads === 2) cpu.setIntr(true);
      return 0x42;
    },
    mmioWrite8: (addr, value) => {
      dest[addr - 0xA0100] = value;
    },
  });
  for (let i = 0; i < 16; i++) memory.write8(0x30000 + i, 0x11);
  const pic = new FakePic(0x20);
  pic.onAcknowledge = () => cpu.setIntr(false);
  cpu.interruptController = pic;
  setVector(memory, 0x20, 0x0200, 0);
  memory.write8(0x2000, 0xCF); // IRET
  cpu.sregs[ES] = 0xA000;
  cpu.sregs[DS] = 0x3000;
  cpu.regs[SI] = 0;
  cpu.regs[DI] = 0x100;
  cpu.regs[CX] = 6;
  cpu.setFlags(FLAG_IF);
  return { cpu, memory, dest, pic };
}

Deno.test("a REP string instruction stops between iterations for a pending interrupt", () => {
  const { cpu, pic } = interruptedRep("80186");
  cpu.step();
  assert.equal(cpu.regs[CX], 4, "two iterations done");
  assert.equal(pic.acknowledged, 0);
  cpu.step();
  assert.equal(pic.acknowledged, 1, "the interrupt is taken before the rest");
});

Deno.test("80186: an interrupted ES: REP MOVSB resumes with all its prefixes and finishes the copy", () => {
  const { cpu, memory, dest } = interruptedRep("80186");
  cpu.step();
  cpu.step(); // interrupt
  assert.equal(stackWord(cpu, memory, 0), 0, "returns to the first prefix");
  while (!cpu.halted) cpu.step();
  assert.deepEqual([...dest.subarray(0, 6)], [0x42, 0x42, 0x42, 0x42, 0x42, 0x42]);
  assert.equal(cpu.regs[CX], 0);
});

Deno.test("8086: an interrupted ES: REP MOVSB resumes at its last prefix and loses the ES override", () => {
  const { cpu, memory, dest } = interruptedRep("8086");
  cpu.step();
  cpu.step(); // interrupt
  assert.equal(stackWord(cpu, memory, 0), 1, "returns to the REP prefix, after ES:");
  while (!cpu.halted) cpu.step();
  // The last four bytes came from DS:SI, not ES:SI.
  assert.deepEqual([...dest.subarray(0, 2)], [0x42, 0x42]);
  assert.deepEqual(
    [...memory.bytes.subarray(0xA0102, 0xA0106)],
    [0, 0, 0, 0],
    "MMIO page not written directly",
  );
  assert.equal(cpu.regs[CX], 0);
  assert.equal(cpu.regs[SI], 6);
  assert.deepEqual([...dest.subarray(2, 6)], [0x11, 0x11, 0x11, 0x11]);
});

Deno.test("a REP instruction cut by the end of a run() slice resumes and completes", () => {
  const { cpu, memory } = machine([0xF3, 0xAA, 0xF4]); // rep stosb; hlt
  cpu.sregs[ES] = 0x4000;
  cpu.regs[CX] = 5000;
  cpu.regs8[0] = 0xAB;
  cpu.run(100);
  assert.ok(cpu.regs[CX] > 0 && cpu.regs[CX] < 5000, "stopped part-way");
  assert.equal(cpu.ip, 0, "rewound to the prefix");
  while (!cpu.halted) cpu.run(100);
  assert.equal(cpu.regs[CX], 0);
  assert.equal(memory.read8(0x40000 + 4999), 0xAB);
  assert.equal(memory.read8(0x40000 + 5000), 0);
});

Deno.test("REPE CMPSB stops at the first difference with ZF clear", () => {
  const { cpu, memory } = machine([0xF3, 0xA6]);
  memory.writeBlock(0x5000, new Uint8Array([1, 2, 3, 4]));
  memory.writeBlock(0x6000, new Uint8Array([1, 2, 9, 4]));
  cpu.sregs[DS] = 0x500;
  cpu.sregs[ES] = 0x600;
  cpu.regs[CX] = 4;
  cpu.step();
  assert.equal(cpu.regs[CX], 1);
  assert.equal(cpu.regs[SI], 3);
  assert.equal(cpu.getFlags() & 0x40, 0);
});
