/**
 * The status line (Ctrl-] i): emulated speed, presented and emulated frames per second, bytes per
 * second to the terminal, the renderer in use and the paused state, on the terminal's last row.
 *
 * @example
 * ```ts
 * writeStatusLine(sink, caps.rows - 1, caps.cols, formatStatus(figures));
 * ```
 */
import type { ByteSink } from "../render/byte_sink.ts";

/** What the status line shows. */
export interface StatusFigures {
  speedPercent: number;
  presentedFps: number;
  emulatedFps: number;
  bytesPerSecond: number;
  renderer: string;
  paused: boolean;
  turbo: boolean;
  /** A short message shown after the figures (e.g. "reset"), or "". */
  note: string;
  /** How to reach the help, e.g. "Ctrl-] h help". */
  hint: string;
}

/** Bytes per second in a short human unit. */
export function formatRate(bytesPerSecond: number): string {
  if (bytesPerSecond >= 1_000_000) return `${(bytesPerSecond / 1_000_000).toFixed(1)} MB/s`;
  if (bytesPerSecond >= 1000) return `${Math.round(bytesPerSecond / 1000)} KB/s`;
  return `${Math.round(bytesPerSecond)} B/s`;
}

/** The status text (plain, without escapes). */
export function formatStatus(f: StatusFigures): string {
  const parts = [
    f.paused ? "PAUSED" : f.turbo ? "turbo" : "running",
    `speed ${Math.round(f.speedPercent)}%`,
    `${Math.round(f.presentedFps)}/${Math.round(f.emulatedFps)} fps`,
    formatRate(f.bytesPerSecond),
    f.renderer,
  ];
  if (f.note !== "") parts.push(f.note);
  parts.push(f.hint);
  return " tty86 │ " + parts.join(" │ ");
}

/**
 * Appends the status line at terminal row `row` (0-based), reverse video, padded or cut to `cols`.
 * The cursor and colours are saved and restored around it so the renderers' state stays true.
 */
export function writeStatusLine(out: ByteSink, row: number, cols: number, text: string): void {
  const chars = Array.from(text);
  const shown = chars.length > cols ? chars.slice(0, cols).join("") : text + " ".repeat(cols - chars.length);
  out.writeAscii("\x1b7");
  out.writeCursorTo(row, 0);
  out.writeAscii("\x1b[0;7m");
  out.writeBytes(new TextEncoder().encode(shown));
  out.writeAscii("\x1b[0m\x1b8");
}
