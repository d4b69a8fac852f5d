/**
 * Indexed pixels to a sixel image, palette-native: palette entries go straight to
 * colour registers (`#n;2;r;g;b`, percent), no quantizing.
 *
 * Each band of six output rows is encoded in one pass over its columns, reading its
 * distinct source lines (vertical scaling repeats lines, so a band of a 2× image reads
 * only three; a line equal to the one above shares its pass). The up to six values of a
 * column sit in locals; their distinct colours and 6-bit masks come from compares, and
 * each extends that colour's open run (same mask on the previous column) or opens a new
 * one. A column equal to the previous one (flat areas) costs six compares. Each colour
 * present then emits its runs (`!n` run-length sixels, `?` runs over the gaps) followed
 * by `$`; bands are separated by `-`. Runs shorter than 100 go out as one 4-byte store
 * of a precomputed token. Work is proportional to the pixels and the output, not to
 * colours × width, which matters for 256-colour plasma-like frames. Nothing is allocated
 * or reset per band. Horizontal integer scaling multiplies run lengths.
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
  #runs = new Int32Array(0);
  #runEnds = new Uint16Array(0);
  #state = new BandState();
  #declStamp = new Uint32Array(256);
  #lineOffsets = new Int32Array(6);
  #lineBits = new Uint8Array(6);
  #band = 0;
  #image = 0;
  /** A view of the output buffer for 4-byte stores (replaced when the sink grows). */
  #view: DataView = new DataView(new ArrayBuffer(0));
  #viewBuffer: Uint8Array | null = null;

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
      this.#runs = new Int32Array(256 * width);
      this.#runEnds = new Uint16Array(256 * width);
    }
    const st = this.#state;
    st.runs = this.#runs;
    st.runEnds = this.#runEnds;
    const runs = st.runs, runEnds = st.runEnds, count = st.count, endX = st.endX;
    const declStamp = this.#declStamp, present = st.present;
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
      // Column by column: each colour's runs of equal masks over consecutive columns, in column
      // order; colours listed in order of first appearance. The (up to) six line values sit in
      // locals, padded with the last line (bit 0), so a column's distinct colours and their masks
      // come from compares, not memory. A column equal to the previous one (flat areas) only
      // extends the open runs, which is settled at the next differing column.
      const last = lines - 1;
      const o0 = offs[0], o1 = offs[Math.min(1, last)], o2 = offs[Math.min(2, last)];
      const o3 = offs[Math.min(3, last)], o4 = offs[Math.min(4, last)], o5 = offs[Math.min(5, last)];
      const b0 = lineBits[0], b1 = last >= 1 ? lineBits[1] : 0, b2 = last >= 2 ? lineBits[2] : 0;
      const b3 = last >= 3 ? lineBits[3] : 0,
        b4 = last >= 4 ? lineBits[4] : 0,
        b5 = last >= 5 ? lineBits[5] : 0;
      let colors = 0, repeating = false;
      let p0 = -1, p1 = -1, p2 = -1, p3 = -1, p4 = -1, p5 = -1;
      for (let x = 0; x < width; x++) {
        const c0 = pixels[o0 + x], c1 = pixels[o1 + x], c2 = pixels[o2 + x];
        const c3 = pixels[o3 + x], c4 = pixels[o4 + x], c5 = pixels[o5 + x];
        if (c0 === p0 && c1 === p1 && c2 === p2 && c3 === p3 && c4 === p4 && c5 === p5) {
          repeating = true;
          continue;
        }
        if (repeating) {
          endX[p0] =
            endX[p1] =
            endX[p2] =
            endX[p3] =
            endX[p4] =
            endX[p5] =
              x;
          repeating = false;
        }
        p0 = c0;
        p1 = c1;
        p2 = c2;
        p3 = c3;
        p4 = c4;
        p5 = c5;
        colors = addRun(
          c0,
          b0 | (c1 === c0 ? b1 : 0) | (c2 === c0 ? b2 : 0) | (c3 === c0 ? b3 : 0) | (c4 === c0 ? b4 : 0) |
            (c5 === c0 ? b5 : 0),
          x,
          width,
          stamp,
          colors,
          st,
        );
        if (c1 !== c0) {
          colors = addRun(
            c1,
            b1 | (c2 === c1 ? b2 : 0) | (c3 === c1 ? b3 : 0) | (c4 === c1 ? b4 : 0) | (c5 === c1 ? b5 : 0),
            x,
            width,
            stamp,
            colors,
            st,
          );
        }
        if (c2 !== c0 && c2 !== c1) {
          colors = addRun(
            c2,
            b2 | (c3 === c2 ? b3 : 0) | (c4 === c2 ? b4 : 0) | (c5 === c2 ? b5 : 0),
            x,
            width,
            stamp,
            colors,
            st,
          );
        }
        if (c3 !== c0 && c3 !== c1 && c3 !== c2) {
          colors = addRun(c3, b3 | (c4 === c3 ? b4 : 0) | (c5 === c3 ? b5 : 0), x, width, stamp, colors, st);
        }
        if (c4 !== c0 && c4 !== c1 && c4 !== c2 && c4 !== c3) {
          colors = addRun(c4, b4 | (c5 === c4 ? b5 : 0), x, width, stamp, colors, st);
        }
        if (c5 !== c0 && c5 !== c1 && c5 !== c2 && c5 !== c3 && c5 !== c4) {
          colors = addRun(c5, b5, x, width, stamp, colors, st);
        }
      }
      if (repeating) {
        endX[p0] =
          endX[p1] =
          endX[p2] =
          endX[p3] =
          endX[p4] =
          endX[p5] =
            width;
      }
      let totalRuns = 0;
      for (let i = 0; i < colors; i++) totalRuns += count[present[i]];
      // Worst case per colour: "$", a declaration, a selection, then per run a gap run and a sixel run.
      const buf = out.ensure(1 + colors * (2 + DECL_SLOT + 4) + totalRuns * 2 * MAX_RUN_BYTES);
      if (buf !== this.#viewBuffer) {
        this.#viewBuffer = buf;
        this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      }
      const view = this.#view;
      let p = out.length;
      if (band > 0) buf[p++] = 0x2d; // "-": next band
      for (let i = 0; i < colors; i++) {
        const c = present[i];
        if (i > 0) buf[p++] = 0x24; // "$": back to the band's start
        if (declStamp[c] !== image) {
          // First use in this image: define the register. xterm does not select a register it
          // defines (and starts every image on register 3), so the selection below always follows.
          declStamp[c] = image;
          const from = c * DECL_SLOT, len = declLengths[c];
          for (let j = 0; j < len; j++) buf[p++] = decl[from + j];
        }
        view.setUint32(p, SELECT[c], true);
        p += SELECT_LENGTH[c];
        const base = c * width, last = base + count[c] - 1;
        runEnds[last] = endX[c];
        let pos = 0;
        for (let at = base; at <= last; at++) {
          const r = runs[at];
          const x = r & 0xffff, e = runEnds[at];
          const gap = (x - pos) * scaleX, len = (e - x) * scaleX, ch = (r >> 16) + 0x3f;
          if (gap < TABLE_RUN && len < TABLE_RUN) {
            // Gap (possibly empty) and sixel run, each a 4-byte store plus a fifth byte, no branches.
            view.setUint32(p, RUN_TOKEN[gap] | Math.imul(0x3f, RUN_MUL[gap]), true);
            buf[p + 4] = 0x3f;
            p += RUN_LENGTH[gap];
            view.setUint32(p, RUN_TOKEN[len] | Math.imul(ch, RUN_MUL[len]), true);
            buf[p + 4] = ch;
            p += RUN_LENGTH[len];
          } else {
            if (gap > 0) p = writeRun(buf, view, p, 0x3f, gap);
            p = writeRun(buf, view, p, ch, len);
          }
          pos = e;
        }
      }
      out.length = p;
    }
    out.writeByte(0x1b);
    out.writeByte(0x5c);
  }
}

/** Per-band bookkeeping of {@link SixelEncoder}, passed to {@link addRun}. */
class BandState {
  /** Per colour × run (`c * width + k`): the run's first column | its 6-bit mask << 16. */
  runs = new Int32Array(0);
  /** Per colour × run: the column after the run (written when the colour's next run opens, or at band end). */
  runEnds = new Uint16Array(0);
  /** Per colour: runs in this band. */
  readonly count = new Int32Array(256);
  /** Per colour: the column after its open (last) run, and that run's mask. */
  readonly endX = new Int32Array(256);
  readonly lastMask = new Uint8Array(256);
  /** Per colour: the band it was last seen in. */
  readonly bandStamp = new Uint32Array(256);
  /** The band's colours in order of first appearance. */
  readonly present = new Uint8Array(256);
}

/**
 * Column `x` of the band has colour `c` on the rows of mask `m`: extends the colour's open run or
 * opens a new one (listing the colour if it is new in the band). Returns the band's colour count.
 */
function addRun(
  c: number,
  m: number,
  x: number,
  width: number,
  stamp: number,
  colors: number,
  st: BandState,
): number {
  if (st.bandStamp[c] !== stamp) {
    st.bandStamp[c] = stamp;
    st.present[colors++] = c;
    st.count[c] = 1;
    st.runs[c * width] = x | (m << 16);
    st.lastMask[c] = m;
  } else if (st.endX[c] !== x || st.lastMask[c] !== m) {
    const at = c * width + st.count[c]++;
    st.runEnds[at - 1] = st.endX[c];
    st.runs[at] = x | (m << 16);
    st.lastMask[c] = m;
  }
  st.endX[c] = x + 1;
  return colors;
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

/** Longest run written by {@link writeRun}: "!" + up to 10 digits + the sixel (+ 3 bytes of 4-byte store slack). */
const MAX_RUN_BYTES = 15;

/**
 * `#c` for every register as one little-endian 32-bit word (written with one 4-byte store; bytes
 * past the length are overwritten by what follows), and its length.
 */
const SELECT = new Int32Array(256);
const SELECT_LENGTH = new Uint8Array(256);
/**
 * Runs shorter than this come from tables: `RUN_TOKEN[n] | ch * RUN_MUL[n]` is the first four bytes
 * of `n` copies of sixel `ch` (n < 4: the sixel repeated; n < 100: `!n` then the sixel; n ≥ 100:
 * `!n`, the sixel being the fifth byte), `RUN_LENGTH[n]` of them count (0 for n = 0). The writer
 * stores the word and then `ch` as the fifth byte; whatever lies past the length is overwritten
 * by the next write.
 */
const TABLE_RUN = 1000;
const RUN_TOKEN = new Int32Array(TABLE_RUN);
const RUN_MUL = new Int32Array(TABLE_RUN);
const RUN_LENGTH = new Uint8Array(TABLE_RUN);
{
  const bytes = new Uint8Array(16);
  const pack = (): number => bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24);
  for (let c = 0; c < 256; c++) {
    bytes.fill(0);
    bytes[0] = 0x23; // "#"
    const len = writeUintAt(bytes, 1, c);
    SELECT[c] = pack();
    SELECT_LENGTH[c] = len;
  }
  for (let n = 1; n < TABLE_RUN; n++) {
    bytes.fill(0);
    if (n < 4) {
      RUN_MUL[n] = [0, 0x1, 0x101, 0x10101][n];
      RUN_LENGTH[n] = n;
      continue;
    }
    bytes[0] = 0x21; // "!"
    const len = writeUintAt(bytes, 1, n);
    RUN_TOKEN[n] = pack();
    RUN_MUL[n] = len < 4 ? 1 << (8 * len) : 0;
    RUN_LENGTH[n] = len + 1;
  }
}

/** Writes `n` ≥ 1 copies of the sixel `ch`, as `!n ch` from 4 on. */
function writeRun(buf: Uint8Array, view: DataView, p: number, ch: number, n: number): number {
  if (n < TABLE_RUN) {
    view.setUint32(p, RUN_TOKEN[n] | Math.imul(ch, RUN_MUL[n]), true);
    buf[p + 4] = ch;
    return p + RUN_LENGTH[n];
  }
  buf[p++] = 0x21; // "!"
  p = writeUintAt(buf, p, n);
  buf[p++] = ch;
  return p;
}
