import { ByteSink } from "../../tui/render/byte_sink.ts";
import { TextRenderer } from "../../tui/render/text_renderer.ts";
import {
  assert,
  assertEquals,
  feed,
  type HeadlessTerminal,
  makeCaps,
  makeTerminal,
  makeTextFrame,
  type MutableTextFrame,
  paletteBytes,
  VGA16,
} from "./render_test_helpers.ts";

const BIG = { maxBytes: 1 << 30 };

function putString(frame: MutableTextFrame, row: number, col: number, codes: number[], attr: number): void {
  codes.forEach((ch, i) => frame.cells[row * frame.cols + col + i] = ch | (attr << 8));
}

async function renderInto(
  term: HeadlessTerminal,
  r: TextRenderer,
  frame: MutableTextFrame,
  out = new ByteSink(),
) {
  out.clear();
  const result = r.render(frame, out, BIG);
  await feed(term, out.bytes());
  return result;
}

function cellAt(term: HeadlessTerminal, row: number, col: number) {
  const cell = term.buffer.active.getLine(row)?.getCell(col);
  if (cell === undefined) throw new Error(`no cell at ${row},${col}`);
  return cell;
}

Deno.test("text renderer shows CP437 box drawing and symbols as their Unicode glyphs", async () => {
  const frame = makeTextFrame();
  // ╔═╗ / ║☺║ / ╚═╝ and a few more from the code page's definition.
  putString(frame, 0, 0, [0xc9, 0xcd, 0xbb], 0x1f);
  putString(frame, 1, 0, [0xba, 0x01, 0xba], 0x1f);
  putString(frame, 2, 0, [0xc8, 0xcd, 0xbc], 0x1f);
  putString(frame, 3, 0, [0x7f, 0xdb, 0xb0, 0xb1, 0xb2, 0xe1, 0xe3, 0x9c, 0xf8, 0x03, 0x10, 0x1e], 0x07);
  const term = makeTerminal(80, 25);
  await renderInto(term, new TextRenderer(makeCaps()), frame);
  const line = (r: number, n: number) => term.buffer.active.getLine(r)!.translateToString(true, 0, n);
  assertEquals(line(0, 3), "╔═╗");
  assertEquals(line(1, 3), "║☺║");
  assertEquals(line(2, 3), "╚═╝");
  assertEquals(line(3, 12), "⌂█░▒▓ßπ£°♥►▲");
});

Deno.test("text renderer sets truecolor fg and bg from the palette for every attribute", async () => {
  const frame = makeTextFrame();
  for (let attr = 0; attr < 256; attr++) frame.cells[attr] = 0x41 | (attr << 8); // "A" in all attributes
  frame.blinkEnabled = false; // bit 7 = bright background
  const term = makeTerminal(80, 25);
  await renderInto(term, new TextRenderer(makeCaps()), frame);
  for (let attr = 0; attr < 256; attr++) {
    const cell = cellAt(term, Math.floor(attr / 80), attr % 80);
    assertEquals(cell.getChars(), "A");
    assert(cell.isFgRGB() && cell.isBgRGB(), `attr ${attr} is RGB`);
    assertEquals(cell.getFgColor(), VGA16[attr & 15], `fg of attr ${attr.toString(16)}`);
    assertEquals(cell.getBgColor(), VGA16[attr >> 4], `bg of attr ${attr.toString(16)}`);
  }
});

/** Brute-force nearest xterm-256 colour among entries 16–255 (cube and grey ramp). */
function bruteNearest256(rgb: number): number {
  const levels = [0, 95, 135, 175, 215, 255];
  const table: number[] = [];
  for (let i = 0; i < 216; i++) {
    table.push((levels[Math.floor(i / 36)] << 16) | (levels[Math.floor(i / 6) % 6] << 8) | levels[i % 6]);
  }
  for (let i = 0; i < 24; i++) table.push((8 + 10 * i) * 0x010101);
  let best = 0, bestD = Infinity;
  table.forEach((c, i) => {
    const d = ((c >> 16) - (rgb >> 16)) ** 2 + (((c >> 8) & 255) - ((rgb >> 8) & 255)) ** 2 +
      ((c & 255) - (rgb & 255)) ** 2;
    if (d < bestD) [bestD, best] = [d, i + 16];
  });
  return best;
}

Deno.test("text renderer maps the palette to the nearest xterm-256 colours in 256-colour mode", async () => {
  const frame = makeTextFrame();
  for (let i = 0; i < 16; i++) frame.cells[i] = 0x58 | (((15 - i) << 4 | i) << 8);
  frame.blinkEnabled = false;
  const term = makeTerminal(80, 25);
  await renderInto(term, new TextRenderer(makeCaps({ colors: 256 })), frame);
  for (let i = 0; i < 16; i++) {
    const cell = cellAt(term, 0, i);
    assert(cell.isFgPalette() && cell.isBgPalette());
    assertEquals(cell.getFgColor(), bruteNearest256(VGA16[i]), `fg ${i}`);
    assertEquals(cell.getBgColor(), bruteNearest256(VGA16[15 - i]), `bg ${15 - i}`);
  }
  assertEquals(cellAt(term, 0, 15).getFgColor(), 231); // white is the cube's corner
  assertEquals(cellAt(term, 0, 0).getBgColor(), 231);
});

Deno.test("text renderer uses ANSI order in 16-colour mode (VGA blue 1 is ANSI 4, red 4 is ANSI 1)", async () => {
  const frame = makeTextFrame();
  frame.blinkEnabled = false;
  putString(frame, 0, 0, [0x42], 0x41); // blue on red
  putString(frame, 0, 1, [0x43], 0xec); // light red (12) on yellow (14)
  putString(frame, 0, 2, [0x44], 0x36); // brown (6) on cyan (3)
  const term = makeTerminal(80, 25);
  await renderInto(term, new TextRenderer(makeCaps({ colors: 16 })), frame);
  const colours = [0, 1, 2].map((c) => [cellAt(term, 0, c).getFgColor(), cellAt(term, 0, c).getBgColor()]);
  assertEquals(colours, [[4, 1], [9, 11], [3, 6]]);
});

Deno.test("text renderer sends nothing for an unchanged frame and a few bytes for one changed cell", async () => {
  const frame = makeTextFrame();
  for (let i = 0; i < frame.cells.length; i++) frame.cells[i] = (0x41 + (i % 26)) | (((i >> 3) & 0x7f) << 8);
  const r = new TextRenderer(makeCaps());
  const term = makeTerminal(80, 25);
  const out = new ByteSink();
  const first = await renderInto(term, r, frame, out);
  assert(first.bytes > 4000 && first.complete);
  const again = await renderInto(term, r, frame, out);
  assertEquals(again.bytes, 0);
  frame.cells[12 * 80 + 40] = 0x5a | (0x1e << 8); // yellow "Z" on blue
  const one = await renderInto(term, r, frame, out);
  assert(one.bytes > 0 && one.bytes <= 60, `one changed cell took ${one.bytes} bytes`);
  assertEquals(cellAt(term, 12, 40).getChars(), "Z");
  assertEquals(cellAt(term, 12, 40).getFgColor(), 0xffff55);
  assertEquals(cellAt(term, 12, 40).getBgColor(), 0x0000aa);
  // The cursor is put back where the frame wants it after the cell write.
  assertEquals([term.buffer.active.cursorY, term.buffer.active.cursorX], [0, 0]);
});

Deno.test("text renderer draws blinking cells blank in the off phase and bright backgrounds without blink", async () => {
  const frame = makeTextFrame();
  putString(frame, 0, 0, [0x48, 0x49], 0x9e); // blink, yellow on blue
  const r = new TextRenderer(makeCaps());
  const term = makeTerminal(80, 25);
  await renderInto(term, r, frame);
  assertEquals(term.buffer.active.getLine(0)!.translateToString(true, 0, 2), "HI");
  assertEquals(cellAt(term, 0, 0).getBgColor(), 0x0000aa);
  assertEquals(cellAt(term, 0, 0).isBlink(), 0);
  frame.blinkVisible = false;
  await renderInto(term, r, frame);
  assertEquals(term.buffer.active.getLine(0)!.translateToString(false, 0, 2), "  ");
  assertEquals(cellAt(term, 0, 1).getBgColor(), 0x0000aa);
  frame.blinkEnabled = false;
  await renderInto(term, r, frame);
  assertEquals(term.buffer.active.getLine(0)!.translateToString(true, 0, 2), "HI");
  assertEquals(cellAt(term, 0, 0).getBgColor(), 0x5555ff); // attribute bit 7 brightens blue
});

Deno.test("text renderer follows a palette change by resending the cells whose colour changed", async () => {
  const frame = makeTextFrame();
  putString(frame, 5, 5, [0x4f, 0x4b], 0x1f);
  const r = new TextRenderer(makeCaps());
  const term = makeTerminal(80, 25);
  await renderInto(term, r, frame);
  frame.palette.set([0x10, 0x20, 0x30], 1 * 3); // DAC write to colour 1
  const res = await renderInto(term, r, frame);
  assert(res.bytes < 200, `only the blue cells are resent (${res.bytes} bytes)`);
  assertEquals(cellAt(term, 5, 6).getBgColor(), 0x102030);
});

Deno.test("text renderer doubles 40-column cells and centres the screen in a wide terminal", async () => {
  const frame = makeTextFrame(40, 25);
  putString(frame, 0, 0, [0x41, 0x42], 0x4f);
  putString(frame, 24, 39, [0x5a], 0x2f);
  const r = new TextRenderer(makeCaps({ cols: 100, rows: 30 }));
  const term = makeTerminal(100, 30);
  await renderInto(term, r, frame);
  assertEquals(r.placement, {
    col0: 10,
    row0: 2,
    cellWidth: 2,
    visibleCols: 40,
    visibleRows: 25,
    clipped: false,
  });
  assertEquals(term.buffer.active.getLine(2)!.translateToString(false, 10, 14), "A B ");
  assertEquals(cellAt(term, 2, 11).getBgColor(), 0xaa0000); // the doubling half keeps the background
  assertEquals(cellAt(term, 26, 88).getChars(), "Z");
});

Deno.test("text renderer clips a frame larger than the terminal and reports it", async () => {
  const frame = makeTextFrame();
  putString(frame, 0, 0, [0x54, 0x4c], 0x07);
  putString(frame, 19, 59, [0x42], 0x07);
  putString(frame, 24, 79, [0x58], 0x07); // outside
  frame.cursor.row = 24;
  const r = new TextRenderer(makeCaps({ cols: 60, rows: 20 }));
  const term = makeTerminal(60, 20);
  await renderInto(term, r, frame);
  assert(r.clipped);
  assertEquals(term.buffer.active.getLine(0)!.translateToString(true, 0, 2), "TL");
  assertEquals(cellAt(term, 19, 59).getChars(), "B");
  assertEquals(term.buffer.active.baseY, 0, "nothing scrolled");
});

Deno.test("text renderer fits a tiny terminal without scrolling", async () => {
  const frame = makeTextFrame();
  for (let i = 0; i < frame.cells.length; i++) frame.cells[i] = 0x23 | 0x0700;
  const r = new TextRenderer(makeCaps({ cols: 8, rows: 3 }));
  const term = makeTerminal(8, 3);
  await renderInto(term, r, frame);
  for (let row = 0; row < 3; row++) {
    assertEquals(term.buffer.active.getLine(row)!.translateToString(), "########");
  }
  assertEquals(term.buffer.active.baseY, 0);
});

Deno.test("text renderer sets the cursor shape, position and visibility", async () => {
  const frame = makeTextFrame();
  const shapes: number[] = [];
  const visibility: string[] = [];
  const term = makeTerminal(80, 25);
  term.parser.registerCsiHandler({ intermediates: " ", final: "q" }, (p) => {
    shapes.push(p[0] as number);
    return false;
  });
  for (const final of ["h", "l"]) {
    term.parser.registerCsiHandler({ prefix: "?", final }, (p) => {
      if (p[0] === 25) visibility.push(final);
      return false;
    });
  }
  const r = new TextRenderer(makeCaps());
  frame.cursor.row = 10;
  frame.cursor.col = 33;
  await renderInto(term, r, frame);
  assertEquals([term.buffer.active.cursorY, term.buffer.active.cursorX], [10, 33]);
  frame.cursor.startLine = 0; // full-height cursor (insert mode in many editors)
  await renderInto(term, r, frame);
  frame.cursor.visible = false;
  await renderInto(term, r, frame);
  assertEquals(shapes, [3, 1]); // blinking underline, then blinking block
  assertEquals(visibility, ["h", "l"]);
});

Deno.test("text renderer honours the byte budget by rows and finishes on later calls", async () => {
  const frame = makeTextFrame();
  for (let i = 0; i < frame.cells.length; i++) frame.cells[i] = (0xb0 + (i % 3)) | (((i * 7) & 0x7f) << 8);
  const r = new TextRenderer(makeCaps());
  const term = makeTerminal(80, 25);
  const out = new ByteSink();
  let calls = 0, complete = false;
  while (!complete) {
    out.clear();
    const res = r.render(frame, out, { maxBytes: 2000 });
    assert(res.bytes <= 2000 + 80 * 40, "stops at a row boundary near the budget");
    await feed(term, out.bytes());
    complete = res.complete;
    calls++;
  }
  assert(calls > 3, `took ${calls} calls`);
  for (let row = 0; row < 25; row++) {
    for (let col = 0; col < 80; col += 13) {
      const i = row * 80 + col;
      assertEquals(cellAt(term, row, col).getChars(), ["░", "▒", "▓"][i % 3]);
      assertEquals(cellAt(term, row, col).getBgColor(), VGA16[((i * 7) & 0x7f) >> 4]);
    }
  }
});

Deno.test("text renderer redraws everything after invalidate", async () => {
  const frame = makeTextFrame();
  const r = new TextRenderer(makeCaps());
  const term = makeTerminal(80, 25);
  await renderInto(term, r, frame);
  await feed(term, new TextEncoder().encode("\x1b[5;5Hgarbage"));
  r.invalidate();
  await renderInto(term, r, frame);
  assertEquals(term.buffer.active.getLine(4)!.translateToString().trim(), "");
});

/** A mode 7 frame: grey levels in the palette, underline on scan line 15. */
function monoFrame(): MutableTextFrame & { underlineRow: number } {
  const grey = [0x000000, ...Array(7).fill(0xaaaaaa), 0x000000, ...Array(7).fill(0xffffff)];
  return { ...makeTextFrame(), mode: 7, palette: paletteBytes(grey), underlineRow: 15 };
}

Deno.test("text renderer underlines attributes 01h/09h/81h/89h with SGR 4 when the frame has an underline row", async () => {
  const frame = monoFrame();
  for (let attr = 0; attr < 256; attr++) frame.cells[80 + attr] = 0x41 | (attr << 8);
  putString(frame, 0, 0, [0x20, 0x20], 0x01); // underlined blanks still show the underline
  const term = makeTerminal(80, 25);
  const out = new ByteSink();
  await renderInto(term, new TextRenderer(makeCaps()), frame, out);
  for (let attr = 0; attr < 256; attr++) {
    const cell = cellAt(term, 1 + Math.floor(attr / 80), attr % 80);
    const expected = [0x01, 0x09, 0x81, 0x89].includes(attr) ? 1 : 0;
    assertEquals(cell.isUnderline(), expected, `attr ${attr.toString(16)}`);
    assertEquals(cell.getChars(), "A");
  }
  assertEquals(cellAt(term, 1, 9).getFgColor(), 0xffffff); // 09h: bright, underlined
  assertEquals([cellAt(term, 0, 0).isUnderline(), cellAt(term, 0, 1).isUnderline()], [1, 1]);
  assertEquals(cellAt(term, 0, 0).getFgColor(), 0xaaaaaa); // the underline's colour
  assertEquals(cellAt(term, 0, 2).isUnderline(), 0);
  // Each underlined run is closed with SGR 24.
  const text = new TextDecoder().decode(out.bytes());
  assertEquals(text.split("\x1b[4m").length, text.split("\x1b[24m").length);
});

Deno.test("text renderer draws no underline without an underline row (colour modes)", async () => {
  const frame = makeTextFrame();
  putString(frame, 0, 0, [0x41, 0x42], 0x01);
  const term = makeTerminal(80, 25);
  const out = new ByteSink();
  await renderInto(term, new TextRenderer(makeCaps()), frame, out);
  assertEquals(cellAt(term, 0, 0).isUnderline(), 0);
  assert(!new TextDecoder().decode(out.bytes()).includes("\x1b[4m"), "no SGR 4 sent");
  await renderInto(term, new TextRenderer(makeCaps()), { ...frame, underlineRow: -1 });
  assertEquals(cellAt(term, 0, 0).isUnderline(), 0);
});

Deno.test("text renderer updates the underline when an attribute, the underline row or blink changes", async () => {
  const frame = monoFrame();
  putString(frame, 3, 10, [0x41, 0x42, 0x43], 0x81); // blinking, underlined
  const r = new TextRenderer(makeCaps());
  const term = makeTerminal(80, 25);
  const out = new ByteSink();
  await renderInto(term, r, frame, out);
  assertEquals(cellAt(term, 3, 11).isUnderline(), 1);
  // Blink off phase: the underline is part of the foreground and disappears with the glyph.
  frame.blinkVisible = false;
  await renderInto(term, r, frame, out);
  assertEquals([cellAt(term, 3, 11).getChars(), cellAt(term, 3, 11).isUnderline()], [" ", 0]);
  frame.blinkVisible = true;
  await renderInto(term, r, frame, out);
  assertEquals(cellAt(term, 3, 11).isUnderline(), 1);
  // The middle cell loses its underline (07h), its neighbours keep theirs.
  frame.cells[3 * 80 + 11] = 0x42 | (0x07 << 8);
  await renderInto(term, r, frame, out);
  assertEquals([10, 11, 12].map((c) => cellAt(term, 3, c).isUnderline()), [1, 0, 1]);
  // A write after the underlined run is not underlined.
  frame.cells[3 * 80 + 13] = 0x44 | (0x07 << 8);
  await renderInto(term, r, frame, out);
  assertEquals(cellAt(term, 3, 13).isUnderline(), 0);
  // The underline location moved outside the cell (CR14 = 1Fh): every underline goes.
  frame.underlineRow = -1;
  await renderInto(term, r, frame, out);
  assertEquals([10, 11, 12].map((c) => cellAt(term, 3, c).isUnderline()), [0, 0, 0]);
  // An unchanged frame sends nothing.
  assertEquals((await renderInto(term, r, frame, out)).bytes, 0);
});

Deno.test("text renderer keeps the underline right across a byte-budget cut and after invalidate", async () => {
  const frame = monoFrame();
  for (let i = 0; i < frame.cells.length; i++) frame.cells[i] = 0x41 | ((i % 2 === 0 ? 0x01 : 0x07) << 8);
  const r = new TextRenderer(makeCaps());
  const term = makeTerminal(80, 25);
  const out = new ByteSink();
  let complete = false;
  while (!complete) {
    out.clear();
    const res = r.render(frame, out, { maxBytes: 600 });
    await feed(term, out.bytes());
    complete = res.complete;
  }
  const check = () => {
    for (let row = 0; row < 25; row++) {
      for (let col = 0; col < 80; col++) {
        assertEquals(cellAt(term, row, col).isUnderline(), col % 2 === 0 ? 1 : 0, `${row},${col}`);
      }
    }
  };
  check();
  await feed(term, new TextEncoder().encode("\x1b[4m\x1b[5;5Hgarbage"));
  r.invalidate();
  await renderInto(term, r, frame);
  check();
});
