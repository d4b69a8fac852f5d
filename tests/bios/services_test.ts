import assert from "node:assert/strict";
import { callInt, idleMachine } from "../helpers/bios_call.ts";
import { FLAG_IF } from "../../core/cpu/registers.ts";
import type { Machine } from "../../core/machine/machine.ts";

const SENTINELS = {
  bx: 0x1107,
  cx: 0x2222,
  dx: 0x3333,
  si: 0x4444,
  di: 0x5555,
  bp: 0x6666,
  ds: 0x1234,
  es: 0x4321,
};

Deno.test("services leave undocumented registers alone and return with interrupts enabled", () => {
  const m = idleMachine();
  let r = callInt(m, 0x10, { ...SENTINELS, ax: 0x0E41 });
  assert.deepEqual(
    [r.ax, r.bx, r.cx, r.dx, r.si, r.di, r.bp, r.ds, r.es],
    [0x0E41, 0x1107, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x1234, 0x4321],
  );
  r = callInt(m, 0x16, { ...SENTINELS, ax: 0x0100 });
  assert.deepEqual([r.bx, r.cx, r.dx, r.si, r.di, r.bp, r.ds, r.es], [
    0x1107,
    0x2222,
    0x3333,
    0x4444,
    0x5555,
    0x6666,
    0x1234,
    0x4321,
  ]);
  assert.equal(r.flags & FLAG_IF, FLAG_IF);
  r = callInt(m, 0x13, { ...SENTINELS, ax: 0x0201, cx: 0x0001, dx: 0x0000, es: 0x2000, bx: 0 });
  assert.deepEqual([r.bx, r.cx, r.dx, r.si, r.di, r.bp, r.ds, r.es], [
    0,
    1,
    0,
    0x4444,
    0x5555,
    0x6666,
    0x1234,
    0x2000,
  ]);
  assert.equal(r.flags & FLAG_IF, FLAG_IF);
});

Deno.test("INT 10h AX=1112h loads the 8x8 font and gives 50 text rows", () => {
  const m = idleMachine();
  callInt(m, 0x10, { ax: 0x1112, bx: 0 });
  assert.equal(m.memory.read8(0x484), 49, "rows − 1");
  assert.equal(m.memory.read16(0x485), 8, "character height");
  m.io.out8(0x3D4, 0x09);
  assert.equal(m.io.in8(0x3D5) & 0x1F, 7, "CRTC maximum scan line");
  const frame = m.video.takeFrame();
  assert.equal(frame.kind, "text");
  if (frame.kind === "text") assert.equal(frame.rows, 50);
  // Teletype now scrolls at row 49.
  callInt(m, 0x10, { ax: 0x0200, bx: 0, dx: 0x3100 });
  callInt(m, 0x10, { ax: 0x0E0A });
  assert.equal(callInt(m, 0x10, { ax: 0x0300 }).dx >> 8, 49);
});

Deno.test("INT 10h AH=0Bh selects the CGA palettes through the attribute controller", () => {
  // 200-line modes use the CGA colour set in the DAC: attribute values are IRGB with I in bit 4.
  const m = idleMachine();
  callInt(m, 0x10, { ax: 0x0004 });
  const pal = (i: number) => callInt(m, 0x10, { ax: 0x1007, bx: i }).bx >> 8;
  assert.deepEqual(
    [pal(1), pal(2), pal(3)],
    [0x13, 0x15, 0x17],
    "mode 4 starts on bright cyan, magenta, white",
  );
  callInt(m, 0x10, { ax: 0x0B00, bx: 0x0100 });
  assert.deepEqual(
    [pal(1), pal(2), pal(3)],
    [0x12, 0x14, 0x16],
    "palette 0, intensified: green, red, yellow",
  );
  callInt(m, 0x10, { ax: 0x0B00, bx: 0x0001 });
  assert.equal(pal(0), 0x01, "background blue");
  assert.deepEqual([pal(1), pal(2), pal(3)], [0x02, 0x04, 0x06], "BL bit 4 clear: green, red, brown");
  callInt(m, 0x10, { ax: 0x0B00, bx: 0x0101 });
  assert.deepEqual([pal(1), pal(2), pal(3)], [0x03, 0x05, 0x07], "palette 1: cyan, magenta, light grey");
});

function tap(m: Machine, code: number, pressed: boolean): void {
  m.keyboard.keyEvent(code, pressed);
  m.runCycles(m.clock.hz * 0.01);
}

Deno.test("Ctrl-Alt-Del sets the warm-boot flag and restarts through POST", () => {
  const m = idleMachine();
  m.memory.write16(0x46C, 0x1111);
  m.memory.write8(0x7C10, 0x99); // survives a warm boot until the boot sector is reloaded
  tap(m, 0x1D, true);
  tap(m, 0x38, true);
  tap(m, 0x53, true);
  m.runCycles(m.clock.hz * 0.2);
  assert.equal(m.cpu.sregs[1], 0);
  assert.ok(m.cpu.ip >= 0x7C00 && m.cpu.ip <= 0x7C03, "booted again");
  assert.notEqual(m.memory.read16(0x46C), 0x1111, "POST ran");
  assert.equal(m.memory.read8(0x417) & 0x0C, 0, "shift state reset");
});

Deno.test("BEL through teletype sounds the speaker briefly without waiting", () => {
  const m = idleMachine();
  callInt(m, 0x10, { ax: 0x0E07 });
  assert.equal(m.io.in8(0x61) & 0x03, 0x03, "speaker on");
  m.runCycles(m.clock.hz * 1);
  assert.equal(m.io.in8(0x61) & 0x03, 0x00, "off again after a few ticks");
});
