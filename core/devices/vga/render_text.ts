/**
 * Text-mode rasterizing into cells: character from plane 0 and attribute from
 * plane 1 at each character clock's address, rows `rowPitch` apart from the
 * start address. Compares with the previous frame's cells to mark changed rows.
 */
import { planeOffset } from "./address.ts";
import type { VgaRegisters } from "./registers/index.ts";

/**
 * Fills `cells` (`rows × cols`, char | attr << 8) from video memory and sets
 * `changedRows[r]` to 1 for each row that differs from what `cells` held.
 * Allocates nothing.
 */
export function renderTextCells(
  regs: VgaRegisters,
  vram: Uint8Array,
  cells: Uint16Array,
  changedRows: Uint8Array,
  cols: number,
  rows: number,
): void {
  const { crtc } = regs;
  const shift = crtc.addressShift;
  const wrap15 = crtc.addressWrap15;
  const pitch = crtc.rowPitch;
  let rowStart = crtc.startAddress;
  for (let r = 0; r < rows; r++) {
    let changed = 0;
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const a = planeOffset(rowStart + c, shift, wrap15) << 2;
      const v = vram[a] | (vram[a + 1] << 8);
      if (cells[base + c] !== v) {
        cells[base + c] = v;
        changed = 1;
      }
    }
    if (changed !== 0) changedRows[r] = 1;
    rowStart += pitch;
  }
}

/**
 * The scan line of the character cell on which underlined cells (attribute
 * foreground 001, background 000) draw their underline: CR14 bits 0–4, the
 * underline location, as long as it falls within the cell (CR09's scan lines per
 * row); -1 otherwise. Mode 7 programs 0Fh (the bottom line of its 16-line cells);
 * the colour text modes program 1Fh, beyond the cell, so nothing is underlined.
 */
export function textUnderlineRow(regs: VgaRegisters): number {
  const line = regs.crtc.regs[0x14] & 0x1F;
  return line < regs.crtc.scanLinesPerRow ? line : -1;
}
