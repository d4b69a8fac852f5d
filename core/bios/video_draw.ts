/**
 * Drawing in graphics modes the way a video BIOS does it: pixels and 8-pixel-wide
 * glyphs written into video memory through the memory write path, using the mode's
 * layout (CGA bit packing, EGA/VGA planes selected with the sequencer map mask and
 * the graphics controller read map, mode 13h bytes).
 */
import type { PagedMemory } from "../memory/paged_memory.ts";
import type { VideoModeInfo } from "./video_modes.ts";
import type { VgaPorts } from "./video_hw.ts";

const SEQ_MAP_MASK = 0x02;
const GC_SET_RESET_ENABLE = 0x01;
const GC_ROTATE = 0x03;
const GC_READ_MAP = 0x04;
const GC_MODE = 0x05;
const GC_BIT_MASK = 0x08;

/** Pixel and glyph operations on graphics-mode video memory. */
export class GraphicsDraw {
  /** One glyph's rows (up to 32 scan lines), reused. */
  private readonly glyph = new Uint8Array(32);

  constructor(private readonly memory: PagedMemory, private readonly ports: VgaPorts) {}

  /** Linear address of the byte holding pixel row `y`, byte column `xb`, in the page at `pageOffset`. */
  private lineAddress(m: VideoModeInfo, pageOffset: number, y: number): number {
    const base = m.segment * 16;
    if (m.layout === "cga2" || m.layout === "cga1") return base + (y & 1) * 0x2000 + (y >> 1) * 80;
    return base + pageOffset + y * m.bytesPerLine;
  }

  /** Puts the planar write path into its plain state: write mode 0, no set/reset, no rotate, all bits. */
  private planarBegin(): void {
    this.ports.writeGc(GC_SET_RESET_ENABLE, 0);
    this.ports.writeGc(GC_ROTATE, 0);
    this.ports.writeGc(GC_MODE, 0);
    this.ports.writeGc(GC_BIT_MASK, 0xFF);
  }

  private planarEnd(): void {
    this.ports.writeSeq(SEQ_MAP_MASK, 0x0F);
    this.ports.writeGc(GC_READ_MAP, 0);
  }

  /** INT 10h AH=0Ch: `xor` combines the colour with the pixel (AL bit 7) except in 256-colour mode. */
  writePixel(m: VideoModeInfo, pageOffset: number, x: number, y: number, color: number, xor: boolean): void {
    if (x < 0 || y < 0 || x >= m.width || y >= m.height) return;
    const line = this.lineAddress(m, pageOffset, y);
    switch (m.layout) {
      case "linear":
        this.memory.write8(line + x, color);
        return;
      case "cga2": {
        const a = line + (x >> 2);
        const shift = (3 - (x & 3)) * 2;
        const old = this.memory.read8(a);
        const c = (color & 3) << shift;
        this.memory.write8(a, xor ? old ^ c : (old & ~(3 << shift)) | c);
        return;
      }
      case "cga1": {
        const a = line + (x >> 3);
        const bit = 0x80 >> (x & 7);
        const old = this.memory.read8(a);
        const on = (color & 1) !== 0;
        this.memory.write8(a, xor ? (on ? old ^ bit : old) : on ? old | bit : old & ~bit);
        return;
      }
      case "planar": {
        const a = line + (x >> 3);
        const bit = 0x80 >> (x & 7);
        this.planarBegin();
        for (let p = 0; p < 4; p++) {
          this.ports.writeGc(GC_READ_MAP, p);
          const old = this.memory.read8(a);
          const on = ((color >> p) & 1) !== 0;
          const v = xor ? (on ? old ^ bit : old) : on ? old | bit : old & ~bit;
          this.ports.writeSeq(SEQ_MAP_MASK, 1 << p);
          this.memory.write8(a, v);
        }
        this.planarEnd();
        return;
      }
      default:
        return;
    }
  }

  /** INT 10h AH=0Dh. */
  readPixel(m: VideoModeInfo, pageOffset: number, x: number, y: number): number {
    if (x < 0 || y < 0 || x >= m.width || y >= m.height) return 0;
    const line = this.lineAddress(m, pageOffset, y);
    switch (m.layout) {
      case "linear":
        return this.memory.read8(line + x);
      case "cga2":
        return (this.memory.read8(line + (x >> 2)) >> ((3 - (x & 3)) * 2)) & 3;
      case "cga1":
        return (this.memory.read8(line + (x >> 3)) >> (7 - (x & 7))) & 1;
      case "planar": {
        let c = 0;
        for (let p = 0; p < 4; p++) {
          this.ports.writeGc(GC_READ_MAP, p);
          c |= ((this.memory.read8(line + (x >> 3)) >> (7 - (x & 7))) & 1) << p;
        }
        this.ports.writeGc(GC_READ_MAP, 0);
        return c;
      }
      default:
        return 0;
    }
  }

  /** Loads glyph `ch` (height rows) from the font at linear address `font` into the scratch buffer. */
  private loadGlyph(font: number, ch: number, height: number): Uint8Array {
    for (let r = 0; r < height; r++) this.glyph[r] = this.memory.read8(font + ch * height + r);
    return this.glyph;
  }

  /**
   * Draws glyph `ch` from `font` (linear address, `height` bytes per glyph) at character cell
   * (col, row): opaque on colour 0, or XORed onto the screen when `xor`.
   */
  drawGlyph(
    m: VideoModeInfo,
    pageOffset: number,
    col: number,
    row: number,
    font: number,
    height: number,
    ch: number,
    color: number,
    xor: boolean,
  ): void {
    if (col >= m.cols || row * height >= m.height) return;
    const g = this.loadGlyph(font, ch, height);
    const y0 = row * height;
    switch (m.layout) {
      case "linear":
        for (let r = 0; r < height; r++) {
          const a = this.lineAddress(m, pageOffset, y0 + r) + col * 8;
          for (let i = 0; i < 8; i++) this.memory.write8(a + i, (g[r] & (0x80 >> i)) !== 0 ? color : 0);
        }
        return;
      case "cga2":
        for (let r = 0; r < height; r++) {
          const a = this.lineAddress(m, pageOffset, y0 + r) + col * 2;
          let w = 0;
          for (let i = 0; i < 8; i++) if ((g[r] & (0x80 >> i)) !== 0) w |= (color & 3) << ((7 - i) * 2);
          const hi = w >>> 8, lo = w & 0xFF;
          this.memory.write8(a, xor ? this.memory.read8(a) ^ hi : hi);
          this.memory.write8(a + 1, xor ? this.memory.read8(a + 1) ^ lo : lo);
        }
        return;
      case "cga1":
        for (let r = 0; r < height; r++) {
          const a = this.lineAddress(m, pageOffset, y0 + r) + col;
          const v = (color & 1) !== 0 ? g[r] : 0;
          this.memory.write8(a, xor ? this.memory.read8(a) ^ v : v);
        }
        return;
      case "planar":
        this.planarBegin();
        for (let p = 0; p < 4; p++) {
          const on = ((color >> p) & 1) !== 0;
          if (xor && !on) continue;
          this.ports.writeGc(GC_READ_MAP, p);
          this.ports.writeSeq(SEQ_MAP_MASK, 1 << p);
          for (let r = 0; r < height; r++) {
            const a = this.lineAddress(m, pageOffset, y0 + r) + col;
            const v = on ? g[r] : 0;
            this.memory.write8(a, xor ? this.memory.read8(a) ^ v : v);
          }
        }
        this.planarEnd();
        return;
      default:
        return;
    }
  }

  /** The cell's pixel pattern (bit set = non-zero pixel) into `out[0..height)`, for INT 10h AH=08h. */
  readCellPattern(
    m: VideoModeInfo,
    pageOffset: number,
    col: number,
    row: number,
    height: number,
    out: Uint8Array,
  ) {
    const y0 = row * height;
    for (let r = 0; r < height; r++) {
      const a = this.lineAddress(m, pageOffset, y0 + r);
      let bits = 0;
      switch (m.layout) {
        case "linear":
          for (let i = 0; i < 8; i++) if (this.memory.read8(a + col * 8 + i) !== 0) bits |= 0x80 >> i;
          break;
        case "cga2": {
          const w = (this.memory.read8(a + col * 2) << 8) | this.memory.read8(a + col * 2 + 1);
          for (let i = 0; i < 8; i++) if (((w >> ((7 - i) * 2)) & 3) !== 0) bits |= 0x80 >> i;
          break;
        }
        case "cga1":
          bits = this.memory.read8(a + col);
          break;
        case "planar":
          for (let p = 0; p < 4; p++) {
            this.ports.writeGc(GC_READ_MAP, p);
            bits |= this.memory.read8(a + col);
          }
          break;
      }
      out[r] = bits;
    }
    if (m.layout === "planar") this.ports.writeGc(GC_READ_MAP, 0);
  }

  /**
   * Scrolls the character window [top..bottom] × [left..right] up (`lines` > 0) or down (< 0) by
   * |lines| character rows, filling vacated rows with `fill`; lines = 0 clears the window.
   */
  scroll(
    m: VideoModeInfo,
    pageOffset: number,
    top: number,
    left: number,
    bottom: number,
    right: number,
    lines: number,
    fill: number,
    height: number,
  ): void {
    const bytesPerCol = m.layout === "linear" ? 8 : m.layout === "cga2" ? 2 : 1;
    const x0 = left * bytesPerCol;
    const span = (right - left + 1) * bytesPerCol;
    const rowsInWindow = bottom - top + 1;
    const n = lines === 0 || Math.abs(lines) >= rowsInWindow ? rowsInWindow : Math.abs(lines);
    const up = lines >= 0;
    const planes = m.layout === "planar" ? 4 : 1;
    if (m.layout === "planar") this.planarBegin();
    for (let p = 0; p < planes; p++) {
      if (m.layout === "planar") {
        this.ports.writeGc(GC_READ_MAP, p);
        this.ports.writeSeq(SEQ_MAP_MASK, 1 << p);
      }
      const fillByte = this.fillByte(m, fill, p);
      const moved = (rowsInWindow - n) * height;
      const first = top * height;
      const last = (bottom + 1) * height - 1;
      for (let i = 0; i < moved; i++) {
        const dstY = up ? first + i : last - i;
        const srcY = up ? dstY + n * height : dstY - n * height;
        const d = this.lineAddress(m, pageOffset, dstY) + x0;
        const s = this.lineAddress(m, pageOffset, srcY) + x0;
        for (let b = 0; b < span; b++) this.memory.write8(d + b, this.memory.read8(s + b));
      }
      for (let i = moved; i < rowsInWindow * height; i++) {
        const y = up ? first + i : last - i;
        const d = this.lineAddress(m, pageOffset, y) + x0;
        for (let b = 0; b < span; b++) this.memory.write8(d + b, fillByte);
      }
    }
    if (m.layout === "planar") this.planarEnd();
  }

  private fillByte(m: VideoModeInfo, color: number, plane: number): number {
    switch (m.layout) {
      case "linear":
        return color & 0xFF;
      case "cga2": {
        const c = color & 3;
        return c | (c << 2) | (c << 4) | (c << 6);
      }
      case "cga1":
        return (color & 1) !== 0 ? 0xFF : 0;
      default:
        return ((color >> plane) & 1) !== 0 ? 0xFF : 0;
    }
  }
}
