/**
 * A very small 8086 code emitter for the BIOS ROM: raw bytes plus labels with
 * short, near and absolute fixups. It knows only the handful of encodings the
 * ROM stubs use; everything else is written as raw bytes with a comment.
 */

type FixupKind = "rel8" | "rel16" | "abs16";

interface Fixup {
  readonly at: number;
  readonly label: string;
  readonly kind: FixupKind;
}

/** Emits code into a 64 KiB segment image at a movable origin. */
export class Asm {
  /** The segment image (offset = ROM offset within F000). */
  readonly image: Uint8Array;
  private pc = 0;
  private readonly labels = new Map<string, number>();
  private readonly fixups: Fixup[] = [];
  /** Highest offset written, per region start, to catch overlapping regions. */
  private readonly used: Uint8Array;

  constructor(image: Uint8Array) {
    this.image = image;
    this.used = new Uint8Array(image.length);
  }

  /** Current emit offset. */
  get offset(): number {
    return this.pc;
  }

  /** Moves the emit offset (a fixed entry point or table address). */
  org(offset: number): this {
    this.pc = offset;
    return this;
  }

  /** Defines `name` at the current offset. */
  label(name: string): this {
    if (this.labels.has(name)) throw new Error(`asm: label ${name} defined twice`);
    this.labels.set(name, this.pc);
    return this;
  }

  /** Offset of a defined label. */
  addressOf(name: string): number {
    const at = this.labels.get(name);
    if (at === undefined) throw new Error(`asm: undefined label ${name}`);
    return at;
  }

  /** Raw bytes. */
  db(...bytes: number[]): this {
    for (const b of bytes) this.put(b);
    return this;
  }

  /** Little-endian words. */
  dw(...words: number[]): this {
    for (const w of words) {
      this.put(w & 0xFF);
      this.put((w >>> 8) & 0xFF);
    }
    return this;
  }

  /** A block of data (fonts are most of the ROM: checked and copied as one block, not byte by byte). */
  data(bytes: Uint8Array): this {
    const end = this.pc + bytes.length;
    if (end > this.image.length) {
      throw new Error(`asm: emit past end of image at ${this.image.length.toString(16)}`);
    }
    const clash = this.used.subarray(this.pc, end).indexOf(1);
    if (clash >= 0) throw new Error(`asm: overlapping emit at ${(this.pc + clash).toString(16)}`);
    this.used.fill(1, this.pc, end);
    this.image.set(bytes, this.pc);
    this.pc = end;
    return this;
  }

  /** An ASCII string (no terminator). */
  ascii(text: string): this {
    for (let i = 0; i < text.length; i++) this.put(text.charCodeAt(i) & 0xFF);
    return this;
  }

  /** `F1 code`: hands control to the TypeScript service `code`. */
  trap(code: number): this {
    return this.db(0xF1, code);
  }

  /** JMP short to a label. */
  jmpShort(label: string): this {
    this.put(0xEB);
    return this.rel8(label);
  }

  /** JMP near to a label. */
  jmpNear(label: string): this {
    this.put(0xE9);
    this.fixups.push({ at: this.pc, label, kind: "rel16" });
    return this.dw(0);
  }

  /** Conditional short jump: `opcode` is the 7x opcode (0x72 JC, 0x73 JNC, 0x74 JZ, 0x75 JNZ, ...). */
  jcc(opcode: number, label: string): this {
    this.put(opcode);
    return this.rel8(label);
  }

  /** JMP FAR seg:off. */
  jmpFar(segment: number, offset: number): this {
    return this.db(0xEA).dw(offset, segment);
  }

  /** A 16-bit immediate holding a label's offset (for MOV reg, imm16 and tables). */
  labelWord(label: string): this {
    this.fixups.push({ at: this.pc, label, kind: "abs16" });
    return this.dw(0);
  }

  /** Resolves every fixup; throws on an undefined label or a short jump out of range. */
  finish(): Uint8Array {
    for (const f of this.fixups) {
      const target = this.addressOf(f.label);
      if (f.kind === "rel8") {
        const d = target - (f.at + 1);
        if (d < -128 || d > 127) throw new Error(`asm: short jump to ${f.label} out of range (${d})`);
        this.image[f.at] = d & 0xFF;
      } else if (f.kind === "rel16") {
        const d = (target - (f.at + 2)) & 0xFFFF;
        this.image[f.at] = d & 0xFF;
        this.image[f.at + 1] = d >>> 8;
      } else {
        this.image[f.at] = target & 0xFF;
        this.image[f.at + 1] = target >>> 8;
      }
    }
    return this.image;
  }

  private rel8(label: string): this {
    this.fixups.push({ at: this.pc, label, kind: "rel8" });
    return this.db(0);
  }

  private put(b: number): void {
    if (this.pc >= this.image.length) {
      throw new Error(`asm: emit past end of image at ${this.pc.toString(16)}`);
    }
    if (this.used[this.pc] !== 0) throw new Error(`asm: overlapping emit at ${this.pc.toString(16)}`);
    this.used[this.pc] = 1;
    this.image[this.pc++] = b & 0xFF;
  }
}
