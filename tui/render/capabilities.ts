/**
 * What the terminal can show, as found by the capability probe (tui/term/).
 *
 * The renderers only read this shape; they never probe the terminal themselves.
 *
 * @example
 * ```ts
 * const caps: RenderCapabilities = {
 *   colors: "truecolor", sixel: true, sixelRegisters: 256, kitty: false, syncOutput: true,
 *   cellWidthPx: 10, cellHeightPx: 20, cols: 80, rows: 25, passthrough: "none",
 * };
 * ```
 */
export interface RenderCapabilities {
  /** Colour depth of SGR colours: 16 ANSI colours, the xterm 256 palette, or 24-bit. */
  colors: 16 | 256 | "truecolor";
  /** The terminal decodes sixel images (DA1 attribute 4). */
  sixel: boolean;
  /** Number of sixel colour registers (XTSMGRAPHICS Pi=1), 0 if unknown. */
  sixelRegisters: number;
  /** The terminal speaks the kitty graphics protocol. */
  kitty: boolean;
  /** Synchronized output (`CSI ? 2026 h/l`) is supported. */
  syncOutput: boolean;
  /** Size of one character cell in pixels (0 if unknown). */
  cellWidthPx: number;
  cellHeightPx: number;
  /**
   * The cell size is an assumption (the terminal reported none and the tty's window size had no
   * pixels): pixel renderers then avoid layouts a wrong guess would garble. Absent: not a guess.
   */
  cellSizeGuessed?: boolean;
  /** Terminal size in cells. */
  cols: number;
  rows: number;
  /** A multiplexer between us and the terminal that needs DCS/APC passthrough wrapping. */
  passthrough: "none" | "tmux" | "screen";
}
