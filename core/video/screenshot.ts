/**
 * Turns a frame into RGBA pixels, for `--screenshot` and golden-image tests.
 * Text frames are drawn with the built-in 8×16 CP437 font in 8-pixel cells
 * (640×400 for 80×25), with blink, the underline (`underlineRow`, scaled like the
 * cursor to the 16-line font) and the cursor as the frame says; graphics frames at
 * their native resolution through their palette.
 */
import { CP437_8X16 } from "./font/cp437_8x16.ts";
import { type Frame, type GraphicsFrame, isUnderlineAttribute, type TextFrame } from "./frame.ts";

/** An RGBA image, 4 bytes per pixel, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

const CELL_W = 8;
const CELL_H = 16;

/** Renders `frame` to a new RGBA image. */
export function frameToRgba(frame: Frame): RgbaImage {
  return frame.kind === "text" ? textToRgba(frame) : graphicsToRgba(frame);
}

function graphicsToRgba(f: GraphicsFrame): RgbaImage {
  const rgba = new Uint8Array(f.width * f.height * 4);
  for (let i = 0; i < f.width * f.height; i++) {
    const c = f.pixels[i] * 3;
    rgba[i * 4] = f.palette[c];
    rgba[i * 4 + 1] = f.palette[c + 1];
    rgba[i * 4 + 2] = f.palette[c + 2];
    rgba[i * 4 + 3] = 255;
  }
  return { width: f.width, height: f.height, rgba };
}

function textToRgba(f: TextFrame): RgbaImage {
  const width = f.cols * CELL_W;
  const height = f.rows * CELL_H;
  const rgba = new Uint8Array(width * height * 4);
  const { cursor } = f;
  const cursorShown = cursor.visible && cursor.blinkOn !== false;
  // The cursor's scan lines, scaled from the mode's cell height to the 16-line font.
  const scale = CELL_H / Math.max(1, cursor.cellHeight);
  const cursorTop = Math.floor(cursor.startLine * scale);
  const cursorBottom = Math.min(CELL_H - 1, Math.floor((cursor.endLine + 1) * scale) - 1);
  const underlineRow = f.underlineRow ?? -1;
  // The underline's scan line(s) in the 16-line font; an empty range when the mode has none.
  const underlineTop = underlineRow >= 0 ? Math.floor(underlineRow * scale) : CELL_H;
  const underlineBottom = underlineRow >= 0
    ? Math.min(CELL_H - 1, Math.max(underlineTop, Math.floor((underlineRow + 1) * scale) - 1))
    : -1;
  for (let row = 0; row < f.rows; row++) {
    for (let col = 0; col < f.cols; col++) {
      const cell = f.cells[row * f.cols + col];
      const ch = cell & 0xFF;
      const attr = cell >> 8;
      let fg = attr & 0x0F;
      let bg = attr >> 4;
      if (f.blinkEnabled) {
        bg &= 7;
        if ((attr & 0x80) !== 0 && !f.blinkVisible) fg = bg;
      }
      const isCursor = cursorShown && cursor.row === row && cursor.col === col;
      const underlined = isUnderlineAttribute(attr);
      for (let y = 0; y < CELL_H; y++) {
        let bits = CP437_8X16[ch * CELL_H + y];
        if (underlined && y >= underlineTop && y <= underlineBottom) bits = 0xFF;
        if (isCursor && y >= cursorTop && y <= cursorBottom) bits = 0xFF;
        let o = ((row * CELL_H + y) * width + col * CELL_W) * 4;
        for (let x = 0; x < CELL_W; x++) {
          const c = ((bits << x) & 0x80) !== 0 ? fg * 3 : bg * 3;
          rgba[o] = f.palette[c];
          rgba[o + 1] = f.palette[c + 1];
          rgba[o + 2] = f.palette[c + 2];
          rgba[o + 3] = 255;
          o += 4;
        }
      }
    }
  }
  return { width, height, rgba };
}
