import { decode } from "sixel";
import { ByteSink } from "../../tui/render/byte_sink.ts";
import { markCellSizeGuessed } from "../../tui/render/layout.ts";
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

/** VT340 power-on colour registers 0–15 (percent RGB), what xterm gives every image's private registers. */
const VT340_REGISTERS = [
  [0, 0, 0],
  [20, 20, 80],
  [80, 13, 13],
  [20, 80, 20],
  [80, 20, 80],
  [20, 80, 80],
  [80, 80, 20],
  [53, 53, 53],
  [26, 26, 26],
  [33, 33, 60],
  [60, 26, 26],
  [33, 60, 33],
  [60, 33, 60],
  [33, 60, 60],
  [60, 60, 33],
  [80, 80, 80],
];

/**
 * A screen of `cols`×`rows` cells of `cellW`×`cellH` pixels composed the way xterm (patch 379,
 * privateColorRegisters) draws sixel images: each image at its cursor cell, with registers of its own
 * (VT340 defaults until defined), register 3 selected at the start, `#n;2;r;g;b` defining a register
 * WITHOUT selecting it, P2 = 1 leaving unset pixels transparent, and a band reaching the bottom
 * margin scrolling the screen (which this canvas refuses).
 */
class XtermCanvas {
  readonly rgb: Int32Array;
  readonly width: number;
  readonly height: number;
  constructor(readonly cols: number, readonly rows: number, readonly cellW: number, readonly cellH: number) {
    this.width = cols * cellW;
    this.height = rows * cellH;
    this.rgb = new Int32Array(this.width * this.height).fill(-1);
  }

  paint(image: ReceivedSixel): void {
    const regs = new Int32Array(256);
    for (let i = 0; i < 256; i++) {
      const [r, g, b] = VT340_REGISTERS[i % 16].map((v) => Math.round((v * 255) / 100));
      regs[i] = (r << 16) | (g << 8) | b;
    }
    const transparent = image.params[1] === 1;
    const s = image.data;
    let reg = 3, x = 0, band = 0, declaredW = 0, declaredH = 0, i = 0;
    const x0 = image.col * this.cellW, y0 = image.row * this.cellH;
    const set = (px: number, py: number, colour: number) => {
      assert(x0 + px < this.width, `image pixel (${px},${py}) beyond the right edge`);
      this.rgb[(y0 + py) * this.width + x0 + px] = colour;
    };
    const num = (): number[] => {
      const values: number[] = [];
      let v = "";
      for (; i < s.length && /[0-9;]/.test(s[i]); i++) {
        if (s[i] === ";") {
          values.push(Number(v));
          v = "";
        } else v += s[i];
      }
      if (v !== "") values.push(Number(v));
      return values;
    };
    const sixel = (ch: number, n: number) => {
      for (let k = 0; k < n; k++, x++) {
        for (let bit = 0; bit < 6; bit++) if ((ch - 0x3f) & (1 << bit)) set(x, band + bit, regs[reg]);
      }
    };
    while (i < s.length) {
      const c = s[i++];
      if (c === '"') {
        const v = num();
        declaredW = v[2] ?? 0;
        declaredH = v[3] ?? 0;
        if (!transparent) {
          for (let y = 0; y < declaredH; y++) for (let xx = 0; xx < declaredW; xx++) set(xx, y, regs[0]);
        }
      } else if (c === "#") {
        const v = num();
        if (v.length === 1) reg = v[0];
        else {
          assertEquals(v[1], 2, "RGB colour space");
          regs[v[0]] = (Math.round((v[2] * 255) / 100) << 16) | (Math.round((v[3] * 255) / 100) << 8) |
            Math.round((v[4] * 255) / 100);
        }
      } else if (c === "!") {
        const [n] = num();
        sixel(s.charCodeAt(i++), n);
      } else if (c === "$") x = 0;
      else if (c === "-") {
        // xterm scrolls when the next band's rows (within the image height) reach below the bottom margin.
        const actualH = Math.max(declaredH, band + 6);
        const reach = image.row + Math.ceil((band + Math.min(6, actualH - band)) / this.cellH);
        assert(reach <= this.rows - 1, `sixel band at ${band} would scroll the screen`);
        x = 0;
        band += 6;
      } else if (c >= "?" && c <= "~") sixel(c.charCodeAt(0), 1);
    }
    assert(image.row + Math.ceil(Math.max(declaredH, 1) / this.cellH) <= this.rows - 1, "image would scroll");
  }

  /** A Canvas-compatible view for {@link assertShows}. */
  get view(): Canvas {
    return this as unknown as Canvas;
  }
}

Deno.test("sixel strips compose in xterm: registers selected after definition, 15 px cells, changed strips", async () => {
  // 9×15 px cells (xterm's 9x15 font): cell rows are not multiples of 6 sixel rows.
  const cols = 80, rows = 40, cw = 9, ch = 15;
  const caps = makeCaps({ sixel: true, cols, rows, cellWidthPx: cw, cellHeightPx: ch });
  const term = makeTerminal(cols, rows);
  const images = collectSixels(term);
  const frame = makeGraphicsFrame();
  pattern(frame, 256);
  const r = new SixelRenderer(caps);
  const canvas = new XtermCanvas(cols, rows, cw, ch);
  const check = async (what: string, maxBytes = 1 << 30) => {
    images.length = 0;
    let complete = false;
    for (let n = 0; n < 100 && !complete; n++) {
      complete = (await renderAll(term, r, frame, maxBytes)).complete;
    }
    for (const im of images) canvas.paint(im);
    const p = r.placement!;
    try {
      assertShows(canvas.view, frame, p.col0 * cw, p.row0 * ch, p.width, p.height);
    } catch (e) {
      throw new Error(`${what}: ${(e as Error).message}`);
    }
  };
  await check("first frame, in strips under a budget", 40_000);
  const p = r.placement!;
  assertEquals([p.width, p.height, p.row0, p.col0], [640, 480, 3, 4]);
  // Changes at the top, in the middle and on the last line (the picture's last cell row).
  for (const y of [0, 1, 99, 100, 150, 198, 199]) {
    frame.pixels.fill(((y * 37) % 240) + 16, y * 320 + 40, y * 320 + 200);
  }
  await check("changed lines");
  for (let y = 170; y < 200; y++) for (let x = 0; x < 320; x++) frame.pixels[y * 320 + x] = (x + y * 5) & 255;
  await check("a fire-like bottom area");
  frame.palette.set([255, 128, 0], 3 * 3);
  frame.paletteVersion++;
  await check("palette change");
});

Deno.test("sixel renderer with a guessed cell size sends one whole image from the top row, even for one line", async () => {
  // The terminal's real cells are 9×15 px (xterm's 9x15 font); the probe could only guess 8×16.
  const cols = 80, rows = 40, cw = 9, ch = 15;
  const caps = makeCaps({ sixel: true, cols, rows, cellWidthPx: 8, cellHeightPx: 16 });
  markCellSizeGuessed(caps);
  const term = makeTerminal(cols, rows);
  const images = collectSixels(term);
  const frame = makeGraphicsFrame();
  pattern(frame, 256);
  const r = new SixelRenderer(caps);
  const canvas = new XtermCanvas(cols, rows, cw, ch);
  const check = async (what: string, maxBytes = 1 << 30) => {
    images.length = 0;
    const res = await renderAll(term, r, frame, maxBytes);
    assert(res.complete, `${what}: complete`);
    const p = r.placement!;
    assertEquals(images.length, 1, `${what}: one image`);
    assertEquals([images[0].row, images[0].col], [p.row0, p.col0], `${what}: at the picture's top-left cell`);
    assert(images[0].data.startsWith(`"1;1;${p.width};${p.height}#`), `${what}: the whole picture`);
    for (const im of images) canvas.paint(im);
    // Where the real cell size puts it: intact, just placed by the guess.
    assertShows(canvas.view, frame, p.col0 * cw, p.row0 * ch, p.width, p.height);
  };
  await check("first frame, over the byte budget", 10_000);
  assertEquals((await renderAll(term, r, frame)).bytes, 0, "unchanged frame sends nothing");
  frame.pixels.fill(7, 100 * 320 + 10, 100 * 320 + 30);
  await check("one changed line");
  frame.palette.set([255, 128, 0], 3 * 3);
  frame.paletteVersion++;
  await check("palette change");
});
