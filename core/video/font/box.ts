/**
 * Programmatic glyphs for CP437 B0h–DFh (shades, box drawing, blocks), so that
 * lines meet exactly at the cell edges whatever the source font does.
 *
 * Lines are one pixel wide. A single line runs through the centre column/row;
 * a double line is two lines one pixel either side of it. Each glyph is described
 * by its four arms (up, down, left, right), each none, single or double, and the
 * corners and junctions follow from a few rules (see {@link armStop}).
 */

const NONE = 0;
const SINGLE = 1;
const DOUBLE = 2;
type Style = 0 | 1 | 2;

/** Arms of each box-drawing code: [up, down, left, right]. */
const ARMS: ReadonlyMap<number, readonly [Style, Style, Style, Style]> = new Map([
  [0xB3, [1, 1, 0, 0]], // │
  [0xB4, [1, 1, 1, 0]], // ┤
  [0xB5, [1, 1, 2, 0]], // ╡
  [0xB6, [2, 2, 1, 0]], // ╢
  [0xB7, [0, 2, 1, 0]], // ╖
  [0xB8, [0, 1, 2, 0]], // ╕
  [0xB9, [2, 2, 2, 0]], // ╣
  [0xBA, [2, 2, 0, 0]], // ║
  [0xBB, [0, 2, 2, 0]], // ╗
  [0xBC, [2, 0, 2, 0]], // ╝
  [0xBD, [2, 0, 1, 0]], // ╜
  [0xBE, [1, 0, 2, 0]], // ╛
  [0xBF, [0, 1, 1, 0]], // ┐
  [0xC0, [1, 0, 0, 1]], // └
  [0xC1, [1, 0, 1, 1]], // ┴
  [0xC2, [0, 1, 1, 1]], // ┬
  [0xC3, [1, 1, 0, 1]], // ├
  [0xC4, [0, 0, 1, 1]], // ─
  [0xC5, [1, 1, 1, 1]], // ┼
  [0xC6, [1, 1, 0, 2]], // ╞
  [0xC7, [2, 2, 0, 1]], // ╟
  [0xC8, [2, 0, 0, 2]], // ╚
  [0xC9, [0, 2, 0, 2]], // ╔
  [0xCA, [2, 0, 2, 2]], // ╩
  [0xCB, [0, 2, 2, 2]], // ╦
  [0xCC, [2, 2, 0, 2]], // ╠
  [0xCD, [0, 0, 2, 2]], // ═
  [0xCE, [2, 2, 2, 2]], // ╬
  [0xCF, [1, 0, 2, 2]], // ╧
  [0xD0, [2, 0, 1, 1]], // ╨
  [0xD1, [0, 1, 2, 2]], // ╤
  [0xD2, [0, 2, 1, 1]], // ╥
  [0xD3, [2, 0, 0, 1]], // ╙
  [0xD4, [1, 0, 0, 2]], // ╘
  [0xD5, [0, 1, 0, 2]], // ╒
  [0xD6, [0, 2, 0, 1]], // ╓
  [0xD7, [2, 2, 1, 1]], // ╫
  [0xD8, [1, 1, 2, 2]], // ╪
  [0xD9, [1, 0, 1, 0]], // ┘
  [0xDA, [0, 1, 0, 1]], // ┌
]);

/** Centre column of an 8-pixel cell (single vertical lines). */
export const BOX_CENTRE_X = 3;
/** Centre row of a cell of the given height (single horizontal lines). */
export function boxCentreY(height: number): number {
  return (height >> 1) - 1;
}

/**
 * How far a line of an arm reaches towards the centre, as an offset from the
 * centre line (−1, 0, +1 on the arm's own side of the centre is negative).
 *
 * `o` is the line's offset across the arm (0 single, ±1 double); `near` is the
 * perpendicular arm on the side of `o`, `far` the one on the other side.
 * The returned value is measured along the arm: negative stops before the centre.
 */
function armStop(
  o: number,
  opposite: Style,
  same: boolean,
  near: Style,
  far: Style,
  bothSides: boolean,
): number {
  const d = (s: Style): number => (s === DOUBLE ? 1 : 0);
  if (opposite !== NONE && same) {
    // A straight line through the cell, broken only where a double line crosses on its side.
    if (o !== 0 && near === DOUBLE) return -1;
    return 0;
  }
  if (o === 0) {
    const w = Math.max(d(near), d(far));
    if (near === NONE && far === NONE) return 0;
    // A single line ending at perpendicular lines: between two arms it stops at the
    // nearest line (a T), at a corner it reaches the farthest (the outer edge).
    return bothSides ? -w : w;
  }
  if (near !== NONE) return -d(near); // the inner line of a corner or T
  if (far !== NONE) return d(far); // the outer line of a corner
  return 0;
}

function setPixel(rows: Uint8Array, x: number, y: number): void {
  rows[y] |= 0x80 >> x;
}

function drawBox(arms: readonly [Style, Style, Style, Style], height: number): Uint8Array {
  const rows = new Uint8Array(height);
  const [up, down, left, right] = arms;
  const cx = BOX_CENTRE_X;
  const cy = boxCentreY(height);
  const offsets = (s: Style): number[] => (s === DOUBLE ? [-1, 1] : s === SINGLE ? [0] : []);
  const horizontalBoth = left !== NONE && right !== NONE;
  const verticalBoth = up !== NONE && down !== NONE;
  // Vertical arms: o < 0 lies on the left side.
  for (const o of offsets(up)) {
    const near = o < 0 ? left : o > 0 ? right : NONE;
    const far = o < 0 ? right : o > 0 ? left : NONE;
    const stop = o === 0
      ? armStop(0, down, down === up, left, right, horizontalBoth)
      : armStop(o, down, down === up, near, far, horizontalBoth);
    for (let y = 0; y <= cy + stop; y++) setPixel(rows, cx + o, y);
  }
  for (const o of offsets(down)) {
    const near = o < 0 ? left : o > 0 ? right : NONE;
    const far = o < 0 ? right : o > 0 ? left : NONE;
    const stop = o === 0
      ? armStop(0, up, up === down, left, right, horizontalBoth)
      : armStop(o, up, up === down, near, far, horizontalBoth);
    for (let y = cy - stop; y < height; y++) setPixel(rows, cx + o, y);
  }
  // Horizontal arms: o < 0 lies on the upper side.
  for (const o of offsets(left)) {
    const near = o < 0 ? up : o > 0 ? down : NONE;
    const far = o < 0 ? down : o > 0 ? up : NONE;
    const stop = o === 0
      ? armStop(0, right, right === left, up, down, verticalBoth)
      : armStop(o, right, right === left, near, far, verticalBoth);
    for (let x = 0; x <= cx + stop; x++) setPixel(rows, x, cy + o);
  }
  for (const o of offsets(right)) {
    const near = o < 0 ? up : o > 0 ? down : NONE;
    const far = o < 0 ? down : o > 0 ? up : NONE;
    const stop = o === 0
      ? armStop(0, left, left === right, up, down, verticalBoth)
      : armStop(o, left, left === right, near, far, verticalBoth);
    for (let x = cx - stop; x < 8; x++) setPixel(rows, x, cy + o);
  }
  return rows;
}

function drawShade(code: number, height: number): Uint8Array {
  const rows = new Uint8Array(height);
  for (let y = 0; y < height; y++) {
    // ░ one pixel in four, ▒ a checkerboard, ▓ the inverse of ░.
    const light = (y & 1) === 0 ? 0x88 : 0x22;
    rows[y] = code === 0xB0 ? light : code === 0xB1 ? ((y & 1) === 0 ? 0xAA : 0x55) : ~light & 0xFF;
  }
  return rows;
}

function drawBlock(code: number, height: number): Uint8Array {
  const rows = new Uint8Array(height);
  const half = height >> 1;
  for (let y = 0; y < height; y++) {
    if (code === 0xDB) rows[y] = 0xFF; // █
    else if (code === 0xDC) rows[y] = y >= half ? 0xFF : 0; // ▄
    else if (code === 0xDD) rows[y] = 0xF0; // ▌
    else if (code === 0xDE) rows[y] = 0x0F; // ▐
    else rows[y] = y < half ? 0xFF : 0; // ▀
  }
  return rows;
}

/** The glyph rows (bit 7 leftmost) for a CP437 code in B0h–DFh, or null outside that range. */
export function drawCellGraphic(code: number, height: number): Uint8Array | null {
  if (code >= 0xB0 && code <= 0xB2) return drawShade(code, height);
  if (code >= 0xDB && code <= 0xDF) return drawBlock(code, height);
  const arms = ARMS.get(code);
  return arms === undefined ? null : drawBox(arms, height);
}
