/**
 * Graphics frames as sixel images, sending only the parts that changed.
 *
 * The picture is scaled by an integer factor horizontally (fraction < 1 only when
 * the window is too small) and to the display aspect vertically (200 lines become
 * 240 at 1×), see {@link placePixels}. It is cut into strips along terminal cell
 * rows, because a sixel image can only start at the cursor, and the cursor only
 * sits on cell boundaries. A cell row is dirty when any source line feeding it
 * changed (found by comparing with a private copy, not trusting `changedLines`
 * alone) or the palette changed; consecutive dirty cell rows go out as one strip,
 * an image of its own drawn at that cell row.
 *
 * Cell height vs 6-pixel bands: bands start at the strip's top (a cell boundary). A
 * strip of k cell rows is k × cellHeight pixels; when that is not a multiple of 6,
 * its last band is partly used, and P2 = 1 (transparent unset pixels) keeps its
 * unused rows from painting over the cell row below. Merging consecutive dirty rows
 * into one strip wastes at most one partial band per strip.
 *
 * When the cell size is only a guess (the terminal reported none, see {@link cellSizeGuessed}),
 * strips would land on the wrong pixel rows (a strip starts at its cell row, which is not where
 * the previous strip ended), so any change resends the whole picture as one image from its top
 * cell row: a wrong guess then only changes the picture's size and position. That image is not
 * cut under a byte budget.
 *
 * Colour registers are declared in every strip for the colours it uses (terminals
 * may keep registers private per image), so a palette change simply marks every
 * cell row dirty and the next strips carry the new values.
 *
 * @example
 * ```ts
 * const sixel = new SixelRenderer(caps);
 * sixel.render(frame, out, { maxBytes: 256 * 1024 });
 * ```
 */
import type { Frame, GraphicsFrame } from "../../core/video/frame.ts";
import { ByteSink } from "./byte_sink.ts";
import type { RenderCapabilities } from "./capabilities.ts";
import type { FrameRenderer, RenderBudget, RenderResult } from "./frame_renderer.ts";
import { cellSizeGuessed, type PixelPlacement, placePixels } from "./layout.ts";
import { LineTracker } from "./line_tracker.ts";
import { SixelEncoder, SixelPalette } from "./sixel_encoder.ts";
import { writePassthrough } from "./sync.ts";

export class SixelRenderer implements FrameRenderer {
  readonly name = "sixel" as const;
  #caps: RenderCapabilities;
  #placement: PixelPlacement | null = null;
  #frameWidth = 0;
  #frameHeight = 0;
  #aspect = 0;
  #tracker = new LineTracker();
  #palette = new SixelPalette();
  #encoder = new SixelEncoder();
  #scratch = new ByteSink(1 << 16);
  /** Per output row: the source line it shows. */
  #sourceLine = new Int32Array(0);
  /** Per output row: offset of its pixels in the encoded buffer (frame or resampled copy). */
  #lineOffsets = new Int32Array(0);
  /** Horizontally resampled copy of the frame, used only when shrinking (scaleX < 1). */
  #resampled = new Uint8Array(0);
  #sourceColumn = new Int32Array(0);
  /** Per cell row of the picture: still to be sent. */
  #dirty = new Uint8Array(0);
  #needsClear = true;

  constructor(caps: RenderCapabilities) {
    this.#caps = caps;
  }

  /** The current placement (null before the first frame). */
  get placement(): PixelPlacement | null {
    return this.#placement;
  }

  invalidate(): void {
    this.#needsClear = true;
    this.#dirty.fill(1);
  }

  resize(caps: RenderCapabilities): void {
    this.#caps = caps;
    this.#placement = null;
    this.invalidate();
  }

  render(frame: Frame, out: ByteSink, budget: RenderBudget): RenderResult {
    if (frame.kind !== "graphics") throw new TypeError("SixelRenderer renders graphics frames only");
    const start = out.length;
    const p = this.#layout(frame);
    if (this.#needsClear) {
      out.writeAscii("\x1b[0m\x1b[2J\x1b[?25l");
      this.#needsClear = false;
    }
    this.#markDirty(frame, p);

    const ch = p.cellHeightPx;
    const dirty = this.#dirty;
    const useResampled = p.scaleX < 1;
    const pixels = useResampled ? this.#resampled : frame.pixels;
    const width = useResampled ? p.width : frame.width;
    const scaleX = useResampled ? 1 : p.scaleX;
    const wrap = this.#caps.passthrough !== "none";
    const oneImage = cellSizeGuessed(this.#caps);
    let complete = true;
    let wrote = false;
    let a = 0;
    while (a < p.rows) {
      if (dirty[a] === 0) {
        a++;
        continue;
      }
      let b = a + 1;
      if (oneImage) {
        // The whole picture from its top row: never a strip placed by a guessed cell height.
        a = 0;
        b = p.rows;
      }
      while (b < p.rows && dirty[b] !== 0) b++;
      // Encode the strip [a, b); if it breaks the budget, send less of it (or stop when something went out).
      for (;;) {
        const mark = out.length;
        out.writeCursorTo(p.row0 + a, p.col0);
        const rowStart = a * ch;
        const rowCount = Math.min(b * ch, p.height) - rowStart;
        const target = wrap ? this.#scratch : out;
        if (wrap) this.#scratch.clear();
        this.#encoder.encode(
          target,
          pixels,
          width,
          this.#lineOffsets,
          rowStart,
          rowCount,
          scaleX,
          this.#palette,
        );
        if (wrap) writePassthrough(out, this.#scratch.bytes(), this.#caps.passthrough);
        if (out.length - start <= budget.maxBytes || (!wrote && (b - a === 1 || oneImage))) break;
        out.truncate(mark);
        if (wrote) {
          complete = false;
          break;
        }
        b = a + Math.ceil((b - a) / 2);
      }
      if (!complete) break;
      dirty.fill(0, a, b);
      wrote = true;
      a = b;
    }
    if (complete) { for (let r = a; r < p.rows; r++) if (dirty[r] !== 0) complete = false; }
    return { bytes: out.length - start, complete };
  }

  #layout(frame: GraphicsFrame): PixelPlacement {
    if (
      this.#placement !== null && frame.width === this.#frameWidth && frame.height === this.#frameHeight &&
      frame.displayAspect === this.#aspect
    ) return this.#placement;
    const p = placePixels(frame.width, frame.height, frame.displayAspect, this.#caps);
    this.#placement = p;
    this.#frameWidth = frame.width;
    this.#frameHeight = frame.height;
    this.#aspect = frame.displayAspect;
    this.#sourceLine = new Int32Array(p.height);
    this.#lineOffsets = new Int32Array(p.height);
    const shrink = p.scaleX < 1;
    for (let y = 0; y < p.height; y++) {
      const src = Math.min(frame.height - 1, Math.floor((y * frame.height) / p.height));
      this.#sourceLine[y] = src;
      this.#lineOffsets[y] = src * (shrink ? p.width : frame.width);
    }
    if (shrink) {
      this.#resampled = new Uint8Array(p.width * frame.height);
      this.#sourceColumn = Int32Array.from(
        { length: p.width },
        (_, x) => Math.min(frame.width - 1, Math.floor((x * frame.width) / p.width)),
      );
    }
    this.#dirty = new Uint8Array(p.rows);
    this.#tracker.reset();
    this.invalidate();
    return p;
  }

  /** Marks the cell rows fed by changed source lines (all of them after a palette change). */
  #markDirty(frame: GraphicsFrame, p: PixelPlacement): void {
    const changed = this.#tracker.update(frame.pixels, frame.width, frame.height);
    const paletteChanged = this.#palette.update(frame.palette, Math.min(256, Math.max(frame.colors, 1)));
    if (p.scaleX < 1) this.#resample(frame, changed, p.width);
    if (paletteChanged) {
      this.#dirty.fill(1);
      return;
    }
    const ch = p.cellHeightPx, sourceLine = this.#sourceLine, dirty = this.#dirty;
    for (let y = 0; y < p.height; y++) if (changed[sourceLine[y]] !== 0) dirty[Math.floor(y / ch)] = 1;
  }

  #resample(frame: GraphicsFrame, changed: Uint8Array, outWidth: number): void {
    const cols = this.#sourceColumn, dst = this.#resampled, src = frame.pixels;
    for (let y = 0; y < frame.height; y++) {
      if (changed[y] === 0) continue;
      const s = y * frame.width, d = y * outWidth;
      for (let x = 0; x < outWidth; x++) dst[d + x] = src[s + cols[x]];
    }
  }
}
