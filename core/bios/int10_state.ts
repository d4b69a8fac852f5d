/**
 * INT 10h AH=1Ch: save and restore the video state (IBM VGA BIOS contract).
 *
 * CX selects what: bit 0 the video hardware (registers), bit 1 the video fields
 * of the BIOS data area and the video interrupt vectors, bit 2 the DAC and the
 * colour select register. AL=00h returns in BX the buffer size in 64-byte
 * blocks, AL=01h saves into ES:BX, AL=02h restores from ES:BX; each returns
 * AL=1Ch. With none of CX bits 0–2 set there is nothing to do and AL=00h comes
 * back (as "not supported"); other AL values leave the registers alone.
 *
 * The buffer, laid out as the IBM BIOS does (and DOSBox after it):
 *
 * | Offset | Size | Content |
 * |--------|------|---------|
 * | 00h | word | offset (in ES) of the hardware state, 0 if not saved |
 * | 02h | word | offset of the BIOS data state, 0 if not saved |
 * | 04h | word | offset of the DAC state, 0 if not saved |
 * | 06h | 26 bytes | zero |
 * | 20h… | | the selected sections, in that order |
 *
 * Hardware state (46h bytes): 00h sequencer index, 01h CRTC index, 02h graphics
 * controller index, 03h attribute controller index (with the palette address
 * source bit), 04h feature control, 05h SR01–SR04, 09h miscellaneous output,
 * 0Ah CR00–CR18, 23h AR00–AR0F, 33h AR10–AR13, 37h GR00–GR08, 40h word CRTC
 * base port (3B4h/3D4h), 42h four plane latches.
 *
 * BIOS data state (3Ah bytes): 00h equipment word bits 4–5 (initial video),
 * 01h 40:49–40:66, 1Fh 40:84–40:8A, 26h the save pointer 40:A8 (dword), 2Ah
 * the INT 05h, 1Dh, 1Fh and 43h vectors.
 *
 * DAC state (304h bytes): 00h DAC state (3C7h: 0 write, 3 read), 01h DAC
 * address (3C8h), 02h pel mask, 03h 256 × R, G, B, 303h colour select (AR14).
 *
 * Everything is read and written the way a VGA BIOS does it: registers through
 * the I/O ports, the buffer and the BIOS data area through the memory's write
 * path. What falls short of the hardware: the plane latches cannot be read
 * through the ports, so they are saved as zero and not restored; a DAC read or
 * write left half-way through a colour (phase 1 or 2) restarts at the colour's
 * first component. Saving leaves the registers as they were (indices included),
 * unlike many BIOSes.
 */
import { AL, BX, CX, ES } from "../cpu/registers.ts";
import type { IoBus } from "../io/io_bus.ts";
import type { PagedMemory } from "../memory/paged_memory.ts";
import { linear } from "./access.ts";
import { BDA_BASE } from "./bda.ts";
import type { BiosCpu } from "./host.ts";

/** CX bits. */
export const STATE_HARDWARE = 0x01;
export const STATE_BIOS_DATA = 0x02;
export const STATE_DAC = 0x04;

/** Section sizes in bytes. */
export const STATE_HEADER_SIZE = 0x20;
export const HARDWARE_STATE_SIZE = 0x46;
export const BIOS_DATA_STATE_SIZE = 0x3A;
export const DAC_STATE_SIZE = 0x304;

const SEQ_INDEX = 0x3C4;
const GC_INDEX = 0x3CE;
const ATTR_INDEX = 0x3C0;
const ATTR_READ = 0x3C1;
const MISC_WRITE = 0x3C2;
const MISC_READ = 0x3CC;
const FEATURE_READ = 0x3CA;
const PEL_MASK = 0x3C6;
const DAC_READ_INDEX = 0x3C7;
const DAC_WRITE_INDEX = 0x3C8;
const DAC_DATA = 0x3C9;

/** Interrupt vectors saved with the BIOS data: print screen, video parameters, graphics font, font. */
const SAVED_VECTORS = [0x05, 0x1D, 0x1F, 0x43];
/** BIOS data area ranges saved (offsets in segment 40h, end exclusive). */
const BDA_VIDEO_LOW: readonly [number, number] = [0x49, 0x67];
const BDA_VIDEO_EGA: readonly [number, number] = [0x84, 0x8B];
const BDA_SAVE_POINTER = 0xA8;

/** Bytes a buffer needs for the sections in `cx` (0 when none of bits 0–2 is set). */
export function videoStateSize(cx: number): number {
  if ((cx & 7) === 0) return 0;
  return STATE_HEADER_SIZE + ((cx & STATE_HARDWARE) !== 0 ? HARDWARE_STATE_SIZE : 0) +
    ((cx & STATE_BIOS_DATA) !== 0 ? BIOS_DATA_STATE_SIZE : 0) + ((cx & STATE_DAC) !== 0 ? DAC_STATE_SIZE : 0);
}

/** INT 10h AH=1Ch. */
export class VideoStateService {
  constructor(
    private readonly cpu: BiosCpu,
    private readonly memory: PagedMemory,
    private readonly io: IoBus,
  ) {}

  handle(): void {
    const r8 = this.cpu.regs8;
    const regs = this.cpu.regs;
    const cx = regs[CX];
    const sub = r8[AL];
    if (sub > 2) return;
    if ((cx & 7) === 0) {
      r8[AL] = 0;
      return;
    }
    if (sub === 0) regs[BX] = Math.ceil(videoStateSize(cx) / 64);
    else if (sub === 1) this.save(cx, this.cpu.sregs[ES], regs[BX]);
    else this.restore(cx, this.cpu.sregs[ES], regs[BX]);
    r8[AL] = 0x1C;
  }

  /** Saves the sections in `cx` to seg:off. */
  save(cx: number, seg: number, off: number): void {
    const w8 = (o: number, v: number) => this.memory.write8(linear(seg, o), v & 0xFF);
    const w16 = (o: number, v: number) => {
      w8(o, v);
      w8(o + 1, v >> 8);
    };
    for (let i = 0; i < STATE_HEADER_SIZE; i++) w8(off + i, 0);
    let at = (off + STATE_HEADER_SIZE) & 0xFFFF;
    if ((cx & STATE_HARDWARE) !== 0) {
      w16(off, at);
      this.saveHardware(at, w8, w16);
      at = (at + HARDWARE_STATE_SIZE) & 0xFFFF;
    }
    if ((cx & STATE_BIOS_DATA) !== 0) {
      w16(off + 2, at);
      this.saveBiosData(at, w8);
      at = (at + BIOS_DATA_STATE_SIZE) & 0xFFFF;
    }
    if ((cx & STATE_DAC) !== 0) {
      w16(off + 4, at);
      this.saveDac(at, w8);
    }
  }

  /** Restores the sections in `cx` from seg:off (each from where the buffer's header says it is). */
  restore(cx: number, seg: number, off: number): void {
    const r8 = (o: number) => this.memory.read8(linear(seg, o));
    const r16 = (o: number) => r8(o) | (r8(o + 1) << 8);
    if ((cx & STATE_HARDWARE) !== 0 && r16(off) !== 0) this.restoreHardware(r16(off), r8);
    if ((cx & STATE_BIOS_DATA) !== 0 && r16(off + 2) !== 0) this.restoreBiosData(r16(off + 2), r8);
    if ((cx & STATE_DAC) !== 0 && r16(off + 4) !== 0) this.restoreDac(r16(off + 4), r8);
  }

  // --- Hardware ----------------------------------------------------------------------------------

  /** CRTC base port from the miscellaneous output register (the hardware's own view). */
  private crtcBase(): number {
    return (this.io.in8(MISC_READ) & 1) !== 0 ? 0x3D4 : 0x3B4;
  }

  private saveHardware(
    at: number,
    w8: (o: number, v: number) => void,
    w16: (o: number, v: number) => void,
  ): void {
    const io = this.io;
    const base = this.crtcBase();
    const seqIndex = io.in8(SEQ_INDEX);
    const crtcIndex = io.in8(base);
    const gcIndex = io.in8(GC_INDEX);
    io.in8(base + 6); // attribute flip-flop to index
    const attrIndex = io.in8(ATTR_INDEX);
    w8(at + 0x00, seqIndex);
    w8(at + 0x01, crtcIndex);
    w8(at + 0x02, gcIndex);
    w8(at + 0x03, attrIndex);
    w8(at + 0x04, io.in8(FEATURE_READ));
    for (let i = 1; i <= 4; i++) w8(at + 0x04 + i, this.readIndexed(SEQ_INDEX, i));
    w8(at + 0x09, io.in8(MISC_READ));
    for (let i = 0; i <= 0x18; i++) w8(at + 0x0A + i, this.readIndexed(base, i));
    for (let i = 0; i <= 0x13; i++) {
      io.in8(base + 6);
      io.out8(ATTR_INDEX, i | (attrIndex & 0x20));
      w8(at + 0x23 + i, io.in8(ATTR_READ));
    }
    for (let i = 0; i <= 8; i++) w8(at + 0x37 + i, this.readIndexed(GC_INDEX, i));
    w16(at + 0x40, base);
    for (let p = 0; p < 4; p++) w8(at + 0x42 + p, 0); // latches: not readable through the ports
    // Put the indices back as they were.
    io.out8(SEQ_INDEX, seqIndex);
    io.out8(base, crtcIndex);
    io.out8(GC_INDEX, gcIndex);
    this.setAttrIndex(base, attrIndex);
  }

  private restoreHardware(at: number, r8: (o: number) => number): void {
    const io = this.io;
    const misc = r8(at + 0x09);
    io.out8(MISC_WRITE, misc);
    // The CRTC answers where the restored misc register puts it (the saved base word says the same).
    const base = (misc & 1) !== 0 ? 0x3D4 : 0x3B4;
    io.out8(base + 6, r8(at + 0x04)); // feature control
    for (let i = 1; i <= 4; i++) this.writeIndexed(SEQ_INDEX, i, r8(at + 0x04 + i));
    // Lift CR11's write protection first so CR00–CR07 take; CR11 itself comes after them.
    this.writeIndexed(base, 0x11, r8(at + 0x0A + 0x11) & 0x7F);
    for (let i = 0; i <= 0x18; i++) this.writeIndexed(base, i, r8(at + 0x0A + i));
    for (let i = 0; i <= 0x13; i++) {
      io.in8(base + 6);
      io.out8(ATTR_INDEX, i);
      io.out8(ATTR_INDEX, r8(at + 0x23 + i));
    }
    for (let i = 0; i <= 8; i++) this.writeIndexed(GC_INDEX, i, r8(at + 0x37 + i));
    io.out8(SEQ_INDEX, r8(at + 0x00));
    io.out8(base, r8(at + 0x01));
    io.out8(GC_INDEX, r8(at + 0x02));
    this.setAttrIndex(base, r8(at + 0x03));
  }

  // --- BIOS data ---------------------------------------------------------------------------------

  private saveBiosData(at: number, w8: (o: number, v: number) => void): void {
    const m = this.memory;
    w8(at, m.read8(BDA_BASE + 0x10) & 0x30);
    let o = at + 1;
    for (const [from, to] of [BDA_VIDEO_LOW, BDA_VIDEO_EGA]) {
      for (let i = from; i < to; i++) w8(o++, m.read8(BDA_BASE + i));
    }
    for (let i = 0; i < 4; i++) w8(o++, m.read8(BDA_BASE + BDA_SAVE_POINTER + i));
    for (const v of SAVED_VECTORS) {
      for (let i = 0; i < 4; i++) w8(o++, m.read8(v * 4 + i));
    }
  }

  private restoreBiosData(at: number, r8: (o: number) => number): void {
    const m = this.memory;
    m.write8(BDA_BASE + 0x10, (m.read8(BDA_BASE + 0x10) & ~0x30) | (r8(at) & 0x30));
    let o = at + 1;
    for (const [from, to] of [BDA_VIDEO_LOW, BDA_VIDEO_EGA]) {
      for (let i = from; i < to; i++) m.write8(BDA_BASE + i, r8(o++));
    }
    for (let i = 0; i < 4; i++) m.write8(BDA_BASE + BDA_SAVE_POINTER + i, r8(o++));
    for (const v of SAVED_VECTORS) {
      for (let i = 0; i < 4; i++) m.write8(v * 4 + i, r8(o++));
    }
  }

  // --- DAC ---------------------------------------------------------------------------------------

  private saveDac(at: number, w8: (o: number, v: number) => void): void {
    const io = this.io;
    const state = io.in8(DAC_READ_INDEX) & 3;
    const address = io.in8(DAC_WRITE_INDEX);
    w8(at, state);
    w8(at + 1, address);
    w8(at + 2, io.in8(PEL_MASK));
    io.out8(DAC_READ_INDEX, 0);
    for (let i = 0; i < 768; i++) w8(at + 3 + i, io.in8(DAC_DATA));
    w8(at + 0x303, this.readAttrKeepingIndex(0x14));
    io.out8(state === 3 ? DAC_READ_INDEX : DAC_WRITE_INDEX, address);
  }

  private restoreDac(at: number, r8: (o: number) => number): void {
    const io = this.io;
    io.out8(PEL_MASK, r8(at + 2));
    io.out8(DAC_WRITE_INDEX, 0);
    for (let i = 0; i < 768; i++) io.out8(DAC_DATA, r8(at + 3 + i));
    this.writeAttrKeepingIndex(0x14, r8(at + 0x303));
    io.out8(r8(at) === 3 ? DAC_READ_INDEX : DAC_WRITE_INDEX, r8(at + 1));
  }

  // --- Port helpers ------------------------------------------------------------------------------

  private readIndexed(indexPort: number, index: number): number {
    this.io.out8(indexPort, index);
    return this.io.in8(indexPort + 1);
  }

  private writeIndexed(indexPort: number, index: number, value: number): void {
    this.io.out8(indexPort, index);
    this.io.out8(indexPort + 1, value);
  }

  /** Leaves the attribute controller with `index` selected and its flip-flop expecting an index. */
  private setAttrIndex(base: number, index: number): void {
    this.io.in8(base + 6);
    this.io.out8(ATTR_INDEX, index);
    this.io.in8(base + 6);
  }

  private readAttrKeepingIndex(reg: number): number {
    const base = this.crtcBase();
    this.io.in8(base + 6);
    const index = this.io.in8(ATTR_INDEX);
    this.io.out8(ATTR_INDEX, reg | (index & 0x20));
    const v = this.io.in8(ATTR_READ);
    this.setAttrIndex(base, index);
    return v;
  }

  private writeAttrKeepingIndex(reg: number, value: number): void {
    const base = this.crtcBase();
    this.io.in8(base + 6);
    const index = this.io.in8(ATTR_INDEX);
    this.io.out8(ATTR_INDEX, reg | (index & 0x20));
    this.io.out8(ATTR_INDEX, value);
    this.setAttrIndex(base, index);
  }
}
