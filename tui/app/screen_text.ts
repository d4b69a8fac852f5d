/**
 * A text frame as plain Unicode text: what `--screen` prints and what `--until-text` searches.
 *
 * @example
 * ```ts
 * const text = screenText(machine.video.takeFrame()); // "A:\\>" somewhere in it after FreeDOS boots
 * ```
 */
import { CP437_TO_UNICODE } from "../../core/video/font/cp437.ts";
import type { Frame } from "../../core/video/frame.ts";

/**
 * The cells of a text frame, one line per row with trailing blanks removed; NUL shows as a space.
 * A graphics frame has no text: a one-line note saying so.
 */
export function screenText(frame: Frame): string {
  if (frame.kind === "graphics") {
    return `(graphics mode ${
      frame.mode.toString(16).toUpperCase()
    }h, ${frame.width}x${frame.height}: no text)`;
  }
  const lines: string[] = [];
  const codes: number[] = new Array(frame.cols);
  for (let r = 0; r < frame.rows; r++) {
    for (let c = 0; c < frame.cols; c++) {
      const ch = frame.cells[r * frame.cols + c] & 0xFF;
      codes[c] = ch === 0 ? 0x20 : CP437_TO_UNICODE[ch];
    }
    lines.push(String.fromCodePoint(...codes).trimEnd());
  }
  return lines.join("\n");
}
