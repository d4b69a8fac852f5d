/**
 * An off-screen grid of cells that a panel draws into, then sends to the terminal at an absolute
 * position. Drawing into a grid first keeps clipping and column counting in one place: a panel
 * never writes past its box, whatever the strings it is given.
 *
 * @example
 * ```ts
 * const c = new PanelCanvas(40, 10);
 * c.fill(Style.Body);
 * c.frame(Style.Border, "Disks");
 * c.text(1, 2, "C: disk.img", Style.Body);
 * c.flush(out, 5, 20); // top-left corner at terminal row 5, column 20
 * ```
 */
import type { ByteSink } from "../render/byte_sink.ts";

/** Cell styles a panel uses; each maps to one fixed 16-colour SGR (readable on every terminal). */
export const Style = {
  Body: 0,
  Border: 1,
  Title: 2,
  Header: 3,
  Selected: 4,
  Dim: 5,
  Warning: 6,
  Key: 7,
  Input: 8,
  Cursor: 9,
} as const;
/** One of the {@link Style} values. */
export type Style = typeof Style[keyof typeof Style];

/** SGR parameters per {@link Style}: foreground;background (ANSI 16 colours). */
const STYLE_SGR: readonly string[] = [
  "0;97;44", // Body: bright white on blue
  "0;96;44", // Border: bright cyan on blue
  "0;1;93;44", // Title: bold yellow on blue
  "0;1;97;44", // Header: bold white on blue
  "0;30;46", // Selected: black on cyan
  "0;37;44", // Dim: grey on blue
  "0;1;93;41", // Warning: bold yellow on red
  "0;1;93;44", // Key: yellow on blue
  "0;30;47", // Input: black on grey
  "0;97;40", // Cursor: white on black
];

/** A width × height grid of single-column characters with a style each. */
export class PanelCanvas {
  readonly width: number;
  readonly height: number;
  readonly #chars: string[];
  readonly #styles: Uint8Array;

  constructor(width: number, height: number) {
    this.width = Math.max(0, width);
    this.height = Math.max(0, height);
    this.#chars = new Array<string>(this.width * this.height).fill(" ");
    this.#styles = new Uint8Array(this.width * this.height);
  }

  /** Blanks every cell with `style`. */
  fill(style: Style): void {
    this.#chars.fill(" ");
    this.#styles.fill(style);
  }

  /** Writes `s` from (row, col), one code point per cell, clipped to the grid; returns the next column. */
  text(row: number, col: number, s: string, style: Style): number {
    if (row < 0 || row >= this.height) return col + [...s].length;
    let c = col;
    for (const ch of s) {
      if (c >= 0 && c < this.width) {
        this.#chars[row * this.width + c] = ch;
        this.#styles[row * this.width + c] = style;
      }
      c++;
    }
    return c;
  }

  /** Restyles `count` cells of a row without changing their characters (selection bars). */
  paint(row: number, col: number, count: number, style: Style): void {
    if (row < 0 || row >= this.height) return;
    const end = Math.min(this.width, col + count);
    for (let c = Math.max(0, col); c < end; c++) this.#styles[row * this.width + c] = style;
  }

  /** Draws a single-line frame around the whole grid, with a title in the top edge. */
  frame(style: Style, title = "", titleStyle: Style = Style.Title): void {
    this.box(0, 0, this.width, this.height, style);
    if (title !== "" && this.width > 6) {
      const fitted = title.length > this.width - 6 ? title.slice(0, this.width - 6) : title;
      this.text(0, 2, ` ${fitted} `, titleStyle);
    }
  }

  /** Draws a single-line box outline; the inside is left as it is. */
  box(row: number, col: number, width: number, height: number, style: Style): void {
    if (width < 2 || height < 2) return;
    const right = col + width - 1, bottom = row + height - 1;
    this.text(row, col, "┌" + "─".repeat(width - 2) + "┐", style);
    this.text(bottom, col, "└" + "─".repeat(width - 2) + "┘", style);
    for (let r = row + 1; r < bottom; r++) {
      this.text(r, col, "│", style);
      this.text(r, right, "│", style);
    }
  }

  /** Draws a horizontal divider across the frame at `row`, joined to the side edges. */
  divider(row: number, style: Style): void {
    if (this.width < 2) return;
    this.text(row, 0, "├" + "─".repeat(this.width - 2) + "┤", style);
  }

  /** The character at a cell (for tests and overlays). */
  charAt(row: number, col: number): string {
    return this.#chars[row * this.width + col] ?? " ";
  }

  /** Sends the grid to the terminal with its top-left corner at (row0, col0), then resets SGR. */
  flush(out: ByteSink, row0: number, col0: number): void {
    for (let r = 0; r < this.height; r++) {
      out.writeCursorTo(row0 + r, col0);
      let current = -1;
      let run = "";
      for (let c = 0; c < this.width; c++) {
        const style = this.#styles[r * this.width + c];
        if (style !== current) {
          if (run !== "") writeText(out, run);
          run = "";
          out.writeAscii(`\x1b[${STYLE_SGR[style]}m`);
          current = style;
        }
        run += this.#chars[r * this.width + c];
      }
      if (run !== "") writeText(out, run);
    }
    out.writeAscii("\x1b[0m");
  }
}

const encoder = new TextEncoder();

function writeText(out: ByteSink, s: string): void {
  out.writeBytes(encoder.encode(s));
}
