import { ByteSink } from "../../tui/render/byte_sink.ts";
import { HalfBlockRenderer } from "../../tui/render/halfblock_renderer.ts";
import {
  assert,
  assertEquals,
  feed,
  type HeadlessTerminal,
  makeCaps,
  makeGraphicsFrame,
  makeTerminal,
  type MutableGraphicsFrame,
  paletteRgb,
} from "./render_test_helpers.ts";

async function renderInto(
  term: HeadlessTerminal,
  r: HalfBlockRenderer,
  frame: MutableGraphicsFrame,
  maxBytes = 1e9,
) {
  const out = new ByteSink();
  const res = r.render(frame, out, { maxBytes });
  await feed(term, out.bytes());
  return res;
}

/** The two colours a cell shows: [top, bottom], from its glyph and its fg/bg. */
function halves(term: HeadlessTerminal, row: number, col: number): [number, number] {
  const cell = term.buffer.active.getLine(row)!.getCell(col)!;
  const fg = cell.getFgColor(), bg = cell.getBgColor();
  switch (cell.getChars()) {
    case "▀":
      return [fg, bg];
    case "▄":
      return [bg, fg];
    case "█":
      return [fg, fg];
    case " ":
      return [bg, bg];
    default:
      throw new Error(`unexpected glyph ${JSON.stringify(cell.getChars())} at ${row},${col}`);
  }
}

/** An 80×50 frame whose display aspect makes every half-cell exactly one pixel in an 80×25 terminal. */
function onePixelPerHalfCell(): MutableGraphicsFrame {
  const frame = { ...makeGraphicsFrame(80, 50, 256), displayAspect: 1.6 };
  for (let i = 0; i < frame.pixels.length; i++) frame.pixels[i] = (i * 37 + (i >> 4)) & 255;
  return frame;
}

Deno.test("half-block renderer shows the top pixel as foreground and the bottom pixel as background", async () => {
  const frame = onePixelPerHalfCell();
  const r = new HalfBlockRenderer(makeCaps());
  const term = makeTerminal(80, 25);
  await renderInto(term, r, frame);
  assertEquals(r.box, { col0: 0, row0: 0, cols: 80, rows: 25 });
  for (let row = 0; row < 25; row++) {
    for (let col = 0; col < 80; col++) {
      const top = paletteRgb(frame.palette, frame.pixels[2 * row * 80 + col]);
      const bottom = paletteRgb(frame.palette, frame.pixels[(2 * row + 1) * 80 + col]);
      assertEquals(halves(term, row, col), [top, bottom], `cell ${row},${col}`);
    }
  }
});

Deno.test("half-block renderer sends nothing for an unchanged frame and one cell for one pixel", async () => {
  const frame = onePixelPerHalfCell();
  const r = new HalfBlockRenderer(makeCaps());
  const term = makeTerminal(80, 25);
  await renderInto(term, r, frame);
  assertEquals((await renderInto(term, r, frame)).bytes, 0);
  frame.pixels[21 * 80 + 33] = 4; // bottom half of cell (10, 33) turns VGA red
  const res = await renderInto(term, r, frame);
  assert(res.bytes > 0 && res.bytes <= 50, `${res.bytes} bytes`);
  assertEquals(halves(term, 10, 33)[1], 0xaa0000);
});

Deno.test("half-block renderer keeps 4:3 and area-averages when shrinking a 320x200 frame", async () => {
  const frame = makeGraphicsFrame();
  // Left half red over blue, right half green over white, with a fine black/white checkerboard band in the middle.
  for (let y = 0; y < 200; y++) {
    for (let x = 0; x < 320; x++) {
      let c = x < 160 ? (y < 100 ? 4 : 1) : (y < 100 ? 2 : 15);
      if (y >= 40 && y < 60) c = (x + y) & 1 ? 15 : 0;
      frame.pixels[y * 320 + x] = c;
    }
  }
  const r = new HalfBlockRenderer(makeCaps({ cols: 80, rows: 24 }));
  const term = makeTerminal(80, 24);
  await renderInto(term, r, frame);
  assertEquals(r.box, { col0: 8, row0: 0, cols: 64, rows: 24 });
  assertEquals(halves(term, 0, 8), [0xaa0000, 0xaa0000]);
  assertEquals(halves(term, 23, 8), [0x0000aa, 0x0000aa]);
  assertEquals(halves(term, 2, 8 + 40), [0x00aa00, 0x00aa00]);
  assertEquals(halves(term, 20, 8 + 63), [0xffffff, 0xffffff]);
  // The checkerboard (rows 40–59 → half-rows 9.6–14.4) averages to grey instead of black or white.
  for (const col of [8, 20, 50, 71]) {
    const [top] = halves(term, 6, col);
    const r8 = top >> 16, g8 = (top >> 8) & 255, b8 = top & 255;
    assert(r8 === g8 && g8 === b8 && r8 > 100 && r8 < 156, `grey at 6,${col}: ${top.toString(16)}`);
  }
});

Deno.test("half-block renderer maps colours to xterm-256 and 16-colour ANSI indices", async () => {
  const frame = onePixelPerHalfCell();
  frame.pixels.fill(0);
  frame.pixels[0] = 15; // white over black
  frame.pixels[1] = 1; // VGA blue …
  frame.pixels[81] = 12; // … over light red
  const cases: [16 | 256, number[][]][] = [[256, [[231, 16], [19, 203]]], [16, [[15, 0], [4, 9]]]];
  for (const [colors, expected] of cases) {
    const r = new HalfBlockRenderer(makeCaps({ colors }));
    const term = makeTerminal(80, 25);
    await renderInto(term, r, frame);
    assertEquals<number[][]>([halves(term, 0, 0), halves(term, 0, 1)], expected, `${colors} colours`);
  }
});

Deno.test("half-block renderer honours the byte budget by rows and completes later", async () => {
  const frame = onePixelPerHalfCell();
  const r = new HalfBlockRenderer(makeCaps());
  const term = makeTerminal(80, 25);
  let calls = 0, complete = false;
  while (!complete && calls < 100) {
    complete = (await renderInto(term, r, frame, 4000)).complete;
    calls++;
  }
  assert(complete && calls > 3, `${calls} calls`);
  assertEquals(halves(term, 24, 79), [
    paletteRgb(frame.palette, frame.pixels[48 * 80 + 79]),
    paletteRgb(frame.palette, frame.pixels[49 * 80 + 79]),
  ]);
});

Deno.test("half-block renderer fits a tiny window without scrolling", async () => {
  const frame = makeGraphicsFrame();
  frame.pixels.fill(14);
  const r = new HalfBlockRenderer(makeCaps({ cols: 10, rows: 3 }));
  const term = makeTerminal(10, 3);
  await renderInto(term, r, frame);
  const box = r.box!;
  assert(box.cols <= 10 && box.rows <= 3);
  assertEquals(halves(term, box.row0 + box.rows - 1, box.col0 + box.cols - 1), [0xffff55, 0xffff55]);
  assertEquals(term.buffer.active.baseY, 0);
});
