/**
 * What the video adapter hands to the front end at each vertical retrace.
 *
 * Core produces frames, the tui consumes them. Frames are views over buffers
 * the adapter owns and reuses: a consumer must finish with a frame (or copy
 * what it keeps) before asking for the next. Nothing here is RGB per pixel:
 * conversion to colour happens in the renderer, and only for frames it presents.
 */

/** A text-mode screen: character/attribute cells. */
export interface TextFrame {
  readonly kind: "text";
  /** BIOS video mode number (0–3, 7). */
  readonly mode: number;
  readonly cols: number;
  readonly rows: number;
  /** `rows * cols` cells, each `char | (attr << 8)` as in VGA memory. */
  readonly cells: Uint16Array;
  /** 16 colours × RGB (0–255), after the attribute controller and the DAC. */
  readonly palette: Uint8Array;
  readonly cursor: {
    readonly row: number;
    readonly col: number;
    readonly visible: boolean;
    /** Cursor scan lines (CRTC 0Ah/0Bh) within the character cell. */
    readonly startLine: number;
    readonly endLine: number;
    readonly cellHeight: number;
    /** Cursor blink phase (the VGA blinks it every 8 frames); absent means always on. */
    readonly blinkOn?: boolean;
  };
  /** Attribute bit 7 means blink (true) or bright background (false). */
  readonly blinkEnabled: boolean;
  /** Current blink phase: blinking characters are visible when true. */
  readonly blinkVisible: boolean;
  /** One byte per row: non-zero if any cell of the row changed since the previous frame taken. */
  readonly changedRows: Uint8Array;
  /**
   * Scan line within the character cell (0 … `cursor.cellHeight - 1`) on which underlined
   * cells draw their underline, in the foreground colour: the CRTC underline location
   * (CR14 bits 0–4). -1 (or absent) when it lies outside the cell, so that nothing is
   * underlined: colour modes program 1Fh. Which cells are underlined is a pure function
   * of the attribute, {@link isUnderlineAttribute} (foreground 001, background 000: 01h,
   * 09h, 81h, 89h), as the MDA and the VGA decode it. The underline is part of the
   * foreground: a blinking cell's underline blinks with its glyph.
   */
  readonly underlineRow?: number;
}

/**
 * True for attributes the hardware underlines when the frame has an underline row:
 * foreground bits 0–2 = 001 and background bits 4–6 = 000 (intensity and blink are free).
 */
export function isUnderlineAttribute(attr: number): boolean {
  return (attr & 0x77) === 0x01;
}

/** True if the cell value `cell` (`char | attr << 8`) of `frame` shows an underline. */
export function isUnderlined(frame: TextFrame, cell: number): boolean {
  return (frame.underlineRow ?? -1) >= 0 && ((cell >> 8) & 0x77) === 0x01;
}

/** A graphics-mode screen: one palette index per pixel. */
export interface GraphicsFrame {
  readonly kind: "graphics";
  readonly mode: number;
  readonly width: number;
  readonly height: number;
  /** `width * height` palette indices. */
  readonly pixels: Uint8Array;
  /** 256 colours × RGB (0–255). Only the first `colors` entries matter. */
  readonly palette: Uint8Array;
  /** How many palette entries the mode uses (2, 4, 16, 256). */
  readonly colors: number;
  /** Increments whenever the effective palette changes (DAC or attribute writes). */
  readonly paletteVersion: number;
  /** One byte per line: non-zero if the line changed since the previous frame taken. */
  readonly changedLines: Uint8Array;
  /** Width:height the picture is meant to be shown at (4:3 for every VGA mode). */
  readonly displayAspect: number;
}

export type Frame = TextFrame | GraphicsFrame;

/** Implemented by the video adapter. */
export interface FrameSource {
  /**
   * Rasterizes the current video memory into a frame. Called only for frames the
   * front end will present (a skipped frame is never rasterized), so change
   * tracking accumulates across skipped retraces.
   */
  takeFrame(): Frame;
  /** Number of vertical retraces since power-on (the emulated frame counter). */
  readonly retraceCount: number;
}
