/**
 * Port decoding: 3C0h–3CFh always; the CRTC (3x4h/3x5h) and input status 1 /
 * feature control (3xAh) at 3Dxh when misc output bit 0 is set, at 3Bxh otherwise.
 * The other block's ports read as FFh and ignore writes, as on a real VGA.
 */
import type { Vga } from "./vga.ts";

/** The inclusive port ranges the VGA decodes. */
export const VGA_PORT_RANGES: readonly (readonly [number, number])[] = [[0x3B0, 0x3BF], [0x3C0, 0x3CF], [
  0x3D0,
  0x3DF,
]];

/** Every port the VGA decodes, for IoBus.register. */
export const VGA_PORTS: readonly number[] = VGA_PORT_RANGES.flatMap(([a, b]) =>
  Array.from({ length: b - a + 1 }, (_, i) => a + i)
);

/** CRTC registers that only move or shape the cursor (no change to the picture's cells or pixels). */
const CURSOR_ONLY = (index: number): boolean =>
  index === 0x0A || index === 0x0B || index === 0x0E || index === 0x0F;

/** True if `port` belongs to the I/O block (3Bxh or 3Dxh) that misc output bit 0 selects. */
function activeBlock(vga: Vga, port: number): boolean {
  return (port & 0xFFF0) === (vga.regs.colorIo ? 0x3D0 : 0x3B0);
}

export function readVgaPort(vga: Vga, port: number): number {
  const regs = vga.regs;
  switch (port) {
    case 0x3C0:
      return regs.ac.readIndex();
    case 0x3C1:
      return regs.ac.readData();
    case 0x3C2:
      return 0x10; // input status 0: switch sense high (colour display present)
    case 0x3C3:
      return 0x01; // video subsystem enabled
    case 0x3C4:
      return regs.seq.index;
    case 0x3C5:
      return regs.seq.read();
    case 0x3C6:
      return regs.dac.pelMask;
    case 0x3C7:
      return regs.dac.mode;
    case 0x3C8:
      return regs.dac.writeIndex;
    case 0x3C9:
      return regs.dac.readData();
    case 0x3CA:
      return regs.featureControl;
    case 0x3CC:
      return regs.misc;
    case 0x3CE:
      return regs.gc.index;
    case 0x3CF:
      return regs.gc.read();
  }
  if (!activeBlock(vga, port)) return 0xFF;
  switch (port & 0x0F) {
    case 0x4:
      return regs.crtc.index;
    case 0x5:
      return regs.crtc.read();
    case 0xA:
      // Input status 1 also resets the attribute controller's flip-flop to "index".
      regs.ac.flipFlop = false;
      return vga.inputStatus1();
  }
  return 0xFF;
}

export function writeVgaPort(vga: Vga, port: number, value: number): void {
  const regs = vga.regs;
  switch (port) {
    case 0x3C0: {
      const written = regs.ac.writePort(value);
      if (written >= 0) vga.paletteChanged();
      return;
    }
    case 0x3C2:
      regs.misc = value;
      vga.timingChanged();
      vga.pictureChanged();
      return;
    case 0x3C4:
      regs.seq.index = value & 0x07;
      return;
    case 0x3C5:
      regs.seq.write(value);
      if (regs.seq.index === 1) vga.timingChanged();
      if (regs.seq.index !== 2) vga.pictureChanged();
      return;
    case 0x3C6:
      regs.dac.pelMask = value;
      vga.paletteChanged();
      return;
    case 0x3C7:
      regs.dac.setReadIndex(value);
      return;
    case 0x3C8:
      regs.dac.setWriteIndex(value);
      return;
    case 0x3C9:
      if (regs.dac.writeData(value)) vga.paletteChanged();
      return;
    case 0x3CE:
      regs.gc.index = value & 0x0F;
      return;
    case 0x3CF:
      regs.gc.write(value);
      if (regs.gc.index === 5 || regs.gc.index === 6) vga.pictureChanged();
      return;
  }
  if (!activeBlock(vga, port)) return;
  switch (port & 0x0F) {
    case 0x4:
      regs.crtc.index = value & 0x3F;
      return;
    case 0x5: {
      const index = regs.crtc.index;
      if (!regs.crtc.write(value) || CURSOR_ONLY(index)) return;
      if (index <= 0x07 || (index >= 0x10 && index <= 0x12)) vga.timingChanged();
      vga.pictureChanged();
      return;
    }
    case 0xA:
      regs.featureControl = value;
      return;
  }
}
