import assert from "node:assert/strict";
import { FLAG_IF, FLAG_TF } from "../../core/cpu/registers.ts";
import { CS, SP } from "../../core/cpu/registers.ts";
import { CODE_SEG, FakePic, machine, setVector, STACK_TOP, stackWord } from "./machine.ts";
import type { Cpu } from "../../core/cpu/cpu.ts";
import { BASE_CYCLES } from "../../core/cpu/cycles.ts";

const HANDLER_SEG = 0x0200;

function withPic(code: number[]) {
  const m = machine(code);
  const pic = new FakePic(0x20);
  m.cpu.interruptController = pic;
  setVector(m.memory, 0x20, HANDLER_SEG, 0);
  setVector(m.memory, 2, HANDLER_SEG, 0x10);
  setVector(m.memory, 1, HANDLER_SEG, 0x20);
  m.memory.write8(HANDLER_SEG << 4, 0xCF); // IRET
  return { ...m, pic };
}

Deno.test("INTR is accepted when IF=1: pushes FLAGS, CS, IP and enters the acknowledged vector", () => {
  const { cpu, memory, pic } = withPic([0x90, 0x90]);
  cpu.setFlags(FLAG_IF);
  cpu.setIntr(true);
  cpu.step();
  assert.equal(pic.acknowledged, 1);
  assert.equal(cpu.sregs[CS], HANDLER_SEG);
  assert.equal(cpu.ip, 0);
  assert.equal(cpu.regs[SP], STACK_TOP - 6);
  assert.equal(stackWord(cpu, memory, 0), 0); // return IP
  assert.equal(stackWord(cpu, memory, 1), CODE_SEG);
  assert.equal(stackWord(cpu, memory, 2) & FLAG_IF, FLAG_IF);
  assert.equal(cpu.getFlags() & FLAG_IF, 0, "IF is cleared on entry");
});

Deno.test("INTR is ignored while IF=0", () => {
  const { cpu, pic } = withPic([0x90, 0x90]);
  cpu.setIntr(true);
  cpu.step();
  assert.equal(pic.acknowledged, 0);
  assert.equal(cpu.ip, 1);
});

Deno.test("STI delays INTR until after the following instruction", () => {
  const { cpu, memory, pic } = withPic([0xFB, 0x90, 0x90, 0x90]);
  cpu.setIntr(true);
  cpu.step(); // STI
  cpu.step(); // NOP in the shadow
  assert.equal(pic.acknowledged, 0);
  assert.equal(cpu.ip, 2);
  cpu.step();
  assert.equal(pic.acknowledged, 1);
  assert.equal(stackWord(cpu, memory, 0), 2);
});

// [name, code, instructions before the one that loads SS]
for (const [name, code, before] of [["MOV SS", [0x8E, 0xD0], 0], ["POP SS", [0x50, 0x17], 1]] as const) {
  Deno.test(`${name} holds off INTR and NMI for one instruction`, () => {
    const { cpu, memory, pic } = withPic([...code, 0x90, 0x90]);
    cpu.setFlags(FLAG_IF);
    for (let i = 0; i < before; i++) cpu.step(); // the PUSH AX before POP SS
    cpu.step(); // loads SS (AX = 0, so the stack stays put)
    cpu.setIntr(true);
    cpu.nmi();
    const ipAfterLoad = cpu.ip;
    cpu.step(); // NOP in the shadow
    assert.equal(cpu.ip, ipAfterLoad + 1);
    assert.equal(pic.acknowledged, 0);
    cpu.step(); // NMI first
    assert.equal(cpu.ip, 0x10);
    assert.equal(stackWord(cpu, memory, 0), ipAfterLoad + 1);
  });
}

// The fast loop runs STI and MOV SS itself: a run() slice that ends right after one leaves the
// shadow for the next slice, which runs the following instruction before any interrupt.
for (
  const [name, op, flags, raise] of [
    ["STI", [0xFB], 0, (cpu: Cpu) => cpu.setIntr(true)],
    ["MOV SS", [0x8E, 0xD0], FLAG_IF, (cpu: Cpu) => {
      cpu.setIntr(true);
      cpu.nmi();
    }],
  ] as const
) {
  Deno.test(`a run() slice ending right after ${name} keeps its shadow for the next slice`, () => {
    const { cpu, memory, pic } = withPic([0x90, ...op, 0x90, 0x90, 0x90]);
    cpu.setFlags(flags);
    cpu.run(BASE_CYCLES[0x90] + BASE_CYCLES[op[0]]); // NOP, then the shadow opener
    assert.equal(cpu.ip, 1 + op.length);
    raise(cpu);
    cpu.run(1); // one instruction: the NOP in the shadow
    assert.equal(cpu.ip, 2 + op.length, "the instruction after the shadow opener runs first");
    cpu.run(1);
    assert.equal(cpu.sregs[CS], HANDLER_SEG);
    assert.equal(stackWord(cpu, memory, 0), 2 + op.length);
    assert.equal(pic.acknowledged, name === "STI" ? 1 : 0, "NMI before INTR after MOV SS");
  });
}

Deno.test("STI in a run() slice: the loop goes on through the shadow and takes INTR after it", () => {
  const { cpu, pic } = withPic([0xFB, 0x90, 0xE6, 0x80, 0x90, 0x90, 0xF4]); // STI; NOP; OUT 80h, AL; ...; HLT
  // The OUT raises INTR (as a device would): it is taken right after the OUT.
  cpu.io.register([0x80], { in8: () => 0xFF, out8: () => cpu.setIntr(true) });
  let returnIp = -1;
  pic.onAcknowledge = () => {
    returnIp = cpu.ip;
    cpu.setIntr(false);
  };
  cpu.run(1000);
  assert.equal(pic.acknowledged, 1);
  assert.equal(returnIp, 4);
});

Deno.test("NMI is taken even with IF=0 and enters vector 2", () => {
  const { cpu, memory } = withPic([0x90, 0x90]);
  cpu.nmi();
  cpu.step();
  assert.equal(cpu.sregs[CS], HANDLER_SEG);
  assert.equal(cpu.ip, 0x10);
  assert.equal(stackWord(cpu, memory, 0), 0);
});

Deno.test("HLT waits, then INTR wakes it with the return address after HLT", () => {
  const { cpu, memory, pic } = withPic([0xF4, 0x90]);
  cpu.setFlags(FLAG_IF);
  cpu.step();
  assert.equal(cpu.halted, true);
  const before = cpu.instructions;
  cpu.step();
  cpu.step();
  assert.equal(cpu.halted, true);
  assert.equal(cpu.instructions, before, "idle HLT steps execute nothing");
  cpu.setIntr(true);
  cpu.step();
  assert.equal(cpu.halted, false);
  assert.equal(pic.acknowledged, 1);
  assert.equal(stackWord(cpu, memory, 0), 1);
});

Deno.test("HLT is woken by NMI even with IF=0", () => {
  const { cpu, memory } = withPic([0xF4, 0x90]);
  cpu.step();
  cpu.nmi();
  cpu.step();
  assert.equal(cpu.halted, false);
  assert.equal(cpu.ip, 0x10);
  assert.equal(stackWord(cpu, memory, 0), 1);
});

Deno.test("run() while halted with nothing to accept lets the whole budget pass", () => {
  const { cpu } = withPic([0xF4]);
  cpu.run(1000);
  const start = cpu.cycles;
  cpu.run(5000);
  assert.equal(cpu.cycles, start + 5000);
  assert.equal(cpu.halted, true);
});

Deno.test("TF set at the start of an instruction traps (INT 1) after it, with TF clear in the handler", () => {
  const { cpu, memory } = withPic([0x40, 0x40]);
  cpu.setFlags(FLAG_TF);
  cpu.step();
  assert.equal(cpu.regs[0], 1, "the instruction ran");
  assert.equal(cpu.ip, 0x20, "then INT 1 entered");
  assert.equal(stackWord(cpu, memory, 0), 1);
  assert.equal(stackWord(cpu, memory, 2) & FLAG_TF, FLAG_TF, "pushed FLAGS keep TF");
  assert.equal(cpu.getFlags() & FLAG_TF, 0);
});

Deno.test("POPF that sets TF does not trap after itself, only after the next instruction", () => {
  // PUSH imm16 0100h (TF), POPF, INC AX
  const { cpu } = withPic([0x68, 0x00, 0x01, 0x9D, 0x40]);
  cpu.step();
  cpu.step();
  assert.equal(cpu.ip, 4, "no trap after POPF");
  cpu.step();
  assert.equal(cpu.regs[0], 1);
  assert.equal(cpu.ip, 0x20);
});

Deno.test("INT 3, INT n and INTO enter their vectors; INTO only with OF set", () => {
  const { cpu, memory } = withPic([0xCC, 0xCE, 0xCD, 0x20]);
  setVector(memory, 3, CODE_SEG, 1);
  setVector(memory, 4, 0x0300, 0);
  cpu.step();
  assert.equal(cpu.ip, 1);
  assert.equal(stackWord(cpu, memory, 0), 1);
  cpu.step(); // INTO with OF clear: nothing
  assert.equal(cpu.ip, 2);
  cpu.step();
  assert.equal(cpu.sregs[CS], HANDLER_SEG);
  cpu.setFlags(0x800);
  cpu.sregs[CS] = CODE_SEG;
  cpu.ip = 1;
  cpu.step();
  assert.equal(cpu.sregs[CS], 0x0300);
});

Deno.test("requestStop() from a BIOS trap makes run() return after that instruction", () => {
  const { cpu, memory } = machine([]);
  // F000:0000: F1 07 (trap), then a tight loop JMP $.
  memory.writeBlock(0xF0000, new Uint8Array([0xF1, 0x07, 0xEB, 0xFE]));
  cpu.sregs[CS] = 0xF000;
  cpu.ip = 0;
  let code = -1;
  cpu.biosTrap = (c) => {
    code = c;
    cpu.requestStop();
  };
  const start = cpu.cycles;
  cpu.run(1_000_000);
  assert.equal(code, 7);
  assert.equal(cpu.ip, 2);
  assert.ok(cpu.cycles - start < 1000, "returned long before the budget");
});
