/**
 * INT 10h AH=0Bh (CGA palette) and AH=10h (EGA/VGA palette registers and DAC).
 */
import { AL, BH, BL, BX, CH, CL, CX, DH, DX, ES } from "../cpu/registers.ts";
import type { PagedMemory } from "../memory/paged_memory.ts";
import { BDA_CGA_PALETTE, BDA_MODE_CONTROL, BDA_VGA_FLAGS } from "./bda.ts";
import { type Bda, linear } from "./access.ts";
import type { BiosCpu } from "./host.ts";
import type { VgaPorts } from "./video_hw.ts";
import type { VideoModeInfo } from "./video_modes.ts";

const ATTR_MODE_CONTROL = 0x10;
const ATTR_OVERSCAN = 0x11;
const ATTR_COLOR_SELECT = 0x14;

/** The EGA 6-bit palette value (rgbRGB) of IRGB colour `c`: brown is dark yellow with half green. */
export function egaColor(c: number): number {
  c &= 0x0F;
  if (c === 6) return 0x14;
  return (c & 7) | ((c & 8) !== 0 ? 0x38 : 0);
}

/**
 * The attribute-controller value for IRGB colour `c` in mode `m`. The 200-line modes run the DAC
 * with the CGA colour set (intensity in bit 4, brown built in); the others with the EGA 6-bit set.
 */
export function paletteValue(c: number, m: VideoModeInfo): number {
  if (m.layout !== "text" && m.height === 200) return (c & 7) | ((c & 8) << 1);
  return egaColor(c);
}

/** Palette register and DAC services. */
export class PaletteService {
  private readonly rgb = new Uint8Array(3);

  constructor(
    private readonly cpu: BiosCpu,
    private readonly memory: PagedMemory,
    private readonly bda: Bda,
    private readonly ports: VgaPorts,
  ) {}

  /** INT 10h AH=0Bh: BH=0 background/border colour BL, BH=1 CGA palette BL. */
  cgaPalette(m: VideoModeInfo): void {
    const r8 = this.cpu.regs8;
    let sel = this.bda.get8(BDA_CGA_PALETTE);
    if (r8[BH] === 0) {
      sel = (sel & 0xE0) | (r8[BL] & 0x1F);
      this.ports.writeAttr(ATTR_OVERSCAN, paletteValue(r8[BL], m));
      if (m.layout !== "text") this.ports.writeAttr(0, paletteValue(r8[BL], m));
    } else {
      sel = (sel & 0xDF) | ((r8[BL] & 1) << 5);
    }
    this.bda.set8(BDA_CGA_PALETTE, sel);
    if (m.layout === "cga2") {
      const base = (sel & 0x20) !== 0 ? [3, 5, 7] : [2, 4, 6];
      const bright = (sel & 0x10) !== 0 ? 8 : 0;
      for (let i = 0; i < 3; i++) this.ports.writeAttr(i + 1, paletteValue(base[i] | bright, m));
    }
  }

  /** INT 10h AH=10h. */
  handle(): void {
    const r8 = this.cpu.regs8;
    const regs = this.cpu.regs;
    const table = linear(this.cpu.sregs[ES], regs[DX]);
    switch (r8[AL]) {
      case 0x00:
        if (r8[BL] <= 0x0F) this.ports.writeAttr(r8[BL], r8[BH]);
        return;
      case 0x01:
        this.ports.writeAttr(ATTR_OVERSCAN, r8[BH]);
        return;
      case 0x02:
        for (let i = 0; i < 16; i++) this.ports.writeAttr(i, this.memory.read8(table + i));
        this.ports.writeAttr(ATTR_OVERSCAN, this.memory.read8(table + 16));
        return;
      case 0x03: {
        const mc = this.ports.readAttr(ATTR_MODE_CONTROL);
        const blink = (r8[BL] & 1) !== 0;
        this.ports.writeAttr(ATTR_MODE_CONTROL, blink ? mc | 0x08 : mc & ~0x08);
        const cga = this.bda.get8(BDA_MODE_CONTROL);
        this.bda.set8(BDA_MODE_CONTROL, blink ? cga | 0x20 : cga & ~0x20);
        return;
      }
      case 0x07:
        if (r8[BL] <= 0x0F) r8[BH] = this.ports.readAttr(r8[BL]);
        return;
      case 0x08:
        r8[BH] = this.ports.readAttr(ATTR_OVERSCAN);
        return;
      case 0x09:
        for (let i = 0; i < 16; i++) this.memory.write8(table + i, this.ports.readAttr(i));
        this.memory.write8(table + 16, this.ports.readAttr(ATTR_OVERSCAN));
        return;
      case 0x10:
        this.ports.setDac(regs[BX] & 0xFF, r8[DH], r8[CH], r8[CL]);
        return;
      case 0x12:
        for (let i = 0; i < regs[CX]; i++) {
          const a = table + i * 3;
          this.ports.setDac(
            (regs[BX] + i) & 0xFF,
            this.memory.read8(a),
            this.memory.read8(a + 1),
            this.memory.read8(a + 2),
          );
        }
        return;
      case 0x13:
        this.colorPage();
        return;
      case 0x15:
        this.ports.getDac(regs[BX] & 0xFF, this.rgb);
        r8[DH] = this.rgb[0];
        r8[CH] = this.rgb[1];
        r8[CL] = this.rgb[2];
        return;
      case 0x17:
        for (let i = 0; i < regs[CX]; i++) {
          this.ports.getDac((regs[BX] + i) & 0xFF, this.rgb);
          const a = table + i * 3;
          this.memory.write8(a, this.rgb[0]);
          this.memory.write8(a + 1, this.rgb[1]);
          this.memory.write8(a + 2, this.rgb[2]);
        }
        return;
      case 0x1A: {
        const mc = this.ports.readAttr(ATTR_MODE_CONTROL);
        const cs = this.ports.readAttr(ATTR_COLOR_SELECT);
        r8[BL] = (mc >> 7) & 1;
        r8[BH] = (mc & 0x80) !== 0 ? cs & 0x0F : (cs >> 2) & 3;
        return;
      }
      case 0x1B:
        this.sumToGray(regs[BX] & 0xFF, regs[CX]);
        return;
      default:
        return;
    }
  }

  private colorPage(): void {
    const r8 = this.cpu.regs8;
    const mc = this.ports.readAttr(ATTR_MODE_CONTROL);
    if (r8[BL] === 0) {
      this.ports.writeAttr(ATTR_MODE_CONTROL, (mc & 0x7F) | ((r8[BH] & 1) << 7));
    } else if (r8[BL] === 1) {
      const cs = this.ports.readAttr(ATTR_COLOR_SELECT);
      const v = (mc & 0x80) !== 0 ? (cs & 0xF0) | (r8[BH] & 0x0F) : (cs & 0xF3) | ((r8[BH] & 3) << 2);
      this.ports.writeAttr(ATTR_COLOR_SELECT, v);
    }
  }

  /** Replaces `count` DAC entries from `first` with their luminance (30% R + 59% G + 11% B). */
  sumToGray(first: number, count: number): void {
    for (let i = 0; i < count; i++) {
      const idx = (first + i) & 0xFF;
      this.ports.getDac(idx, this.rgb);
      const y = Math.min(63, Math.floor((30 * this.rgb[0] + 59 * this.rgb[1] + 11 * this.rgb[2] + 50) / 100));
      this.ports.setDac(idx, y, y, y);
    }
  }

  /** True when INT 10h AH=12h BL=33h turned gray-scale summing on (40:89 bit 1). */
  graySumming(): boolean {
    return (this.bda.get8(BDA_VGA_FLAGS) & 0x02) !== 0;
  }
}
