/** A growable little-endian byte buffer for building snapshot sections. */

const encoder = new TextEncoder();

/** Appends fixed-width little-endian fields and byte runs; `bytes()` returns the result. */
export class ByteWriter {
  #buf: Uint8Array;
  #view: DataView;
  #len = 0;

  constructor(initial = 1024) {
    this.#buf = new Uint8Array(initial);
    this.#view = new DataView(this.#buf.buffer);
  }

  get length(): number {
    return this.#len;
  }

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.#room(1);
    this.#buf[this.#len++] = v;
  }

  u16(v: number): void {
    this.#room(2);
    this.#view.setUint16(this.#len, v, true);
    this.#len += 2;
  }

  u32(v: number): void {
    this.#room(4);
    this.#view.setUint32(this.#len, v, true);
    this.#len += 4;
  }

  i32(v: number): void {
    this.#room(4);
    this.#view.setInt32(this.#len, v, true);
    this.#len += 4;
  }

  f64(v: number): void {
    this.#room(8);
    this.#view.setFloat64(this.#len, v, true);
    this.#len += 8;
  }

  /** 64-bit length as two 32-bit halves (file sizes stay far below 2^53). */
  u64(v: number): void {
    this.u32(v % 0x1_0000_0000);
    this.u32(Math.floor(v / 0x1_0000_0000));
  }

  raw(data: Uint8Array): void {
    this.#room(data.length);
    this.#buf.set(data, this.#len);
    this.#len += data.length;
  }

  /** UTF-8 string prefixed with its byte length (u32). */
  string(s: string): void {
    // Short ASCII (field names, the common case) without a TextEncoder call.
    if (s.length <= 32) {
      let ascii = true;
      for (let i = 0; i < s.length; i++) {
        if (s.charCodeAt(i) >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        this.u32(s.length);
        this.#room(s.length);
        for (let i = 0; i < s.length; i++) this.#buf[this.#len++] = s.charCodeAt(i);
        return;
      }
    }
    const b = encoder.encode(s);
    this.u32(b.length);
    this.raw(b);
  }

  /** A copy of what was written. */
  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }

  /** Empties the writer, keeping its buffer (no allocation for the next use). */
  reset(): void {
    this.#len = 0;
  }
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Reads what {@link ByteWriter} wrote; every read is bounds-checked and throws `RangeError` past the end. */
export class ByteReader {
  readonly data: Uint8Array;
  #view: DataView;
  pos: number;

  constructor(data: Uint8Array, pos = 0) {
    this.data = data;
    this.#view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.pos = pos;
  }

  get remaining(): number {
    return this.data.length - this.pos;
  }

  #need(n: number): number {
    if (n < 0 || this.pos + n > this.data.length) {
      throw new RangeError(
        `truncated: need ${n} bytes at offset ${this.pos}, have ${this.data.length - this.pos}`,
      );
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.data[this.#need(1)];
  }

  u16(): number {
    return this.#view.getUint16(this.#need(2), true);
  }

  u32(): number {
    return this.#view.getUint32(this.#need(4), true);
  }

  i32(): number {
    return this.#view.getInt32(this.#need(4), true);
  }

  f64(): number {
    return this.#view.getFloat64(this.#need(8), true);
  }

  u64(): number {
    const lo = this.u32();
    return lo + this.u32() * 0x1_0000_0000;
  }

  /** A view (not a copy) of the next `n` bytes. */
  raw(n: number): Uint8Array {
    const at = this.#need(n);
    return this.data.subarray(at, at + n);
  }

  string(): string {
    const bytes = this.raw(this.u32());
    // Short ASCII (field names, the common case) without a TextDecoder call (~1 µs each, cold).
    if (bytes.length <= 32) {
      let s = "";
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (b >= 0x80) return decoder.decode(bytes);
        s += String.fromCharCode(b);
      }
      return s;
    }
    return decoder.decode(bytes);
  }
}
