/**
 * Shared helpers for the tui/render tests: a headless xterm to replay renderer
 * output into, capabilities, and frame builders with the VGA's default palette.
 */
import nodeAssert from "node:assert/strict";
import xterm from "@xterm/headless";
import type { GraphicsFrame, TextFrame } from "../../core/video/frame.ts";
import type { RenderCapabilities } from "../../tui/render/capabilities.ts";

type XtermModule = typeof xterm & { default?: typeof xterm };
const mod = xterm as XtermModule;
const TerminalCtor = (mod.default ?? mod).Terminal;
export type HeadlessTerminal = InstanceType<typeof TerminalCtor>;

/** A headless terminal of the given size. */
export function makeTerminal(cols: number, rows: number): HeadlessTerminal {
  return new TerminalCtor({ cols, rows, allowProposedApi: true, scrollback: 0 });
}

/** Writes bytes and waits until the terminal has parsed them. */
export function feed(term: HeadlessTerminal, bytes: Uint8Array): Promise<void> {
  const copy = bytes.slice();
  return new Promise((resolve) => term.write(copy, resolve));
}

export function makeCaps(overrides: Partial<RenderCapabilities> = {}): RenderCapabilities {
  return {
    colors: "truecolor",
    sixel: false,
    sixelRegisters: 256,
    kitty: false,
    syncOutput: false,
    cellWidthPx: 10,
    cellHeightPx: 20,
    cols: 80,
    rows: 25,
    passthrough: "none",
    ...overrides,
  };
}

/** The VGA's 16 default text colours, RGB 0–255, in VGA order (1 = blue, 4 = red). */
// deno-fmt-ignore
export const VGA16: readonly number[] = [
  0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,
  0x555555, 0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff, 0xffff55, 0xffffff,
];

export function paletteBytes(rgb: readonly number[], size = rgb.length): Uint8Array {
  const p = new Uint8Array(size * 3);
  rgb.forEach((c, i) => {
    p[i * 3] = c >> 16;
    p[i * 3 + 1] = (c >> 8) & 255;
    p[i * 3 + 2] = c & 255;
  });
  return p;
}

/** A mutable text frame; every cell starts as a space, grey on black. */
export interface MutableTextFrame extends TextFrame {
  cells: Uint16Array;
  palette: Uint8Array;
  cursor: {
    row: number;
    col: number;
    visible: boolean;
    startLine: number;
    endLine: number;
    cellHeight: number;
  };
  blinkEnabled: boolean;
  blinkVisible: boolean;
}

export function makeTextFrame(cols = 80, rows = 25): MutableTextFrame {
  return {
    kind: "text",
    mode: cols === 40 ? 1 : 3,
    cols,
    rows,
    cells: new Uint16Array(cols * rows).fill(0x0720),
    palette: paletteBytes(VGA16),
    cursor: { row: 0, col: 0, visible: true, startLine: 14, endLine: 15, cellHeight: 16 },
    blinkEnabled: true,
    blinkVisible: true,
    changedRows: new Uint8Array(rows).fill(1),
  };
}

export interface MutableGraphicsFrame extends GraphicsFrame {
  palette: Uint8Array;
  paletteVersion: number;
}

/** A graphics frame with the default 256-colour VGA-like palette (16 VGA colours, then a ramp). */
export function makeGraphicsFrame(
  width = 320,
  height = 200,
  colors = 256,
  mode = 0x13,
): MutableGraphicsFrame {
  const rgb: number[] = [...VGA16];
  for (let i = 16; i < 256; i++) rgb.push(((i * 7) & 255) << 16 | ((i * 13) & 255) << 8 | ((i * 29) & 255));
  return {
    kind: "graphics",
    mode,
    width,
    height,
    pixels: new Uint8Array(width * height),
    palette: paletteBytes(rgb, 256),
    colors,
    paletteVersion: 1,
    changedLines: new Uint8Array(height).fill(1),
    displayAspect: 4 / 3,
  };
}

/** RGB of palette entry `i` as 0xRRGGBB. */
export function paletteRgb(palette: Uint8Array, i: number): number {
  return (palette[i * 3] << 16) | (palette[i * 3 + 1] << 8) | palette[i * 3 + 2];
}

/** Assertions on node:assert (no other assertion library is available offline). */
export function assert(condition: unknown, message?: string): asserts condition {
  nodeAssert.ok(condition, message);
}

export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

/** A sixel image the headless terminal received, with the cursor cell it was drawn at. */
export interface ReceivedSixel {
  data: string;
  params: (number | number[])[];
  row: number;
  col: number;
}

/** Collects every sixel DCS the terminal parses (xterm headless does not draw them). */
export function collectSixels(term: HeadlessTerminal): ReceivedSixel[] {
  const images: ReceivedSixel[] = [];
  term.parser.registerDcsHandler({ final: "q" }, (data, params) => {
    images.push({ data, params, row: term.buffer.active.cursorY, col: term.buffer.active.cursorX });
    return true;
  });
  return images;
}
