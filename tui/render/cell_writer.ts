/**
 * What a cell-based renderer knows about the terminal's cursor position,
 * current colours and underline, so that it sends a cursor move or an SGR only
 * when needed.
 *
 * @example
 * ```ts
 * const w = new CellWriter("truecolor", 80);
 * w.moveTo(out, 3, 10);
 * w.setColors(out, 0xffffff, 0x0000aa, true);
 * w.putGlyph(out, CP437_UTF8, 0xc9 * 4, CP437_UTF8_LENGTH[0xc9]);
 * ```
 */
import { type ByteSink, decimalDigits, writeUintAt } from "./byte_sink.ts";
import { type ColorDepth, writeSgr } from "./colors.ts";

/** A colour value no mapped colour can have: "the terminal's colour is unknown". */
export const UNKNOWN_COLOR = 0xffffffff;

/** Saved {@link CellWriter} state, for rolling back a row that did not fit the byte budget. */
export interface CellWriterState {
  row: number;
  col: number;
  fg: number;
  bg: number;
  /** Underline rendition (SGR 4); absent means unknown. */
  underline?: boolean | null;
}

export class CellWriter {
  depth: ColorDepth;
  /** Terminal width: writing the last column leaves the cursor in a "pending wrap" state. */
  termCols: number;
  /** Cursor position (0-based); -1 when unknown. */
  row = -1;
  col = -1;
  fg = UNKNOWN_COLOR;
  bg = UNKNOWN_COLOR;
  /** Whether SGR 4 (underline) is on; null when unknown. */
  underline: boolean | null = null;

  constructor(depth: ColorDepth, termCols: number) {
    this.depth = depth;
    this.termCols = termCols;
  }

  /** Forgets everything (after a screen clear or when another component wrote to the terminal). */
  forget(): void {
    this.row = -1;
    this.col = -1;
    this.fg = UNKNOWN_COLOR;
    this.bg = UNKNOWN_COLOR;
    this.underline = null;
  }

  /** Records that the terminal's renditions were just reset (`ESC [ 0 m`): no underline. */
  sgrReset(): void {
    this.underline = false;
  }

  save(into: CellWriterState): void {
    into.row = this.row;
    into.col = this.col;
    into.fg = this.fg;
    into.bg = this.bg;
    into.underline = this.underline;
  }

  restore(from: CellWriterState): void {
    this.row = from.row;
    this.col = from.col;
    this.fg = from.fg;
    this.bg = from.bg;
    this.underline = from.underline ?? null;
  }

  /** Bytes {@link moveTo} would write to reach (row, col). */
  moveCost(row: number, col: number): number {
    if (row === this.row && col === this.col) return 0;
    if (row === this.row && this.col >= 0 && col > this.col) {
      const n = col - this.col;
      return n === 1 ? 3 : 3 + decimalDigits(n);
    }
    return 4 + decimalDigits(row + 1) + decimalDigits(col + 1);
  }

  /** Moves the cursor with the shortest of: nothing, CUF (`ESC [ n C`), CUP. */
  moveTo(out: ByteSink, row: number, col: number): void {
    if (row === this.row && col === this.col) return;
    if (row === this.row && this.col >= 0 && col > this.col) {
      const n = col - this.col;
      const buf = out.ensure(16);
      let p = out.length;
      buf[p++] = 0x1b;
      buf[p++] = 0x5b;
      if (n !== 1) p = writeUintAt(buf, p, n);
      buf[p++] = 0x43; // "C"
      out.length = p;
    } else {
      out.writeCursorTo(row, col);
    }
    this.row = row;
    this.col = col;
  }

  /** Sets colours; the foreground only when `needFg` (blank glyphs do not show it). */
  setColors(out: ByteSink, fg: number, bg: number, needFg: boolean): void {
    const setFg = needFg && fg !== this.fg;
    const setBg = bg !== this.bg;
    if (!setFg && !setBg) return;
    writeSgr(out, this.depth, fg, bg, setFg, setBg);
    if (setFg) this.fg = fg;
    if (setBg) this.bg = bg;
  }

  /** Bytes {@link setUnderline} would write. */
  underlineCost(on: boolean): number {
    return this.underline === on ? 0 : on ? 4 : 5;
  }

  /** Turns the underline on (SGR 4) or off (SGR 24) unless it already is. */
  setUnderline(out: ByteSink, on: boolean): void {
    if (this.underline === on) return;
    out.writeAscii(on ? "\x1b[4m" : "\x1b[24m");
    this.underline = on;
  }

  /** Writes one glyph of `length` bytes from `bytes[at ..]`, `width` cells wide, and tracks the cursor. */
  putGlyph(out: ByteSink, bytes: Uint8Array, at: number, length: number, width = 1): void {
    const buf = out.ensure(length);
    let p = out.length;
    for (let i = 0; i < length; i++) buf[p++] = bytes[at + i];
    out.length = p;
    this.advance(width);
  }

  /** Accounts for `width` cells just written at the cursor. */
  advance(width: number): void {
    if (this.col < 0) return;
    this.col += width;
    // In the last column the terminal holds the cursor there with a pending wrap: treat as unknown.
    if (this.col >= this.termCols) this.col = -1;
  }
}
