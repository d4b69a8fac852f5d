/**
 * Renderer benchmark: encode time and bytes per frame for every renderer on
 * generated frame sequences (until the demo disk can drive the real VGA):
 *
 * - `plasma13h`: full-screen 256-colour plasma, every pixel changes (worst case);
 * - `demo13h`: mode 13h scene — static sky and hills, a plasma window, a text scroller;
 * - `cga4`: CGA mode 4 (4 colours), dithered background with a bouncing ball;
 * - `text80`: 80×25 text screen with a ticking status line and a scrolling log window.
 *
 * The `sixel` package's indexed encoder runs on the same frames in the same run as
 * the yardstick. The last line printed is one JSON object; {@link measureRenderers}
 * returns it so that other benchmarks (the pacer's) can extend it.
 *
 * @example
 * ```sh
 * deno task bench:render
 * ```
 */
import { sixelEncodeIndexed } from "sixel/lib/SixelEncoder.js";
import type { GraphicsFrame, TextFrame } from "../core/video/frame.ts";
import { ByteSink } from "../tui/render/byte_sink.ts";
import type { RenderCapabilities } from "../tui/render/capabilities.ts";
import type { FrameRenderer } from "../tui/render/frame_renderer.ts";
import { HalfBlockRenderer } from "../tui/render/halfblock_renderer.ts";
import { KittyRenderer } from "../tui/render/kitty_renderer.ts";
import { SixelEncoder, SixelPalette } from "../tui/render/sixel_encoder.ts";
import { SixelRenderer } from "../tui/render/sixel_renderer.ts";
import { TextRenderer } from "../tui/render/text_renderer.ts";

const FRAMES = 60;

type Rgb = [number, number, number];

function graphicsFrame(width: number, height: number, colors: number, mode: number, palette: Uint8Array) {
  return {
    kind: "graphics" as const,
    mode,
    width,
    height,
    pixels: new Uint8Array(width * height),
    palette,
    colors,
    paletteVersion: 1,
    changedLines: new Uint8Array(height).fill(1),
    displayAspect: 4 / 3,
  };
}

/** A smooth 256-entry palette of the kind plasma demos program into the DAC (6-bit values × 4). */
function plasmaPalette(): Uint8Array {
  const p = new Uint8Array(768);
  for (let i = 0; i < 256; i++) {
    const a = (i / 256) * Math.PI * 2;
    p[i * 3] = (Math.round(31.5 + 31.5 * Math.sin(a)) << 2) & 255;
    p[i * 3 + 1] = (Math.round(31.5 + 31.5 * Math.sin(a + 2.1)) << 2) & 255;
    p[i * 3 + 2] = (Math.round(31.5 + 31.5 * Math.sin(a + 4.2)) << 2) & 255;
  }
  return p;
}

function plasmaSequence(): GraphicsFrame[] {
  const frames: GraphicsFrame[] = [];
  const palette = plasmaPalette();
  for (let f = 0; f < FRAMES; f++) {
    const fr = graphicsFrame(320, 200, 256, 0x13, palette);
    const t = f * 0.08;
    for (let y = 0; y < 200; y++) {
      for (let x = 0; x < 320; x++) {
        const v = Math.sin(x / 16 + t) + Math.sin(y / 11 - t * 0.7) + Math.sin((x + y) / 23 + t * 1.3);
        fr.pixels[y * 320 + x] = Math.floor((v + 3) * 42.5) & 255;
      }
    }
    frames.push(fr);
  }
  return frames;
}

/** 8×8 bitmap glyphs for the scroller: a cheap procedural "font" (hash of the character). */
function glyphBit(ch: number, x: number, y: number): boolean {
  if (x === 0 || y === 7 || ch === 32) return false;
  return (((ch * 2654435761) >>> (x * 3 + y)) & 3) === 0 || (y === 3 && x > 1);
}

function demoSequence(): GraphicsFrame[] {
  const palette = plasmaPalette();
  // Entries 0–63 sky-to-horizon blues, 64–95 greens for the hills, 96 white for the text.
  for (let i = 0; i < 64; i++) palette.set([i, i * 2, 128 + i * 2], i * 3);
  for (let i = 0; i < 32; i++) palette.set([0, 80 + i * 5, 20 + i], (64 + i) * 3);
  palette.set([255, 255, 255], 96 * 3);
  const text = "  TTY86 RENDERS MODE 13H OVER SSH ... GREETINGS TO EVERY TERMINAL THAT SPEAKS SIXEL   ";
  const frames: GraphicsFrame[] = [];
  for (let f = 0; f < FRAMES; f++) {
    const fr = graphicsFrame(320, 200, 256, 0x13, palette);
    const px = fr.pixels;
    for (let y = 0; y < 200; y++) {
      for (let x = 0; x < 320; x++) {
        const hill = 130 + Math.round(20 * Math.sin(x / 37) + 8 * Math.sin(x / 11));
        px[y * 320 + x] = y < hill ? (y * 63 / 130) | 0 : 64 + (((y - hill) * 31 / 70) | 0) % 32;
      }
    }
    // Plasma window 128×64 at (96, 24).
    const t = f * 0.1;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 128; x++) {
        const v = Math.sin(x / 9 + t) + Math.sin(y / 7 - t) + Math.sin((x - y) / 13 + t * 1.7);
        px[(24 + y) * 320 + 96 + x] = 128 + (Math.floor((v + 3) * 21) & 127);
      }
    }
    // Scroller: 8×8 glyphs doubled to 16 rows at y = 176, moving 2 px per frame.
    const scroll = f * 2;
    for (let x = 0; x < 320; x++) {
      const sx = (x + scroll) >> 1;
      const ch = text.charCodeAt((sx >> 3) % text.length);
      for (let y = 0; y < 16; y++) if (glyphBit(ch, sx & 7, y >> 1)) px[(176 + y) * 320 + x] = 96;
    }
    frames.push(fr);
  }
  return frames;
}

function cgaSequence(): GraphicsFrame[] {
  // CGA palette 1, high intensity: black, light cyan, light magenta, white.
  const palette = new Uint8Array(768);
  palette.set([0, 0, 0, 85, 255, 255, 255, 85, 255, 255, 255, 255]);
  const frames: GraphicsFrame[] = [];
  for (let f = 0; f < FRAMES; f++) {
    const fr = graphicsFrame(320, 200, 4, 4, palette);
    const px = fr.pixels;
    for (let y = 0; y < 200; y++) {
      for (let x = 0; x < 320; x++) {
        // Dithered floor in the lower half, a brick wall above.
        px[y * 320 + x] = y > 120
          ? ((x + y) & 1) * 1
          : (y % 8 === 0 || ((x + (y >> 3) * 4) & 15) === 0)
          ? 3
          : 2;
      }
    }
    const bx = 20 + ((f * 5) % 260), by = 40 + Math.round(60 * Math.abs(Math.sin(f / 9)));
    for (let y = -10; y <= 10; y++) {
      for (let x = -10; x <= 10; x++) if (x * x + y * y <= 100) px[(by + y) * 320 + bx + x] = 3;
    }
    frames.push(fr);
  }
  return frames;
}

function textSequence(): TextFrame[] {
  const frames: TextFrame[] = [];
  const palette = new Uint8Array(48);
  const vga = [0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa];
  [...vga, ...vga.map((c) => c | 0x555555)].forEach((c, i) =>
    palette.set([c >> 16, (c >> 8) & 255, c & 255], i * 3)
  );
  const log = Array.from(
    { length: 200 },
    (_, i) => `C:\\GAMES> dir /w  file${i}.dat  ${(i * 7919) % 100000} bytes`,
  );
  for (let f = 0; f < FRAMES; f++) {
    const cells = new Uint16Array(2000).fill(0x1720);
    const put = (row: number, col: number, s: string, attr: number) => {
      for (let i = 0; i < s.length && col + i < 80; i++) {
        cells[row * 80 + col + i] = s.charCodeAt(i) | (attr << 8);
      }
    };
    // A box-drawn window frame (CP437 double lines), a status line, a scrolling log inside.
    for (let c = 1; c < 79; c++) cells[80 + c] = cells[23 * 80 + c] = 0xcd | 0x1f00;
    for (let r = 2; r < 23; r++) cells[r * 80] = cells[r * 80 + 79] = 0xba | 0x1f00;
    put(0, 0, " tty86 — drive C: ".padEnd(80), 0x70);
    put(24, 0, ` frame ${f}  ${new Date(2026, 0, 1, 12, 0, f).toTimeString().slice(0, 8)} `.padEnd(80), 0x30);
    const first = Math.floor(f / 3);
    for (let r = 0; r < 20; r++) put(3 + r, 2, log[first + r].padEnd(76), 0x1e);
    frames.push({
      kind: "text",
      mode: 3,
      cols: 80,
      rows: 25,
      cells,
      palette,
      cursor: { row: 22, col: 10 + (f % 20), visible: true, startLine: 14, endLine: 15, cellHeight: 16 },
      blinkEnabled: true,
      blinkVisible: (f >> 4) % 2 === 0,
      changedRows: new Uint8Array(25).fill(1),
    });
  }
  return frames;
}

const CAPS: RenderCapabilities = {
  colors: "truecolor",
  sixel: true,
  sixelRegisters: 256,
  kitty: true,
  syncOutput: true,
  cellWidthPx: 10,
  cellHeightPx: 20,
  cols: 80,
  rows: 25,
  passthrough: "none",
};

interface Run {
  ms: number;
  bytes: number;
}

/** Renders a sequence through a renderer (with its diffing), `rounds` times after a warm-up. */
function runRenderer(make: () => FrameRenderer, frames: (GraphicsFrame | TextFrame)[], rounds = 5): Run {
  const out = new ByteSink(1 << 20);
  const once = () => {
    const r = make();
    let bytes = 0;
    const t0 = performance.now();
    for (const f of frames) {
      out.clear();
      bytes += r.render(f, out, { maxBytes: 1 << 30 }).bytes;
    }
    return { ms: (performance.now() - t0) / frames.length, bytes: bytes / frames.length };
  };
  once();
  let best: Run = { ms: Infinity, bytes: 0 };
  for (let i = 0; i < rounds; i++) {
    const r = once();
    if (r.ms < best.ms) best = r;
  }
  return best;
}

/** Full-frame sixel encodes at 1× with our encoder and with the `sixel` package, same frames. */
function runSixelFull(frames: GraphicsFrame[], rounds = 7): { ours: Run; npm: Run } {
  const { width, height } = frames[0];
  const palette = new SixelPalette();
  const encoder = new SixelEncoder();
  const offsets = Int32Array.from({ length: height }, (_, y) => y * width);
  const out = new ByteSink(1 << 20);
  const ours = (): Run => {
    let bytes = 0;
    const t0 = performance.now();
    for (const f of frames) {
      out.clear();
      palette.update(f.palette, f.colors);
      encoder.encode(out, f.pixels, width, offsets, 0, height, 1, palette);
      bytes += out.length;
    }
    return { ms: (performance.now() - t0) / frames.length, bytes: bytes / frames.length };
  };
  const indices = frames.map((f) => Uint16Array.from(f.pixels));
  const rgb: Rgb[] = [];
  for (let i = 0; i < frames[0].colors; i++) {
    rgb.push([frames[0].palette[i * 3], frames[0].palette[i * 3 + 1], frames[0].palette[i * 3 + 2]]);
  }
  const npm = (): Run => {
    let bytes = 0;
    const t0 = performance.now();
    for (const ix of indices) bytes += sixelEncodeIndexed(ix, width, height, rgb).length + 10;
    return { ms: (performance.now() - t0) / frames.length, bytes: bytes / frames.length };
  };
  const best = (fn: () => Run): Run => {
    fn();
    let b: Run = { ms: Infinity, bytes: 0 };
    for (let i = 0; i < rounds; i++) {
      const r = fn();
      if (r.ms < b.ms) b = r;
    }
    return b;
  };
  return { ours: best(ours), npm: best(npm) };
}

const round = (v: number, digits = 3) => Number(v.toFixed(digits));

/**
 * Runs every renderer on every sequence and returns the summary object (numbers only),
 * printing one line per sequence to `log` as it goes.
 *
 * @example
 * ```ts
 * const result = measureRenderers();
 * console.log(JSON.stringify({ ...result, pacer_ms: 0.1 }));
 * ```
 */
export function measureRenderers(log: (line: string) => void = () => {}): Record<string, number> {
  const graphics: Record<string, GraphicsFrame[]> = {
    plasma13h: plasmaSequence(),
    demo13h: demoSequence(),
    cga4: cgaSequence(),
  };
  const result: Record<string, number> = {};
  const sums = {
    sixel: 0,
    npm: 0,
    sixelBytes: 0,
    sixelDiff: 0,
    sixelDiffBytes: 0,
    hb: 0,
    hbBytes: 0,
    kitty: 0,
  };
  let kittyBytes = 0;
  const names = Object.keys(graphics);
  for (const name of names) {
    const frames = graphics[name];
    const full = runSixelFull(frames);
    const diff = runRenderer(() => new SixelRenderer(CAPS), frames);
    const hb = runRenderer(() => new HalfBlockRenderer(CAPS), frames);
    const kitty = runRenderer(() => new KittyRenderer(CAPS), frames);
    log(
      `${name}: sixel full ${full.ours.ms.toFixed(3)} ms ${full.ours.bytes | 0} B | npm ${
        full.npm.ms.toFixed(3)
      } ms ` +
        `${full.npm.bytes | 0} B | sixel diff@2x ${diff.ms.toFixed(3)} ms ${diff.bytes | 0} B | ` +
        `halfblock ${hb.ms.toFixed(3)} ms ${hb.bytes | 0} B | kitty ${kitty.ms.toFixed(3)} ms ${
          kitty.bytes | 0
        } B`,
    );
    result[`sixel_ms_per_frame_${name}`] = round(full.ours.ms);
    result[`sixel_npm_ms_per_frame_${name}`] = round(full.npm.ms);
    result[`sixel_diff_bytes_per_frame_${name}`] = Math.round(diff.bytes);
    result[`halfblock_bytes_per_frame_${name}`] = Math.round(hb.bytes);
    result[`kitty_bytes_per_frame_${name}`] = Math.round(kitty.bytes);
    sums.sixel += full.ours.ms;
    sums.npm += full.npm.ms;
    sums.sixelBytes += full.ours.bytes;
    sums.sixelDiff += diff.ms;
    sums.sixelDiffBytes += diff.bytes;
    sums.hb += hb.ms;
    sums.hbBytes += hb.bytes;
    sums.kitty += kitty.ms;
    kittyBytes += kitty.bytes;
  }
  const text = runRenderer(() => new TextRenderer(CAPS), textSequence());
  log(`text80: text ${text.ms.toFixed(3)} ms ${text.bytes | 0} B`);
  const n = names.length;
  return {
    sixel_ms_per_frame: round(sums.sixel / n),
    sixel_npm_ms_per_frame: round(sums.npm / n),
    sixel_speedup_vs_npm: round(sums.npm / sums.sixel, 2),
    sixel_bytes_per_frame: Math.round(sums.sixelBytes / n),
    sixel_diff_ms_per_frame: round(sums.sixelDiff / n),
    sixel_diff_bytes_per_frame: Math.round(sums.sixelDiffBytes / n),
    halfblock_ms_per_frame: round(sums.hb / n),
    halfblock_bytes_per_frame: Math.round(sums.hbBytes / n),
    kitty_ms_per_frame: round(sums.kitty / n),
    kitty_bytes_per_frame: Math.round(kittyBytes / n),
    text_ms_per_frame: round(text.ms),
    text_bytes_per_frame: Math.round(text.bytes),
    ...result,
  };
}

if (import.meta.main) {
  const result = measureRenderers((line) => console.log(line));
  console.log(JSON.stringify(result));
}
