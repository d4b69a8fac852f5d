/**
 * Palette colours to terminal colours (SGR parameters).
 *
 * A mapped colour is one number per palette entry: `0xRRGGBB` for truecolor, an
 * xterm-256 index (16–255) for 256 colours, an ANSI index (0–15) for 16 colours.
 * Renderers keep mapped values in their shadows, so a palette change only resends
 * cells whose terminal colour actually changed.
 *
 * Nearest colours use plain Euclidean RGB distance. The 256-colour search skips
 * entries 0–15 because users reconfigure those; 16-colour mode has nothing else.
 *
 * @example
 * ```ts
 * const mapper = new PaletteMapper(256);
 * const mapped = mapper.map(frame.palette, 16); // cached by palette content
 * writeSgr(out, 256, mapped[attr & 15], mapped[attr >> 4], true, true);
 * ```
 */
import type { RenderCapabilities } from "./capabilities.ts";
import { type ByteSink, writeUintAt } from "./byte_sink.ts";

/** How many colours the terminal shows. */
export type ColorDepth = RenderCapabilities["colors"];

/** Channel levels of the xterm 6×6×6 colour cube (entries 16–231). */
export const XTERM_CUBE_LEVELS: readonly number[] = [0, 95, 135, 175, 215, 255];

/**
 * Reference RGB of the 16 ANSI colours, in ANSI order (black, red, green, yellow,
 * blue, magenta, cyan, white, then bright). These are the VGA's default colours,
 * reordered: VGA numbers blue as 1 and red as 4, ANSI the other way round.
 */
// deno-fmt-ignore
export const ANSI16_RGB: Uint8Array = Uint8Array.from([
  0, 0, 0, 170, 0, 0, 0, 170, 0, 170, 85, 0, 0, 0, 170, 170, 0, 170, 0, 170, 170, 170, 170, 170,
  85, 85, 85, 255, 85, 85, 85, 255, 85, 255, 255, 85, 85, 85, 255, 255, 85, 255, 85, 255, 255, 255, 255, 255,
]);

function nearestLevel(v: number): number {
  // Midpoints between the cube levels 0, 95, 135, 175, 215, 255.
  return v < 48 ? 0 : v < 115 ? 1 : v < 155 ? 2 : v < 195 ? 3 : v < 235 ? 4 : 5;
}

/**
 * Nearest xterm-256 entry (16–255) to an RGB colour.
 *
 * @example
 * ```ts
 * nearest256(128, 128, 128); // 244, the grey 8 + 10 * 12
 * ```
 */
export function nearest256(r: number, g: number, b: number): number {
  const ri = nearestLevel(r), gi = nearestLevel(g), bi = nearestLevel(b);
  const cr = XTERM_CUBE_LEVELS[ri] - r, cg = XTERM_CUBE_LEVELS[gi] - g, cb = XTERM_CUBE_LEVELS[bi] - b;
  const cubeDist = cr * cr + cg * cg + cb * cb;
  // The nearest grey (8, 18, … 238) is the one nearest the channel mean.
  let k = Math.round(((r + g + b) / 3 - 8) / 10);
  k = k < 0 ? 0 : k > 23 ? 23 : k;
  const grey = 8 + 10 * k;
  const greyDist = (grey - r) * (grey - r) + (grey - g) * (grey - g) + (grey - b) * (grey - b);
  return greyDist < cubeDist ? 232 + k : 16 + 36 * ri + 6 * gi + bi;
}

/**
 * Nearest of the 16 ANSI colours ({@link ANSI16_RGB}) to an RGB colour, as an ANSI index.
 *
 * @example
 * ```ts
 * nearest16(0, 0, 170); // 4 (blue), which is VGA colour 1
 * ```
 */
export function nearest16(r: number, g: number, b: number): number {
  let best = 0, bestDist = Infinity;
  for (let i = 0; i < 16; i++) {
    const dr = ANSI16_RGB[i * 3] - r, dg = ANSI16_RGB[i * 3 + 1] - g, db = ANSI16_RGB[i * 3 + 2] - b;
    const d = dr * dr + dg * dg + db * db;
    if (d < bestDist) {
      bestDist = d;
      best = i;
    }
  }
  return best;
}

/**
 * Maps one RGB colour to the terminal's colour space.
 *
 * @example
 * ```ts
 * mapRgb("truecolor", 255, 0, 0); // 0xff0000
 * ```
 */
export function mapRgb(depth: ColorDepth, r: number, g: number, b: number): number {
  if (depth === "truecolor") return (r << 16) | (g << 8) | b;
  return depth === 256 ? nearest256(r, g, b) : nearest16(r, g, b);
}

interface CachedMapping {
  palette: Uint8Array;
  mapped: Uint32Array;
}

/**
 * Maps palettes to terminal colours, caching results by palette content so that a
 * program alternating between a few palettes (fades, flashes) pays once per palette.
 */
export class PaletteMapper {
  readonly depth: ColorDepth;
  #last: CachedMapping | null = null;
  #cache = new Map<number, CachedMapping>();
  static readonly MAX_CACHED = 64;

  constructor(depth: ColorDepth) {
    this.depth = depth;
  }

  /**
   * The mapped colours of `palette[0 .. count * 3)`. The returned array is shared and
   * must not be modified; the same array comes back for the same palette content.
   */
  map(palette: Uint8Array, count: number): Uint32Array {
    const n = count * 3;
    const last = this.#last;
    if (last !== null && last.palette.length === n && sameBytes(last.palette, palette, n)) return last.mapped;
    let hash = 0x811c9dc5;
    for (let i = 0; i < n; i++) hash = Math.imul(hash ^ palette[i], 0x01000193);
    hash = (hash ^ n) >>> 0;
    let hit = this.#cache.get(hash);
    if (hit === undefined || hit.palette.length !== n || !sameBytes(hit.palette, palette, n)) {
      const mapped = new Uint32Array(count);
      for (let i = 0; i < count; i++) {
        mapped[i] = mapRgb(this.depth, palette[i * 3], palette[i * 3 + 1], palette[i * 3 + 2]);
      }
      hit = { palette: palette.slice(0, n), mapped };
      if (this.#cache.size >= PaletteMapper.MAX_CACHED) this.#cache.clear();
      this.#cache.set(hash, hit);
    }
    this.#last = hit;
    return hit.mapped;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Writes the SGR parameters for one mapped colour (no `ESC [`, no `m`); returns the new position. */
function writeColorParams(buf: Uint8Array, p: number, depth: ColorDepth, value: number, bg: boolean): number {
  if (depth === "truecolor") {
    buf[p++] = bg ? 0x34 : 0x33; // "4" / "3"
    buf[p++] = 0x38; // "8"
    buf[p++] = 0x3b;
    buf[p++] = 0x32; // "2"
    buf[p++] = 0x3b;
    p = writeUintAt(buf, p, (value >> 16) & 255);
    buf[p++] = 0x3b;
    p = writeUintAt(buf, p, (value >> 8) & 255);
    buf[p++] = 0x3b;
    return writeUintAt(buf, p, value & 255);
  }
  if (depth === 256) {
    buf[p++] = bg ? 0x34 : 0x33;
    buf[p++] = 0x38;
    buf[p++] = 0x3b;
    buf[p++] = 0x35; // "5"
    buf[p++] = 0x3b;
    return writeUintAt(buf, p, value);
  }
  const base = value < 8 ? (bg ? 40 : 30) : (bg ? 100 : 90);
  return writeUintAt(buf, p, base + (value & 7));
}

/**
 * Writes one SGR sequence setting the foreground and/or background.
 *
 * @example
 * ```ts
 * writeSgr(out, "truecolor", 0xaaaaaa, 0x0000aa, true, true); // ESC[38;2;170;170;170;48;2;0;0;170m
 * ```
 */
export function writeSgr(
  out: ByteSink,
  depth: ColorDepth,
  fg: number,
  bg: number,
  setFg: boolean,
  setBg: boolean,
): void {
  if (!setFg && !setBg) return;
  const buf = out.ensure(48);
  let p = out.length;
  buf[p++] = 0x1b;
  buf[p++] = 0x5b;
  if (setFg) p = writeColorParams(buf, p, depth, fg, false);
  if (setFg && setBg) buf[p++] = 0x3b;
  if (setBg) p = writeColorParams(buf, p, depth, bg, true);
  buf[p++] = 0x6d; // "m"
  out.length = p;
}

/** Length in bytes of the SGR {@link writeSgr} would write (for choosing between alternatives). */
export function sgrLength(depth: ColorDepth, setFg: boolean, setBg: boolean): number {
  if (!setFg && !setBg) return 0;
  const one = depth === "truecolor" ? 16 : depth === 256 ? 8 : 3;
  return 3 + (setFg ? one : 0) + (setBg ? one : 0) + (setFg && setBg ? 1 : 0);
}
