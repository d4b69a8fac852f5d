/**
 * The DAC (3C6h pel mask, 3C7h read index / state, 3C8h write index, 3C9h data):
 * 256 colours of three 6-bit components, read and written one component at a time.
 */
export class Dac {
  /** 256 × (R, G, B), 6 bits each. */
  readonly rgb = new Uint8Array(768);
  /** 3C6h: ANDed with every pixel value before the lookup. */
  pelMask = 0xFF;
  writeIndex = 0;
  readIndex = 0;
  /** Which component (0 R, 1 G, 2 B) the next 3C9h access is: one counter shared by reads and writes. */
  phase = 0;
  /** 3C7h read value: 0 after a write index was set, 3 after a read index. */
  mode = 0;
  /** Components written so far for the entry at writeIndex; stored when all three are in. */
  readonly pending = new Uint8Array(3);

  setReadIndex(value: number): void {
    this.readIndex = value & 0xFF;
    this.phase = 0;
    this.mode = 3;
  }

  setWriteIndex(value: number): void {
    this.writeIndex = value & 0xFF;
    this.phase = 0;
    this.mode = 0;
  }

  /** 3C9h write; returns true when an entry was completed (the palette changed). */
  writeData(value: number): boolean {
    this.pending[this.phase] = value & 0x3F;
    if (++this.phase < 3) return false;
    this.rgb.set(this.pending, this.writeIndex * 3);
    this.writeIndex = (this.writeIndex + 1) & 0xFF;
    this.phase = 0;
    return true;
  }

  /** 3C9h read. */
  readData(): number {
    const v = this.rgb[this.readIndex * 3 + this.phase];
    if (++this.phase === 3) {
      this.phase = 0;
      this.readIndex = (this.readIndex + 1) & 0xFF;
    }
    return v;
  }
}
