/**
 * Where and how big a frame appears in the terminal. Pure functions of the frame
 * geometry and the terminal capabilities, recomputed by the renderers on resize
 * or when the video mode changes.
 *
 * @example
 * ```ts
 * const p = placeText(80, 25, caps.cols, caps.rows); // centred, clipped if the terminal is smaller
 * ```
 */
import type { RenderCapabilities } from "./capabilities.ts";

/** Cell size assumed when the terminal did not report it (a common 10×20 px font). */
export const FALLBACK_CELL_WIDTH_PX = 10;
export const FALLBACK_CELL_HEIGHT_PX = 20;

/** Cell size in pixels, falling back to {@link FALLBACK_CELL_WIDTH_PX} × {@link FALLBACK_CELL_HEIGHT_PX}. */
export function cellSizePx(caps: RenderCapabilities): { width: number; height: number } {
  const known = caps.cellWidthPx > 0 && caps.cellHeightPx > 0;
  return {
    width: known ? caps.cellWidthPx : FALLBACK_CELL_WIDTH_PX,
    height: known ? caps.cellHeightPx : FALLBACK_CELL_HEIGHT_PX,
  };
}

/**
 * Marks the cell size of `caps` as an assumption (the terminal reported none and the tty's window
 * size had no pixels): pixel renderers then avoid layouts that a wrong guess would garble.
 *
 * @example
 * ```ts
 * caps.cellWidthPx = 8;
 * caps.cellHeightPx = 16;
 * markCellSizeGuessed(caps);
 * ```
 */
export function markCellSizeGuessed(caps: RenderCapabilities): void {
  caps.cellSizeGuessed = true;
}

/**
 * Sets a cell size that is known (reported by the terminal or derived from the tty's pixel size),
 * clearing a guess mark.
 *
 * @example
 * ```ts
 * setCellSize(caps, 6, 13); // after SIGWINCH, from TIOCGWINSZ
 * ```
 */
export function setCellSize(caps: RenderCapabilities, width: number, height: number): void {
  caps.cellWidthPx = width;
  caps.cellHeightPx = height;
  caps.cellSizeGuessed = false;
}

/**
 * Whether the cell size in `caps` is only an assumption: unknown (0, so {@link cellSizePx} falls
 * back) or marked by {@link markCellSizeGuessed}.
 *
 * @example
 * ```ts
 * if (cellSizeGuessed(caps)) drawAsOneImage();
 * ```
 */
export function cellSizeGuessed(caps: RenderCapabilities): boolean {
  return caps.cellWidthPx <= 0 || caps.cellHeightPx <= 0 ||
    caps.cellSizeGuessed === true;
}

/** Placement of a text screen: which terminal cells show which frame cells. */
export interface TextPlacement {
  /** Terminal column and row (0-based) of the frame's top-left cell. */
  readonly col0: number;
  readonly row0: number;
  /** Terminal columns per frame column: 2 doubles a 40-column mode when the terminal is wide enough. */
  readonly cellWidth: 1 | 2;
  /** How many frame columns and rows fit (fewer than the frame's when clipped). */
  readonly visibleCols: number;
  readonly visibleRows: number;
  /** The terminal is too small for the whole frame; its top-left part is shown. */
  readonly clipped: boolean;
}

/**
 * Centres a `cols`×`rows` text screen in a `termCols`×`termRows` terminal.
 *
 * @example
 * ```ts
 * placeText(40, 25, 100, 30); // { col0: 10, row0: 2, cellWidth: 2, visibleCols: 40, visibleRows: 25, clipped: false }
 * ```
 */
export function placeText(cols: number, rows: number, termCols: number, termRows: number): TextPlacement {
  // Doubling keeps a 40-column mode's 4:3 shape (its cells are twice as wide as in 80 columns).
  const cellWidth: 1 | 2 = cols <= 40 && termCols >= cols * 2 ? 2 : 1;
  const visibleCols = Math.max(0, Math.min(cols, Math.floor(termCols / cellWidth)));
  const visibleRows = Math.max(0, Math.min(rows, termRows));
  return {
    col0: Math.max(0, Math.floor((termCols - cols * cellWidth) / 2)),
    row0: Math.max(0, Math.floor((termRows - rows) / 2)),
    cellWidth,
    visibleCols,
    visibleRows,
    clipped: visibleCols < cols || visibleRows < rows,
  };
}

/** A block of terminal cells an image is shown in. */
export interface CellBox {
  readonly col0: number;
  readonly row0: number;
  readonly cols: number;
  readonly rows: number;
}

/**
 * The largest block of cells with the picture's display aspect (width:height) that
 * fits in `maxCols`×`maxRows`, centred. `maxPixelCols`/`maxPixelRows` cap the size
 * in half-cells (one column, half a row) so that the picture is never upscaled
 * beyond its source resolution.
 *
 * @example
 * ```ts
 * fitCells(4 / 3, caps, 80, 24, 320, 200); // 64×24 cells at 1:2 cells
 * ```
 */
export function fitCells(
  aspect: number,
  caps: RenderCapabilities,
  maxCols: number,
  maxRows: number,
  maxPixelCols = Infinity,
  maxPixelRows = Infinity,
): CellBox {
  const cell = cellSizePx(caps);
  const cellAspect = cell.height / cell.width; // a cell's height over its width, about 2
  // cols * cellWidth / (rows * cellHeight) = aspect  ⇒  cols = rows * cellAspect * aspect
  let rows = maxRows;
  let cols = Math.round(rows * cellAspect * aspect);
  if (cols > maxCols) {
    cols = maxCols;
    rows = Math.round(cols / (cellAspect * aspect));
  }
  if (cols > maxPixelCols) {
    cols = maxPixelCols;
    rows = Math.round(cols / (cellAspect * aspect));
  }
  if (rows * 2 > maxPixelRows) {
    rows = Math.ceil(maxPixelRows / 2);
    cols = Math.min(cols, Math.round(rows * cellAspect * aspect));
  }
  cols = Math.max(1, Math.min(cols, maxCols));
  rows = Math.max(1, Math.min(rows, maxRows));
  return {
    col0: Math.max(0, Math.floor((maxCols - cols) / 2)),
    row0: Math.max(0, Math.floor((maxRows - rows) / 2)),
    cols,
    rows,
  };
}

/** Placement of a pixel image (sixel) at a cell position, with its scaled size. */
export interface PixelPlacement extends CellBox {
  /** Size of the scaled image in pixels. */
  readonly width: number;
  readonly height: number;
  /** Output pixels per source pixel horizontally: an integer ≥ 1, or a fraction < 1 when shrinking. */
  readonly scaleX: number;
  /** Output rows per source line (non-integer when the display aspect needs it, e.g. 200 → 240 lines). */
  readonly scaleY: number;
  readonly cellWidthPx: number;
  readonly cellHeightPx: number;
}

/**
 * Scales a `width`×`height` picture for a pixel protocol: the largest integer
 * horizontal factor that fits, the vertical size following the display aspect;
 * a fractional factor only when even 1× does not fit. The last terminal row is
 * left free because an image reaching it would make the terminal scroll.
 *
 * @example
 * ```ts
 * placePixels(320, 200, 4 / 3, caps); // on 160×50 cells of 10×20 px: 4×, 1280×960 px
 * ```
 */
export function placePixels(
  width: number,
  height: number,
  aspect: number,
  caps: RenderCapabilities,
): PixelPlacement {
  const cell = cellSizePx(caps);
  const usableRows = Math.max(1, caps.rows - 1);
  const availW = Math.max(1, caps.cols) * cell.width;
  const availH = usableRows * cell.height;
  let scaleX = Math.floor(Math.min(availW / width, (availH * aspect) / width));
  let outW: number;
  if (scaleX >= 1) {
    outW = width * scaleX;
  } else {
    outW = Math.max(1, Math.floor(Math.min(availW, availH * aspect)));
    scaleX = outW / width;
  }
  const outH = Math.max(1, Math.min(availH, Math.round(outW / aspect)));
  const cols = Math.ceil(outW / cell.width);
  const rows = Math.ceil(outH / cell.height);
  return {
    col0: Math.max(0, Math.floor((caps.cols - cols) / 2)),
    row0: Math.max(0, Math.floor((usableRows - rows) / 2)),
    cols,
    rows,
    width: outW,
    height: outH,
    scaleX,
    scaleY: outH / height,
    cellWidthPx: cell.width,
    cellHeightPx: cell.height,
  };
}
