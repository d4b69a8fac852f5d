/**
 * A growable byte buffer that renderers write terminal output into.
 *
 * The buffer doubles when it runs out of room and is otherwise reused from
 * frame to frame, so steady-state rendering allocates nothing.
 *
 * @example
 * ```ts
 * const out = new ByteSink();
 * out.writeAscii("\x1b[");
 * out.writeUint(12);
 * out.writeByte(0x48); // "H"
 * Deno.stdout.writeSync(out.bytes());
 * out.clear();
 * ```
 */
export class ByteSink {
  /** The backing store; valid bytes are `buf[0 .. length)`. Replaced when the sink grows. */
  buf: Uint8Array;
  /** Number of valid bytes. May be lowered to roll back a partial write (see {@link truncate}). */
  length = 0;

  constructor(initialCapacity = 64 * 1024) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Makes room for `n` more bytes; returns the buffer to write into (it may have been replaced). */
  ensure(n: number): Uint8Array {
    const need = this.length + n;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    return this.buf;
  }

  /** Appends one byte. */
  writeByte(b: number): void {
    if (this.length >= this.buf.length) this.ensure(1);
    this.buf[this.length++] = b;
  }

  /** Appends a string whose characters are all below U+0080 (escape sequences, digits). */
  writeAscii(s: string): void {
    const n = s.length;
    const buf = this.ensure(n);
    let p = this.length;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.length = p;
  }

  /** Appends `src[start .. end)`. */
  writeBytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    const buf = this.ensure(n);
    buf.set(src.subarray(start, end), this.length);
    this.length += n;
  }

  /** Appends a non-negative integer in decimal. */
  writeUint(n: number): void {
    const buf = this.ensure(10);
    this.length = writeUintAt(buf, this.length, n);
  }

  /** Appends `ESC [ row ; col H` for a 0-based position. */
  writeCursorTo(row: number, col: number): void {
    const buf = this.ensure(24);
    let p = this.length;
    buf[p++] = 0x1b;
    buf[p++] = 0x5b;
    p = writeUintAt(buf, p, row + 1);
    buf[p++] = 0x3b;
    p = writeUintAt(buf, p, col + 1);
    buf[p++] = 0x48;
    this.length = p;
  }

  /** Rolls back to an earlier length (a mark taken from {@link length}). */
  truncate(length: number): void {
    if (length < this.length) this.length = length;
  }

  /** Forgets the content, keeping the storage. */
  clear(): void {
    this.length = 0;
  }

  /** The valid bytes, as a view (valid until the next write). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** The content decoded as UTF-8 (for tests and debugging). */
  toString(): string {
    return new TextDecoder().decode(this.bytes());
  }
}

/**
 * Writes `n` (a non-negative integer) in decimal into `buf` at `p`; returns the new position.
 * The caller guarantees room for 10 bytes.
 */
export function writeUintAt(buf: Uint8Array, p: number, n: number): number {
  if (n < 10) {
    buf[p] = 0x30 + n;
    return p + 1;
  }
  if (n < 100) {
    const t = (n / 10) | 0;
    buf[p] = 0x30 + t;
    buf[p + 1] = 0x30 + n - t * 10;
    return p + 2;
  }
  let digits = 3;
  for (let m = 1000; n >= m && digits < 10; m *= 10) digits++;
  let q = p + digits;
  while (q > p) {
    const t = Math.floor(n / 10);
    buf[--q] = 0x30 + n - t * 10;
    n = t;
  }
  return p + digits;
}

/** Number of decimal digits of a non-negative integer. */
export function decimalDigits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}
