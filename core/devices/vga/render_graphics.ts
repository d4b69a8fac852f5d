/**
 * Graphics-mode rasterizing into palette indices, decoded from the registers
 * rather than the mode number: character clocks per line (CR01), pixels per
 * clock (8, or 4 in 256-colour shift mode), byte/word/doubleword addressing,
 * row pitch (CR13), scan lines per row and double scan (CR09), CGA interlace
 * (CR17 bits 0–1), line compare (split screen), start address. 16-colour and
 * CGA pixels go through the attribute controller to DAC indices.
 */
import { planeOffset } from "./address.ts";
import type { VgaRegisters } from "./registers/index.ts";

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
  const clocks = mode256 ? width >> 2 : width >> 3;
  for (let y = 0; y < height; y++) {
    const ly = y < split ? y : y - split;
    const rowScan = ly % linesPerRow;
    const counter = (y < split ? start : 0) + Math.floor(ly / linesPerRow) * pitch;
    let changed = 0;
    let out = y * width;
    for (let k = 0; k < clocks; k++) {
      let a = planeOffset(counter + k, shift, wrap15);
      if (cga) a = (a & ~0x2000) | ((rowScan & 1) << 13);
      if (fourWay) a = (a & ~0x4000) | ((rowScan & 2) << 13);
      a <<= 2;
      const p0 = vram[a], p1 = vram[a + 1], p2 = vram[a + 2], p3 = vram[a + 3];
      if (mode256) {
        const v0 = direct ? p0 : lut[p0 & 15];
        const v1 = direct ? p1 : lut[p1 & 15];
        const v2 = direct ? p2 : lut[p2 & 15];
        const v3 = direct ? p3 : lut[p3 & 15];
        if (
          pixels[out] !== v0 || pixels[out + 1] !== v1 || pixels[out + 2] !== v2 || pixels[out + 3] !== v3
        ) {
          pixels[out] = v0;
          pixels[out + 1] = v1;
          pixels[out + 2] = v2;
          pixels[out + 3] = v3;
          changed = 1;
        }
        out += 4;
      } else if (interleave) {
        // CGA 2-bit pixels: four from plane 0 (even byte), then four from plane 1 (odd byte).
        for (let i = 0; i < 8; i++) {
          const lo = i < 4 ? p0 : p1;
          const hi = i < 4 ? p2 : p3;
          const s = 6 - ((i & 3) << 1);
          const v = lut[((lo >> s) & 3) | (((hi >> s) & 3) << 2)];
          if (pixels[out] !== v) {
            pixels[out] = v;
            changed = 1;
          }
          out++;
        }
      } else {
        for (let b = 7; b >= 0; b--) {
          const v =
            lut[((p0 >> b) & 1) | (((p1 >> b) & 1) << 1) | (((p2 >> b) & 1) << 2) | (((p3 >> b) & 1) << 3)];
          if (pixels[out] !== v) {
            pixels[out] = v;
            changed = 1;
          }
          out++;
        }
      }
    }
    if (changed !== 0) changedLines[y] = 1;
  }
}
