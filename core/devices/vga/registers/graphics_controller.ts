/** The graphics controller (ports 3CEh index, 3CFh data): the CPU's data path into the planes. */
export class GraphicsController {
  /** Selected register (3CEh). */
  index = 0;
  /** GR00–GR08. */
  readonly regs = new Uint8Array(9);

  read(): number {
    return this.index < this.regs.length ? this.regs[this.index] : 0xFF;
  }

  write(value: number): void {
    if (this.index < this.regs.length) this.regs[this.index] = value;
  }

  /** GR00: set/reset value per plane. */
  get setReset(): number {
    return this.regs[0] & 0x0F;
  }

  /** GR01: planes that take the set/reset value in write mode 0. */
  get enableSetReset(): number {
    return this.regs[1] & 0x0F;
  }

  /** GR02: colour compared in read mode 1. */
  get colorCompare(): number {
    return this.regs[2] & 0x0F;
  }

  /** GR03 bits 0–2: right-rotate count of CPU data. */
  get rotateCount(): number {
    return this.regs[3] & 0x07;
  }

  /** GR03 bits 3–4: 0 replace, 1 AND, 2 OR, 3 XOR with the latches. */
  get logicalOp(): number {
    return (this.regs[3] >> 3) & 0x03;
  }

  /** GR04 bits 0–1: plane read in read mode 0. */
  get readMapSelect(): number {
    return this.regs[4] & 0x03;
  }

  /** GR05 bits 0–1. */
  get writeMode(): number {
    return this.regs[5] & 0x03;
  }

  /** GR05 bit 3. */
  get readMode(): number {
    return (this.regs[5] >> 3) & 0x01;
  }

  /** GR05 bit 4: CPU reads use odd/even addressing. */
  get oddEvenReads(): boolean {
    return (this.regs[5] & 0x10) !== 0;
  }

  /** GR05 bit 5: CGA-style 2-bit pixels (modes 4/5). */
  get shiftInterleave(): boolean {
    return (this.regs[5] & 0x20) !== 0;
  }

  /** GR05 bit 6: 256-colour shift mode (mode 13h, mode X). */
  get shift256(): boolean {
    return (this.regs[5] & 0x40) !== 0;
  }

  /** GR06 bit 0: graphics (else alphanumeric) mode. */
  get graphicsMode(): boolean {
    return (this.regs[6] & 0x01) !== 0;
  }

  /** GR06 bits 2–3: 0 A0000h 128K, 1 A0000h 64K, 2 B0000h 32K, 3 B8000h 32K. */
  get memoryMap(): number {
    return (this.regs[6] >> 2) & 0x03;
  }

  /** GR07: planes that take part in read mode 1's comparison. */
  get colorDontCare(): number {
    return this.regs[7] & 0x0F;
  }

  /** GR08: bits that come from the new data (others keep the latch). */
  get bitMask(): number {
    return this.regs[8];
  }
}
