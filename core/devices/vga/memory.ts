/**
 * The VGA's 256 KiB of video memory (4 planes × 64 KiB) and the CPU's path into it:
 * the A0000h–BFFFFh window, chain-4 / odd-even / planar addressing, the latches,
 * read modes 0–1 and write modes 0–3.
 *
 * Planes are stored interleaved in {@link PagedMemory} `vram`: plane p's byte at
 * offset o is `vram.bytes[(o << 2) | p]`, so one display fetch (all four planes at
 * one offset) is four adjacent bytes. Every store goes through `vram.write8` so a
 * live snapshot's write barrier sees it.
 */
import { PagedMemory } from "../../memory/paged_memory.ts";
import type { VgaRegisters } from "./registers/index.ts";

/** Bytes of video memory. */
export const VRAM_SIZE = 256 * 1024;

/** Window base and size for each graphics controller memory map value (GR06 bits 2–3). */
const WINDOW_BASE = [0xA0000, 0xA0000, 0xB0000, 0xB8000];
const WINDOW_SIZE = [0x20000, 0x10000, 0x8000, 0x8000];

export class VideoMemory {
  readonly vram = new PagedMemory(VRAM_SIZE);
  /** The four latches, loaded by every CPU read. */
  readonly latch = new Uint8Array(4);
  /** Set by every CPU write; the renderer clears it when it has looked at memory. */
  written = true;

  constructor(private readonly regs: VgaRegisters) {}

  /** Offset of `addr` inside the current window, or -1 if the window does not cover it. */
  windowOffset(addr: number): number {
    const map = this.regs.gc.memoryMap;
    const offset = addr - WINDOW_BASE[map];
    return offset >= 0 && offset < WINDOW_SIZE[map] ? offset : -1;
  }

  /** A byte of one plane (display and test access; never changes the latches). */
  planeByte(plane: number, offset: number): number {
    return this.vram.bytes[((offset & 0xFFFF) << 2) | plane];
  }

  /** Stores a byte into one plane through the write path (font loading, clearing). */
  setPlaneByte(plane: number, offset: number, value: number): void {
    this.vram.write8(((offset & 0xFFFF) << 2) | plane, value);
    this.written = true;
  }

  /** CPU read at a physical address in A0000h–BFFFFh. */
  read(addr: number): number {
    const offset = this.windowOffset(addr);
    if (offset < 0) return 0xFF;
    const { seq, gc } = this.regs;
    let memOffset: number;
    let plane: number;
    if (seq.chain4) {
      plane = offset & 3;
      memOffset = offset & 0xFFFC;
    } else if (gc.oddEvenReads) {
      plane = (gc.readMapSelect & 2) | (offset & 1);
      memOffset = offset & 0xFFFE;
    } else {
      plane = gc.readMapSelect;
      memOffset = offset & 0xFFFF;
    }
    const base = memOffset << 2;
    const bytes = this.vram.bytes;
    const latch = this.latch;
    latch[0] = bytes[base];
    latch[1] = bytes[base + 1];
    latch[2] = bytes[base + 2];
    latch[3] = bytes[base + 3];
    if (gc.readMode === 0) return latch[plane];
    // Read mode 1: a bit is set where every plane that takes part matches the compare colour.
    const compare = gc.colorCompare;
    const care = gc.colorDontCare;
    let differ = 0;
    for (let p = 0; p < 4; p++) {
      if ((care & (1 << p)) !== 0) differ |= latch[p] ^ ((compare >> p) & 1 ? 0xFF : 0x00);
    }
    return ~differ & 0xFF;
  }

  /**
   * CPU write at a physical address in A0000h–BFFFFh.
   *
   * Games write video memory byte by byte (REP STOSW clears, sprite blits), so this reads
   * the register bytes directly and first tries the common case: write mode 0 with no
   * rotation, no logical operation, all bits enabled and no set/reset on the planes written,
   * where every selected plane simply takes the byte. Everything else takes the general path.
   */
  write(addr: number, value: number): void {
    value &= 0xFF;
    const gr = this.regs.gc.regs;
    const sr = this.regs.seq.regs;
    const map = (gr[6] >> 2) & 0x03;
    const offset = addr - WINDOW_BASE[map];
    if (offset < 0 || offset >= WINDOW_SIZE[map]) return;
    let planes = sr[2] & 0x0F; // map mask
    let memOffset: number;
    if ((sr[4] & 0x08) !== 0) {
      // Chain-4: address bits 0–1 select the plane.
      planes &= 1 << (offset & 3);
      memOffset = offset & 0xFFFC;
    } else if ((sr[4] & 0x04) === 0) {
      // Odd/even: address bit 0 selects planes 0/2 or 1/3.
      planes &= (offset & 1) !== 0 ? 0b1010 : 0b0101;
      memOffset = offset & 0xFFFE;
    } else {
      memOffset = offset & 0xFFFF;
    }
    if (planes === 0) return;
    const base = memOffset << 2;
    if ((gr[5] & 0x03) === 0 && (gr[3] & 0x1F) === 0 && gr[8] === 0xFF && (gr[1] & planes) === 0) {
      const vram = this.vram;
      if ((planes & 1) !== 0) vram.write8(base, value);
      if ((planes & 2) !== 0) vram.write8(base + 1, value);
      if ((planes & 4) !== 0) vram.write8(base + 2, value);
      if ((planes & 8) !== 0) vram.write8(base + 3, value);
      this.written = true;
      return;
    }
    this.writeGeneral(base, planes, value);
  }

  /** Write modes 0–3 with rotation, set/reset, logical operations and the bit mask. */
  private writeGeneral(base: number, planes: number, value: number): void {
    const gc = this.regs.gc;
    const mode = gc.writeMode;
    const latch = this.latch;
    const rotated = mode === 0 || mode === 3 ? rotateRight(value, gc.rotateCount) : value;
    let bitMask = gc.bitMask;
    if (mode === 3) bitMask &= rotated;
    const op = gc.logicalOp;
    const setReset = gc.setReset;
    const enable = gc.enableSetReset;
    for (let p = 0; p < 4; p++) {
      if ((planes & (1 << p)) === 0) continue;
      let data: number;
      if (mode === 1) {
        data = latch[p];
      } else {
        if (mode === 0) data = (enable & (1 << p)) !== 0 ? ((setReset >> p) & 1 ? 0xFF : 0) : rotated;
        else if (mode === 2) data = (value >> p) & 1 ? 0xFF : 0;
        else data = (setReset >> p) & 1 ? 0xFF : 0;
        if (op === 1) data &= latch[p];
        else if (op === 2) data |= latch[p];
        else if (op === 3) data ^= latch[p];
        data = (data & bitMask) | (latch[p] & ~bitMask);
      }
      this.vram.write8(base + p, data & 0xFF);
    }
    this.written = true;
  }
}

function rotateRight(value: number, count: number): number {
  return ((value >> count) | (value << (8 - count))) & 0xFF;
}
