/**
 * INT 10h video services (IBM VGA BIOS register contracts). Text goes straight
 * into video memory through the memory write path; the cursor, page and
 * palette go to the VGA's registers through its ports; mode sets ask the VGA
 * to program itself, then the BIOS data area is brought in line.
 */
import { AH, AL, AX, BH, BL, BP, BX, CH, CL, CX, DH, DI, DL, DX, ES } from "../cpu/registers.ts";
import type { PagedMemory } from "../memory/paged_memory.ts";
import * as B from "./bda.ts";
import { type Bda, linear } from "./access.ts";
import type { BiosCpu, BiosVideoAdapter } from "./host.ts";
import { CRTC_CURSOR_END, CRTC_CURSOR_START, VgaPorts } from "./video_hw.ts";
import { videoMode, type VideoModeInfo } from "./video_modes.ts";
import { GraphicsDraw } from "./video_draw.ts";
import { PaletteService } from "./int10_palette.ts";
import { FontService } from "./int10_font.ts";
import { VideoStateService } from "./int10_state.ts";
import type { IoBus } from "../io/io_bus.ts";
import * as L from "./rom_layout.ts";
import type { Speaker } from "./speaker.ts";

/** The video BIOS. */
export class VideoService {
  readonly ports: VgaPorts;
  private readonly draw: GraphicsDraw;
  private readonly palette: PaletteService;
  private readonly fonts: FontService;
  private readonly state: VideoStateService;
  private readonly pattern = new Uint8Array(32);

  constructor(
    private readonly cpu: BiosCpu,
    private readonly memory: PagedMemory,
    io: IoBus,
    private readonly bda: Bda,
    private readonly vga: BiosVideoAdapter,
    private readonly speaker: Speaker,
  ) {
    this.ports = new VgaPorts(io, bda);
    this.draw = new GraphicsDraw(memory, this.ports);
    this.palette = new PaletteService(cpu, memory, bda, this.ports);
    this.fonts = new FontService(cpu, memory, bda, this.ports);
    this.state = new VideoStateService(cpu, memory, io);
  }

  /** The current mode's description (mode 3 if 40:49 holds something unknown). */
  current(): VideoModeInfo {
    return videoMode(this.bda.get8(B.BDA_VIDEO_MODE)) ?? videoMode(3)!;
  }

  handle(): void {
    const r8 = this.cpu.regs8;
    const regs = this.cpu.regs;
    switch (r8[AH]) {
      case 0x00:
        this.setMode(r8[AL]);
        return;
      case 0x01:
        this.setCursorShape(regs[CX]);
        return;
      case 0x02:
        this.setCursor(r8[BH] & 7, r8[DH], r8[DL]);
        return;
      case 0x03:
        regs[CX] = this.bda.get16(B.BDA_CURSOR_SHAPE);
        regs[DX] = this.bda.get16(B.BDA_CURSOR_POS + (r8[BH] & 7) * 2);
        return;
      case 0x04:
        r8[AH] = 0; // light pen not triggered
        return;
      case 0x05:
        this.setActivePage(r8[AL]);
        return;
      case 0x06:
      case 0x07:
        this.scrollWindow(r8[AH] === 0x06 ? r8[AL] : -r8[AL], r8[BH], r8[CH], r8[CL], r8[DH], r8[DL]);
        return;
      case 0x08:
        regs[AX] = this.readCharAttr(r8[BH] & 7);
        return;
      case 0x09:
      case 0x0A:
        this.writeCharRepeat(r8[BH] & 7, r8[AL], r8[BL], regs[CX], r8[AH] === 0x09);
        return;
      case 0x0B:
        this.palette.cgaPalette(this.current());
        return;
      case 0x0C: {
        const m = this.current();
        if (m.layout === "text") return;
        const xor = m.layout !== "linear" && (r8[AL] & 0x80) !== 0;
        this.draw.writePixel(m, this.graphicsPageOffset(m, r8[BH]), regs[CX], regs[DX], r8[AL] & 0xFF, xor);
        return;
      }
      case 0x0D: {
        const m = this.current();
        if (m.layout === "text") return;
        r8[AL] = this.draw.readPixel(m, this.graphicsPageOffset(m, r8[BH]), regs[CX], regs[DX]);
        return;
      }
      case 0x0E:
        this.teletype(this.bda.get8(B.BDA_ACTIVE_PAGE), r8[AL], -1, r8[BL]);
        return;
      case 0x0F:
        r8[AL] = this.bda.get8(B.BDA_VIDEO_MODE) | (this.bda.get8(B.BDA_EGA_MISC) & 0x80);
        r8[AH] = this.bda.get8(B.BDA_VIDEO_COLUMNS);
        r8[BH] = this.bda.get8(B.BDA_ACTIVE_PAGE);
        return;
      case 0x10:
        this.palette.handle();
        return;
      case 0x11:
        this.fonts.handle(this.current().mono);
        return;
      case 0x12:
        this.alternateSelect();
        return;
      case 0x13:
        this.writeString();
        return;
      case 0x1A:
        if (r8[AL] === 0x00) {
          r8[AL] = 0x1A;
          r8[BL] = 0x08; // VGA with analog colour display
          r8[BH] = 0x00;
        } else if (r8[AL] === 0x01) {
          r8[AL] = 0x1A;
        }
        return;
      case 0x1B:
        if (regs[BX] === 0) this.stateInfo();
        return;
      case 0x1C:
        this.state.handle();
        return;
      default:
        return;
    }
  }

  // --- Modes -------------------------------------------------------------------------------------

  /** INT 10h AH=00h: AL bit 7 keeps video memory. Unknown modes are ignored, as on a VGA. */
  setMode(al: number): void {
    const m = videoMode(al & 0x7F);
    if (m === undefined) return;
    const keep = (al & 0x80) !== 0;
    const bda = this.bda;
    if (!this.vga.setMode(m.mode, !keep)) return;
    bda.set16(B.BDA_CRTC_BASE, m.mono ? 0x3B4 : 0x3D4);
    const equipment = bda.get16(B.BDA_EQUIPMENT) & ~0x30;
    bda.set16(B.BDA_EQUIPMENT, equipment | (m.mono ? 0x30 : 0x20));
    bda.set8(B.BDA_VIDEO_MODE, m.mode);
    bda.set16(B.BDA_VIDEO_COLUMNS, m.cols);
    bda.set16(B.BDA_VIDEO_PAGE_SIZE, m.pageSize);
    bda.set16(B.BDA_VIDEO_PAGE_OFFSET, 0);
    for (let p = 0; p < 8; p++) bda.set16(B.BDA_CURSOR_POS + p * 2, 0);
    bda.set8(B.BDA_ACTIVE_PAGE, 0);
    bda.set8(B.BDA_MODE_CONTROL, m.modeControl);
    bda.set8(B.BDA_CGA_PALETTE, m.mode === 6 ? 0x3F : 0x30);
    bda.set8(B.BDA_VIDEO_ROWS, m.rows - 1);
    bda.set16(B.BDA_CHAR_HEIGHT, m.charHeight);
    bda.set8(B.BDA_EGA_MISC, (bda.get8(B.BDA_EGA_MISC) & 0x7F) | (keep ? 0x80 : 0));
    const font = m.charHeight === 16 && m.layout !== "text"
      ? L.ROM_FONT_8X16
      : m.charHeight === 14
      ? L.ROM_FONT_8X14
      : L.ROM_FONT_8X8;
    this.memory.write16(0x43 * 4, font);
    this.memory.write16(0x43 * 4 + 2, L.ROM_SEGMENT);
    this.ports.setStartAddress(0);
    this.ports.setCursorAddress(0);
    if (m.layout === "text") this.setCursorShape(m.mono ? 0x0B0C : 0x0607);
    if (this.palette.graySumming()) this.palette.sumToGray(0, 256);
  }

  // --- Cursor and pages --------------------------------------------------------------------------

  /** INT 10h AH=01h: CH start line (bit 5 = hidden), CL end line, in CGA 8-line terms when emulating. */
  setCursorShape(cx: number): void {
    this.bda.set16(B.BDA_CURSOR_SHAPE, cx);
    if (this.current().layout !== "text") return;
    let start = (cx >>> 8) & 0x1F;
    let end = cx & 0x1F;
    const hidden = (cx & 0x6000) === 0x2000;
    const height = this.bda.get16(B.BDA_CHAR_HEIGHT) || 16;
    const emulate = (this.bda.get8(B.BDA_EGA_MISC) & 0x01) === 0;
    if (emulate && height > 8 && start <= 7 && end <= 7 && start <= end) {
      // Scale CGA-style values: an underline stays at the bottom of the cell, a block stays a block.
      if (start >= 5) start = height - (8 - start) - 1;
      end = height - (8 - end) - 1;
    }
    this.ports.writeCrtc(CRTC_CURSOR_START, (hidden ? 0x20 : 0) | start);
    this.ports.writeCrtc(CRTC_CURSOR_END, end);
  }

  private cursor(page: number): number {
    return this.bda.get16(B.BDA_CURSOR_POS + page * 2);
  }

  /** INT 10h AH=02h. */
  setCursor(page: number, row: number, col: number): void {
    this.bda.set16(B.BDA_CURSOR_POS + page * 2, (row << 8) | col);
    if (page === this.bda.get8(B.BDA_ACTIVE_PAGE)) this.syncHardwareCursor();
  }

  private syncHardwareCursor(): void {
    const page = this.bda.get8(B.BDA_ACTIVE_PAGE);
    const pos = this.cursor(page);
    const cols = this.bda.get16(B.BDA_VIDEO_COLUMNS);
    const base = this.bda.get16(B.BDA_VIDEO_PAGE_OFFSET) >>> 1;
    this.ports.setCursorAddress(base + (pos >>> 8) * cols + (pos & 0xFF));
  }

  /** INT 10h AH=05h. */
  setActivePage(page: number): void {
    const m = this.current();
    if (page >= m.pages) return;
    const offset = page * this.bda.get16(B.BDA_VIDEO_PAGE_SIZE);
    this.bda.set8(B.BDA_ACTIVE_PAGE, page);
    this.bda.set16(B.BDA_VIDEO_PAGE_OFFSET, offset);
    this.ports.setStartAddress(m.layout === "text" ? offset >>> 1 : offset);
    this.syncHardwareCursor();
  }

  private textPageBase(m: VideoModeInfo, page: number): number {
    return m.segment * 16 + ((page * this.bda.get16(B.BDA_VIDEO_PAGE_SIZE)) & 0xFFFF);
  }

  private graphicsPageOffset(m: VideoModeInfo, page: number): number {
    return m.pages > 1 && page < m.pages ? page * m.pageSize : 0;
  }

  private rows(): number {
    return this.bda.get8(B.BDA_VIDEO_ROWS) + 1;
  }

  /** The font graphics glyph `ch` comes from: INT 43h, or INT 1Fh for CGA-mode chars 80h–FFh. */
  private glyphSource(m: VideoModeInfo, ch: number): { base: number; index: number } {
    if ((m.layout === "cga1" || m.layout === "cga2") && ch >= 0x80) {
      return {
        base: linear(this.memory.read16(0x1F * 4 + 2), this.memory.read16(0x1F * 4)),
        index: ch - 0x80,
      };
    }
    return { base: linear(this.memory.read16(0x43 * 4 + 2), this.memory.read16(0x43 * 4)), index: ch };
  }

  // --- Characters --------------------------------------------------------------------------------

  /** Writes one character at (row, col) of `page`: text with `attr` (−1 keeps the cell's), graphics in `color`. */
  private putChar(
    m: VideoModeInfo,
    page: number,
    row: number,
    col: number,
    ch: number,
    attr: number,
    color: number,
  ) {
    if (m.layout === "text") {
      const a = this.textPageBase(m, page) + (row * m.cols + col) * 2;
      this.memory.write8(a, ch);
      if (attr >= 0) this.memory.write8(a + 1, attr);
      return;
    }
    const height = this.bda.get16(B.BDA_CHAR_HEIGHT) || m.charHeight;
    const g = this.glyphSource(m, ch);
    const xor = m.layout !== "linear" && (color & 0x80) !== 0;
    const c = m.layout === "linear" ? color : color & 0x7F;
    this.draw.drawGlyph(m, this.graphicsPageOffset(m, page), col, row, g.base, height, g.index, c, xor);
  }

  /** INT 10h AH=09h/0Ah: CX copies from the cursor on, without moving it. */
  private writeCharRepeat(page: number, ch: number, attr: number, count: number, withAttr: boolean): void {
    const m = this.current();
    const pos = this.cursor(page);
    let row = pos >>> 8;
    let col = pos & 0xFF;
    const rows = this.rows();
    for (let i = 0; i < count && row < rows; i++) {
      this.putChar(m, page, row, col, ch, withAttr || m.layout !== "text" ? attr : -1, attr);
      if (++col >= m.cols) {
        col = 0;
        row++;
      }
    }
  }

  /** INT 10h AH=08h: AL = character, AH = attribute (graphics: AH = 0, AL = matching glyph or 0). */
  private readCharAttr(page: number): number {
    const m = this.current();
    const pos = this.cursor(page);
    const row = pos >>> 8, col = pos & 0xFF;
    if (m.layout === "text") {
      return this.memory.read16(this.textPageBase(m, page) + (row * m.cols + col) * 2);
    }
    const height = this.bda.get16(B.BDA_CHAR_HEIGHT) || m.charHeight;
    this.draw.readCellPattern(m, this.graphicsPageOffset(m, page), col, row, height, this.pattern);
    for (let ch = 0; ch < 256; ch++) {
      const g = this.glyphSource(m, ch);
      let same = true;
      for (let r = 0; r < height && same; r++) {
        same = this.memory.read8(g.base + g.index * height + r) === this.pattern[r];
      }
      if (same) return ch;
    }
    return 0;
  }

  /** INT 10h AH=0Eh on `page`: BEL, BS, LF, CR act; other characters print and advance, scrolling. */
  teletype(page: number, ch: number, attr: number, color: number): void {
    const m = this.current();
    const pos = this.cursor(page);
    let row = pos >>> 8;
    let col = pos & 0xFF;
    const rows = this.rows();
    switch (ch) {
      case 0x07:
        this.speaker.beep();
        return;
      case 0x08:
        if (col > 0) col--;
        break;
      case 0x0A:
        row++;
        break;
      case 0x0D:
        col = 0;
        break;
      default:
        this.putChar(m, page, row, col, ch, attr, color);
        if (++col >= m.cols) {
          col = 0;
          row++;
        }
    }
    if (row >= rows) {
      row = rows - 1;
      let fill = 0;
      if (m.layout === "text") {
        fill = this.memory.read8(this.textPageBase(m, page) + (row * m.cols + col) * 2 + 1);
      }
      this.scrollPage(m, page, 1, fill, 0, 0, rows - 1, m.cols - 1);
    }
    this.setCursor(page, row, col);
  }

  /** INT 10h AH=06h/07h on the active page: `lines` > 0 up, < 0 down, 0 clears. */
  private scrollWindow(
    lines: number,
    fill: number,
    top: number,
    left: number,
    bottom: number,
    right: number,
  ) {
    const m = this.current();
    const rows = this.rows();
    if (bottom >= rows) bottom = rows - 1;
    if (right >= m.cols) right = m.cols - 1;
    if (top > bottom || left > right) return;
    this.scrollPage(m, this.bda.get8(B.BDA_ACTIVE_PAGE), lines, fill, top, left, bottom, right);
  }

  private scrollPage(
    m: VideoModeInfo,
    page: number,
    lines: number,
    fill: number,
    top: number,
    left: number,
    bottom: number,
    right: number,
  ): void {
    if (m.layout !== "text") {
      const height = this.bda.get16(B.BDA_CHAR_HEIGHT) || m.charHeight;
      const offset = this.graphicsPageOffset(m, page);
      this.draw.scroll(m, offset, top, left, bottom, right, lines, fill, height);
      return;
    }
    const base = this.textPageBase(m, page);
    const windowRows = bottom - top + 1;
    const n = lines === 0 || Math.abs(lines) >= windowRows ? windowRows : Math.abs(lines);
    const blank = 0x20 | (fill << 8);
    for (let i = 0; i < windowRows; i++) {
      const dstRow = lines >= 0 ? top + i : bottom - i;
      const srcRow = lines >= 0 ? dstRow + n : dstRow - n;
      const moving = i < windowRows - n;
      for (let c = left; c <= right; c++) {
        const d = base + (dstRow * m.cols + c) * 2;
        this.memory.write16(d, moving ? this.memory.read16(base + (srcRow * m.cols + c) * 2) : blank);
      }
    }
  }

  /** INT 10h AH=13h: ES:BP string, CX length, DH/DL position, BH page, BL attribute, AL mode bits. */
  private writeString(): void {
    const r8 = this.cpu.regs8;
    const regs = this.cpu.regs;
    const mode = r8[AL];
    const page = r8[BH] & 7;
    const saved = this.cursor(page);
    const withAttrs = (mode & 0x02) !== 0;
    let src = linear(this.cpu.sregs[ES], regs[BP]);
    this.setCursor(page, r8[DH], r8[DL]);
    for (let i = 0; i < regs[CX]; i++) {
      const ch = this.memory.read8(src++);
      let attr = r8[BL];
      if (withAttrs) attr = this.memory.read8(src++);
      this.teletype(page, ch, attr, attr);
    }
    if ((mode & 0x01) === 0) this.setCursor(page, saved >>> 8, saved & 0xFF);
  }

  // --- EGA/VGA information -----------------------------------------------------------------------

  /** INT 10h AH=12h. */
  private alternateSelect(): void {
    const r8 = this.cpu.regs8;
    const bda = this.bda;
    switch (r8[BL]) {
      case 0x10:
        r8[BH] = this.current().mono ? 1 : 0;
        r8[BL] = 0x03; // 256 KiB
        r8[CH] = 0x00;
        r8[CL] = bda.get8(B.BDA_EGA_SWITCHES) & 0x0F;
        return;
      case 0x30: {
        const flags = bda.get8(B.BDA_VGA_FLAGS) & ~0x90;
        const bits = [0x80, 0x00, 0x10][r8[AL]];
        if (bits !== undefined) {
          bda.set8(B.BDA_VGA_FLAGS, flags | bits);
          r8[AL] = 0x12;
        }
        return;
      }
      case 0x31:
      case 0x33:
      case 0x34: {
        const [field, bit] = r8[BL] === 0x31
          ? [B.BDA_VGA_FLAGS, 0x08]
          : r8[BL] === 0x33
          ? [B.BDA_VGA_FLAGS, 0x02]
          : [B.BDA_EGA_MISC, 0x01];
        // AL=00h enables the feature; for 31h and 34h the flag bit means "disabled".
        const setBit = r8[BL] === 0x33 ? r8[AL] === 0 : r8[AL] !== 0;
        const v = bda.get8(field);
        bda.set8(field, setBit ? v | bit : v & ~bit);
        r8[AL] = 0x12;
        return;
      }
      case 0x32:
        r8[AL] = 0x12;
        return;
      case 0x36: {
        const clocking = this.ports.readSeq(0x01);
        this.ports.writeSeq(0x01, r8[AL] === 0 ? clocking & ~0x20 : clocking | 0x20);
        r8[AL] = 0x12;
        return;
      }
      default:
        return;
    }
  }

  /** INT 10h AH=1Bh BX=0: the 64-byte state block at ES:DI. */
  private stateInfo(): void {
    const m = this.current();
    const bda = this.bda;
    const at = linear(this.cpu.sregs[ES], this.cpu.regs[DI]);
    const w8 = (o: number, v: number) => this.memory.write8(at + o, v);
    const w16 = (o: number, v: number) => this.memory.write16(at + o, v);
    for (let i = 0; i < 64; i++) w8(i, 0);
    w16(0x00, L.ROM_FUNCTIONALITY_TABLE);
    w16(0x02, L.ROM_SEGMENT);
    w8(0x04, bda.get8(B.BDA_VIDEO_MODE));
    w16(0x05, bda.get16(B.BDA_VIDEO_COLUMNS));
    w16(0x07, bda.get16(B.BDA_VIDEO_PAGE_SIZE));
    w16(0x09, bda.get16(B.BDA_VIDEO_PAGE_OFFSET));
    for (let p = 0; p < 8; p++) w16(0x0B + p * 2, this.cursor(p));
    w16(0x1B, bda.get16(B.BDA_CURSOR_SHAPE));
    w8(0x1D, bda.get8(B.BDA_ACTIVE_PAGE));
    w16(0x1E, bda.get16(B.BDA_CRTC_BASE));
    w8(0x20, bda.get8(B.BDA_MODE_CONTROL));
    w8(0x21, bda.get8(B.BDA_CGA_PALETTE));
    w8(0x22, bda.get8(B.BDA_VIDEO_ROWS) + 1);
    w16(0x23, bda.get16(B.BDA_CHAR_HEIGHT));
    w8(0x25, 0x08);
    w16(0x27, m.mono ? 0 : m.colors);
    w8(0x29, m.pages);
    w8(0x2A, m.height >= 480 ? 3 : m.height >= 400 ? 2 : m.height >= 350 ? 1 : 0);
    w8(0x31, 0x03);
    this.cpu.regs8[AL] = 0x1B;
  }
}
