import assert from "node:assert/strict";
import { callInt, idleMachine } from "../helpers/bios_call.ts";
import type { Machine } from "../../core/machine/machine.ts";
import { videoStateSize } from "../../core/bios/int10_state.ts";

const BUF_SEG = 0x2000;

/** Every VGA register the state covers, as plain arrays (the latches aside). */
function vgaRegisters(m: Machine) {
  const { seq, crtc, gc, ac, dac } = m.vga.regs;
  return {
    misc: m.vga.regs.misc,
    featureControl: m.vga.regs.featureControl,
    seqIndex: seq.index,
    seq: Array.from(seq.regs.subarray(1)),
    crtcIndex: crtc.index,
    crtc: Array.from(crtc.regs),
    gcIndex: gc.index,
    gc: Array.from(gc.regs),
    acIndex: ac.index,
    acPaletteSource: ac.paletteSource,
    ac: Array.from(ac.regs),
    dac: Array.from(dac.rgb),
    pelMask: dac.pelMask,
    dacWriteIndex: dac.writeIndex,
    dacMode: dac.mode,
  };
}

function bdaVideo(m: Machine): number[] {
  const out: number[] = [m.memory.read8(0x410) & 0x30];
  for (let i = 0x449; i < 0x467; i++) out.push(m.memory.read8(i));
  for (let i = 0x484; i < 0x48B; i++) out.push(m.memory.read8(i));
  for (const v of [0x05, 0x1D, 0x1F, 0x43]) out.push(m.memory.read16(v * 4), m.memory.read16(v * 4 + 2));
  return out;
}

/** Mode 3 with a few things changed from the mode's defaults. */
function customizedMode3(): Machine {
  const m = idleMachine();
  callInt(m, 0x10, { ax: 0x0003 });
  callInt(m, 0x10, { ax: 0x0200, bx: 0, dx: 0x0A14 }); // cursor to row 10, column 20
  callInt(m, 0x10, { ax: 0x0100, cx: 0x0407 }); // cursor shape
  callInt(m, 0x10, { ax: 0x1010, bx: 0x0005, cx: 0x1122, dx: 0x3300 }); // DAC 5 = (33h, 11h, 22h)
  callInt(m, 0x10, { ax: 0x1000, bx: 0x3902 }); // palette register 2 = 39h
  m.io.out8(0x3C6, 0xFE); // pel mask
  m.io.out8(0x3C4, 0x02); // leave odd indices selected
  m.io.out8(0x3CE, 0x05);
  m.io.out8(0x3D4, 0x0E);
  m.io.out8(0x3C8, 0x42); // DAC write index
  return m;
}

Deno.test("INT 10h AX=1C00h returns the buffer size in 64-byte blocks for the states in CX", () => {
  const m = idleMachine();
  const size = (cx: number) => {
    const r = callInt(m, 0x10, { ax: 0x1C00, cx });
    assert.equal(r.ax & 0xFF, 0x1C, `CX=${cx}: supported`);
    return r.bx;
  };
  assert.equal(size(1), 2); // 20h header + 46h hardware = 66h
  assert.equal(size(2), 2); // 20h + 3Ah
  assert.equal(size(4), 13); // 20h + 304h
  assert.equal(size(7), 15); // 3A4h
  assert.equal(size(0xFFFF), 15, "reserved bits are ignored");
  assert.equal(videoStateSize(7), 0x3A4);
  const none = callInt(m, 0x10, { ax: 0x1C00, cx: 0, bx: 0x1234 });
  assert.equal(none.ax & 0xFF, 0, "nothing requested: not 1Ch");
  assert.equal(none.bx, 0x1234);
});

Deno.test("INT 10h AX=1C01h saves without disturbing the VGA, within the size it reported", () => {
  const m = customizedMode3();
  const before = vgaRegisters(m);
  const off = 0x0100;
  const blocks = callInt(m, 0x10, { ax: 0x1C00, cx: 7 }).bx;
  m.memory.writeBlock(BUF_SEG * 16, new Uint8Array(0x1000).fill(0xEE));
  const r = callInt(m, 0x10, { ax: 0x1C01, cx: 7, es: BUF_SEG, bx: off });
  assert.equal(r.ax & 0xFF, 0x1C);
  assert.deepEqual(vgaRegisters(m), before);
  const at = BUF_SEG * 16 + off;
  // Header: where each section is (offsets in ES), then zeros.
  assert.deepEqual([m.memory.read16(at), m.memory.read16(at + 2), m.memory.read16(at + 4)], [
    off + 0x20,
    off + 0x66,
    off + 0xA0,
  ]);
  for (let i = 6; i < 0x20; i++) assert.equal(m.memory.read8(at + i), 0);
  // Hardware section: misc output, CRTC cursor shape registers, the CRTC base.
  const hw = at + 0x20;
  assert.equal(m.memory.read8(hw + 0x09), before.misc);
  assert.equal(m.memory.read8(hw + 0x01), 0x0E, "CRTC index");
  for (let i = 0; i <= 0x18; i++) assert.equal(m.memory.read8(hw + 0x0A + i), before.crtc[i], `CR${i}`);
  assert.equal(before.crtc[0x0A], 0x04, "cursor start as set (the end line is emulated for 16-line cells)");
  assert.equal(m.memory.read8(hw + 0x23 + 2), 0x39, "palette register 2");
  assert.equal(m.memory.read16(hw + 0x40), 0x3D4);
  // BIOS data: the cursor of page 0 (40:50) at 01h + (50h − 49h).
  assert.equal(m.memory.read16(at + 0x66 + 1 + 7), 0x0A14);
  // DAC: state, address, pel mask, colour 5.
  const dac = at + 0xA0;
  assert.deepEqual([0, 1, 2].map((i) => m.memory.read8(dac + i)), [0, 0x42, 0xFE]);
  assert.deepEqual([0, 1, 2].map((i) => m.memory.read8(dac + 3 + 5 * 3 + i)), [0x33, 0x11, 0x22]);
  // Nothing written past the state's size (3A4h of the 3C0h reported).
  assert.equal(m.memory.read8(at + 0x3A3) === 0xEE, false);
  assert.equal(m.memory.read8(at + 0x3A4), 0xEE);
  assert.equal(m.memory.read8(at + blocks * 64), 0xEE);
  assert.equal(m.memory.read8(at - 1), 0xEE);
});

Deno.test("INT 10h AX=1C02h after a mode change brings back registers, DAC and BIOS data", () => {
  const m = customizedMode3();
  const regs = vgaRegisters(m);
  const bda = bdaVideo(m);
  callInt(m, 0x10, { ax: 0x1C01, cx: 7, es: BUF_SEG, bx: 0 });
  callInt(m, 0x10, { ax: 0x0013 }); // mode 13h changes all of it
  assert.notDeepEqual(vgaRegisters(m), regs);
  assert.notDeepEqual(bdaVideo(m), bda);
  const r = callInt(m, 0x10, { ax: 0x1C02, cx: 7, es: BUF_SEG, bx: 0 });
  assert.equal(r.ax & 0xFF, 0x1C);
  assert.deepEqual(vgaRegisters(m), regs);
  assert.deepEqual(bdaVideo(m), bda);
  const f = m.vga.takeFrame();
  assert.equal(f.kind, "text");
  assert.deepEqual(callInt(m, 0x10, { ax: 0x0300, bx: 0 }).dx, 0x0A14);
});

Deno.test("INT 10h AH=1Ch restores only the sections CX asks for", () => {
  const m = customizedMode3();
  const dac5 = Array.from(m.vga.regs.dac.rgb.subarray(15, 18));
  callInt(m, 0x10, { ax: 0x1C01, cx: 7, es: BUF_SEG, bx: 0 });
  callInt(m, 0x10, { ax: 0x1010, bx: 0x0005, cx: 0, dx: 0 }); // DAC 5 = black
  callInt(m, 0x10, { ax: 0x0200, bx: 0, dx: 0 }); // cursor home
  callInt(m, 0x10, { ax: 0x1C02, cx: 4, es: BUF_SEG, bx: 0 }); // the DAC only
  assert.deepEqual(Array.from(m.vga.regs.dac.rgb.subarray(15, 18)), dac5);
  assert.equal(m.memory.read16(0x450), 0, "BIOS data not restored");
  callInt(m, 0x10, { ax: 0x1C02, cx: 2, es: BUF_SEG, bx: 0 });
  assert.equal(m.memory.read16(0x450), 0x0A14);
});

Deno.test("INT 10h AH=1Ch in mode 7 saves the monochrome CRTC base and restores to it", () => {
  const m = idleMachine();
  callInt(m, 0x10, { ax: 0x0007 });
  const regs = vgaRegisters(m);
  callInt(m, 0x10, { ax: 0x1C01, cx: 1, es: BUF_SEG, bx: 0 });
  assert.equal(m.memory.read16(BUF_SEG * 16 + 0x20 + 0x40), 0x3B4);
  callInt(m, 0x10, { ax: 0x0012 });
  callInt(m, 0x10, { ax: 0x1C02, cx: 1, es: BUF_SEG, bx: 0 });
  const after = vgaRegisters(m);
  // The DAC was not part of the request: mode 12h's stays.
  assert.deepEqual({ ...after, dac: [], pelMask: 0, dacWriteIndex: 0, dacMode: 0 }, {
    ...regs,
    dac: [],
    pelMask: 0,
    dacWriteIndex: 0,
    dacMode: 0,
  });
  const f = m.vga.takeFrame();
  assert.equal(f.kind === "text" && f.underlineRow, 15);
});
