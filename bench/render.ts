/**
 * Renderer benchmark: encode time and bytes per frame for every renderer on frame sequences
 * recorded in the same run from the demo disk (guest/demo/demo.img) running headless in the
 * real machine, one frame per vertical retrace ({@link recordDemoFrames}):
 *
 * - `fire13h`: the mode 13h fire animation;
 * - `snakeCga4`: Snake in CGA mode 4, steered with the arrow keys;
 * - `menuText`, `testerText`: the text-mode menu and the keyboard/timer tester.
 *
 * Each renderer runs twice per sequence: diff-driven (one renderer across the sequence, fed
 * the recorded changed lines/rows, as the app renders) and full-frame (invalidated before every
 * frame). The `sixel` package's indexed encoder runs on the same graphics frames in the same run
 * as the yardstick for our full-frame sixel encoder. A synthetic full-screen 256-colour plasma
 * (every pixel changes every frame) is kept as a stress case under `*_plasma_stress` keys; it is
 * not part of the headline averages.
 *
 * The last line printed is one JSON object; {@link measureRenderers} returns it so that other
 * benchmarks (the pacer's) can extend it.
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
import { recordDemoFrames } from "./demo_frames.ts";

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

/**
 * Renders a sequence through a renderer, `rounds` times after a warm-up; the best round counts.
 * Diff-driven (`full` false): one renderer across the sequence, so it sends what changed.
 * Full-frame (`full` true): the renderer is invalidated before every frame and redraws it all.
 */
function runRenderer(
  make: () => FrameRenderer,
  frames: readonly (GraphicsFrame | TextFrame)[],
  full = false,
  rounds = 5,
): Run {
  const out = new ByteSink(1 << 20);
  const once = () => {
    const r = make();
    let bytes = 0;
    const t0 = performance.now();
    for (const f of frames) {
      out.clear();
      if (full) r.invalidate();
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
function runSixelFull(frames: readonly GraphicsFrame[], rounds = 7): { ours: Run; npm: Run } {
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
  // The package takes the palette as RGB triples: built once per palette version, outside the timing.
  const palettes: Rgb[][] = [];
  for (const f of frames) {
    const prev = palettes.length > 0 ? frames[palettes.length - 1] : null;
    if (prev !== null && prev.paletteVersion === f.paletteVersion && prev.colors === f.colors) {
      palettes.push(palettes[palettes.length - 1]);
      continue;
    }
    const rgb: Rgb[] = [];
    for (let i = 0; i < f.colors; i++) {
      rgb.push([f.palette[i * 3], f.palette[i * 3 + 1], f.palette[i * 3 + 2]]);
    }
    palettes.push(rgb);
  }
  const npm = (): Run => {
    let bytes = 0;
    const t0 = performance.now();
    for (let i = 0; i < indices.length; i++) {
      bytes += sixelEncodeIndexed(indices[i], width, height, palettes[i]).length + 10;
    }
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
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The benchmark summary: numbers, plus `frames` (frames recorded per sequence). */
export type RenderBenchResult = Record<string, number | Record<string, number>>;

/** One graphics sequence through every renderer. */
interface GraphicsRun {
  full: { ours: Run; npm: Run };
  sixelDiff: Run;
  sixelRenderFull: Run;
  hb: Run;
  hbFull: Run;
  kitty: Run;
  kittyFull: Run;
}

function runGraphics(frames: readonly GraphicsFrame[]): GraphicsRun {
  return {
    full: runSixelFull(frames),
    sixelDiff: runRenderer(() => new SixelRenderer(CAPS), frames),
    sixelRenderFull: runRenderer(() => new SixelRenderer(CAPS), frames, true),
    hb: runRenderer(() => new HalfBlockRenderer(CAPS), frames),
    hbFull: runRenderer(() => new HalfBlockRenderer(CAPS), frames, true),
    kitty: runRenderer(() => new KittyRenderer(CAPS), frames),
    kittyFull: runRenderer(() => new KittyRenderer(CAPS), frames, true),
  };
}

const ms = (r: Run) => r.ms.toFixed(3);
const bytes = (r: Run) => r.bytes | 0;

function describeGraphics(name: string, g: GraphicsRun): string {
  return `${name}: sixel full ${ms(g.full.ours)} ms ${bytes(g.full.ours)} B | npm ${ms(g.full.npm)} ms ` +
    `${bytes(g.full.npm)} B | sixel@2x diff ${ms(g.sixelDiff)} ms ${bytes(g.sixelDiff)} B, full ` +
    `${ms(g.sixelRenderFull)} ms ${bytes(g.sixelRenderFull)} B | halfblock diff ${ms(g.hb)} ms ` +
    `${bytes(g.hb)} B, full ${ms(g.hbFull)} ms ${bytes(g.hbFull)} B | kitty diff ${ms(g.kitty)} ms ` +
    `${bytes(g.kitty)} B, full ${ms(g.kittyFull)} ms ${bytes(g.kittyFull)} B`;
}

/**
 * Records the demo sequences, runs every renderer on each and returns the summary object
 * (numbers, plus `frames`: frames recorded per sequence), printing one line per sequence to
 * `log` as it goes. Headline keys average the demo sequences; `*_plasma_stress` keys are the
 * synthetic full-screen plasma.
 *
 * @example
 * ```ts
 * const result = measureRenderers();
 * console.log(JSON.stringify({ ...result, pacer_ms: 0.1 }));
 * ```
 */
export function measureRenderers(log: (line: string) => void = () => {}): RenderBenchResult {
  const t0 = performance.now();
  const demo = recordDemoFrames(FRAMES);
  const recordMs = performance.now() - t0;
  log(`recorded demo frames in ${recordMs.toFixed(0)} ms`);
  const graphics: Record<string, readonly GraphicsFrame[]> = {
    fire13h: demo.fire13h,
    snakeCga4: demo.snakeCga4,
  };
  const texts: Record<string, readonly TextFrame[]> = {
    menuText: demo.menuText,
    testerText: demo.testerText,
  };
  const result: Record<string, number> = {};
  const runs: GraphicsRun[] = [];
  for (const [name, frames] of Object.entries(graphics)) {
    const g = runGraphics(frames);
    runs.push(g);
    log(describeGraphics(name, g));
    result[`sixel_ms_per_frame_${name}`] = round(g.full.ours.ms);
    result[`sixel_npm_ms_per_frame_${name}`] = round(g.full.npm.ms);
    result[`sixel_speedup_vs_npm_${name}`] = round(g.full.npm.ms / g.full.ours.ms, 2);
    result[`sixel_diff_bytes_per_frame_${name}`] = Math.round(g.sixelDiff.bytes);
    result[`halfblock_bytes_per_frame_${name}`] = Math.round(g.hb.bytes);
    result[`kitty_bytes_per_frame_${name}`] = Math.round(g.kitty.bytes);
  }
  const textRuns: { diff: Run; full: Run }[] = [];
  for (const [name, frames] of Object.entries(texts)) {
    const diff = runRenderer(() => new TextRenderer(CAPS), frames);
    const full = runRenderer(() => new TextRenderer(CAPS), frames, true);
    textRuns.push({ diff, full });
    log(`${name}: text diff ${ms(diff)} ms ${bytes(diff)} B, full ${ms(full)} ms ${bytes(full)} B`);
    result[`text_ms_per_frame_${name}`] = round(diff.ms);
    result[`text_bytes_per_frame_${name}`] = Math.round(diff.bytes);
    result[`text_full_ms_per_frame_${name}`] = round(full.ms);
  }
  const plasma = runGraphics(plasmaSequence());
  log(describeGraphics("plasma13h (synthetic stress)", plasma));

  const avg = (pick: (g: GraphicsRun) => number) => mean(runs.map(pick));
  const sixel = avg((g) => g.full.ours.ms), npm = avg((g) => g.full.npm.ms);
  return {
    sixel_ms_per_frame: round(sixel),
    sixel_npm_ms_per_frame: round(npm),
    sixel_speedup_vs_npm: round(npm / sixel, 2),
    sixel_bytes_per_frame: Math.round(avg((g) => g.full.ours.bytes)),
    sixel_diff_ms_per_frame: round(avg((g) => g.sixelDiff.ms)),
    sixel_diff_bytes_per_frame: Math.round(avg((g) => g.sixelDiff.bytes)),
    sixel_render_full_ms_per_frame: round(avg((g) => g.sixelRenderFull.ms)),
    sixel_render_full_bytes_per_frame: Math.round(avg((g) => g.sixelRenderFull.bytes)),
    halfblock_ms_per_frame: round(avg((g) => g.hb.ms)),
    halfblock_bytes_per_frame: Math.round(avg((g) => g.hb.bytes)),
    halfblock_full_ms_per_frame: round(avg((g) => g.hbFull.ms)),
    halfblock_full_bytes_per_frame: Math.round(avg((g) => g.hbFull.bytes)),
    kitty_ms_per_frame: round(avg((g) => g.kitty.ms)),
    kitty_bytes_per_frame: Math.round(avg((g) => g.kitty.bytes)),
    kitty_full_ms_per_frame: round(avg((g) => g.kittyFull.ms)),
    kitty_full_bytes_per_frame: Math.round(avg((g) => g.kittyFull.bytes)),
    text_ms_per_frame: round(mean(textRuns.map((t) => t.diff.ms))),
    text_bytes_per_frame: Math.round(mean(textRuns.map((t) => t.diff.bytes))),
    text_full_ms_per_frame: round(mean(textRuns.map((t) => t.full.ms))),
    text_full_bytes_per_frame: Math.round(mean(textRuns.map((t) => t.full.bytes))),
    ...result,
    sixel_ms_per_frame_plasma_stress: round(plasma.full.ours.ms),
    sixel_npm_ms_per_frame_plasma_stress: round(plasma.full.npm.ms),
    sixel_speedup_vs_npm_plasma_stress: round(plasma.full.npm.ms / plasma.full.ours.ms, 2),
    sixel_bytes_per_frame_plasma_stress: Math.round(plasma.full.ours.bytes),
    sixel_diff_ms_per_frame_plasma_stress: round(plasma.sixelDiff.ms),
    halfblock_ms_per_frame_plasma_stress: round(plasma.hb.ms),
    kitty_ms_per_frame_plasma_stress: round(plasma.kitty.ms),
    frames: {
      fire13h: demo.fire13h.length,
      snakeCga4: demo.snakeCga4.length,
      menuText: demo.menuText.length,
      testerText: demo.testerText.length,
      plasma13h_stress: FRAMES,
    },
    demo_record_ms: Math.round(recordMs),
  };
}

if (import.meta.main) {
  const result = measureRenderers((line) => console.log(line));
  console.log(JSON.stringify(result));
}
