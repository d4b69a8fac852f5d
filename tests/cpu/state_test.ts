import assert from "node:assert/strict";
import { Cpu } from "../../core/cpu/cpu.ts";
import { IoBus } from "../../core/io/io_bus.ts";
import { PagedMemory } from "../../core/memory/paged_memory.ts";
import { FLAG_IF } from "../../core/cpu/registers.ts";
import { machine } from "./machine.ts";

// A loop mixing arithmetic, stack and memory: add ax,bx / push ax / pop cx / inc bx / mov [si],cx / inc si / jmp
const LOOP = [0x01, 0xD8, 0x50, 0x59, 0x43, 0x89, 0x0C, 0x46, 0xEB, 0xF6];

Deno.test("loadState(saveState()) resumes exactly where the CPU was", () => {
  const { cpu, memory } = machine(LOOP);
  cpu.setFlags(FLAG_IF);
  for (let i = 0; i < 500; i++) cpu.step();
  const saved = cpu.saveState();
  const ram = memory.bytes.slice();
  for (let i = 0; i < 700; i++) cpu.step();
  const regsAfter = cpu.regs.slice();
  const ipAfter = cpu.ip;
  const cyclesAfter = cpu.cycles;
  const ramAfter = memory.bytes.slice();

  memory.bytes.set(ram);
  cpu.loadState(saved);
  for (let i = 0; i < 700; i++) cpu.step();
  assert.deepEqual(cpu.regs, regsAfter);
  assert.equal(cpu.ip, ipAfter);
  assert.equal(cpu.cycles, cyclesAfter);
  assert.deepEqual(memory.bytes, ramAfter);
});

Deno.test("saveState() is a deep copy: later execution does not change it", () => {
  const { cpu } = machine(LOOP);
  const saved = cpu.saveState() as { regs: Uint16Array };
  for (let i = 0; i < 20; i++) cpu.step();
  assert.equal(saved.regs[0], 0);
});

Deno.test("loadState rejects malformed state and state of the other model", () => {
  const cpu = new Cpu(new PagedMemory(1 << 20), new IoBus(), { model: "80186" });
  const other = new Cpu(new PagedMemory(1 << 20), new IoBus(), { model: "8086" });
  assert.throws(() => cpu.loadState(other.saveState()), /model/);
  assert.throws(() => cpu.loadState(42), TypeError);
  const bad = cpu.saveState() as { [k: string]: unknown };
  bad.ip = "x";
  assert.throws(() => cpu.loadState(bad as never), /ip/);
});

Deno.test("the default model is the 80186", () => {
  const cpu = new Cpu(new PagedMemory(1 << 20), new IoBus());
  assert.equal(cpu.model, "80186");
  assert.equal(cpu.sregs[1], 0xF000);
  assert.equal(cpu.ip, 0xFFF0);
});
