/**
 * VGA register access through the I/O ports, the way a video BIOS programs
 * the adapter: CRTC, sequencer, graphics controller, attribute controller and DAC.
 */
import type { IoBus } from "../io/io_bus.ts";
import { BDA_CRTC_BASE } from "./bda.ts";
import type { Bda } from "./access.ts";

const SEQ_INDEX = 0x3C4;
const GC_INDEX = 0x3CE;
const ATTR_INDEX = 0x3C0;
const ATTR_READ = 0x3C1;
const DAC_READ_INDEX = 0x3C7;
const DAC_WRITE_INDEX = 0x3C8;
const DAC_DATA = 0x3C9;

/** CRTC register numbers the BIOS uses. */
export const CRTC_MAX_SCAN = 0x09;
export const CRTC_CURSOR_START = 0x0A;
export const CRTC_CURSOR_END = 0x0B;
export const CRTC_START_HIGH = 0x0C;
export const CRTC_START_LOW = 0x0D;
export const CRTC_CURSOR_HIGH = 0x0E;
export const CRTC_CURSOR_LOW = 0x0F;
export const CRTC_VDISP_END = 0x12;
export const CRTC_OVERFLOW = 0x07;

/** Port-level access to the VGA registers. */
export class VgaPorts {
  constructor(private readonly io: IoBus, private readonly bda: Bda) {}

  /** 3D4h for colour modes, 3B4h for monochrome, as recorded at 40:63. */
  crtcBase(): number {
    const base = this.bda.get16(BDA_CRTC_BASE);
    return base === 0x3B4 ? 0x3B4 : 0x3D4;
  }

  writeCrtc(index: number, value: number): void {
    const base = this.crtcBase();
    this.io.out8(base, index);
    this.io.out8(base + 1, value);
  }

  readCrtc(index: number): number {
    const base = this.crtcBase();
    this.io.out8(base, index);
    return this.io.in8(base + 1);
  }

  writeSeq(index: number, value: number): void {
    this.io.out8(SEQ_INDEX, index);
    this.io.out8(SEQ_INDEX + 1, value);
  }

  readSeq(index: number): number {
    this.io.out8(SEQ_INDEX, index);
    return this.io.in8(SEQ_INDEX + 1);
  }

  writeGc(index: number, value: number): void {
    this.io.out8(GC_INDEX, index);
    this.io.out8(GC_INDEX + 1, value);
  }

  readGc(index: number): number {
    this.io.out8(GC_INDEX, index);
    return this.io.in8(GC_INDEX + 1);
  }

  /** Writes an attribute controller register, leaving the palette address source (display) enabled. */
  writeAttr(index: number, value: number): void {
    this.io.in8(this.crtcBase() + 6); // reset the index/data flip-flop
    this.io.out8(ATTR_INDEX, index & 0x1F);
    this.io.out8(ATTR_INDEX, value);
    this.io.out8(ATTR_INDEX, 0x20);
  }

  readAttr(index: number): number {
    this.io.in8(this.crtcBase() + 6);
    this.io.out8(ATTR_INDEX, index & 0x1F);
    const v = this.io.in8(ATTR_READ);
    this.io.in8(this.crtcBase() + 6);
    this.io.out8(ATTR_INDEX, 0x20);
    return v;
  }

  setDac(index: number, r: number, g: number, b: number): void {
    this.io.out8(DAC_WRITE_INDEX, index);
    this.io.out8(DAC_DATA, r);
    this.io.out8(DAC_DATA, g);
    this.io.out8(DAC_DATA, b);
  }

  /** Reads DAC entry `index` into `out[0..2]`. */
  getDac(index: number, out: Uint8Array): void {
    this.io.out8(DAC_READ_INDEX, index);
    out[0] = this.io.in8(DAC_DATA);
    out[1] = this.io.in8(DAC_DATA);
    out[2] = this.io.in8(DAC_DATA);
  }

  /** CRTC cursor location (in character cells from the start of video memory). */
  setCursorAddress(cell: number): void {
    this.writeCrtc(CRTC_CURSOR_HIGH, (cell >>> 8) & 0xFF);
    this.writeCrtc(CRTC_CURSOR_LOW, cell & 0xFF);
  }

  /** CRTC display start address. */
  setStartAddress(address: number): void {
    this.writeCrtc(CRTC_START_HIGH, (address >>> 8) & 0xFF);
    this.writeCrtc(CRTC_START_LOW, address & 0xFF);
  }
}
