/**
 * Generates cp437_8x16.ts and cp437_8x8.ts from the Terminus Font console font
 * that Debian's console-setup-linux package installs (Terminus Font is
 * © Dimitar Toshkov Zhekov, SIL Open Font License 1.1; see README.md).
 *
 * Run with `deno task font:generate` after `apt-get install console-setup-linux`.
 *
 * - Most glyphs come from Uni2-Terminus16 (8×16), looked up by the Unicode code
 *   point of each CP437 code ({@link CP437_TO_UNICODE}); a few missing there come
 *   from Uni3-Terminus16.
 * - B0h–DFh (shades, box drawing, blocks) are drawn by box.ts so lines meet at
 *   the cell edges, and the symbols Terminus lacks or draws as arrows (♥ ○ ◘ ◙ ♪ ♫ ▬ ► ◄ ▲ ▼) are drawn here.
 * - The 8×8 set is a downscale of the 8×16 one (see {@link downscaleTo8}), except
 *   B0h–DFh which are drawn at 8×8 directly.
 */
import { gunzipSync } from "node:zlib";
import { CP437_TO_UNICODE } from "./cp437.ts";
import { parsePsf, type PsfFont } from "./psf.ts";
import { drawCellGraphic } from "./box.ts";

const PRIMARY = "/usr/share/consolefonts/Uni2-Terminus16.psf.gz";
const SECONDARY = "/usr/share/consolefonts/Uni3-Terminus16.psf.gz";
const OUT_DIR = new URL(".", import.meta.url).pathname;

/** Symbols drawn by us, 16 rows of 8 pixels ('#' set). */
const DRAWN: ReadonlyMap<number, readonly string[]> = new Map([
  [0x03, [ // ♥
    "........",
    "........",
    "........",
    "........",
    ".##.##..",
    "#######.",
    "#######.",
    "#######.",
    "#######.",
    ".#####..",
    "..###...",
    "...#....",
    "........",
    "........",
    "........",
    "........",
  ]],
  [0x09, [ // ○
    "........",
    "........",
    "........",
    "........",
    "........",
    "..####..",
    ".##..##.",
    ".#....#.",
    ".#....#.",
    ".#....#.",
    ".##..##.",
    "..####..",
    "........",
    "........",
    "........",
    "........",
  ]],
  [0x0D, [ // ♪
    "........",
    "........",
    "........",
    "...#....",
    "...##...",
    "...#.#..",
    "...#..#.",
    "...#..#.",
    "...#....",
    "...#....",
    ".###....",
    "####....",
    "####....",
    ".##.....",
    "........",
    "........",
  ]],
  [0x0E, [ // ♫
    "........",
    "........",
    "........",
    ".#######",
    ".#######",
    ".#.....#",
    ".#.....#",
    ".#.....#",
    ".#.....#",
    ".#.....#",
    "##....##",
    "###..###",
    "###..###",
    ".#....#.",
    "........",
    "........",
  ]],
  [0x16, [ // ▬
    "........",
    "........",
    "........",
    "........",
    "........",
    "........",
    "........",
    "........",
    "........",
    "#######.",
    "#######.",
    "#######.",
    "#######.",
    "........",
    "........",
    "........",
  ]],
  [0x10, [ // ►
    "........",
    "........",
    "........",
    "#.......",
    "##......",
    "###.....",
    "####....",
    "#####...",
    "######..",
    "#####...",
    "####....",
    "###.....",
    "##......",
    "#.......",
    "........",
    "........",
  ]],
  [0x11, [ // ◄
    "........",
    "........",
    "........",
    "......#.",
    ".....##.",
    "....###.",
    "...####.",
    "..#####.",
    ".######.",
    "..#####.",
    "...####.",
    "....###.",
    ".....##.",
    "......#.",
    "........",
    "........",
  ]],
  [0x1E, [ // ▲
    "........",
    "........",
    "........",
    "........",
    "...#....",
    "..###...",
    "..###...",
    ".#####..",
    ".#####..",
    "#######.",
    "#######.",
    "........",
    "........",
    "........",
    "........",
    "........",
  ]],
  [0x1F, [ // ▼
    "........",
    "........",
    "........",
    "........",
    "#######.",
    "#######.",
    ".#####..",
    ".#####..",
    "..###...",
    "..###...",
    "...#....",
    "........",
    "........",
    "........",
    "........",
    "........",
  ]],
]);

function loadPsf(path: string): PsfFont {
  const font = parsePsf(new Uint8Array(gunzipSync(Deno.readFileSync(path))));
  if (font.width !== 8 || font.height !== 16) throw new Error(`${path}: expected an 8×16 font`);
  return font;
}

function glyphOf(font: PsfFont, codePoint: number): Uint8Array | null {
  const g = font.unicode.get(codePoint);
  return g === undefined ? null : font.glyphs.slice(g * 16, g * 16 + 16);
}

function drawn(rows: readonly string[]): Uint8Array {
  return Uint8Array.from(rows, (r) => parseInt(r.replace(/\./g, "0").replace(/#/g, "1"), 2));
}

function inverse(rows: Uint8Array): Uint8Array {
  return rows.map((r) => ~r & 0xFF);
}

function build8x16(primary: PsfFont, secondary: PsfFont): Uint8Array {
  const out = new Uint8Array(256 * 16);
  const missing: string[] = [];
  for (let code = 0; code < 256; code++) {
    const cp = CP437_TO_UNICODE[code];
    let rows: Uint8Array | null = drawCellGraphic(code, 16);
    if (rows === null && DRAWN.has(code)) rows = drawn(DRAWN.get(code)!);
    if (rows === null && code === 0x08) rows = inverse(glyphOf(primary, 0x2022)!); // ◘ is an inverse •
    if (rows === null && code === 0x0A) rows = inverse(drawn(DRAWN.get(0x09)!)); // ◙ is an inverse ○
    if (code === 0x00 || code === 0xFF) rows = new Uint8Array(16);
    rows ??= glyphOf(primary, cp) ?? glyphOf(secondary, cp);
    if (rows === null) {
      missing.push(code.toString(16));
      rows = new Uint8Array(16);
    }
    out.set(rows, code * 16);
  }
  if (missing.length > 0) throw new Error(`no glyph for CP437 codes ${missing.join(" ")}`);
  return out;
}

const popcount = (v: number): number => {
  let n = 0;
  for (; v !== 0; v &= v - 1) n++;
  return n;
};

/**
 * Squeezes a 16-row glyph into 8 rows. Terminus puts capitals on rows 2–11 and
 * descenders on 12–15; an 8×8 cell has capitals on rows 0–6 and one descender row.
 * Rows 12–15 merge into row 7. Rows 0–11 are split into 7 runs of consecutive rows,
 * each run becoming the OR of its rows; the split is chosen per glyph to lose as
 * few pixels as possible (each row's difference from its run's OR), so horizontal
 * strokes stay separate. Blank rows merge for free; a small penalty keeps runs even.
 */
export function downscaleTo8(rows16: Uint8Array): Uint8Array {
  const rows = 12;
  const groups = 7;
  const runCost = (a: number, b: number): number => {
    let or = 0;
    for (let i = a; i <= b; i++) or |= rows16[i];
    let cost = 0;
    for (let i = a; i <= b; i++) if (rows16[i] !== 0) cost += popcount(rows16[i] ^ or);
    return cost + 0.01 * (b - a) * (b - a);
  };
  // best[k][i]: least cost splitting rows 0..i-1 into k runs; from[k][i]: where the last run starts.
  const best = Array.from({ length: groups + 1 }, () => new Array<number>(rows + 1).fill(Infinity));
  const from = Array.from({ length: groups + 1 }, () => new Array<number>(rows + 1).fill(0));
  best[0][0] = 0;
  for (let k = 1; k <= groups; k++) {
    for (let i = k; i <= rows; i++) {
      for (let s = k - 1; s < i; s++) {
        const c = best[k - 1][s] + runCost(s, i - 1);
        if (c < best[k][i]) {
          best[k][i] = c;
          from[k][i] = s;
        }
      }
    }
  }
  const out = new Uint8Array(8);
  let end = rows;
  for (let k = groups; k >= 1; k--) {
    const start = from[k][end];
    for (let i = start; i < end; i++) out[k - 1] |= rows16[i];
    end = start;
  }
  out[7] = rows16[12] | rows16[13] | rows16[14] | rows16[15];
  return out;
}

function build8x8(font16: Uint8Array): Uint8Array {
  const out = new Uint8Array(256 * 8);
  for (let code = 0; code < 256; code++) {
    const rows = drawCellGraphic(code, 8) ?? downscaleTo8(font16.subarray(code * 16, code * 16 + 16));
    out.set(rows, code * 8);
  }
  return out;
}

function hexLines(glyphs: Uint8Array, height: number, perLine: number): string {
  const lines: string[] = [];
  for (let code = 0; code < 256; code += perLine) {
    const parts: string[] = [];
    for (let c = code; c < code + perLine; c++) {
      parts.push(
        Array.from(glyphs.subarray(c * height, (c + 1) * height), (b) => b.toString(16).padStart(2, "0"))
          .join(""),
      );
    }
    lines.push(`  ${parts.join(" ")} // ${code.toString(16).toUpperCase().padStart(2, "0")}`);
  }
  return lines.join("\n");
}

function moduleText(name: string, size: string, glyphs: Uint8Array, height: number, perLine: number): string {
  return `// Generated by core/video/font/generate.ts (deno task font:generate). Do not edit by hand.
// Glyphs derived from Terminus Font 16 (© Dimitar Toshkov Zhekov, SIL Open Font License 1.1),
// as installed by Debian's console-setup-linux; B0h–DFh and a few symbols drawn by tty86.
// This derived font is not "Terminus Font" (a Reserved Font Name) and is distributed under the OFL 1.1.
import { hexToBytes } from "./hex.ts";

/** ${size} glyphs for the 256 CP437 codes, ${height} bytes each, bit 7 = leftmost pixel. */
export const ${name}: Uint8Array = hexToBytes(
  // deno-fmt-ignore
  \`
${hexLines(glyphs, height, perLine).replace(/ \/\/ [0-9A-F]{2}/g, "")}
\`,
);
`;
}

if (import.meta.main) {
  const font16 = build8x16(loadPsf(PRIMARY), loadPsf(SECONDARY));
  const font8 = build8x8(font16);
  Deno.writeTextFileSync(`${OUT_DIR}cp437_8x16.ts`, moduleText("CP437_8X16", "8×16", font16, 16, 2));
  Deno.writeTextFileSync(`${OUT_DIR}cp437_8x8.ts`, moduleText("CP437_8X8", "8×8", font8, 8, 4));
  console.log(`wrote ${OUT_DIR}cp437_8x16.ts and ${OUT_DIR}cp437_8x8.ts`);
}
