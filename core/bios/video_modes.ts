/**
 * The BIOS's view of each video mode: memory layout, text geometry and the
 * BIOS data area values a mode set stores. Register programming is the VGA's.
 */

/** How a mode lays out video memory. */
export type VideoLayout =
  | "text" // char/attribute words
  | "cga2" // CGA 4-colour, 2 bits per pixel, even/odd scan lines in two 8 KiB banks
  | "cga1" // CGA 2-colour, 1 bit per pixel, banked like cga2
  | "planar" // EGA/VGA 4 planes, 1 bit per pixel per plane
  | "linear"; // mode 13h, 1 byte per pixel

/** What the BIOS knows about one mode. */
export interface VideoModeInfo {
  readonly mode: number;
  readonly layout: VideoLayout;
  readonly cols: number;
  readonly rows: number;
  /** Character cell height in scan lines (the font INT 43h points to in graphics modes). */
  readonly charHeight: number;
  /** Pixel size (graphics modes). */
  readonly width: number;
  readonly height: number;
  /** Bytes per scan line (graphics modes). */
  readonly bytesPerLine: number;
  /** Colours: 2, 4, 16 or 256 (text: 16). */
  readonly colors: number;
  readonly segment: number;
  /** Regen size per page, as stored at 40:4C. */
  readonly pageSize: number;
  readonly pages: number;
  /** CGA mode-control value for 40:65. */
  readonly modeControl: number;
  readonly mono: boolean;
}

function text(mode: number, cols: number, modeControl: number, mono = false): VideoModeInfo {
  return {
    mode,
    layout: "text",
    cols,
    rows: 25,
    charHeight: 16,
    width: cols * (mono ? 9 : 8),
    height: 400,
    bytesPerLine: cols * 2,
    colors: 16,
    segment: mono ? 0xB000 : 0xB800,
    pageSize: cols === 40 ? 0x800 : 0x1000,
    pages: 8,
    modeControl,
    mono,
  };
}

function graphics(
  mode: number,
  layout: VideoLayout,
  width: number,
  height: number,
  colors: number,
  charHeight: number,
  pageSize: number,
  pages: number,
  modeControl: number,
): VideoModeInfo {
  const bytesPerLine = layout === "linear" ? width : layout === "cga2" ? width / 4 : width / 8;
  return {
    mode,
    layout,
    cols: width / 8,
    rows: Math.floor(height / charHeight),
    charHeight,
    width,
    height,
    bytesPerLine,
    colors,
    segment: layout === "cga2" || layout === "cga1" ? 0xB800 : 0xA000,
    pageSize,
    pages,
    modeControl,
    mono: mode === 0x0F,
  };
}

const MODES: readonly VideoModeInfo[] = [
  text(0x00, 40, 0x2C),
  text(0x01, 40, 0x28),
  text(0x02, 80, 0x2D),
  text(0x03, 80, 0x29),
  graphics(0x04, "cga2", 320, 200, 4, 8, 0x4000, 1, 0x2A),
  graphics(0x05, "cga2", 320, 200, 4, 8, 0x4000, 1, 0x2E),
  graphics(0x06, "cga1", 640, 200, 2, 8, 0x4000, 1, 0x1E),
  text(0x07, 80, 0x29, true),
  graphics(0x0D, "planar", 320, 200, 16, 8, 0x2000, 8, 0x29),
  graphics(0x0E, "planar", 640, 200, 16, 8, 0x4000, 4, 0x29),
  graphics(0x0F, "planar", 640, 350, 2, 14, 0x8000, 2, 0x29),
  graphics(0x10, "planar", 640, 350, 16, 14, 0x8000, 2, 0x29),
  graphics(0x11, "planar", 640, 480, 2, 16, 0xA000, 1, 0x29),
  graphics(0x12, "planar", 640, 480, 16, 16, 0xA000, 1, 0x29),
  graphics(0x13, "linear", 320, 200, 256, 8, 0xFA00, 1, 0x29),
];

const BY_NUMBER: readonly (VideoModeInfo | undefined)[] = (() => {
  const t: (VideoModeInfo | undefined)[] = new Array(0x80).fill(undefined);
  for (const m of MODES) t[m.mode] = m;
  return t;
})();

/** The mode's description, or undefined for a mode this BIOS does not set. */
export function videoMode(mode: number): VideoModeInfo | undefined {
  return BY_NUMBER[mode & 0x7F];
}
