import assert from "node:assert/strict";
import { makeVga, outIndexed } from "./vga_helpers.ts";

Deno.test("DAC write index then three 6-bit components store one entry and advance the index", () => {
  const { vga, io } = makeVga(0x13);
  io.out8(0x3C8, 0x10);
  for (const v of [0x3F, 0x20, 0x41, 0x01, 0x02, 0x03]) io.out8(0x3C9, v);
  assert.deepEqual(Array.from(vga.regs.dac.rgb.subarray(0x30, 0x36)), [0x3F, 0x20, 0x01, 0x01, 0x02, 0x03]);
  assert.equal(io.in8(0x3C8), 0x12);
  assert.equal(io.in8(0x3C7), 0); // last index set was a write index
});

Deno.test("DAC read index returns the three components in order then moves to the next entry", () => {
  const { io } = makeVga(0x13);
  io.out8(0x3C8, 5);
  for (const v of [1, 2, 3, 4, 5, 6]) io.out8(0x3C9, v);
  io.out8(0x3C7, 5);
  assert.equal(io.in8(0x3C7), 3);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(() => io.in8(0x3C9)), [1, 2, 3, 4, 5, 6]);
});

Deno.test("the default 256-colour palette has EGA colours, a grey ramp, then hue circles", () => {
  const { vga } = makeVga(0x13);
  const e = (i: number) => Array.from(vga.regs.dac.rgb.subarray(i * 3, i * 3 + 3));
  assert.deepEqual(e(1), [0, 0, 0x2A]);
  assert.deepEqual(e(6), [0x2A, 0x15, 0]); // brown
  assert.deepEqual(e(15), [0x3F, 0x3F, 0x3F]);
  assert.deepEqual(e(16), [0, 0, 0]);
  assert.deepEqual(e(31), [0x3F, 0x3F, 0x3F]);
  assert.deepEqual(e(32), [0, 0, 0x3F]); // blue
  assert.deepEqual(e(40), [0x3F, 0, 0]); // red
  assert.deepEqual(e(44), [0x3F, 0x3F, 0]); // yellow
  assert.deepEqual(e(48), [0, 0x3F, 0]); // green
  assert.deepEqual(e(248), [0, 0, 0]);
});

Deno.test("attribute controller: reading input status 1 resets the flip-flop to index", () => {
  const { vga, io } = makeVga(0x03);
  io.out8(0x3C0, 0x01); // index 1 (flip-flop now on data)
  io.in8(0x3DA); // reset: the next write is an index again
  io.out8(0x3C0, 0x22); // index 2 with palette address source
  io.out8(0x3C0, 0x3A); // data into palette register 2
  assert.equal(vga.regs.ac.regs[1], 0x01);
  assert.equal(vga.regs.ac.regs[2], 0x3A);
  assert.equal(io.in8(0x3C0), 0x22);
  assert.equal(io.in8(0x3C1), 0x3A);
});

Deno.test("CRTC answers at 3D4h/3D5h when misc output bit 0 is set, at 3B4h/3B5h when clear", () => {
  const { io } = makeVga(0x03);
  outIndexed(io, 0x3D4, 0x0E, 0x12);
  assert.equal(io.in8(0x3D5), 0x12);
  io.out8(0x3C2, io.in8(0x3CC) & ~1);
  assert.equal(io.in8(0x3D5), 0xFF);
  io.out8(0x3B4, 0x0E);
  assert.equal(io.in8(0x3B5), 0x12);
});

Deno.test("CR11 bit 7 write-protects CR00-CR07 except the line compare bit", () => {
  const { vga, io } = makeVga(0x03);
  outIndexed(io, 0x3D4, 0x11, 0x8E);
  outIndexed(io, 0x3D4, 0x01, 0x00);
  outIndexed(io, 0x3D4, 0x07, 0x00);
  assert.equal(vga.regs.crtc.regs[1], 0x4F);
  assert.equal(vga.regs.crtc.regs[7], 0x1F & ~0x10);
});

Deno.test("setMode returns false for a mode this VGA does not have and changes nothing", () => {
  const { vga } = makeVga(0x03);
  assert.equal(vga.setMode(0x6A, true), false);
  assert.equal(vga.mode, 0x03);
  assert.deepEqual(vga.getModeInfo(), {
    mode: 3,
    text: true,
    cols: 80,
    rows: 25,
    width: 640,
    height: 400,
    pageSize: 0x1000,
    segment: 0xB800,
    charHeight: 16,
    colors: 16,
  });
});

Deno.test("saveState/loadState round-trips registers, DAC phase, latches and the flip-flop", () => {
  const a = makeVga(0x12);
  a.io.out8(0x3C8, 7);
  a.io.out8(0x3C9, 0x11); // one component pending
  a.io.out8(0x3C0, 0x05); // flip-flop on data
  a.mem.write8(0xA0000, 0xAB);
  a.mem.read8(0xA0000);
  outIndexed(a.io, 0x3CE, 3, 0x18);
  a.clock.cycles = 123_456;
  a.vga.advance(a.clock.cycles);
  const saved = a.vga.saveState();
  const b = makeVga(0x03);
  b.clock.cycles = a.clock.cycles;
  b.vga.loadState(saved);
  assert.deepEqual(b.vga.saveState(), saved);
  b.io.out8(0x3C9, 0x22);
  b.io.out8(0x3C9, 0x33);
  assert.deepEqual(Array.from(b.vga.regs.dac.rgb.subarray(21, 24)), [0x11, 0x22, 0x33]);
  b.io.out8(0x3C0, 0x09); // data for palette register 5
  assert.equal(b.vga.regs.ac.regs[5], 0x09);
  assert.equal(b.io.in8(0x3DA), a.io.in8(0x3DA));
  assert.equal(b.vga.nextEvent(), a.vga.nextEvent());
  assert.equal(b.vga.retraceCount, a.vga.retraceCount);
  assert.throws(() => b.vga.loadState({ version: 1 }), /VGA state/);
});
