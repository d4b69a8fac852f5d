/** The key help line at the bottom of a panel: keys highlighted, then what they do. */
import { type PanelCanvas, Style } from "./canvas.ts";

/** One key and its action, e.g. `["Enter", "details"]`. */
export type FooterKey = readonly [key: string, does: string];

/** Draws `keys` left to right on `row`, dropping those that do not fit. */
export function drawFooter(
  canvas: PanelCanvas,
  row: number,
  col: number,
  width: number,
  keys: readonly FooterKey[],
): void {
  let at = col;
  const end = col + width;
  for (const [key, does] of keys) {
    const need = [...key].length + 1 + [...does].length;
    if (at + need > end) break;
    at = canvas.text(row, at, key, Style.Key);
    at = canvas.text(row, at, ` ${does}`, Style.Body) + 2;
  }
}
