import { decode } from "sixel";
import { ByteSink } from "../../tui/render/byte_sink.ts";
import { SixelRenderer } from "../../tui/render/sixel_renderer.ts";
import {
  assert,
  assertEquals,
  collectSixels,
  feed,
  type HeadlessTerminal,
  makeCaps,
  makeGraphicsFrame,
  makeTerminal,
  type MutableGraphicsFrame,
  type ReceivedSixel,
} from "./render_test_helpers.ts";

const CELL_W = 10, CELL_H = 20;

/** A screen-sized RGB canvas that received sixel images are painted onto at their cursor cells. */
class Canvas {
  readonly rgb: Int32Array;
  constructor(readonly width: number, readonly height: number) {
    this.rgb = new Int32Array(width * height).fill(-1);
  }
  paint(image: ReceivedSixel): { width: number; height: number } {
    const d = decode(image.data);
    const x0 = image.col * CELL_W, y0 = image.row * CELL_H;
    for (let y = 0; y < d.height; y++) {
      for (let x = 0; x < d.width; x++) {
        const v = d.data32[y * d.width + x];
        this.rgb[(y0 + y) * this.width + x0 + x] = ((v & 255) << 16) | (v & 0xff00) | ((v >> 16) & 255);
      }
    }
    return { width: d.width, height: d.height };
  }
}

/** Checks the canvas against the frame scaled nearest-neighbour into the placement (colours within 0–100 % rounding). */
function assertShows(
  canvas: Canvas,
  frame: MutableGraphicsFrame,
  left: number,
  top: number,
  outW: number,
  outH: number,
): void {
  let bad = 0, first = "";
  for (let y = 0; y < outH; y++) {
    const sy = Math.floor((y * frame.height) / outH);
    for (let x = 0; x < outW; x++) {
      const sx = Math.floor((x * frame.width) / outW);
      const c = frame.pixels[sy * frame.width + sx];
      const got = canvas.rgb[(top + y) * canvas.width + left + x];
      const ok = got >= 0 &&
        [16, 8, 0].every((s) => Math.abs(((got >> s) & 255) - frame.palette[c * 3 + 2 - s / 8]) <= 2);
      if (!ok && bad++ === 0) first = `(${x},${y}) got ${got.toString(16)} want index ${c}`;
    }
  }
  assertEquals(bad, 0, `mismatching pixels, first ${first}`);
}

async function renderAll(
  term: HeadlessTerminal,
  r: SixelRenderer,
  frame: MutableGraphicsFrame,
  maxBytes = 1 << 30,
) {
  const out = new ByteSink();
  const res = r.render(frame, out, { maxBytes });
  await feed(term, out.bytes());
  return res;
}

function pattern(frame: MutableGraphicsFrame, colors: number): void {
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) {
      frame.pixels[y * frame.width + x] = ((x >> 3) + (y >> 2) * 3 + x * y) % colors;
    }
  }
}

Deno.test("sixel renderer shows a mode 13h frame at 2x, 4:3, with exact palette colours", async () => {
  const caps = makeCaps({ sixel: true, cols: 80, rows: 25, cellWidthPx: CELL_W, cellHeightPx: CELL_H });
  const term = makeTerminal(80, 25);
  const images = collectSixels(term);
  const frame = makeGraphicsFrame();
  pattern(frame, 256);
  const r = new SixelRenderer(caps);
  const res = await renderAll(term, r, frame);
  assert(res.complete);
  const p = r.placement!;
  assertEquals([p.width, p.height, p.scaleX, p.col0, p.row0], [640, 480, 2, 8, 0]);
  assert(images.every((im) => String(im.params) === "0,1,0"), "introducer ESC P 0;1;0 q");
  assert(images[0].data.startsWith('"1;1;640;'), "raster attributes 1:1");
  const canvas = new Canvas(800, 500);
  for (const im of images) canvas.paint(im);
  assertShows(canvas, frame, 80, 0, 640, 480);
});

Deno.test("sixel renderer resends only the strip holding a changed line", async () => {
  const caps = makeCaps({ sixel: true, cellWidthPx: CELL_W, cellHeightPx: CELL_H });
  const term = makeTerminal(80, 25);
  const images = collectSixels(term);
  const frame = makeGraphicsFrame();
  pattern(frame, 256);
  const r = new SixelRenderer(caps);
  const full = await renderAll(term, r, frame);
  const canvas = new Canvas(800, 500);
  for (const im of images) canvas.paint(im);
  images.length = 0;
  assertEquals((await renderAll(term, r, frame)).bytes, 0, "unchanged frame sends nothing");
  frame.pixels[100 * 320 + 17] = 200; // source line 100 → output rows 240–242 → cell row 12
  const res = await renderAll(term, r, frame);
  assert(res.bytes < full.bytes / 12, `${res.bytes} bytes for one of 24 cell rows (full ${full.bytes})`);
  assertEquals(images.length, 1);
  assertEquals([images[0].row, images[0].col], [12, 8]);
  assertEquals(canvas.paint(images[0]), { width: 640, height: CELL_H });
  assertShows(canvas, frame, 80, 0, 640, 480);
});

Deno.test("sixel renderer resends everything with new registers when the palette changes", async () => {
  const caps = makeCaps({ sixel: true, cellWidthPx: CELL_W, cellHeightPx: CELL_H });
  const term = makeTerminal(80, 25);
  const images = collectSixels(term);
  const frame = makeGraphicsFrame();
  pattern(frame, 256);
  const r = new SixelRenderer(caps);
  await renderAll(term, r, frame);
  images.length = 0;
  frame.palette.set([255, 128, 0], 3 * 3);
  frame.paletteVersion++;
  await renderAll(term, r, frame);
  assert(images.length >= 1);
  assert(images.some((im) => im.data.includes("#3;2;100;50;0")), "register 3 redeclared as 100%,50%,0%");
  const canvas = new Canvas(800, 500);
  for (const im of images) canvas.paint(im);
  assertShows(canvas, frame, 80, 0, 640, 480);
});

Deno.test("sixel renderer shows CGA 640x200 two-colour frames stretched to 480 lines", async () => {
  const caps = makeCaps({ sixel: true, cols: 80, rows: 26, cellWidthPx: CELL_W, cellHeightPx: CELL_H });
  const term = makeTerminal(80, 26);
  const images = collectSixels(term);
  const frame = makeGraphicsFrame(640, 200, 2, 6);
  pattern(frame, 2);
  frame.palette.set([0, 0, 0, 255, 255, 255]);
  const r = new SixelRenderer(caps);
  await renderAll(term, r, frame);
  const p = r.placement!;
  assertEquals([p.width, p.height, p.col0, p.row0], [640, 480, 8, 0]);
  const canvas = new Canvas(800, 520);
  for (const im of images) canvas.paint(im);
  assertShows(canvas, frame, 80, 0, 640, 480);
});

Deno.test("sixel renderer shrinks the picture for a tiny window and never uses the last row", async () => {
  const caps = makeCaps({ sixel: true, cols: 20, rows: 6, cellWidthPx: CELL_W, cellHeightPx: CELL_H });
  const term = makeTerminal(20, 6);
  const images = collectSixels(term);
  const frame = makeGraphicsFrame();
  pattern(frame, 16);
  const r = new SixelRenderer(caps);
  await renderAll(term, r, frame);
  const p = r.placement!;
  assertEquals([p.width, p.height], [133, 100]);
  assert(p.row0 + p.rows <= 5);
  const canvas = new Canvas(200, 120);
  for (const im of images) canvas.paint(im);
  assertShows(canvas, frame, p.col0 * CELL_W, p.row0 * CELL_H, 133, 100);
});

Deno.test("sixel renderer splits work by strips under a byte budget and completes later", async () => {
  const caps = makeCaps({ sixel: true, cellWidthPx: CELL_W, cellHeightPx: CELL_H });
  const term = makeTerminal(80, 25);
  const images = collectSixels(term);
  const frame = makeGraphicsFrame();
  pattern(frame, 256);
  const r = new SixelRenderer(caps);
  let calls = 0, complete = false;
  while (!complete && calls < 100) {
    const res = await renderAll(term, r, frame, 30_000);
    complete = res.complete;
    calls++;
  }
  assert(complete && calls > 2, `${calls} calls`);
  const canvas = new Canvas(800, 500);
  for (const im of images) canvas.paint(im);
  assertShows(canvas, frame, 80, 0, 640, 480);
});
