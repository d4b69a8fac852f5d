/**
 * Indexed pixels to a sixel image, palette-native: palette entries go straight to
 * colour registers (`#n;2;r;g;b`, percent), no quantizing.
 *
 * Each band of six output rows is encoded in one pass over its distinct source
 * lines (vertical scaling repeats lines, so a band of a 2× image reads only three)
 * that builds a 6-bit column mask per colour present in the band, plus the sorted
 * list of columns where each colour has ink. Each present colour then emits only
 * its own columns, as run-length sixels (`!n`) with `?` runs over the gaps, followed
 * by `$`; bands are separated by `-`. Work is proportional to the pixels and the
 * output, not to colours × width, which matters for 256-colour plasma-like frames.
 * Masks are cleared while emitting, so nothing is reset per band.
 * Horizontal integer scaling multiplies run lengths instead of widening the masks.
 *
 * The introducer is `ESC P 0;1;0 q`: P2 = 1 leaves pixels with no bit set untouched,
 * which matters for the last band of an image whose height is not a multiple of 6
 * (its unused rows must not paint over what is below); P1 is irrelevant because the
 * raster attributes `"1;1;W;H` set a 1:1 pixel aspect and the image size.
 *
 * Every register an image uses is defined in that image (`#n;2;r;g;b`, terminals such as xterm
 * keep registers private per image) and then selected with `#n`: xterm's definition does not select
 * the register (unlike the DEC manual), and every image starts on register 3 (VT340 green), so a
 * definition alone paints the image's first band green.
 *
 * @example
 * ```ts
 * const palette = new SixelPalette();
 * palette.update(frame.palette, frame.colors);
 * const offsets = Int32Array.from({ length: 200 }, (_, y) => y * 320);
 * new SixelEncoder().encode(out, frame.pixels, 320, offsets, 0, 200, 1, palette);
 * ```
 */
import { type ByteSink, writeUintAt } from "./byte_sink.ts";

const DECL_SLOT = 24;

/** The colour register declarations of one palette, precomputed as bytes. */
export class SixelPalette {
  /** `#n;2;r;g;b` for entry n at `[n * 24, n * 24 + lengths[n])`. */
  readonly decl = new Uint8Array(256 * DECL_SLOT);
  readonly lengths = new Uint8Array(256);
  /** The palette the declarations were made from (RGB 0–255). */
  readonly rgb = new Uint8Array(256 * 3);
  count = 0;

  /** Rebuilds the declarations if the first `count` entries differ; returns whether they did. */
  update(palette: Uint8Array, count: number): boolean {
    const n = count * 3;
    let same = count === this.count;
    for (let i = 0; same && i < n; i++) if (palette[i] !== this.rgb[i]) same = false;
    if (same) return false;
    this.rgb.set(palette.subarray(0, n));
    this.count = count;
    for (let c = 0; c < count; c++) {
      const d = this.decl;
      let p = c * DECL_SLOT;
      d[p++] = 0x23; // "#"
      p = writeUintAt(d, p, c);
      d[p++] = 0x3b;
      d[p++] = 0x32; // "2": RGB
      for (let k = 0; k < 3; k++) {
        d[p++] = 0x3b;
        p = writeUintAt(d, p, Math.round((palette[c * 3 + k] * 100) / 255));
      }
      this.lengths[c] = p - c * DECL_SLOT;
    }
    return true;
  }
}

export class SixelEncoder {
  #width = 0;
  /** Per column × colour (`x * 256 + c`): the 6-bit sixel mask of the current band (zero between bands). */
  #masks = new Uint8Array(0);
  /** Per colour: the columns where it has a non-zero mask in this band, ascending. */
  #columns = new Uint16Array(0);
  #count = new Int32Array(256);
  #bandStamp = new Uint32Array(256);
  #declStamp = new Uint32Array(256);
  #present = new Uint8Array(256);
  #lineOffsets = new Int32Array(6);
  #lineBits = new Uint8Array(6);
  #band = 0;
  #image = 0;

  /**
   * Appends a complete sixel DCS for output rows `[rowStart, rowStart + rowCount)`.
   * Output row y shows the source line starting at `pixels[lineOffsets[y]]`, `width`
   * pixels, each drawn `scaleX` (an integer ≥ 1) pixels wide.
   */
  encode(
    out: ByteSink,
    pixels: Uint8Array,
    width: number,
    lineOffsets: Int32Array,
    rowStart: number,
    rowCount: number,
    scaleX: number,
    palette: SixelPalette,
  ): void {
    if (width !== this.#width) {
      this.#width = width;
      this.#masks = new Uint8Array(width * 256);
      this.#columns = new Uint16Array(256 * width);
    }
    const masks = this.#masks, columns = this.#columns, count = this.#count;
    const bandStamp = this.#bandStamp, declStamp = this.#declStamp, present = this.#present;
    const offs = this.#lineOffsets, lineBits = this.#lineBits;
    const decl = palette.decl, declLengths = palette.lengths;
    const image = ++this.#image;
    const words = (pixels.byteOffset & 3) === 0
      ? new Uint32Array(pixels.buffer, pixels.byteOffset, pixels.length >> 2)
      : null;

    out.writeAscii('\x1bP0;1;0q"1;1;');
    out.writeUint(width * scaleX);
    out.writeByte(0x3b);
    out.writeUint(rowCount);

    for (let band = 0; band < rowCount; band += 6) {
      const stamp = ++this.#band;
      // The band's distinct source lines, each with the sixel bits of the rows repeating it.
      const rows = Math.min(6, rowCount - band);
      let lines = 0;
      for (let k = 0; k < rows; k++) {
        const off = lineOffsets[rowStart + band + k];
        // Rows repeating the previous row's line (vertical scaling) or its content (flat areas) share its pass.
        if (lines > 0 && (offs[lines - 1] === off || sameLine(pixels, words, offs[lines - 1], off, width))) {
          lineBits[lines - 1] |= 1 << k;
        } else {
          offs[lines] = off;
          lineBits[lines++] = 1 << k;
        }
      }
      // Column by column, so that each colour's column list comes out sorted.
      let colors = 0, marks = 0;
      for (let x = 0; x < width; x++) {
        const column = x << 8;
        for (let j = 0; j < lines; j++) {
          const c = pixels[offs[j] + x];
          const at = column + c;
          const m = masks[at];
          if (m === 0) {
            if (bandStamp[c] !== stamp) {
              bandStamp[c] = stamp;
              present[colors++] = c;
              count[c] = 0;
            }
            columns[c * width + count[c]++] = x;
            marks++;
          }
          masks[at] = m | lineBits[j];
        }
      }
      // Worst case per colour: "$", a declaration, a selection, then per marked column a gap run and a sixel run.
      const buf = out.ensure(1 + colors * (2 + DECL_SLOT + 4) + marks * 2 * MAX_RUN_BYTES);
      let p = out.length;
      if (band > 0) buf[p++] = 0x2d; // "-": next band
      for (let i = 0; i < colors; i++) {
        const c = present[i];
        const n = count[c];
        if (i > 0) buf[p++] = 0x24; // "$": back to the band's start
        if (declStamp[c] !== image) {
          // First use in this image: define the register. xterm does not select a register it
          // defines (and starts every image on register 3), so the selection below always follows.
          declStamp[c] = image;
          const from = c * DECL_SLOT, len = declLengths[c];
          for (let j = 0; j < len; j++) buf[p++] = decl[from + j];
        }
        {
          const from = c * 4, len = SELECT_LENGTH[c];
          for (let j = 0; j < len; j++) buf[p++] = SELECT[from + j];
        }
        const base = c * width;
        let pos = 0;
        for (let q = 0; q < n;) {
          const x = columns[base + q++];
          const m = masks[(x << 8) + c];
          masks[(x << 8) + c] = 0;
          if (x > pos) {
            const gap = (x - pos) * scaleX;
            if (gap === 1) buf[p++] = 0x3f;
            else p = writeRun(buf, p, 0x3f, gap);
          }
          // Extend over following columns with the same mask.
          let e = x + 1;
          while (q < n && columns[base + q] === e && masks[(e << 8) + c] === m) {
            masks[(e << 8) + c] = 0;
            e++;
            q++;
          }
          const len = (e - x) * scaleX;
          if (len === 1) buf[p++] = m + 0x3f;
          else p = writeRun(buf, p, m + 0x3f, len);
          pos = e;
        }
      }
      out.length = p;
    }
    out.writeByte(0x1b);
    out.writeByte(0x5c);
  }
}

/** True if the `width` pixels at offsets `a` and `b` are equal (cheap next to a mask pass over the line). */
function sameLine(
  pixels: Uint8Array,
  words: Uint32Array | null,
  a: number,
  b: number,
  width: number,
): boolean {
  if (words !== null && ((a | b | width) & 3) === 0) {
    for (let i = a >> 2, j = b >> 2, end = (a + width) >> 2; i < end; i++, j++) {
      if (words[i] !== words[j]) return false;
    }
    return true;
  }
  for (let i = 0; i < width; i++) if (pixels[a + i] !== pixels[b + i]) return false;
  return true;
}

/** Longest run written by {@link writeRun}: "!" + up to 10 digits + the sixel. */
const MAX_RUN_BYTES = 12;

/** `#c` for every register, 4 bytes apart (decimal formatting is a hot spot otherwise). */
const SELECT = new Uint8Array(256 * 4);
const SELECT_LENGTH = new Uint8Array(256);
/** Decimal digits of 0–9999, 4 bytes apart, for run counts. */
const DIGITS = new Uint8Array(10000 * 4);
const DIGITS_LENGTH = new Uint8Array(10000);
for (let c = 0; c < 256; c++) {
  SELECT[c * 4] = 0x23;
  SELECT_LENGTH[c] = writeUintAt(SELECT, c * 4 + 1, c) - c * 4;
}
for (let n = 0; n < 10000; n++) DIGITS_LENGTH[n] = writeUintAt(DIGITS, n * 4, n) - n * 4;

/** Writes `n` copies of the sixel `ch`, as `!n ch` when that is shorter. */
function writeRun(buf: Uint8Array, p: number, ch: number, n: number): number {
  if (n < 4) {
    for (; n > 0; n--) buf[p++] = ch;
    return p;
  }
  buf[p++] = 0x21; // "!"
  if (n < 10000) {
    const from = n * 4, len = DIGITS_LENGTH[n];
    for (let j = 0; j < len; j++) buf[p++] = DIGITS[from + j];
  } else {
    p = writeUintAt(buf, p, n);
  }
  buf[p++] = ch;
  return p;
}
