/**
 * The attribute controller (port 3C0h index/data behind a flip-flop, 3C1h data read):
 * maps 4-bit pixel colours to DAC indices, text blink/intensity, overscan.
 */
export class AttributeController {
  /** Selected register (bits 0–4 of the last index write). */
  index = 0;
  /** Index bit 5, palette address source: set while the display uses the palette normally. */
  paletteSource = false;
  /** False: the next 3C0h write is an index; true: it is data. Reading input status 1 clears it. */
  flipFlop = false;
  /** AR00–AR14: 16 palette registers, mode control, overscan, colour plane enable, panning, colour select. */
  readonly regs = new Uint8Array(0x15);

  /** 3C0h write. Returns the register written, or -1 for an index write. */
  writePort(value: number): number {
    if (!this.flipFlop) {
      this.flipFlop = true;
      this.index = value & 0x1F;
      this.paletteSource = (value & 0x20) !== 0;
      return -1;
    }
    this.flipFlop = false;
    if (this.index >= this.regs.length) return -1;
    this.regs[this.index] = this.index < 16 ? value & 0x3F : value;
    return this.index;
  }

  /** 3C0h read: the index register. */
  readIndex(): number {
    return this.index | (this.paletteSource ? 0x20 : 0);
  }

  /** 3C1h read: the selected register. */
  readData(): number {
    return this.index < this.regs.length ? this.regs[this.index] : 0;
  }

  /** AR10 bit 3: attribute bit 7 blinks (else it selects bright backgrounds). */
  get blinkEnabled(): boolean {
    return (this.regs[0x10] & 0x08) !== 0;
  }

  /** AR10 bit 6: 8-bit pixels go straight to the DAC (mode 13h). */
  get eightBitColor(): boolean {
    return (this.regs[0x10] & 0x40) !== 0;
  }

  /** The DAC index for a 4-bit colour: plane enable, palette register, then colour select. */
  dacIndex(color: number): number {
    const p = this.regs[color & this.regs[0x12] & 0x0F];
    const select = this.regs[0x14];
    // AR10 bit 7 takes DAC index bits 4–5 from colour select bits 0–1 instead of the palette.
    if ((this.regs[0x10] & 0x80) !== 0) return (p & 0x0F) | ((select & 0x0F) << 4);
    return (p & 0x3F) | ((select & 0x0C) << 4);
  }
}
