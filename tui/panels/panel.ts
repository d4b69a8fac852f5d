/**
 * What every tty86 panel (disk chain, snapshot tree) offers the app: draw over the screen, take keys,
 * and say whether to stay open, close, or run an action.
 *
 * The app owns the screen: it calls {@link Panel.render} after drawing the guest (panels draw at
 * absolute positions over it), routes every key to {@link Panel.key} while the panel is open, and
 * invalidates its screen renderer when the panel closes so the guest screen is redrawn in full.
 */
import type { ByteSink } from "../render/byte_sink.ts";
import type { KeyEvent } from "../term/keys.ts";

/** The terminal size a panel may draw in (cells). */
export interface PanelArea {
  cols: number;
  rows: number;
}

/** What a key did: nothing for the app, close the panel, or perform an action then `update` the panel. */
export type PanelResult<A> =
  | { kind: "stay" }
  | { kind: "close" }
  | { kind: "action"; action: A };

/** A keyboard-driven box drawn over the guest screen. */
export interface Panel<A> {
  /** Draws the whole panel (a centred box) at absolute positions with SGR colours; ends with SGR reset. */
  render(out: ByteSink, area: PanelArea): void;
  /** Handles one key event (releases are ignored). */
  key(event: KeyEvent): PanelResult<A>;
  /** True while the panel has background work left (e.g. a scan): the app should render it again soon. */
  readonly busy: boolean;
}

/** The shared "stay" result (no allocation per key). */
export const STAY: { kind: "stay" } = { kind: "stay" };
/** The shared "close" result. */
export const CLOSE: { kind: "close" } = { kind: "close" };

/** Where a panel's box goes: its size and top-left corner. */
export interface BoxPlacement {
  row: number;
  col: number;
  width: number;
  height: number;
}

/**
 * Centres a box as large as `maxWidth` × `maxHeight` in the area; on an 80×24 terminal a panel takes
 * the whole screen, on larger ones it stays readable instead of stretching.
 */
export function placeBox(area: PanelArea, maxWidth: number, maxHeight: number): BoxPlacement {
  const width = Math.max(0, Math.min(area.cols, maxWidth));
  const height = Math.max(0, Math.min(area.rows, maxHeight));
  return {
    row: Math.floor((area.rows - height) / 2),
    col: Math.floor((area.cols - width) / 2),
    width,
    height,
  };
}
