/**
 * INT 10h AH=11h: character generator. Text fonts are loaded into VGA plane 2
 * through the sequencer and graphics controller (as a video BIOS does);
 * graphics fonts are just the INT 1Fh/43h pointers; AL=30h reports font pointers.
 */
import { AL, BH, BL, BP, CX, DL, DX, ES } from "../cpu/registers.ts";
import type { PagedMemory } from "../memory/paged_memory.ts";
import { BDA_CHAR_HEIGHT, BDA_VIDEO_COLUMNS, BDA_VIDEO_PAGE_SIZE, BDA_VIDEO_ROWS } from "./bda.ts";
import { type Bda, linear } from "./access.ts";
import type { BiosCpu } from "./host.ts";
import {
  CRTC_CURSOR_END,
  CRTC_CURSOR_START,
  CRTC_MAX_SCAN,
  CRTC_OVERFLOW,
  CRTC_VDISP_END,
  type VgaPorts,
} from "./video_hw.ts";
import * as L from "./rom_layout.ts";

/** Plane-2 offset of each of the 8 VGA character blocks. */
const BLOCK_OFFSET = [0x0000, 0x4000, 0x8000, 0xC000, 0x2000, 0x6000, 0xA000, 0xE000];

/** Font loading and font pointer services. */
export class FontService {
  constructor(
    private readonly cpu: BiosCpu,
    private readonly memory: PagedMemory,
    private readonly bda: Bda,
    private readonly ports: VgaPorts,
  ) {}

  /** Sets interrupt vector `v` to seg:off. */
  private setVector(v: number, segment: number, offset: number): void {
    this.memory.write16(v * 4, offset);
    this.memory.write16(v * 4 + 2, segment);
  }

  handle(mono: boolean): void {
    const r8 = this.cpu.regs8;
    const regs = this.cpu.regs;
    const al = r8[AL];
    switch (al) {
      case 0x00:
      case 0x10:
        this.loadText(linear(this.cpu.sregs[ES], regs[BP]), regs[CX], regs[DX], r8[BL], r8[BH], mono);
        if (al === 0x10) this.recalculate(r8[BH]);
        return;
      case 0x01:
      case 0x11:
        this.loadRom(L.ROM_FONT_8X14, 14, r8[BL], mono, al === 0x11);
        return;
      case 0x02:
      case 0x12:
        this.loadRom(L.ROM_FONT_8X8, 8, r8[BL], mono, al === 0x12);
        return;
      case 0x04:
      case 0x14:
        this.loadRom(L.ROM_FONT_8X16, 16, r8[BL], mono, al === 0x14);
        return;
      case 0x03:
        this.ports.writeSeq(0x03, r8[BL]);
        return;
      case 0x20:
        this.setVector(0x1F, this.cpu.sregs[ES], regs[BP]);
        return;
      case 0x21:
        this.setVector(0x43, this.cpu.sregs[ES], regs[BP]);
        this.graphicsRows(regs[CX] & 0xFF);
        return;
      case 0x22:
        this.setVector(0x43, L.ROM_SEGMENT, L.ROM_FONT_8X14);
        this.graphicsRows(14);
        return;
      case 0x23:
        this.setVector(0x43, L.ROM_SEGMENT, L.ROM_FONT_8X8);
        this.graphicsRows(8);
        return;
      case 0x24:
        this.setVector(0x43, L.ROM_SEGMENT, L.ROM_FONT_8X16);
        this.graphicsRows(16);
        return;
      case 0x30:
        this.fontInfo();
        return;
      default:
        return;
    }
  }

  /** AL=30h: ES:BP = the font BH names, CX = current character height, DL = rows − 1. */
  private fontInfo(): void {
    const r8 = this.cpu.regs8;
    let seg = L.ROM_SEGMENT;
    let off: number;
    switch (r8[BH]) {
      case 0x00:
        seg = this.memory.read16(0x1F * 4 + 2);
        off = this.memory.read16(0x1F * 4);
        break;
      case 0x01:
        seg = this.memory.read16(0x43 * 4 + 2);
        off = this.memory.read16(0x43 * 4);
        break;
      case 0x02:
        off = L.ROM_FONT_8X14;
        break;
      case 0x03:
        off = L.ROM_FONT_8X8;
        break;
      case 0x04:
        off = L.ROM_FONT_8X8_UPPER;
        break;
      case 0x06:
        off = L.ROM_FONT_8X16;
        break;
      default: // 05h, 07h: alternate 9-dot glyph tables; ours are empty lists
        off = L.ROM_FONT_ALT_EMPTY;
        break;
    }
    this.cpu.sregs[ES] = seg;
    this.cpu.regs[BP] = off;
    this.cpu.regs[CX] = this.bda.get16(BDA_CHAR_HEIGHT);
    r8[DL] = this.bda.get8(BDA_VIDEO_ROWS);
  }

  private loadRom(offset: number, height: number, block: number, mono: boolean, recalc: boolean): void {
    this.loadText(L.ROM_BASE + offset, 256, 0, block, height, mono);
    if (recalc) this.recalculate(height);
  }

  /** Copies `count` glyphs of `height` bytes from `src` into character block `block`, from char `first`. */
  loadText(src: number, count: number, first: number, block: number, height: number, mono: boolean): void {
    const p = this.ports;
    p.writeSeq(0x02, 0x04); // write plane 2 only
    p.writeSeq(0x04, 0x07); // sequential addressing, extended memory
    p.writeGc(0x04, 0x02); // read plane 2
    p.writeGc(0x05, 0x00); // write mode 0, no odd/even
    p.writeGc(0x06, 0x04); // A0000h, 64 KiB, alphanumeric off
    const base = 0xA0000 + BLOCK_OFFSET[block & 7];
    for (let i = 0; i < count; i++) {
      const dst = base + ((first + i) & 0xFF) * 32;
      for (let r = 0; r < 32; r++) {
        this.memory.write8(dst + r, r < height ? this.memory.read8(src + i * height + r) : 0);
      }
    }
    p.writeSeq(0x02, 0x03); // planes 0 and 1 (text)
    p.writeSeq(0x04, 0x03); // odd/even
    p.writeGc(0x04, 0x00);
    p.writeGc(0x05, 0x10); // odd/even
    p.writeGc(0x06, mono ? 0x0A : 0x0E); // B0000h or B8000h, chained odd/even
  }

  /** After a text font load with recalculation: cell height, rows, page size, cursor. */
  private recalculate(height: number): void {
    if (height < 1 || height > 32) return;
    const p = this.ports;
    p.writeCrtc(CRTC_MAX_SCAN, (p.readCrtc(CRTC_MAX_SCAN) & 0xE0) | (height - 1));
    p.writeCrtc(CRTC_CURSOR_START, height > 8 ? height - 3 : height - 2);
    p.writeCrtc(CRTC_CURSOR_END, height > 8 ? height - 2 : height - 1);
    const ovf = p.readCrtc(CRTC_OVERFLOW);
    const lines = (p.readCrtc(CRTC_VDISP_END) | ((ovf & 0x02) << 7) | ((ovf & 0x40) << 3)) + 1;
    const rows = Math.max(1, Math.floor(lines / height));
    const cols = this.bda.get16(BDA_VIDEO_COLUMNS);
    this.bda.set8(BDA_VIDEO_ROWS, rows - 1);
    this.bda.set16(BDA_CHAR_HEIGHT, height);
    this.bda.set16(BDA_VIDEO_PAGE_SIZE, (rows * cols * 2 + 0xFF) & ~0xFF);
  }

  /** AL=21h–24h: BL row code (0 = DL rows, 1 = 14, 2 = 25, 3 = 43). */
  private graphicsRows(height: number): void {
    const r8 = this.cpu.regs8;
    const rows = [r8[DL], 14, 25, 43][r8[BL] & 3] || 25;
    this.bda.set16(BDA_CHAR_HEIGHT, height);
    this.bda.set8(BDA_VIDEO_ROWS, rows - 1);
  }
}
