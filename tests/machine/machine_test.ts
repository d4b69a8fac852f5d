import assert from "node:assert/strict";
import { callInt, idleMachine } from "../helpers/bios_call.ts";
import { Machine } from "../../core/machine/machine.ts";

Deno.test("memory above the configured size reads as open bus and ignores writes", () => {
  const m = new Machine({ memoryKiB: 256 });
  m.memory.write8(0x40000, 0x12);
  assert.equal(m.memory.read8(0x40000), 0xFF);
  m.memory.write8(0x3FFFF, 0x34);
  assert.equal(m.memory.read8(0x3FFFF), 0x34);
  assert.equal(m.memory.read8(0xC0000), 0xFF, "no option ROM");
});

Deno.test("a 256 KiB machine reports 256 KiB through INT 12h", () => {
  const m = idleMachine({ memoryKiB: 256 });
  assert.equal(callInt(m, 0x12).ax, 256);
});

Deno.test("a saved state loaded into a fresh machine continues identically", () => {
  const a = idleMachine();
  a.runCycles(a.clock.hz * 0.3);
  const state = a.saveState();
  const b = new Machine({ hostTime: () => new Date(2024, 0, 15, 12, 0, 0), floppies: [] });
  b.loadState(state);
  a.runCycles(a.clock.hz * 0.5);
  b.runCycles(b.clock.hz * 0.5);
  assert.equal(b.cpu.cycles, a.cpu.cycles);
  assert.equal(b.memory.read16(0x46C), a.memory.read16(0x46C), "same tick count");
  assert.deepEqual(b.memory.bytes.subarray(0, 0xA0000), a.memory.bytes.subarray(0, 0xA0000));
  assert.equal(b.video.retraceCount, a.video.retraceCount);
});

Deno.test("the keyboard controller's reset line restarts the CPU through POST", () => {
  const m = idleMachine();
  m.memory.write16(0x46C, 0x1111);
  m.io.out8(0x64, 0xFE); // pulse reset
  m.runCycles(m.clock.hz * 0.2);
  assert.equal(m.cpu.sregs[1], 0, "booted again to 0000:7C00");
  assert.ok(m.cpu.ip >= 0x7C00 && m.cpu.ip <= 0x7C03);
  assert.notEqual(m.memory.read16(0x46C), 0x1111, "POST reloaded the tick count");
});
