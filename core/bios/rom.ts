/**
 * Builds the 64 KiB BIOS ROM image mapped at F0000–FFFFF: the service stubs
 * (tiny 8086 sequences around `F1 nn` traps), the IBM-compatible entry points
 * and data tables, the fonts, and the reset vector.
 *
 * Stubs return the way the IBM BIOS does: IRET where flags are not a result,
 * `RETF 2` where CF/ZF are (the caller then sees the flags the service left,
 * with interrupts enabled). Services that wait loop here in guest code around
 * STI/HLT so the CPU idles and interrupts keep flowing.
 */
import { Asm } from "./asm.ts";
import type { ChsGeometry } from "../../disks/block_device.ts";
import * as L from "./rom_layout.ts";
import * as T from "./trap_codes.ts";

/** Inputs the ROM image depends on. */
export interface RomContents {
  /** 256 glyphs × 8 bytes. */
  font8x8: Uint8Array;
  /** 256 glyphs × 16 bytes. */
  font8x16: Uint8Array;
  /** Geometry of hard disks 80h and 81h, for the INT 41h/46h parameter tables. */
  hardDisks: (ChsGeometry | null)[];
}

const IRET = 0xCF;
const STI = 0xFB;
const CLI = 0xFA;
const HLT = 0xF4;
const PUSH_AX = 0x50;
const POP_AX = 0x58;
const PUSH_DS = 0x1E;
const POP_DS = 0x1F;
const STC = 0xF9;
const JC = 0x72;
const JNC = 0x73;
const JE = 0x74;
const JNE = 0x75;

/** Builds the ROM image (offset 0 = F000:0000). */
export function buildRom(contents: RomContents): Uint8Array {
  const a = new Asm(new Uint8Array(L.ROM_SIZE).fill(0xFF));
  emitFonts(a, contents);
  emitTables(a, contents);
  emitEntryPoints(a);
  emitFreeCode(a);
  const image = a.finish();
  emitVectorTable(image);
  return image;
}

function retf2(a: Asm): Asm {
  return a.db(0xCA, 0x02, 0x00);
}

function intN(a: Asm, n: number): Asm {
  return a.db(0xCD, n);
}

/** MOV AL,20h / OUT port,AL: end of interrupt. */
function eoi(a: Asm, port: number): Asm {
  return a.db(0xB0, 0x20, 0xE6, port);
}

function emitFonts(a: Asm, c: RomContents): void {
  if (c.font8x8.length < 2048 || c.font8x16.length < 4096) throw new Error("rom: font tables too short");
  a.org(L.ROM_FONT_8X16).data(c.font8x16.subarray(0, 4096));
  // The EGA-era 8×14 set: each 8×16 glyph without its top and bottom rows, which
  // VGA 8×16 fonts leave as padding for nearly every character.
  const f14 = new Uint8Array(256 * 14);
  for (let ch = 0; ch < 256; ch++) f14.set(c.font8x16.subarray(ch * 16 + 1, ch * 16 + 15), ch * 14);
  a.org(L.ROM_FONT_8X14).data(f14);
  a.org(L.ROM_FONT_ALT_EMPTY).db(0x00);
  a.org(L.ROM_FONT_8X8).data(c.font8x8.subarray(0, 2048));
  a.org(L.ROM_FONT_8X8_LOWER).data(c.font8x8.subarray(0, 1024));
}

function emitTables(a: Asm, c: RomContents): void {
  // INT 15h AH=C0h: length, model, submodel, revision, feature bytes
  // (feature 1: 70h = cascaded second PIC, real-time clock, INT 15h/4Fh called by INT 09h).
  a.org(L.ROM_CONFIG_TABLE).dw(8).db(L.MODEL_AT, L.SUBMODEL, 0x00, 0x70, 0, 0, 0, 0);
  // Serial divisors for 110, 150, 300, 600, 1200, 2400, 4800, 9600 baud (1.8432 MHz / 16 / rate).
  a.org(L.ROM_BAUD_TABLE);
  for (const baud of [110, 150, 300, 600, 1200, 2400, 4800, 9600]) a.dw(Math.round(115200 / baud));
  // INT 1Eh diskette parameters: specify bytes, motor-off delay (ticks), 512-byte sectors, 18 sectors
  // per track, gap, data length, format gap, fill byte, head settle (ms), motor start (1/8 s).
  a.org(L.ROM_DISKETTE_PARAMS).db(0xDF, 0x02, 0x25, 0x02, 18, 0x1B, 0xFF, 0x6C, 0xF6, 0x0F, 0x08);
  // INT 1Dh: 6845 register sets for 40×25, 80×25, CGA graphics and MDA text, then regen sizes,
  // columns per mode 0–7 and the CGA mode-control value per mode.
  a.org(L.ROM_VIDEO_PARAMS);
  a.db(0x38, 0x28, 0x2D, 0x0A, 0x1F, 0x06, 0x19, 0x1C, 0x02, 0x07, 0x06, 0x07, 0, 0, 0, 0);
  a.db(0x71, 0x50, 0x5A, 0x0A, 0x1F, 0x06, 0x19, 0x1C, 0x02, 0x07, 0x06, 0x07, 0, 0, 0, 0);
  a.db(0x38, 0x28, 0x2D, 0x0A, 0x7F, 0x06, 0x64, 0x70, 0x02, 0x01, 0x06, 0x07, 0, 0, 0, 0);
  a.db(0x61, 0x50, 0x52, 0x0F, 0x19, 0x06, 0x19, 0x19, 0x02, 0x0D, 0x0B, 0x0C, 0, 0, 0, 0);
  a.dw(0x0800, 0x1000, 0x4000, 0x4000);
  a.db(40, 40, 80, 80, 40, 40, 80, 80);
  a.db(0x2C, 0x28, 0x2D, 0x29, 0x2A, 0x2E, 0x1E, 0x29);
  // Fixed disk parameter tables (INT 41h, INT 46h).
  hardDiskTable(a.org(L.ROM_HD0_PARAMS), c.hardDisks[0] ?? null);
  hardDiskTable(a.org(L.ROM_HD1_PARAMS), c.hardDisks[1] ?? null);
  emitFunctionalityTable(a);
  a.org(L.ROM_DATE).ascii("11/26/25");
  a.org(L.ROM_MODEL).db(L.MODEL_AT, 0x00);
}

function hardDiskTable(a: Asm, g: ChsGeometry | null): void {
  const cyl = g === null ? 0 : Math.min(g.cylinders, 1024);
  const heads = g === null ? 0 : g.heads;
  const spt = g === null ? 0 : g.sectorsPerTrack;
  a.dw(cyl).db(heads).dw(0).dw(0xFFFF).db(0).db(heads > 8 ? 0x08 : 0x00).db(0, 0, 0).dw(cyl).db(spt, 0);
}

/** INT 10h AH=1Bh static functionality table: which modes, scan line counts and features exist. */
function emitFunctionalityTable(a: Asm): void {
  a.org(L.ROM_FUNCTIONALITY_TABLE);
  a.db(0xFF, 0xE0, 0x0F, 0, 0, 0, 0); // modes 00h–07h, 0Dh–13h
  a.db(0x07); // 200, 350 and 400 scan lines
  a.db(0x02, 0x08); // 2 character blocks active, 8 blocks total
  a.db(0xFF); // misc: all palette/cursor/font functions
  a.db(0x0E); // DCC, color paging, DAC
  a.db(0, 0); // reserved
  a.db(0x00); // save pointer functions
  a.db(0x00); // reserved
}

function emitEntryPoints(a: Asm): void {
  a.org(L.ROM_RESET).jmpFar(L.ROM_SEGMENT, L.ROM_POST);

  // POST: a stack below the boot sector, then the TypeScript POST, then INT 19h.
  a.org(L.ROM_POST).label("post");
  a.db(CLI, 0xFC); // CLI, CLD
  a.db(0x31, 0xC0); // XOR AX,AX
  a.db(0x8E, 0xD0); // MOV SS,AX
  a.db(0xBC, 0x00, 0x7C); // MOV SP,7C00h
  a.db(0x8E, 0xD8, 0x8E, 0xC0); // MOV DS,AX; MOV ES,AX
  a.trap(T.TRAP_POST);
  a.db(STI);
  intN(a, 0x19);
  a.label("post_halt").db(HLT).jmpShort("post_halt");

  a.org(L.ROM_NMI).db(IRET);
  a.org(L.ROM_INT19).jmpNear("int19_body");

  // INT 14h / 17h: no serial or parallel ports; the trap sets the timeout status.
  a.org(L.ROM_INT14).db(STI).trap(T.TRAP_SERIAL).db(IRET);
  a.org(L.ROM_INT17).db(STI).trap(T.TRAP_PRINTER).db(IRET);

  // INT 16h: the trap answers, or sets CF when AH=00h/10h finds the buffer empty: then idle until an IRQ.
  a.org(L.ROM_INT16).db(STI);
  a.label("int16_again").trap(T.TRAP_KEYBOARD_SERVICE).jcc(JNC, "int16_done");
  a.db(HLT).jmpShort("int16_again");
  a.label("int16_done");
  retf2(a);

  // INT 09h (IRQ1): AT order — read the scancode, offer it to INT 15h/4Fh, translate, EOI, then any
  // action the trap asked for in AH (1 Ctrl-Break, 2 Print Screen, 3 pause, 4 Ctrl-Alt-Del).
  a.org(L.ROM_INT09).db(PUSH_AX);
  a.db(0xE4, 0x60); // IN AL,60h
  a.db(0xB4, 0x4F, STC); // MOV AH,4Fh; STC
  intN(a, 0x15);
  a.jcc(JNC, "int09_eoi");
  a.trap(T.TRAP_KEYBOARD);
  a.db(CLI);
  eoi(a, 0x20);
  a.db(0x80, 0xFC, 0x01).jcc(JNE, "int09_not_break");
  intN(a, 0x1B).jmpShort("int09_done");
  a.label("int09_not_break").db(0x80, 0xFC, 0x02).jcc(JNE, "int09_not_prtsc");
  intN(a, 0x05).jmpShort("int09_done");
  a.label("int09_not_prtsc").db(0x80, 0xFC, 0x03).jcc(JNE, "int09_not_pause");
  a.db(STI);
  a.label("int09_pause").trap(T.TRAP_PAUSE_CHECK).jcc(JNC, "int09_done");
  a.db(HLT).jmpShort("int09_pause");
  a.label("int09_not_pause").db(0x80, 0xFC, 0x04).jcc(JNE, "int09_done");
  a.jmpFar(L.ROM_SEGMENT, L.ROM_POST);
  a.label("int09_eoi").db(CLI);
  eoi(a, 0x20);
  a.label("int09_done").db(POP_AX, IRET);

  // INT 13h and its diskette alias INT 40h.
  a.org(L.ROM_INT13).db(STI).trap(T.TRAP_DISK);
  retf2(a);

  // INT 0Eh (diskette IRQ6): note the interrupt in 40:3E bit 7, EOI.
  a.org(L.ROM_INT0E).db(PUSH_AX, PUSH_DS);
  a.db(0xB8, 0x40, 0x00, 0x8E, 0xD8); // MOV AX,40h; MOV DS,AX
  a.db(0x80, 0x0E, 0x3E, 0x00, 0x80); // OR BYTE [3Eh],80h
  eoi(a, 0x20);
  a.db(POP_DS, POP_AX, IRET);

  a.org(L.ROM_INT10).db(STI).trap(T.TRAP_VIDEO).db(IRET);

  // INT 12h / 11h: plain reads of the BIOS data area.
  a.org(L.ROM_INT12).db(PUSH_DS, 0xB8, 0x40, 0x00, 0x8E, 0xD8, 0xA1, 0x13, 0x00, POP_DS, IRET);
  a.org(L.ROM_INT11).db(PUSH_DS, 0xB8, 0x40, 0x00, 0x8E, 0xD8, 0xA1, 0x10, 0x00, POP_DS, IRET);

  // INT 15h: AH=86h waits in guest code; everything else is one trap.
  a.org(L.ROM_INT15).db(0x80, 0xFC, 0x86).jcc(JE, "int15_wait");
  a.trap(T.TRAP_SYSTEM);
  retf2(a);
  a.label("int15_wait").db(STI).trap(T.TRAP_WAIT_BEGIN).jcc(JC, "int15_wait_done");
  a.label("int15_wait_loop").trap(T.TRAP_WAIT_CHECK).jcc(JNC, "int15_wait_done");
  a.db(STI, HLT).jmpShort("int15_wait_loop");
  a.label("int15_wait_done");
  retf2(a);

  a.org(L.ROM_INT1A).db(STI).trap(T.TRAP_TIME);
  retf2(a);

  // INT 08h (IRQ0): count the tick, chain to INT 1Ch, EOI.
  a.org(L.ROM_INT08).db(STI, PUSH_AX).trap(T.TRAP_TIMER);
  intN(a, 0x1C);
  a.db(CLI);
  eoi(a, 0x20);
  a.db(POP_AX, IRET);

  // Unexpected IRQ (master 2–7, slave 8–15): the trap masks the line and sends the EOIs.
  a.org(L.ROM_UNEXPECTED_IRQ).label("unexpected_irq").trap(T.TRAP_UNEXPECTED_IRQ).db(IRET);

  a.org(L.ROM_DUMMY_IRET).db(IRET);
  a.org(L.ROM_INT05).db(IRET);
}

function emitFreeCode(a: Asm): void {
  a.org(L.ROM_INT19_BODY);
  // INT 19h: the trap loads the boot sector and sets DL; CF = nothing bootable.
  a.label("int19_body").db(STI).trap(T.TRAP_BOOT).jcc(JC, "int19_fail");
  a.jmpFar(0x0000, 0x7C00);
  a.label("int19_fail");
  intN(a, 0x18);
  a.label("int19_halt").db(STI, HLT).jmpShort("int19_halt");

  // INT 18h: the message (trap), wait for a key, then try to boot again.
  a.org(L.ROM_INT18).db(STI).trap(T.TRAP_NO_BOOT);
  a.db(0xB4, 0x00); // MOV AH,0
  intN(a, 0x16);
  intN(a, 0x19);

  // INT 70h (IRQ8, RTC): the trap acknowledges the RTC and counts down waits; CF = alarm → INT 4Ah.
  a.org(L.ROM_INT70).db(PUSH_AX).trap(T.TRAP_RTC_IRQ).jcc(JNC, "int70_eoi");
  intN(a, 0x4A);
  a.label("int70_eoi").db(CLI);
  eoi(a, 0xA0);
  eoi(a, 0x20);
  a.db(POP_AX, IRET);

  // INT 71h (IRQ9): the AT redirects it to IRQ2's vector after the slave EOI.
  a.org(L.ROM_INT71).db(PUSH_AX);
  eoi(a, 0xA0);
  a.db(POP_AX);
  intN(a, 0x0A);
  a.db(IRET);
}

/** F000:FEF3 — offsets of the handlers for vectors 08h–1Fh, as IBM BIOSes publish them. */
function emitVectorTable(image: Uint8Array): void {
  for (let v = 0x08; v <= 0x1F; v++) {
    const off = romVectorOffset(v);
    image[L.ROM_VECTOR_TABLE + (v - 8) * 2] = off & 0xFF;
    image[L.ROM_VECTOR_TABLE + (v - 8) * 2 + 1] = off >>> 8;
  }
}

/** Offset in segment F000 that POST installs for vector `v` (fonts and tables included). */
export function romVectorOffset(v: number): number {
  switch (v) {
    case 0x02:
      return L.ROM_NMI;
    case 0x05:
      return L.ROM_INT05;
    case 0x08:
      return L.ROM_INT08;
    case 0x09:
      return L.ROM_INT09;
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x0F:
    case 0x72:
    case 0x73:
    case 0x74:
    case 0x75:
    case 0x76:
    case 0x77:
      return L.ROM_UNEXPECTED_IRQ;
    case 0x0E:
      return L.ROM_INT0E;
    case 0x10:
      return L.ROM_INT10;
    case 0x11:
      return L.ROM_INT11;
    case 0x12:
      return L.ROM_INT12;
    case 0x13:
    case 0x40:
      return L.ROM_INT13;
    case 0x14:
      return L.ROM_INT14;
    case 0x15:
      return L.ROM_INT15;
    case 0x16:
      return L.ROM_INT16;
    case 0x17:
      return L.ROM_INT17;
    case 0x18:
      return L.ROM_INT18;
    case 0x19:
      return L.ROM_INT19;
    case 0x1A:
      return L.ROM_INT1A;
    case 0x1D:
      return L.ROM_VIDEO_PARAMS;
    case 0x1E:
      return L.ROM_DISKETTE_PARAMS;
    case 0x1F:
      return L.ROM_FONT_8X8_UPPER;
    case 0x41:
      return L.ROM_HD0_PARAMS;
    case 0x43:
      return L.ROM_FONT_8X8;
    case 0x46:
      return L.ROM_HD1_PARAMS;
    case 0x70:
      return L.ROM_INT70;
    case 0x71:
      return L.ROM_INT71;
    default:
      return L.ROM_DUMMY_IRET;
  }
}
