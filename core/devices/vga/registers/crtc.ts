/** The CRT controller (3B4h/3B5h or 3D4h/3D5h): display geometry, timing, cursor, start address. */
export class Crtc {
  /** Selected register. */
  index = 0;
  /** CR00–CR18. */
  readonly regs = new Uint8Array(0x19);

  read(): number {
    return this.index < this.regs.length ? this.regs[this.index] : 0xFF;
  }

  /** Writes the selected register; returns false if write protection (CR11 bit 7) dropped it. */
  write(value: number): boolean {
    const i = this.index;
    if (i >= this.regs.length) return false;
    if ((this.regs[0x11] & 0x80) !== 0 && i <= 7) {
      // Protected: only the line compare bit 8 of the overflow register stays writable.
      if (i !== 7) return false;
      value = (this.regs[7] & ~0x10) | (value & 0x10);
    }
    this.regs[i] = value;
    return true;
  }

  /** CR00 + 5: character clocks per scan line. */
  get horizontalTotal(): number {
    return this.regs[0] + 5;
  }

  /** CR01 + 1: displayed character clocks per scan line. */
  get displayedChars(): number {
    return this.regs[1] + 1;
  }

  /** CR06 with overflow bits 8–9, + 2: scan lines per frame. */
  get verticalTotal(): number {
    const o = this.regs[7];
    return (this.regs[6] | ((o & 0x01) << 8) | ((o & 0x20) << 4)) + 2;
  }

  /** CR12 with overflow bits 8–9, + 1: displayed scan lines. */
  get displayedLines(): number {
    const o = this.regs[7];
    return (this.regs[0x12] | ((o & 0x02) << 7) | ((o & 0x40) << 3)) + 1;
  }

  /** CR10 with overflow bits 8–9: first scan line of vertical retrace. */
  get retraceStart(): number {
    const o = this.regs[7];
    return this.regs[0x10] | ((o & 0x04) << 6) | ((o & 0x80) << 2);
  }

  /** Scan lines of vertical retrace: it ends when the line counter's low 4 bits match CR11 bits 0–3. */
  get retraceLength(): number {
    const len = ((this.regs[0x11] & 0x0F) - this.retraceStart) & 0x0F;
    return len === 0 ? 16 : len;
  }

  /** CR18 with bits 8 (CR07 bit 4) and 9 (CR09 bit 6): the split-screen line. */
  get lineCompare(): number {
    return this.regs[0x18] | ((this.regs[7] & 0x10) << 4) | ((this.regs[9] & 0x40) << 3);
  }

  /** CR09 bits 0–4 + 1: scan lines per character row. */
  get scanLinesPerRow(): number {
    return (this.regs[9] & 0x1F) + 1;
  }

  /** CR09 bit 7: every scan line is shown twice (200-line modes on a 400-line display). */
  get doubleScan(): boolean {
    return (this.regs[9] & 0x80) !== 0;
  }

  /** CR0A bit 5. */
  get cursorDisabled(): boolean {
    return (this.regs[0x0A] & 0x20) !== 0;
  }

  get cursorStart(): number {
    return this.regs[0x0A] & 0x1F;
  }

  get cursorEnd(): number {
    return this.regs[0x0B] & 0x1F;
  }

  /** CR0C/CR0D, in character clocks. */
  get startAddress(): number {
    return (this.regs[0x0C] << 8) | this.regs[0x0D];
  }

  /** CR0E/CR0F, in character clocks. */
  get cursorLocation(): number {
    return (this.regs[0x0E] << 8) | this.regs[0x0F];
  }

  /** CR13 × 2: character clocks from one row to the next. */
  get rowPitch(): number {
    return this.regs[0x13] * 2;
  }

  /**
   * How the character-clock counter becomes a plane address: 2 = doubleword
   * (CR14 bit 6), 1 = word (CR17 bit 6 clear), 0 = byte.
   */
  get addressShift(): number {
    if ((this.regs[0x14] & 0x40) !== 0) return 2;
    return (this.regs[0x17] & 0x40) === 0 ? 1 : 0;
  }

  /** CR17 bit 5: in word mode, counter bit 15 (else 13) wraps into address bit 0. */
  get addressWrap15(): boolean {
    return (this.regs[0x17] & 0x20) !== 0;
  }

  /** CR17 bit 0 clear: row scan bit 0 replaces address bit 13 (CGA interlace). */
  get cgaInterlace(): boolean {
    return (this.regs[0x17] & 0x01) === 0;
  }

  /** CR17 bit 1 clear: row scan bit 1 replaces address bit 14 (Hercules-style 4-way interlace). */
  get fourWayInterlace(): boolean {
    return (this.regs[0x17] & 0x02) === 0;
  }
}
