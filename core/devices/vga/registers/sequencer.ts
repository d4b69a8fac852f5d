/** The sequencer (ports 3C4h index, 3C5h data): memory plane access and dot clocking. */
export class Sequencer {
  /** Selected register (3C4h). */
  index = 0;
  /** SR00–SR04. */
  readonly regs = new Uint8Array(5);

  read(): number {
    return this.index < this.regs.length ? this.regs[this.index] : 0xFF;
  }

  write(value: number): void {
    if (this.index < this.regs.length) this.regs[this.index] = value;
  }

  /** SR01 bit 3: the dot clock is halved (320- and 360-pixel modes). */
  get halfDotClock(): boolean {
    return (this.regs[1] & 0x08) !== 0;
  }

  /** SR01 bit 0: 8-dot character clocks (else 9). */
  get eightDotChars(): boolean {
    return (this.regs[1] & 0x01) !== 0;
  }

  /** SR02 bits 0–3: planes a CPU write may change. */
  get mapMask(): number {
    return this.regs[2] & 0x0F;
  }

  /** SR04 bit 3: chain-4, CPU address bits 0–1 select the plane (mode 13h). */
  get chain4(): boolean {
    return (this.regs[4] & 0x08) !== 0;
  }

  /** SR04 bit 2 clear: CPU writes use odd/even addressing (address bit 0 selects plane 0/2 or 1/3). */
  get oddEvenWrites(): boolean {
    return (this.regs[4] & 0x04) === 0;
  }

  /** Plane-2 offset of character map A (used for attribute bit 3 set) and B (SR03). */
  get charMapOffsets(): [number, number] {
    const m = this.regs[3];
    const a = ((m >> 2) & 3) | ((m >> 3) & 4); // bits 5, 3–2
    const b = (m & 3) | ((m >> 2) & 4); // bits 4, 1–0
    return [MAP_OFFSET[a], MAP_OFFSET[b]];
  }
}

/** Character map number → offset of its first glyph in plane 2 (maps 4–7 sit between 0–3). */
const MAP_OFFSET = [0x0000, 0x4000, 0x8000, 0xC000, 0x2000, 0x6000, 0xA000, 0xE000];
