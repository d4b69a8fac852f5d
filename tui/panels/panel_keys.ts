/** Key names shared by the panels: which keys move, open, close. */
import type { KeyEvent } from "../term/keys.ts";
import { Mod } from "../term/keys.ts";

/** A list movement for a key: rows to move, `"home"`/`"end"`, or null for other keys. */
export function movement(event: KeyEvent, page: number): number | "home" | "end" | null {
  if ((event.mods & (Mod.Ctrl | Mod.Alt)) !== 0) return null;
  switch (event.key) {
    case "Up":
    case "k":
      return -1;
    case "Down":
    case "j":
      return 1;
    case "PageUp":
      return -Math.max(1, page);
    case "PageDown":
      return Math.max(1, page);
    case "Home":
      return "home";
    case "End":
      return "end";
  }
  return null;
}

/** A plain letter key (no Ctrl/Alt), lower-cased; null otherwise. */
export function letter(event: KeyEvent): string | null {
  if ((event.mods & (Mod.Ctrl | Mod.Alt | Mod.Super)) !== 0) return null;
  return event.key.length === 1 ? event.key.toLowerCase() : null;
}
