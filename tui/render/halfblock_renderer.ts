/**
 * Graphics frames as "▀" half-block cells: each cell shows two pixels of the
 * scaled picture, the top one as the foreground, the bottom one as the background.
 *
 * The picture keeps its display aspect ({@link fitCells}); with about 1:2 cells, a
 * cell is one pixel wide and two tall. Sampling is an area average (box filter)
 * of the source pixels each half-cell covers: a 320×200 frame in an 80×24 window is
 * shrunk about 5:1, and nearest sampling would drop one-pixel lines and text and
 * make moving objects flicker as they cross sample points; averaging keeps every
 * pixel's contribution and is stable from frame to frame. When the window is
 * large enough the boxes are single pixels, so averaging costs nothing in clarity.
 *
 * A shadow of the colours shown makes each frame send only changed cells; each
 * cell is written as "▀", "▄" (colours swapped), a space or "█", whichever needs
 * the fewest SGR changes from the current colours. The byte budget is applied by
 * whole rows.
 *
 * @example
 * ```ts
 * const hb = new HalfBlockRenderer(caps);
 * hb.render(frame, out, { maxBytes: 32768 });
 * ```
 */
import type { Frame, GraphicsFrame } from "../../core/video/frame.ts";
import type { ByteSink } from "./byte_sink.ts";
import type { RenderCapabilities } from "./capabilities.ts";
import { CellWriter, type CellWriterState, UNKNOWN_COLOR } from "./cell_writer.ts";
import { type ColorDepth, mapRgb } from "./colors.ts";
import type { FrameRenderer, RenderBudget, RenderResult } from "./frame_renderer.ts";
import { type CellBox, fitCells } from "./layout.ts";

const UPPER_HALF = new TextEncoder().encode("▀");
const LOWER_HALF = new TextEncoder().encode("▄");
const FULL_BLOCK = new TextEncoder().encode("█");
const SPACE = new Uint8Array([0x20]);

export class HalfBlockRenderer implements FrameRenderer {
  readonly name = "halfblock" as const;
  #caps: RenderCapabilities;
  #writer: CellWriter;
  #box: CellBox | null = null;
  #frameWidth = 0;
  #frameHeight = 0;
  #aspect = 0;
  // Box filter bounds: source columns [x0[i], x0[i+1]) feed output column i; same for half-rows.
  #colStart = new Int32Array(0);
  #rowStart = new Int32Array(0);
  /** Target colours (mapped) per half-cell: row-major, 2 × rows lines of cols. */
  #target = new Uint32Array(0);
  /** What the terminal shows, per half-cell. */
  #shadow = new Uint32Array(0);
  #changed = new Uint8Array(0);
  #needsClear = true;
  #saved: CellWriterState = { row: -1, col: -1, fg: UNKNOWN_COLOR, bg: UNKNOWN_COLOR };
  // Per-palette RGB split for the averaging loop.
  #red = new Uint16Array(256);
  #green = new Uint16Array(256);
  #blue = new Uint16Array(256);

  constructor(caps: RenderCapabilities) {
    this.#caps = caps;
    this.#writer = new CellWriter(caps.colors, caps.cols);
  }

  /** The block of cells the picture occupies (null before the first frame). */
  get box(): CellBox | null {
    return this.#box;
  }

  invalidate(): void {
    this.#needsClear = true;
    this.#shadow.fill(UNKNOWN_COLOR);
    this.#writer.forget();
  }

  resize(caps: RenderCapabilities): void {
    this.#caps = caps;
    this.#writer = new CellWriter(caps.colors, caps.cols);
    this.#box = null;
    this.invalidate();
  }

  render(frame: Frame, out: ByteSink, budget: RenderBudget): RenderResult {
    if (frame.kind !== "graphics") throw new TypeError("HalfBlockRenderer renders graphics frames only");
    const start = out.length;
    const box = this.#layout(frame);
    const w = this.#writer;
    if (this.#needsClear) {
      out.writeAscii("\x1b[0m\x1b[2J\x1b[?25l");
      w.forget();
      this.#needsClear = false;
    }
    this.#sample(frame, box, this.#caps.colors);
    let complete = true, wrote = false;
    for (let r = 0; r < box.rows; r++) {
      if (!this.#diffRow(r, box.cols)) continue;
      const mark = out.length;
      w.save(this.#saved);
      this.#emitRow(out, r, box);
      if (wrote && out.length - start > budget.maxBytes) {
        out.truncate(mark);
        w.restore(this.#saved);
        complete = false;
        break;
      }
      const from = 2 * r * box.cols;
      this.#shadow.set(this.#target.subarray(from, from + 2 * box.cols), from);
      wrote = true;
    }
    return { bytes: out.length - start, complete };
  }

  #layout(frame: GraphicsFrame): CellBox {
    if (
      this.#box !== null && frame.width === this.#frameWidth && frame.height === this.#frameHeight &&
      frame.displayAspect === this.#aspect
    ) return this.#box;
    const box = fitCells(
      frame.displayAspect,
      this.#caps,
      this.#caps.cols,
      this.#caps.rows,
      frame.width,
      frame.height,
    );
    this.#box = box;
    this.#frameWidth = frame.width;
    this.#frameHeight = frame.height;
    this.#aspect = frame.displayAspect;
    this.#colStart = boxBounds(box.cols, frame.width);
    this.#rowStart = boxBounds(box.rows * 2, frame.height);
    this.#target = new Uint32Array(box.cols * box.rows * 2);
    this.#shadow = new Uint32Array(box.cols * box.rows * 2);
    this.#changed = new Uint8Array(box.cols);
    this.invalidate();
    return box;
  }

  /** Area-averages the frame into the target half-cells and maps them to terminal colours. */
  #sample(frame: GraphicsFrame, box: CellBox, depth: ColorDepth): void {
    const pal = frame.palette, red = this.#red, green = this.#green, blue = this.#blue;
    for (let i = 0; i < 256; i++) {
      red[i] = pal[i * 3];
      green[i] = pal[i * 3 + 1];
      blue[i] = pal[i * 3 + 2];
    }
    const px = frame.pixels, width = frame.width;
    const colStart = this.#colStart, rowStart = this.#rowStart, target = this.#target;
    const cols = box.cols, halfRows = box.rows * 2;
    for (let hy = 0; hy < halfRows; hy++) {
      const y0 = rowStart[hy], y1 = rowStart[hy + 1];
      for (let cx = 0; cx < cols; cx++) {
        const x0 = colStart[cx], x1 = colStart[cx + 1];
        let r = 0, g = 0, b = 0;
        for (let y = y0; y < y1; y++) {
          for (let i = y * width + x0, end = y * width + x1; i < end; i++) {
            const c = px[i];
            r += red[c];
            g += green[c];
            b += blue[c];
          }
        }
        const n = (y1 - y0) * (x1 - x0);
        const half = n >> 1;
        target[hy * cols + cx] = mapRgb(
          depth,
          ((r + half) / n) | 0,
          ((g + half) / n) | 0,
          ((b + half) / n) | 0,
        );
      }
    }
  }

  /** Flags the cells of row `r` whose top or bottom colour differs from the shadow. */
  #diffRow(r: number, cols: number): boolean {
    const t = this.#target, s = this.#shadow, changed = this.#changed;
    const top = 2 * r * cols, bottom = top + cols;
    let any = false;
    for (let c = 0; c < cols; c++) {
      const differs = t[top + c] !== s[top + c] || t[bottom + c] !== s[bottom + c];
      changed[c] = differs ? 1 : 0;
      if (differs) any = true;
    }
    return any;
  }

  #emitRow(out: ByteSink, r: number, box: CellBox): void {
    const w = this.#writer, changed = this.#changed, cols = box.cols;
    const t = this.#target, top = 2 * r * cols, bottom = top + cols;
    for (let c = 0; c < cols; c++) {
      if (changed[c] === 0) continue;
      // One unchanged cell between changes is cheaper to rewrite than to skip with a cursor move.
      w.moveTo(out, box.row0 + r, box.col0 + c);
      for (; c < cols; c++) {
        if (changed[c] === 0 && !(c + 1 < cols && changed[c + 1] !== 0)) break;
        const hi = t[top + c], lo = t[bottom + c];
        if (hi === lo) {
          if (w.fg === hi && w.bg !== hi) {
            w.putGlyph(out, FULL_BLOCK, 0, FULL_BLOCK.length);
          } else {
            w.setColors(out, hi, hi, false);
            w.putGlyph(out, SPACE, 0, 1);
          }
        } else if (w.fg === lo && w.bg === hi) {
          w.putGlyph(out, LOWER_HALF, 0, LOWER_HALF.length);
        } else if (w.fg === hi || w.bg === lo) {
          w.setColors(out, hi, lo, true);
          w.putGlyph(out, UPPER_HALF, 0, UPPER_HALF.length);
        } else if (w.fg === lo || w.bg === hi) {
          w.setColors(out, lo, hi, true);
          w.putGlyph(out, LOWER_HALF, 0, LOWER_HALF.length);
        } else {
          w.setColors(out, hi, lo, true);
          w.putGlyph(out, UPPER_HALF, 0, UPPER_HALF.length);
        }
      }
    }
  }
}

/** Splits `size` source pixels into `parts` boxes: part i covers `[bounds[i], bounds[i+1])`, never empty. */
function boxBounds(parts: number, size: number): Int32Array<ArrayBuffer> {
  const bounds = new Int32Array(parts + 1);
  for (let i = 0; i <= parts; i++) bounds[i] = Math.floor((i * size) / parts);
  // When enlarging, several parts share one source pixel (nearest sampling).
  for (let i = 0; i < parts; i++) {
    if (bounds[i + 1] <= bounds[i]) {
      bounds[i] = Math.min(size - 1, Math.floor((i * size) / parts));
      bounds[i + 1] = Math.max(bounds[i + 1], bounds[i] + 1);
    }
  }
  return bounds;
}
