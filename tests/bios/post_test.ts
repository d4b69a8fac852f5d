import assert from "node:assert/strict";
import { idleMachine } from "../helpers/bios_call.ts";
import { MemoryDisk } from "../helpers/memory_disk.ts";
import * as B from "../../core/bios/bda.ts";
import * as L from "../../core/bios/rom_layout.ts";
import { Machine } from "../../core/machine/machine.ts";

function vector(m: Machine, v: number): [number, number] {
  return [m.memory.read16(v * 4 + 2), m.memory.read16(v * 4)];
}

Deno.test("POST points the service vectors at the IBM-compatible ROM entry points", () => {
  const m = idleMachine();
  assert.deepEqual(vector(m, 0x08), [0xF000, 0xFEA5]);
  assert.deepEqual(vector(m, 0x09), [0xF000, 0xE987]);
  assert.deepEqual(vector(m, 0x10), [0xF000, 0xF065]);
  assert.deepEqual(vector(m, 0x11), [0xF000, 0xF84D]);
  assert.deepEqual(vector(m, 0x12), [0xF000, 0xF841]);
  assert.deepEqual(vector(m, 0x13), [0xF000, 0xEC59]);
  assert.deepEqual(vector(m, 0x15), [0xF000, 0xF859]);
  assert.deepEqual(vector(m, 0x16), [0xF000, 0xE82E]);
  assert.deepEqual(vector(m, 0x19), [0xF000, 0xE6F2]);
  assert.deepEqual(vector(m, 0x1A), [0xF000, 0xFE6E]);
});

Deno.test("POST sets the table and font pointers and leaves unused vectors on a dummy IRET", () => {
  const m = idleMachine();
  assert.deepEqual(vector(m, 0x1D), [0xF000, 0xF0A4]);
  assert.deepEqual(vector(m, 0x1E), [0xF000, 0xEFC7]);
  assert.deepEqual(vector(m, 0x1F), [0xF000, L.ROM_FONT_8X8_UPPER]);
  assert.deepEqual(vector(m, 0x43), [0xF000, L.ROM_FONT_8X8]);
  assert.deepEqual(vector(m, 0x41), [0xF000, 0xE401]);
  assert.deepEqual(vector(m, 0x46), [0xF000, 0xE411]);
  for (const v of [0x1B, 0x1C, 0x4A, 0x60, 0xFF]) {
    assert.deepEqual(vector(m, v), [0xF000, 0xFF53], `vector ${v.toString(16)}`);
  }
  assert.equal(m.memory.read8(0xFFF53), 0xCF, "dummy handler is IRET");
  assert.equal(m.memory.read8(0xFFFFE), 0xFC, "model byte: AT");
  assert.equal(m.memory.read8(0xFFFF0), 0xEA, "reset vector is a far jump");
  // The ROM is read-only: a guest write does not stick.
  m.memory.write8(0xFFFFE, 0x00);
  assert.equal(m.memory.read8(0xFFFFE), 0xFC);
});

Deno.test("POST fills the BIOS data area as documented", () => {
  const hd = new MemoryDisk({ cylinders: 20, heads: 4, sectorsPerTrack: 17 });
  const m = idleMachine({ hardDisks: [hd] });
  const b = (o: number) => m.memory.read8(0x400 + o);
  const w = (o: number) => m.memory.read16(0x400 + o);
  assert.equal(w(B.BDA_EQUIPMENT) & 0x01, 1, "diskette present");
  assert.equal((w(B.BDA_EQUIPMENT) >> 6) & 3, 0, "one diskette drive");
  assert.equal(w(B.BDA_MEMORY_KIB), 640);
  assert.equal(w(B.BDA_KBD_BUFFER_START), 0x1E);
  assert.equal(w(B.BDA_KBD_BUFFER_STOP), 0x3E);
  assert.equal(w(B.BDA_KBD_HEAD), w(B.BDA_KBD_TAIL), "keyboard buffer empty");
  assert.equal(b(B.BDA_VIDEO_MODE), 3);
  assert.equal(w(B.BDA_VIDEO_COLUMNS), 80);
  assert.equal(w(B.BDA_VIDEO_PAGE_SIZE), 0x1000);
  assert.equal(w(B.BDA_CRTC_BASE), 0x3D4);
  assert.equal(b(B.BDA_VIDEO_ROWS), 24);
  assert.equal(w(B.BDA_CHAR_HEIGHT), 16);
  assert.equal(w(B.BDA_CURSOR_SHAPE), 0x0607);
  assert.equal(b(B.BDA_ACTIVE_PAGE), 0);
  assert.equal(b(B.BDA_HD_COUNT), 1);
  assert.equal(b(B.BDA_KBD_FLAGS0), 0);
  // Host time 12:00:00 → 43200 s × 1193182 / 65536 ticks since midnight, plus the ticks since boot.
  const ticks = m.memory.read16(0x46C) + m.memory.read16(0x46E) * 0x10000;
  assert.ok(ticks >= 786_516 && ticks < 786_516 + 10, `ticks ${ticks}`);
  // Hard disk parameter table for drive 80h.
  assert.equal(m.memory.read16(0xFE401), 20);
  assert.equal(m.memory.read8(0xFE403), 4);
  assert.equal(m.memory.read8(0xFE401 + 14), 17);
});

Deno.test("POST programs the PICs to vectors 08h/70h and the PIT to 18.2065 Hz", () => {
  const m = idleMachine();
  assert.ok(Math.abs(m.pit.frequency(0) - 18.2065) < 0.001, `PIT channel 0 at ${m.pit.frequency(0)} Hz`);
  m.pic.raiseIrq(0);
  m.pic.lowerIrq(0);
  assert.equal(m.pic.acknowledge(), 0x08);
  m.io.out8(0x20, 0x20); // EOI, so the lower-priority cascade may be acknowledged
  m.pic.raiseIrq(8);
  m.pic.lowerIrq(8);
  assert.equal(m.pic.acknowledge(), 0x70);
  assert.equal(m.rtc.getCmos(0x15) | (m.rtc.getCmos(0x16) << 8), 640, "CMOS base memory");
  assert.equal(m.rtc.getCmos(0x10) >> 4, 4, "CMOS: drive A is 1.44M");
});

Deno.test("with nothing bootable the BIOS says so on screen and waits", () => {
  const m = new Machine({ floppies: [], bootOrder: ["a", "c"] });
  m.powerOn();
  m.runCycles(m.clock.hz * 0.2);
  const frame = m.video.takeFrame();
  assert.equal(frame.kind, "text");
  if (frame.kind !== "text") return;
  let text = "";
  for (const cell of frame.cells) text += String.fromCharCode(cell & 0xFF);
  assert.match(text, /No bootable disk/);
  assert.ok(m.cpu.halted, "CPU idles in HLT while waiting for a key");
});
