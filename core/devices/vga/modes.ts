/**
 * Register values of the standard BIOS video modes, written from the VGA
 * register descriptions (each value is annotated in terms of what it selects),
 * and the default DAC palettes.
 */

/** Which default DAC palette a mode loads. */
export type DefaultPalette = "ega64" | "cga64" | "mono64" | "vga256";

/** What the BIOS needs to know about a mode. */
export interface ModeInfo {
  readonly mode: number;
  readonly text: boolean;
  /** Text columns (graphics: width / 8). */
  readonly cols: number;
  /** Text rows (graphics: height / character height). */
  readonly rows: number;
  /** Pixels (text: cols × 8 / 9-dot cells not counted). */
  readonly width: number;
  readonly height: number;
  /** Bytes per display page as the BIOS data area reports it (40:4C). */
  readonly pageSize: number;
  /** CPU segment of the video buffer. */
  readonly segment: number;
  /** Character cell height used by the BIOS (40:85). */
  readonly charHeight: number;
  /** Number of colours. */
  readonly colors: number;
}

/** Every register of a mode. */
export interface ModeRegisters {
  readonly misc: number;
  readonly seq: readonly number[];
  readonly crtc: readonly number[];
  readonly gc: readonly number[];
  readonly ac: readonly number[];
  readonly palette: DefaultPalette;
  readonly info: ModeInfo;
}

const hex = (s: string): number[] => s.trim().split(/\s+/).map((h) => parseInt(h, 16));

/*
 * CRTC layouts, CR00–CR18. Columns: horizontal total/display end/blank start/blank end/
 * retrace start/retrace end, vertical total, overflow, preset row, max scan line,
 * cursor start/end, start address hi/lo, cursor hi/lo, vertical retrace start/end,
 * display end, offset, underline, vertical blank start/end, mode control, line compare.
 */
// 720×400 text (9-dot, 28 MHz): 100 chars/line, 449 lines, 16-line rows, cursor lines 13–14, word mode.
const CRTC_TEXT80 = hex("5F 4F 50 82 55 81 BF 1F 00 4F 0D 0E 00 00 00 00 9C 8E 8F 28 1F 96 B9 A3 FF");
// 360×400 text: the same with 50 chars/line (halved dot clock) and a 40-char row pitch.
const CRTC_TEXT40 = hex("2D 27 28 90 2B A0 BF 1F 00 4F 0D 0E 00 00 00 00 9C 8E 8F 14 1F 96 B9 A3 FF");
// Mode 7: as 80-column text, underline on line 15 (mono attribute 01h underlines).
const CRTC_MONO = hex("5F 4F 50 82 55 81 BF 1F 00 4F 0D 0E 00 00 00 00 9C 8E 8F 28 0F 96 B9 A3 FF");
// 320×200 CGA: double scan, 2 lines per row with row-scan bit 0 as address bit 13 (interlace), word mode.
const CRTC_CGA320 = hex("2D 27 28 90 2B 80 BF 1F 00 C1 00 00 00 00 00 00 9C 8E 8F 14 00 96 B9 A2 FF");
// 640×200 CGA: 80 chars/line, byte mode, same interlace.
const CRTC_CGA640 = hex("5F 4F 50 82 54 80 BF 1F 00 C1 00 00 00 00 00 00 9C 8E 8F 28 00 96 B9 C2 FF");
// 320×200 planar: double scan, byte mode, 40-byte rows.
const CRTC_EGA320 = hex("2D 27 28 90 2B 80 BF 1F 00 C0 00 00 00 00 00 00 9C 8E 8F 14 00 96 B9 E3 FF");
// 640×200 planar: double scan, byte mode, 80-byte rows.
const CRTC_EGA640 = hex("5F 4F 50 82 54 80 BF 1F 00 C0 00 00 00 00 00 00 9C 8E 8F 28 00 96 B9 E3 FF");
// 640×350 planar: 449 lines, 350 displayed, retrace at 387.
const CRTC_350 = hex("5F 4F 50 82 54 80 BF 1F 00 40 00 00 00 00 00 00 83 85 5D 28 0F 63 BA E3 FF");
// 640×480 planar: 525 lines (60 Hz), retrace at 490.
const CRTC_480 = hex("5F 4F 50 82 54 80 0B 3E 00 40 00 00 00 00 00 00 EA 8C DF 28 00 E7 04 E3 FF");
// 320×200 256-colour: 400 lines, each row shown twice, doubleword addressing, 80-unit pitch.
const CRTC_256 = hex("5F 4F 50 82 54 80 BF 1F 00 41 00 00 00 00 00 00 9C 8E 8F 28 40 96 B9 A3 FF");

// Sequencer SR00–SR04: reset, clocking mode, map mask, character map, memory mode.
const SEQ_TEXT80 = hex("03 00 03 00 02"); // 9-dot chars, planes 0–1, odd/even
const SEQ_TEXT40 = hex("03 08 03 00 02"); // + halved dot clock
const SEQ_CGA320 = hex("03 09 03 00 02"); // 8-dot, halved clock, odd/even
const SEQ_CGA640 = hex("03 01 01 00 06"); // 8-dot, plane 0 only, sequential
const SEQ_EGA320 = hex("03 09 0F 00 06"); // 8-dot, halved clock, all planes, sequential
const SEQ_PLANAR = hex("03 01 0F 00 06"); // 8-dot, all planes, sequential
const SEQ_256 = hex("03 01 0F 00 0E"); // + chain-4

// Graphics controller GR00–GR08: set/reset, enable, compare, rotate, read map, mode, misc, don't care, bit mask.
const GC_TEXT = hex("00 00 00 00 00 10 0E 00 FF"); // odd/even reads, B8000h 32K, alphanumeric
const GC_MONO = hex("00 00 00 00 00 10 0A 00 FF"); // B0000h 32K
const GC_CGA320 = hex("00 00 00 00 00 30 0F 00 FF"); // CGA 2-bit shift, odd/even, B8000h, graphics
const GC_CGA640 = hex("00 00 00 00 00 00 0D 00 FF"); // B8000h, graphics
const GC_PLANAR = hex("00 00 00 00 00 00 05 0F FF"); // A0000h 64K, graphics
const GC_256 = hex("00 00 00 00 00 40 05 0F FF"); // 256-colour shift

// Attribute controller AR00–AR14: 16 palette registers, mode control, overscan, plane enable, panning, colour select.
const AC_TEXT = hex("00 01 02 03 04 05 14 07 38 39 3A 3B 3C 3D 3E 3F 0C 00 0F 08 00"); // EGA colours, blink, 9th column
const AC_MONO = hex("00 08 08 08 08 08 08 08 10 18 18 18 18 18 18 18 0E 00 0F 08 00"); // grey levels, mono, blink
const AC_CGA320 = hex("00 13 15 17 02 04 06 07 10 11 12 13 14 15 16 17 01 00 03 00 00"); // cyan/magenta/white
const AC_CGA640 = hex("00 17 17 17 17 17 17 17 17 17 17 17 17 17 17 17 01 00 01 00 00"); // white on black, plane 0
const AC_EGA200 = hex("00 01 02 03 04 05 06 07 10 11 12 13 14 15 16 17 01 00 0F 00 00"); // CGA colours via bit 4
const AC_EGA350 = hex("00 01 02 03 04 05 14 07 38 39 3A 3B 3C 3D 3E 3F 01 00 0F 00 00"); // EGA colours
const AC_256 = hex("00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 41 00 0F 00 00"); // 8-bit pixels

function info(
  mode: number,
  text: boolean,
  cols: number,
  rows: number,
  width: number,
  height: number,
  pageSize: number,
  segment: number,
  charHeight: number,
  colors: number,
): ModeInfo {
  return { mode, text, cols, rows, width, height, pageSize, segment, charHeight, colors };
}

const TEXT40 = (mode: number): ModeRegisters => ({
  misc: 0x67, // colour I/O, 28 MHz clock, RAM enabled, 400-line polarity
  seq: SEQ_TEXT40,
  crtc: CRTC_TEXT40,
  gc: GC_TEXT,
  ac: AC_TEXT,
  palette: "ega64",
  info: info(mode, true, 40, 25, 320, 400, 0x800, 0xB800, 16, 16),
});

const TEXT80 = (mode: number): ModeRegisters => ({
  misc: 0x67,
  seq: SEQ_TEXT80,
  crtc: CRTC_TEXT80,
  gc: GC_TEXT,
  ac: AC_TEXT,
  palette: "ega64",
  info: info(mode, true, 80, 25, 640, 400, 0x1000, 0xB800, 16, 16),
});

const CGA320 = (mode: number): ModeRegisters => ({
  misc: 0x63, // colour I/O, 25 MHz clock
  seq: SEQ_CGA320,
  crtc: CRTC_CGA320,
  gc: GC_CGA320,
  ac: AC_CGA320,
  palette: "cga64",
  info: info(mode, false, 40, 25, 320, 200, 0x4000, 0xB800, 8, 4),
});

/** The standard modes this VGA can set, by BIOS mode number. */
export const MODES: ReadonlyMap<number, ModeRegisters> = new Map<number, ModeRegisters>([
  [0x00, TEXT40(0x00)],
  [0x01, TEXT40(0x01)],
  [0x02, TEXT80(0x02)],
  [0x03, TEXT80(0x03)],
  [0x04, CGA320(0x04)],
  [0x05, CGA320(0x05)],
  [0x06, {
    misc: 0x63,
    seq: SEQ_CGA640,
    crtc: CRTC_CGA640,
    gc: GC_CGA640,
    ac: AC_CGA640,
    palette: "cga64",
    info: info(0x06, false, 80, 25, 640, 200, 0x4000, 0xB800, 8, 2),
  }],
  [0x07, {
    misc: 0x66, // mono I/O (3Bxh), 28 MHz clock
    seq: SEQ_TEXT80,
    crtc: CRTC_MONO,
    gc: GC_MONO,
    ac: AC_MONO,
    palette: "mono64",
    info: info(0x07, true, 80, 25, 640, 400, 0x1000, 0xB000, 16, 2),
  }],
  [0x0D, {
    misc: 0x63,
    seq: SEQ_EGA320,
    crtc: CRTC_EGA320,
    gc: GC_PLANAR,
    ac: AC_EGA200,
    palette: "cga64",
    info: info(0x0D, false, 40, 25, 320, 200, 0x2000, 0xA000, 8, 16),
  }],
  [0x0E, {
    misc: 0x63,
    seq: SEQ_PLANAR,
    crtc: CRTC_EGA640,
    gc: GC_PLANAR,
    ac: AC_EGA200,
    palette: "cga64",
    info: info(0x0E, false, 80, 25, 640, 200, 0x4000, 0xA000, 8, 16),
  }],
  [0x10, {
    misc: 0xA3, // 350-line sync polarity
    seq: SEQ_PLANAR,
    crtc: CRTC_350,
    gc: GC_PLANAR,
    ac: AC_EGA350,
    palette: "ega64",
    info: info(0x10, false, 80, 25, 640, 350, 0x8000, 0xA000, 14, 16),
  }],
  [0x12, {
    misc: 0xE3, // 480-line sync polarity
    seq: SEQ_PLANAR,
    crtc: CRTC_480,
    gc: GC_PLANAR,
    ac: AC_EGA350,
    palette: "ega64",
    info: info(0x12, false, 80, 30, 640, 480, 0xA000, 0xA000, 16, 16),
  }],
  [0x13, {
    misc: 0x63,
    seq: SEQ_256,
    crtc: CRTC_256,
    gc: GC_256,
    ac: AC_256,
    palette: "vga256",
    info: info(0x13, false, 40, 25, 320, 200, 0xFA00, 0xA000, 8, 256),
  }],
]);

/** Fills `rgb` (256 × 3 six-bit values) with a mode's default DAC palette. */
export function fillDefaultPalette(kind: DefaultPalette, rgb: Uint8Array): void {
  rgb.fill(0);
  if (kind === "vga256") {
    fillVga256(rgb);
    return;
  }
  for (let i = 0; i < 64; i++) {
    let r: number, g: number, b: number;
    if (kind === "ega64") {
      // Bits 0–2: blue, green, red at 2/3; bits 3–5: blue, green, red at 1/3.
      b = (i & 1 ? 0x2A : 0) + (i & 8 ? 0x15 : 0);
      g = (i & 2 ? 0x2A : 0) + (i & 16 ? 0x15 : 0);
      r = (i & 4 ? 0x2A : 0) + (i & 32 ? 0x15 : 0);
    } else if (kind === "cga64") {
      // 200-line modes read palette values as IRGB in bits 4, 2, 1, 0, as a CGA monitor would.
      [r, g, b] = cgaColor((i & 7) | ((i >> 1) & 8));
    } else {
      // Monochrome: bit 3 is video (2/3), bit 4 intensity (full with video). Intensity without
      // video is black, as on an MDA monitor: attribute 08h (palette 10h) is invisible like 00h.
      r = g = b = i & 8 ? (i & 16 ? 0x3F : 0x2A) : 0;
    }
    rgb[i * 3] = r;
    rgb[i * 3 + 1] = g;
    rgb[i * 3 + 2] = b;
  }
}

/** The 16 CGA colours as 6-bit RGB: 2/3 per colour bit, 1/3 more for intensity, dark yellow is brown. */
function cgaColor(irgb: number): [number, number, number] {
  const base = irgb & 8 ? 0x15 : 0;
  const r = base + (irgb & 4 ? 0x2A : 0);
  let g = base + (irgb & 2 ? 0x2A : 0);
  const b = base + (irgb & 1 ? 0x2A : 0);
  if (irgb === 6) g = 0x15;
  return [r, g, b];
}

/** Grey ramp of the default 256-colour palette (entries 16–31). */
const GREYS = hex("00 05 08 0B 0E 11 14 18 1C 20 24 28 2D 32 38 3F");
/**
 * Component levels of the nine 24-entry hue circles (entries 32–247): for high,
 * medium and low intensity, each at high, medium and low saturation, five levels
 * from the low component to the high one.
 */
const HUE_LEVELS = [
  "00 10 1F 2F 3F",
  "1F 27 2F 37 3F",
  "2D 31 36 3A 3F",
  "00 07 0E 15 1C",
  "0E 11 15 18 1C",
  "14 16 18 1A 1C",
  "00 04 08 0C 10",
  "08 0A 0C 0E 10",
  "0B 0C 0D 0F 10",
].map(hex);
/** The hue circle's six corners as which of R, G, B are high: blue, magenta, red, yellow, green, cyan. */
const CORNERS = [[0, 0, 1], [1, 0, 1], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 1, 1]];

function fillVga256(rgb: Uint8Array): void {
  for (let i = 0; i < 16; i++) rgb.set(cgaColor(i), i * 3);
  for (let i = 0; i < 16; i++) rgb.fill(GREYS[i], (16 + i) * 3, (17 + i) * 3);
  let entry = 32;
  for (const levels of HUE_LEVELS) {
    for (let pos = 0; pos < 24; pos++) {
      const from = CORNERS[pos >> 2];
      const to = CORNERS[((pos >> 2) + 1) % 6];
      const step = pos & 3;
      for (let c = 0; c < 3; c++) {
        // A component that changes between corners moves one level per step.
        const level = from[c] === to[c] ? from[c] * 4 : from[c] === 0 ? step : 4 - step;
        rgb[entry * 3 + c] = levels[level];
      }
      entry++;
    }
  }
}
