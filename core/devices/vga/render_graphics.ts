/**
 * Graphics-mode rasterizing into palette indices, decoded from the registers
 * rather than the mode number: character clocks per line (CR01), pixels per
 * clock (8, or 4 in 256-colour shift mode), byte/word/doubleword addressing,
 * row pitch (CR13), scan lines per row and double scan (CR09), CGA interlace
 * (CR17 bits 0–1), line compare (split screen), start address, horizontal panning (AR13). 16-colour and
 * CGA pixels go through the attribute controller to DAC indices.
 */
import { planeOffset } from "./address.ts";
import type { VgaRegisters } from "./registers/index.ts";

/** Each byte's 8 bits spread to the low bit of 8 nibbles (bit 7 → bit 28), to assemble planar pixels at once. */
const SPREAD: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let v = 0; v < 256; v++) {
    for (let b = 0; b < 8; b++) if ((v & (1 << b)) !== 0) t[v] |= 1 << (b << 2);
  }
  return t;
})();

/** The shape of a graphics picture as the registers define it. */
export interface GraphicsGeometry {
  width: number;
  height: number;
  /** Output lines per character row that read different memory (interlace), ≥ 1. */
  linesPerRow: number;
  /** Displayed scan lines per output line (double scan × repeated row lines). */
  scanPerLine: number;
}

/** Computes the picture's size from the registers into `into`. */
export function graphicsGeometry(regs: VgaRegisters, into: GraphicsGeometry): void {
  const { crtc, gc } = regs;
  const pixelsPerClock = gc.shift256 ? 4 : 8;
  const rowLines = crtc.scanLinesPerRow;
  const rowScanMask = (crtc.cgaInterlace ? 1 : 0) | (crtc.fourWayInterlace ? 2 : 0);
  const distinct = Math.max(1, Math.min(rowLines, rowScanMask + 1));
  const dbl = crtc.doubleScan ? 2 : 1;
  const rows = Math.floor(crtc.displayedLines / dbl / rowLines);
  into.width = Math.min(1024, crtc.displayedChars * pixelsPerClock);
  into.height = Math.max(1, Math.min(1024, rows * distinct));
  into.linesPerRow = distinct;
  into.scanPerLine = (dbl * rowLines) / distinct;
}

/**
 * Fills `pixels` (width × height palette indices) and marks `changedLines[y] = 1`
 * for each line that differs from what `pixels` held. `lut` maps 4-bit colours to
 * DAC indices (the attribute controller), filled by the caller. Allocates nothing.
 */
export function renderGraphics(
  regs: VgaRegisters,
  vram: Uint8Array,
  geometry: GraphicsGeometry,
  lut: Uint8Array,
  pixels: Uint8Array,
  changedLines: Uint8Array,
): void {
  const { crtc, gc, ac } = regs;
  const { width, height, linesPerRow, scanPerLine } = geometry;
  const shift = crtc.addressShift;
  const wrap15 = crtc.addressWrap15;
  const pitch = crtc.rowPitch;
  const start = crtc.startAddress;
  const cga = crtc.cgaInterlace;
  const fourWay = crtc.fourWayInterlace;
  const mode256 = gc.shift256;
  const direct = ac.eightBitColor;
  const interleave = gc.shiftInterleave;
  // Lines after the line compare scan line restart at address 0 (the split screen).
  const split = Math.floor(crtc.lineCompare / scanPerLine) + 1;
  const perClock = mode256 ? 4 : 8;
  // Horizontal panning (AR13) shifts the picture left by whole pixels; one more clock is fetched to fill in.
  const pan = mode256 ? (ac.regs[0x13] & 7) >> 1 : ac.regs[0x13] & 7;
  // AR10 bit 5: the split-screen part is not panned.
  const panSplit = (ac.regs[0x10] & 0x20) !== 0 ? 0 : pan;
  for (let y = 0; y < height; y++) {
    const ly = y < split ? y : y - split;
    const rowScan = ly % linesPerRow;
    const counter = (y < split ? start : 0) + Math.floor(ly / linesPerRow) * pitch;
    const skip = y < split ? pan : panSplit;
    const clocks = Math.ceil((width + skip) / perClock);
    const lineBase = y * width;
    let x = -skip;
    let changed = 0;
    for (let k = 0; k < clocks; k++) {
      let a = planeOffset(counter + k, shift, wrap15);
      if (cga) a = (a & ~0x2000) | ((rowScan & 1) << 13);
      if (fourWay) a = (a & ~0x4000) | ((rowScan & 2) << 13);
      a <<= 2;
      const p0 = vram[a], p1 = vram[a + 1], p2 = vram[a + 2], p3 = vram[a + 3];
      // Planar: the 8 pixels' 4-bit colours as nibbles, leftmost pixel in the top nibble.
      const nibbles = mode256 || interleave
        ? 0
        : SPREAD[p0] | (SPREAD[p1] << 1) | (SPREAD[p2] << 2) | (SPREAD[p3] << 3);
      for (let i = 0; i < perClock; i++, x++) {
        let v: number;
        if (mode256) {
          const byte = i === 0 ? p0 : i === 1 ? p1 : i === 2 ? p2 : p3;
          v = direct ? byte : lut[byte & 15];
        } else if (interleave) {
          // CGA 2-bit pixels: four from plane 0 (even byte), then four from plane 1 (odd byte).
          const lo = i < 4 ? p0 : p1;
          const hi = i < 4 ? p2 : p3;
          const s = 6 - ((i & 3) << 1);
          v = lut[((lo >> s) & 3) | (((hi >> s) & 3) << 2)];
        } else {
          v = lut[(nibbles >>> (28 - (i << 2))) & 15];
        }
        if (x < 0 || x >= width) continue;
        if (pixels[lineBase + x] !== v) {
          pixels[lineBase + x] = v;
          changed = 1;
        }
      }
    }
    if (changed !== 0) changedLines[y] = 1;
  }
}
