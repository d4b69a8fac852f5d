import assert from "node:assert/strict";
import { AX, CS } from "../../core/cpu/registers.ts";
import { machine } from "./machine.ts";

Deno.test("F1 xx at a linear address >= F0000 calls biosTrap with xx and consumes both bytes", () => {
  const { cpu, memory } = machine([]);
  memory.writeBlock(0xFE000, new Uint8Array([0xF1, 0x13, 0x40]));
  cpu.sregs[CS] = 0xF000;
  cpu.ip = 0xE000;
  const codes: number[] = [];
  cpu.biosTrap = (code) => codes.push(code);
  cpu.step();
  assert.deepEqual(codes, [0x13]);
  assert.equal(cpu.ip, 0xE002);
  cpu.step();
  assert.equal(cpu.regs[AX], 1, "execution continues after the trap");
});

Deno.test("F1 below F0000 is a LOCK-like prefix, not a trap", () => {
  const { cpu } = machine([0xF1, 0x40]); // at 0100:0000
  let called = false;
  cpu.biosTrap = () => {
    called = true;
  };
  cpu.step();
  assert.equal(called, false);
  assert.equal(cpu.regs[AX], 1, "the prefixed INC AX ran");
  assert.equal(cpu.ip, 2);
});

Deno.test("F1 in the ROM area with no handler behaves as the chip does", () => {
  const { cpu, memory } = machine([]);
  memory.writeBlock(0xF0000, new Uint8Array([0xF1, 0x40]));
  cpu.sregs[CS] = 0xF000;
  cpu.ip = 0;
  cpu.step();
  assert.equal(cpu.regs[AX], 1);
});
