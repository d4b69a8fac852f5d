/**
 * The help overlay (Ctrl-] h): a box in the middle of the terminal listing every hotkey, generated
 * from HOTKEY_BINDINGS through {@link hotkeyHelp}. Commands that are not implemented yet say so.
 *
 * @example
 * ```ts
 * writeHelpOverlay(sink, caps.cols, caps.rows, helpLines("Ctrl-]", available));
 * ```
 */
import { HOTKEY_BINDINGS, type HotkeyCommand, hotkeyHelp } from "../term/hotkeys.ts";
import type { ByteSink } from "../render/byte_sink.ts";

/** The help text: one line per binding, "(not available yet)" after commands without a handler. */
export function helpLines(prefixLabel: string, available: ReadonlySet<HotkeyCommand>): string[] {
  const lines = hotkeyHelp(prefixLabel);
  // hotkeyHelp lists the bindings in order after its title line.
  for (let i = 0; i < HOTKEY_BINDINGS.length; i++) {
    if (!available.has(HOTKEY_BINDINGS[i].command)) lines[i + 1] += " (not available yet)";
  }
  lines.push("", `${prefixLabel} h again closes this help.`);
  return lines;
}

/** Appends a framed box with `lines`, centred in a `cols`×`rows` terminal. */
export function writeHelpOverlay(out: ByteSink, cols: number, rows: number, lines: readonly string[]): void {
  const inner = Math.min(cols - 4, Math.max(...lines.map((l) => Array.from(l).length)));
  const height = Math.min(rows, lines.length + 2);
  const col0 = Math.max(0, Math.floor((cols - inner - 4) / 2));
  const row0 = Math.max(0, Math.floor((rows - height) / 2));
  const encoder = new TextEncoder();
  const put = (row: number, text: string): void => {
    out.writeCursorTo(row, col0);
    out.writeBytes(encoder.encode(text));
  };
  out.writeAscii("\x1b7\x1b[0;30;47m");
  put(row0, "┌" + "─".repeat(inner + 2) + "┐");
  for (let i = 0; i < height - 2; i++) {
    const chars = Array.from(lines[i]).slice(0, inner);
    put(row0 + 1 + i, "│ " + chars.join("") + " ".repeat(inner - chars.length) + " │");
  }
  put(row0 + height - 1, "└" + "─".repeat(inner + 2) + "┘");
  out.writeAscii("\x1b[0m\x1b8");
}
