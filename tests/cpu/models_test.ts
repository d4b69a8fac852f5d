import assert from "node:assert/strict";
import { AX, BP, BX, CS, CX, DI, DX, SI, SP } from "../../core/cpu/registers.ts";
import { CODE_SEG, machine, setVector, STACK_TOP, stackWord } from "./machine.ts";

Deno.test("0F is POP CS on the 8086", () => {
  const { cpu, memory } = machine([0x0F], "8086");
  memory.write16(STACK_TOP, 0x1234);
  cpu.step();
  assert.equal(cpu.sregs[CS], 0x1234);
  assert.equal(cpu.regs[SP], STACK_TOP + 2);
});

Deno.test("0F raises INT 6 on the 80186 with the return address at the opcode (prefixes included)", () => {
  const { cpu, memory } = machine([0x90, 0x2E, 0x0F], "80186");
  setVector(memory, 6, 0x0300, 0x0010);
  cpu.step();
  cpu.step();
  assert.equal(cpu.sregs[CS], 0x0300);
  assert.equal(cpu.ip, 0x0010);
  assert.equal(stackWord(cpu, memory, 0), 1, "points at the CS: prefix");
  assert.equal(stackWord(cpu, memory, 1), CODE_SEG);
});

Deno.test("C1 is RET on the 8086 and a shift by imm8 on the 80186", () => {
  const a = machine([0xC1], "8086");
  a.memory.write16(STACK_TOP, 0x4321);
  a.cpu.step();
  assert.equal(a.cpu.ip, 0x4321);
  const b = machine([0xC1, 0xE0, 0x03], "80186"); // shl ax, 3
  b.cpu.regs[AX] = 0x0101;
  b.cpu.step();
  assert.equal(b.cpu.regs[AX], 0x0808);
  assert.equal(b.cpu.ip, 3);
});

Deno.test("60 is a conditional jump (JO) on the 8086 and PUSHA on the 80186", () => {
  const a = machine([0x60, 0x10], "8086");
  a.cpu.setFlags(0x800);
  a.cpu.step();
  assert.equal(a.cpu.ip, 0x12);
  const b = machine([0x60, 0x61], "80186");
  const values = [0x1111, 0x2222, 0x3333, 0x4444, 0, 0x6666, 0x7777, 0x8888];
  for (const r of [AX, CX, DX, BX, BP, SI, DI]) b.cpu.regs[r] = values[r];
  b.cpu.step();
  assert.equal(b.cpu.regs[SP], STACK_TOP - 16);
  // Pushed in order AX CX DX BX SP(original) BP SI DI: DI is on top.
  assert.equal(stackWord(b.cpu, b.memory, 0), 0x8888);
  assert.equal(stackWord(b.cpu, b.memory, 3), STACK_TOP, "SP as it was before PUSHA");
  assert.equal(stackWord(b.cpu, b.memory, 7), 0x1111);
  b.cpu.regs.fill(0, 0, 4);
  b.cpu.regs[SP] = STACK_TOP - 16;
  b.cpu.step(); // POPA
  assert.equal(b.cpu.regs[AX], 0x1111);
  assert.equal(b.cpu.regs[DI], 0x8888);
  assert.equal(b.cpu.regs[SP], STACK_TOP);
});

Deno.test("shift counts use all of CL on the 8086 and are masked to 5 bits on the 80186", () => {
  const code = [0xD3, 0xE0]; // shl ax, cl
  const a = machine(code, "8086");
  a.cpu.regs[AX] = 1;
  a.cpu.regs[CX] = 33;
  a.cpu.step();
  assert.equal(a.cpu.regs[AX], 0);
  const b = machine(code, "80186");
  b.cpu.regs[AX] = 1;
  b.cpu.regs[CX] = 33;
  b.cpu.step();
  assert.equal(b.cpu.regs[AX], 2);
});

Deno.test("PUSH SP stores the already-decremented SP on both models", () => {
  for (const model of ["8086", "80186"] as const) {
    const { cpu, memory } = machine([0x54], model);
    cpu.step();
    assert.equal(stackWord(cpu, memory, 0), STACK_TOP - 2, model);
  }
});

Deno.test("divide error returns after DIV on the 8086 and to the DIV on the 80186", () => {
  for (const [model, ret] of [["8086", 2], ["80186", 0]] as const) {
    const { cpu, memory } = machine([0xF6, 0xF3], model); // div bl with BL = 0
    setVector(memory, 0, 0x0300, 0);
    cpu.regs[AX] = 0x1234;
    cpu.step();
    assert.equal(cpu.sregs[CS], 0x0300, model);
    assert.equal(stackWord(cpu, memory, 0), ret, model);
    assert.equal(cpu.regs[AX], 0x1234, `${model}: AX unchanged`);
  }
});

Deno.test("IDIV with quotient -128 faults on the 8086 but not on the 80186", () => {
  for (const [model, faults] of [["8086", true], ["80186", false]] as const) {
    const { cpu, memory } = machine([0xF6, 0xFB], model); // idiv bl
    setVector(memory, 0, 0x0300, 0);
    cpu.regs[AX] = 0xFF80; // -128
    cpu.regs8[6] = 1; // BL = 1
    cpu.step();
    assert.equal(cpu.sregs[CS] === 0x0300, faults, model);
    if (!faults) assert.equal(cpu.regs8[0], 0x80);
  }
});

Deno.test("80186 BOUND raises INT 5 at the instruction when the index is out of range", () => {
  const { cpu, memory } = machine([0x62, 0x06, 0x00, 0x02], "80186"); // bound ax, [0200]
  setVector(memory, 5, 0x0300, 0);
  memory.write16(0x200, 10);
  memory.write16(0x202, 20);
  cpu.regs[AX] = 15;
  cpu.step();
  assert.equal(cpu.ip, 4, "in range: no exception");
  cpu.ip = 0;
  cpu.regs[AX] = 21;
  cpu.step();
  assert.equal(cpu.sregs[CS], 0x0300);
  assert.equal(stackWord(cpu, memory, 0), 0);
});

Deno.test("80186 ENTER/LEAVE build and drop a nested frame", () => {
  // enter 4, 2; leave
  const { cpu, memory } = machine([0xC8, 0x04, 0x00, 0x02, 0xC9], "80186");
  cpu.regs[BP] = 0x0700;
  memory.write16(0x06FE, 0xAAAA); // the outer frame's display entry at [BP-2]
  cpu.step();
  const frame = STACK_TOP - 2;
  assert.equal(cpu.regs[BP], frame);
  assert.equal(memory.read16(frame), 0x0700, "old BP saved");
  assert.equal(memory.read16(frame - 2), 0xAAAA, "outer display copied");
  assert.equal(memory.read16(frame - 4), frame, "own frame pointer pushed");
  assert.equal(cpu.regs[SP], frame - 4 - 4);
  cpu.step();
  assert.equal(cpu.regs[SP], STACK_TOP);
  assert.equal(cpu.regs[BP], 0x0700);
});

Deno.test("80186 IMUL r16, r/m16, imm8 sets CF/OF only on overflow", () => {
  const { cpu } = machine([0x6B, 0xC3, 0xFD, 0x6B, 0xC3, 0x7F], "80186"); // imul ax,bx,-3; imul ax,bx,127
  cpu.regs[BX] = 100;
  cpu.step();
  assert.equal(cpu.regs[AX], (-300) & 0xFFFF);
  assert.equal(cpu.getFlags() & 0x801, 0);
  cpu.regs[BX] = 1000;
  cpu.step();
  assert.equal(cpu.regs[AX], 127000 & 0xFFFF);
  assert.equal(cpu.getFlags() & 0x801, 0x801);
});

Deno.test("FLAGS push with bits 12-15 set on the 8086 and clear on the 80186", () => {
  for (const [model, fixed] of [["8086", 0xF002], ["80186", 0x0002]] as const) {
    const { cpu, memory } = machine([0x9C], model);
    cpu.step();
    assert.equal(stackWord(cpu, memory, 0), fixed, model);
  }
});
