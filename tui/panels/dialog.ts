/**
 * A small dialog over a panel: a yes/no confirmation asked before a destructive action, or a notice
 * (why an action was refused) that any key dismisses. Nothing happens without an explicit "y".
 *
 * @example
 * ```ts
 * this.dialog = Dialog.confirm("Discard layer?", ["c-2.qcow2 is deleted."], action);
 * // later, in key(): const answer = this.dialog.key(event); if (answer === "yes") emit(this.dialog.action)
 * ```
 */
import type { KeyEvent } from "../term/keys.ts";
import { type PanelCanvas, Style } from "./canvas.ts";
import { cut } from "./text_fit.ts";

/** What a key did to a dialog: still open, confirmed, or dismissed. */
export type DialogAnswer = "open" | "yes" | "no";

/** A confirmation or a notice, carrying the action it guards (if any). */
export class Dialog<A> {
  private constructor(
    readonly kind: "confirm" | "notice",
    readonly title: string,
    readonly lines: readonly string[],
    /** The action to perform on "yes" (null for a notice). */
    readonly action: A | null,
  ) {}

  /** A yes/no question guarding `action`. */
  static confirm<A>(title: string, lines: readonly string[], action: A): Dialog<A> {
    return new Dialog("confirm", title, lines, action);
  }

  /** A message dismissed by any key. */
  static notice<A>(title: string, lines: readonly string[]): Dialog<A> {
    return new Dialog<A>("notice", title, lines, null);
  }

  /** "y" confirms; "n" or Esc dismisses; a notice closes on any key; other keys are ignored. */
  key(event: KeyEvent): DialogAnswer {
    if (!event.pressed) return "open";
    if (this.kind === "notice") return "no";
    if (event.mods === 0 || event.mods === 1) {
      if (event.key === "y" || event.key === "Y") return "yes";
      if (event.key === "n" || event.key === "N") return "no";
    }
    return event.key === "Escape" ? "no" : "open";
  }

  /** Draws the dialog centred in the canvas, its text wrapped to fit. */
  draw(canvas: PanelCanvas): void {
    const width = Math.min(canvas.width - 4, 64);
    if (width < 12) return;
    const body = this.lines.flatMap((line) => wrap(line, width - 4));
    const footer = this.kind === "confirm" ? "y = yes    n / Esc = no" : "any key = close";
    const maxBody = Math.max(0, canvas.height - 6);
    const shown = body.length > maxBody ? [...body.slice(0, maxBody - 1), "…"] : body;
    const height = shown.length + 4;
    const row = Math.floor((canvas.height - height) / 2);
    const col = Math.floor((canvas.width - width) / 2);
    const style = this.kind === "confirm" ? Style.Warning : Style.Input;
    for (let r = 0; r < height; r++) canvas.text(row + r, col, " ".repeat(width), style);
    canvas.box(row, col, width, height, style);
    canvas.text(row, col + 2, ` ${cut(this.title, width - 6)} `, style);
    shown.forEach((line, i) => canvas.text(row + 1 + i, col + 2, line, style));
    canvas.text(row + height - 2, col + 2, cut(footer, width - 4), style);
  }
}

/** Splits `text` into lines of at most `width` columns at spaces (long words are cut). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if ([...candidate].length <= width) {
      line = candidate;
      continue;
    }
    if (line !== "") lines.push(line);
    line = [...word].length > width ? cut(word, width) : word;
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}
