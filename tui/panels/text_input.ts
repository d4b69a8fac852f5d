/**
 * A one-line text field for the panels (a snapshot label): printable keys type, Backspace deletes,
 * Enter submits, Esc cancels.
 *
 * @example
 * ```ts
 * const input = new TextInput("old label", 40);
 * const r = input.key(event); // "editing" | "submit" | "cancel"
 * ```
 */
import type { KeyEvent } from "../term/keys.ts";
import { Mod } from "../term/keys.ts";
import { type PanelCanvas, Style } from "./canvas.ts";

/** What a key did to the field. */
export type InputResult = "editing" | "submit" | "cancel";

/** The editable text, with the cursor always at its end. */
export class TextInput {
  #chars: string[];

  constructor(initial: string, readonly maxLength: number) {
    this.#chars = [...initial].slice(0, maxLength);
  }

  /** The text typed so far. */
  get value(): string {
    return this.#chars.join("");
  }

  key(event: KeyEvent): InputResult {
    if (!event.pressed) return "editing";
    switch (event.key) {
      case "Enter":
      case "KPEnter":
        return "submit";
      case "Escape":
        return "cancel";
      case "Backspace":
        this.#chars.pop();
        return "editing";
    }
    // One printable character without Ctrl/Alt/Super types itself (Shift is already in the key).
    const printable = [...event.key].length === 1 && event.key >= " " && event.key !== "\x7f";
    if (
      printable && (event.mods & (Mod.Ctrl | Mod.Alt | Mod.Super)) === 0 &&
      this.#chars.length < this.maxLength
    ) {
      this.#chars.push(event.key);
    }
    return "editing";
  }

  /** Draws the field in `width` columns at (row, col), showing its end and a block cursor. */
  draw(canvas: PanelCanvas, row: number, col: number, width: number): void {
    if (width < 2) return;
    const visible = this.#chars.slice(Math.max(0, this.#chars.length - (width - 1))).join("");
    canvas.text(row, col, " ".repeat(width), Style.Input);
    const end = canvas.text(row, col, visible, Style.Input);
    canvas.text(row, end, " ", Style.Cursor);
  }
}
