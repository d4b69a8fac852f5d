import assert from "node:assert/strict";
import { callDone, callInt, idleMachine, registers, startCall } from "../helpers/bios_call.ts";
import { FLAG_ZF } from "../../core/cpu/registers.ts";
import type { Machine } from "../../core/machine/machine.ts";

function key(m: Machine, code: number, pressed: boolean): void {
  m.keyboard.keyEvent(code, pressed);
  m.runCycles(m.clock.hz * 0.01);
}

function tap(m: Machine, code: number): void {
  key(m, code, true);
  key(m, code, false);
}

Deno.test("INT 16h AH=00h waits in HLT for a key, then returns scan code and character", () => {
  const m = idleMachine();
  startCall(m, 0x16, { ax: 0x0000 });
  m.runCycles(m.clock.hz * 0.2);
  assert.equal(callDone(m), false, "no key yet: still waiting");
  assert.ok(m.cpu.halted, "the wait idles the CPU");
  tap(m, 0x1E); // A
  m.runCycles(m.clock.hz * 0.01);
  assert.ok(callDone(m));
  assert.equal(registers(m).ax, 0x1E61);
});

Deno.test("INT 16h AH=01h peeks with ZF and AH=00h consumes in order", () => {
  const m = idleMachine();
  let r = callInt(m, 0x16, { ax: 0x0100 });
  assert.equal(r.flags & FLAG_ZF, FLAG_ZF, "empty");
  key(m, 0x2A, true); // left shift
  tap(m, 0x30); // B
  key(m, 0x2A, false);
  tap(m, 0x1C); // Enter
  r = callInt(m, 0x16, { ax: 0x0100 });
  assert.equal(r.flags & FLAG_ZF, 0);
  assert.equal(r.ax, 0x3042);
  assert.equal(callInt(m, 0x16, { ax: 0x0000 }).ax, 0x3042);
  assert.equal(callInt(m, 0x16, { ax: 0x0000 }).ax, 0x1C0D);
  assert.equal(callInt(m, 0x16, { ax: 0x0100 }).flags & FLAG_ZF, FLAG_ZF);
});

Deno.test("INT 16h tracks shift states and translates Ctrl, Alt, Caps Lock and function keys", () => {
  const m = idleMachine();
  key(m, 0x1D, true);
  assert.equal(callInt(m, 0x16, { ax: 0x0200 }).ax & 0xFF, 0x04, "Ctrl held");
  tap(m, 0x2E); // Ctrl-C
  key(m, 0x1D, false);
  key(m, 0x38, true);
  tap(m, 0x1F); // Alt-S
  key(m, 0x38, false);
  tap(m, 0x3A); // Caps Lock on
  tap(m, 0x10); // Q
  tap(m, 0x3B); // F1
  assert.equal(callInt(m, 0x16, { ax: 0x0200 }).ax & 0xFF, 0x40, "Caps Lock active");
  assert.equal(callInt(m, 0x16, { ax: 0x0000 }).ax, 0x2E03);
  assert.equal(callInt(m, 0x16, { ax: 0x0000 }).ax, 0x1F00);
  assert.equal(callInt(m, 0x16, { ax: 0x0000 }).ax, 0x1051);
  assert.equal(callInt(m, 0x16, { ax: 0x0000 }).ax, 0x3B00);
});

Deno.test("INT 16h extended functions keep grey keys and F11, the old ones translate or drop them", () => {
  const m = idleMachine();
  tap(m, 0xE048); // grey Up
  tap(m, 0x57); // F11
  tap(m, 0xE01C); // keypad Enter
  assert.equal(callInt(m, 0x16, { ax: 0x1100 }).ax, 0x48E0);
  assert.equal(callInt(m, 0x16, { ax: 0x1000 }).ax, 0x48E0);
  assert.equal(callInt(m, 0x16, { ax: 0x1000 }).ax, 0x8500);
  assert.equal(callInt(m, 0x16, { ax: 0x1000 }).ax, 0xE00D);
  tap(m, 0xE048);
  tap(m, 0x57);
  tap(m, 0xE01C);
  assert.equal(callInt(m, 0x16, { ax: 0x0000 }).ax, 0x4800, "grey Up looks like keypad Up");
  assert.equal(callInt(m, 0x16, { ax: 0x0000 }).ax, 0x1C0D, "F11 dropped, keypad Enter is Enter");
});

Deno.test("INT 16h AH=05h stores a keystroke and reports a full buffer", () => {
  const m = idleMachine();
  let stored = 0;
  for (let i = 0; i < 20; i++) {
    const r = callInt(m, 0x16, { ax: 0x0500, cx: 0x2000 + i });
    if ((r.ax & 0xFF) === 0) stored++;
  }
  assert.equal(stored, 15, "the 16-slot ring holds 15 keystrokes");
  assert.equal(callInt(m, 0x16, { ax: 0x1000 }).ax, 0x2000);
});

Deno.test("Ctrl-Break empties the buffer, sets 40:71h and calls INT 1Bh", () => {
  const m = idleMachine();
  // INT 1Bh handler at 0000:0600: INC BYTE [0700h]; IRET.
  m.memory.writeBlock(0x600, new Uint8Array([0xFE, 0x06, 0x00, 0x07, 0xCF]));
  m.memory.write16(0x1B * 4, 0x600);
  m.memory.write16(0x1B * 4 + 2, 0);
  tap(m, 0x1E);
  key(m, 0x1D, true);
  tap(m, 0xE046); // Ctrl-Break
  key(m, 0x1D, false);
  assert.equal(m.memory.read8(0x700), 1, "INT 1Bh called once");
  assert.equal(m.memory.read8(0x471) & 0x80, 0x80);
  assert.equal(callInt(m, 0x16, { ax: 0x0000 }).ax, 0x0000, "only the break keystroke is left");
});

Deno.test("the IRQ1 handler offers each scancode to INT 15h AH=4Fh first", () => {
  const m = idleMachine();
  // INT 15h hook at 0000:0600: CMP AH,4Fh; JNE chain; CMP AL,1Eh; JNE chain; MOV AL,30h; chain: JMP FAR old.
  const old = [m.memory.read16(0x15 * 4), m.memory.read16(0x15 * 4 + 2)];
  m.memory.writeBlock(
    0x600,
    new Uint8Array([
      0x80,
      0xFC,
      0x4F,
      0x75,
      0x06,
      0x3C,
      0x1E,
      0x75,
      0x02,
      0xB0,
      0x30,
      0xEA,
      old[0] & 0xFF,
      old[0] >> 8,
      old[1] & 0xFF,
      old[1] >> 8,
    ]),
  );
  m.memory.write16(0x15 * 4, 0x600);
  m.memory.write16(0x15 * 4 + 2, 0);
  tap(m, 0x1E); // A, rewritten to B by the hook
  assert.equal(callInt(m, 0x16, { ax: 0x0000 }).ax, 0x3062);
});
