/**
 * Text-mode frames as terminal character cells: CP437 glyphs in UTF-8, VGA
 * attributes as SGR colours, the hardware cursor as the terminal cursor.
 *
 * A shadow of what the terminal shows (glyph, mapped fg, mapped bg per cell) makes
 * each frame send only cells that changed. Changed cells are sent in runs: a short
 * unchanged gap inside a run is rewritten when that is cheaper than a cursor move.
 * Blink is drawn by the renderer (glyph or blank by `blinkVisible`), never with the
 * terminal's own SGR 5, so that it follows the emulated blink rate. Cells the
 * hardware underlines (frame `underlineRow` ≥ 0 and attribute foreground 001,
 * background 000: mode 7's 01h/09h/81h/89h) are written with SGR 4 (and 24 after
 * them); the underline blinks with the glyph, and an underlined blank still shows it.
 *
 * @example
 * ```ts
 * const text = new TextRenderer(caps);
 * const out = new ByteSink();
 * text.render(frame, out, { maxBytes: 65536 });
 * ```
 */
import { type Frame, isUnderlineAttribute, type TextFrame } from "../../core/video/frame.ts";
import type { ByteSink } from "./byte_sink.ts";
import type { RenderCapabilities } from "./capabilities.ts";
import { CellWriter, type CellWriterState, UNKNOWN_COLOR } from "./cell_writer.ts";
import { PaletteMapper, sgrLength } from "./colors.ts";
import { CP437_UTF8, CP437_UTF8_LENGTH, isBlankGlyph } from "./cp437.ts";
import type { FrameRenderer, RenderBudget, RenderResult } from "./frame_renderer.ts";
import { placeText, type TextPlacement } from "./layout.ts";

const SPACE = 0x20;
/** Longest unchanged gap worth considering for a rewrite instead of a cursor move. */
const MAX_REWRITE_GAP = 8;

/** DECSCUSR shapes: blinking block and blinking underline, like the PC's blinking cursor. */
const CURSOR_BLOCK = 1;
const CURSOR_UNDERLINE = 3;

export class TextRenderer implements FrameRenderer {
  readonly name = "text" as const;
  #caps: RenderCapabilities;
  #mapper: PaletteMapper;
  #writer: CellWriter;
  #placement: TextPlacement | null = null;
  #frameCols = 0;
  #frameRows = 0;
  // Shadow: what each frame cell currently shows in the terminal.
  #shGlyph = new Uint8Array(0);
  #shFg = new Uint32Array(0);
  #shBg = new Uint32Array(0);
  #shUl = new Uint8Array(0);
  // One row of targets, reused.
  #rowGlyph = new Uint8Array(0);
  #rowFg = new Uint32Array(0);
  #rowBg = new Uint32Array(0);
  #rowUl = new Uint8Array(0);
  #rowChanged = new Uint8Array(0);
  #needsClear = true;
  #cursorShown: boolean | null = null;
  #cursorShape = 0;
  #saved: CellWriterState = { row: -1, col: -1, fg: UNKNOWN_COLOR, bg: UNKNOWN_COLOR };

  constructor(caps: RenderCapabilities) {
    this.#caps = caps;
    this.#mapper = new PaletteMapper(caps.colors);
    this.#writer = new CellWriter(caps.colors, caps.cols);
  }

  /** True when the terminal is too small for the whole text screen (its top-left part is shown). */
  get clipped(): boolean {
    return this.#placement?.clipped ?? false;
  }

  /** The current placement (null before the first frame). */
  get placement(): TextPlacement | null {
    return this.#placement;
  }

  invalidate(): void {
    this.#needsClear = true;
    this.#shBg.fill(UNKNOWN_COLOR);
    this.#writer.forget();
    this.#cursorShown = null;
    this.#cursorShape = 0;
  }

  resize(caps: RenderCapabilities): void {
    this.#caps = caps;
    if (caps.colors !== this.#mapper.depth) this.#mapper = new PaletteMapper(caps.colors);
    this.#writer = new CellWriter(caps.colors, caps.cols);
    this.#placement = null;
    this.invalidate();
  }

  render(frame: Frame, out: ByteSink, budget: RenderBudget): RenderResult {
    if (frame.kind !== "text") throw new TypeError("TextRenderer renders text frames only");
    const start = out.length;
    const placement = this.#layout(frame);
    const w = this.#writer;
    if (this.#needsClear) {
      out.writeAscii("\x1b[0m\x1b[2J");
      w.forget();
      w.sgrReset();
      this.#needsClear = false;
    }
    const mapped = this.#mapper.map(frame.palette, 16);
    let complete = true;
    let wroteRow = false;
    for (let r = 0; r < placement.visibleRows; r++) {
      if (!this.#computeRow(frame, r, mapped, placement.visibleCols)) continue;
      const mark = out.length;
      w.save(this.#saved);
      this.#emitRow(out, r, placement);
      if (wroteRow && out.length - start > budget.maxBytes) {
        out.truncate(mark);
        w.restore(this.#saved);
        complete = false;
        break;
      }
      this.#commitRow(r, placement.visibleCols);
      wroteRow = true;
    }
    this.#placeCursor(frame, out, placement);
    return { bytes: out.length - start, complete };
  }

  #layout(frame: TextFrame): TextPlacement {
    if (this.#placement === null || frame.cols !== this.#frameCols || frame.rows !== this.#frameRows) {
      this.#frameCols = frame.cols;
      this.#frameRows = frame.rows;
      this.#placement = placeText(frame.cols, frame.rows, this.#caps.cols, this.#caps.rows);
      const n = frame.cols * frame.rows;
      this.#shGlyph = new Uint8Array(n);
      this.#shFg = new Uint32Array(n);
      this.#shBg = new Uint32Array(n);
      this.#shUl = new Uint8Array(n);
      this.#rowGlyph = new Uint8Array(frame.cols);
      this.#rowFg = new Uint32Array(frame.cols);
      this.#rowBg = new Uint32Array(frame.cols);
      this.#rowUl = new Uint8Array(frame.cols);
      this.#rowChanged = new Uint8Array(frame.cols);
      this.invalidate();
    }
    return this.#placement;
  }

  /** Resolves row `r` of the frame to glyph/fg/bg/underline and flags cells differing from the shadow. */
  #computeRow(frame: TextFrame, r: number, mapped: Uint32Array, cols: number): boolean {
    const cells = frame.cells;
    const base = r * frame.cols;
    const blinkEnabled = frame.blinkEnabled, blinkVisible = frame.blinkVisible;
    const glyphs = this.#rowGlyph, fgs = this.#rowFg, bgs = this.#rowBg, uls = this.#rowUl;
    const changed = this.#rowChanged;
    const shGlyph = this.#shGlyph, shFg = this.#shFg, shBg = this.#shBg, shUl = this.#shUl;
    const underlines = (frame.underlineRow ?? -1) >= 0;
    let any = false;
    for (let c = 0; c < cols; c++) {
      const cell = cells[base + c];
      let glyph = cell & 0xff;
      const attr = cell >> 8;
      let bgIndex = attr >> 4;
      let ul = underlines && isUnderlineAttribute(attr) ? 1 : 0;
      if (blinkEnabled) {
        bgIndex &= 7;
        if ((attr & 0x80) !== 0 && !blinkVisible) {
          glyph = SPACE;
          ul = 0;
        }
      }
      if (isBlankGlyph(glyph)) glyph = SPACE;
      const fg = mapped[attr & 15], bg = mapped[bgIndex];
      glyphs[c] = glyph;
      fgs[c] = fg;
      bgs[c] = bg;
      uls[c] = ul;
      const i = base + c;
      // A blank without underline shows only its background, so its foreground may differ from the shadow's.
      const differs = glyph !== shGlyph[i] || bg !== shBg[i] || ul !== shUl[i] ||
        ((glyph !== SPACE || ul !== 0) && fg !== shFg[i]);
      changed[c] = differs ? 1 : 0;
      if (differs) any = true;
    }
    return any;
  }

  #commitRow(r: number, cols: number): void {
    const base = r * this.#frameCols;
    this.#shGlyph.set(this.#rowGlyph.subarray(0, cols), base);
    this.#shFg.set(this.#rowFg.subarray(0, cols), base);
    this.#shBg.set(this.#rowBg.subarray(0, cols), base);
    this.#shUl.set(this.#rowUl.subarray(0, cols), base);
  }

  #emitRow(out: ByteSink, r: number, p: TextPlacement): void {
    const w = this.#writer;
    const changed = this.#rowChanged;
    const n = p.visibleCols;
    const termRow = p.row0 + r;
    let c = 0;
    while (c < n) {
      if (changed[c] === 0) {
        c++;
        continue;
      }
      w.moveTo(out, termRow, p.col0 + c * p.cellWidth);
      this.#emitCell(out, c, p.cellWidth);
      c++;
      // Extend the run: through changed cells, and through short unchanged gaps when cheaper than a move.
      while (c < n) {
        if (changed[c] !== 0) {
          this.#emitCell(out, c, p.cellWidth);
          c++;
          continue;
        }
        let k = c;
        while (k < n && changed[k] === 0 && k - c <= MAX_REWRITE_GAP) k++;
        if (k >= n || changed[k] === 0) break;
        const moveCost = w.moveCost(termRow, p.col0 + k * p.cellWidth);
        if (this.#rewriteCost(c, k, p.cellWidth) > moveCost) break;
        for (; c < k; c++) this.#emitCell(out, c, p.cellWidth);
      }
    }
  }

  /** Bytes needed to rewrite cells [from, to) of the row from the current terminal state. */
  #rewriteCost(from: number, to: number, cellWidth: number): number {
    const depth = this.#writer.depth;
    let fg = this.#writer.fg, bg = this.#writer.bg, cost = 0;
    let ul = this.#writer.underline;
    for (let c = from; c < to; c++) {
      const glyph = this.#rowGlyph[c];
      const on = this.#rowUl[c] !== 0;
      const setFg = (glyph !== SPACE || on) && this.#rowFg[c] !== fg;
      const setBg = this.#rowBg[c] !== bg;
      if (ul !== on) cost += on ? 4 : 5;
      ul = on;
      cost += sgrLength(depth, setFg, setBg) + CP437_UTF8_LENGTH[glyph] + (cellWidth - 1);
      if (setFg) fg = this.#rowFg[c];
      bg = this.#rowBg[c];
    }
    return cost;
  }

  #emitCell(out: ByteSink, c: number, cellWidth: number): void {
    const w = this.#writer;
    const glyph = this.#rowGlyph[c];
    const ul = this.#rowUl[c] !== 0;
    w.setUnderline(out, ul);
    w.setColors(out, this.#rowFg[c], this.#rowBg[c], glyph !== SPACE || ul);
    w.putGlyph(out, CP437_UTF8, glyph * 4, CP437_UTF8_LENGTH[glyph]);
    if (cellWidth === 2) {
      out.writeByte(SPACE);
      w.advance(1);
    }
  }

  #placeCursor(frame: TextFrame, out: ByteSink, p: TextPlacement): void {
    const cur = frame.cursor;
    const visible = cur.visible && cur.startLine <= cur.endLine && cur.startLine < cur.cellHeight &&
      cur.row >= 0 && cur.row < p.visibleRows && cur.col >= 0 && cur.col < p.visibleCols;
    if (!visible) {
      if (this.#cursorShown !== false) {
        out.writeAscii("\x1b[?25l");
        this.#cursorShown = false;
      }
      return;
    }
    this.#writer.moveTo(out, p.row0 + cur.row, p.col0 + cur.col * p.cellWidth);
    // A cursor covering at most a third of the cell is the usual underline; taller ones are blocks.
    const lines = Math.min(cur.endLine, cur.cellHeight - 1) - cur.startLine + 1;
    const shape = lines * 3 <= cur.cellHeight ? CURSOR_UNDERLINE : CURSOR_BLOCK;
    if (shape !== this.#cursorShape) {
      out.writeAscii(shape === CURSOR_UNDERLINE ? "\x1b[3 q" : "\x1b[1 q");
      this.#cursorShape = shape;
    }
    if (this.#cursorShown !== true) {
      out.writeAscii("\x1b[?25h");
      this.#cursorShown = true;
    }
  }
}
