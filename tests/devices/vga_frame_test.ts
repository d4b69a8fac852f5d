import assert from "node:assert/strict";
import type { GraphicsFrame, TextFrame } from "../../core/video/frame.ts";
import { makeVga, outIndexed, type Rig } from "./vga_helpers.ts";

function text(rig: Rig): TextFrame {
  const f = rig.vga.takeFrame();
  if (f.kind !== "text") throw new Error("expected a text frame");
  return f;
}

function graphics(rig: Rig): GraphicsFrame {
  const f = rig.vga.takeFrame();
  if (f.kind !== "graphics") throw new Error("expected a graphics frame");
  return f;
}

function changed(lines: Uint8Array): number[] {
  const out: number[] = [];
  lines.forEach((v, i) => v !== 0 && out.push(i));
  return out;
}

Deno.test("mode 3 text frame: 80×25 cells of char | attr << 8 from B8000h, cleared to grey spaces", () => {
  const rig = makeVga(0x03);
  rig.mem.write16(0xB8000 + (2 * 80 + 5) * 2, 0x1F41);
  const f = text(rig);
  assert.equal(f.cols, 80);
  assert.equal(f.rows, 25);
  assert.equal(f.mode, 3);
  assert.equal(f.cells[2 * 80 + 5], 0x1F41);
  assert.equal(f.cells[0], 0x0720);
});

Deno.test("mode 1 text frame is 40×25", () => {
  const f = text(makeVga(0x01));
  assert.equal(f.cols, 40);
  assert.equal(f.rows, 25);
});

Deno.test("text palette is the 16 CGA colours resolved through the attribute controller and DAC", () => {
  const f = text(makeVga(0x03));
  const c = (i: number) => Array.from(f.palette.subarray(i * 3, i * 3 + 3));
  assert.deepEqual(c(0), [0, 0, 0]);
  assert.deepEqual(c(1), [0, 0, 170]);
  assert.deepEqual(c(6), [170, 85, 0]); // brown via palette register 14h
  assert.deepEqual(c(8), [85, 85, 85]);
  assert.deepEqual(c(14), [255, 255, 85]);
  assert.deepEqual(c(15), [255, 255, 255]);
});

Deno.test("changing an attribute palette register changes the text palette and marks every row", () => {
  const rig = makeVga(0x03);
  text(rig);
  rig.io.in8(0x3DA);
  rig.io.out8(0x3C0, 0x01);
  rig.io.out8(0x3C0, 0x04); // colour 1 → DAC 4 (red)
  rig.io.out8(0x3C0, 0x20);
  const f = text(rig);
  assert.deepEqual(Array.from(f.palette.subarray(3, 6)), [170, 0, 0]);
  assert.equal(changed(f.changedRows).length, 25);
});

Deno.test("text cursor follows CRTC location and shape relative to the start address", () => {
  const rig = makeVga(0x03);
  outIndexed(rig.io, 0x3D4, 0x0E, 0x00);
  outIndexed(rig.io, 0x3D4, 0x0F, 165); // row 2, column 5
  let f = text(rig);
  assert.deepEqual(
    { row: f.cursor.row, col: f.cursor.col, visible: f.cursor.visible },
    { row: 2, col: 5, visible: true },
  );
  assert.deepEqual([f.cursor.startLine, f.cursor.endLine, f.cursor.cellHeight], [13, 14, 16]);
  outIndexed(rig.io, 0x3D4, 0x0C, 0x00);
  outIndexed(rig.io, 0x3D4, 0x0D, 80); // scroll the display down one row
  f = text(rig);
  assert.equal(f.cursor.row, 1);
  outIndexed(rig.io, 0x3D4, 0x0A, 0x20); // cursor disable
  assert.equal(text(rig).cursor.visible, false);
});

Deno.test("start address moves the text window and reports every row changed", () => {
  const rig = makeVga(0x03);
  rig.mem.write16(0xB8000 + 80 * 2, 0x0742);
  text(rig);
  outIndexed(rig.io, 0x3D4, 0x0D, 80);
  const f = text(rig);
  assert.equal(f.cells[0], 0x0742);
  assert.equal(changed(f.changedRows).length, 25);
});

Deno.test("blink: attribute mode bit 3 selects blink, characters blink every 16 frames, cursor every 8", () => {
  const rig = makeVga(0x03);
  assert.equal(text(rig).blinkEnabled, true);
  const phases: boolean[] = [];
  const cursor: boolean[] = [];
  for (let frame = 0; frame < 32; frame++) {
    rig.vga.retraceCount = frame;
    const f = text(rig);
    phases.push(f.blinkVisible);
    cursor.push(f.cursor.blinkOn ?? true);
  }
  assert.deepEqual(phases, [...Array(16).fill(true), ...Array(16).fill(false)]);
  assert.deepEqual(cursor.slice(0, 16), [...Array(8).fill(true), ...Array(8).fill(false)]);
  rig.io.in8(0x3DA);
  rig.io.out8(0x3C0, 0x30);
  rig.io.out8(0x3C0, 0x04); // mode control without blink
  assert.equal(text(rig).blinkEnabled, false);
});

Deno.test("text changed rows: a write marks exactly its row; nothing written marks nothing", () => {
  const rig = makeVga(0x03);
  text(rig);
  assert.deepEqual(changed(text(rig).changedRows), []);
  rig.mem.write8(0xB8000 + (7 * 80 + 10) * 2, 0x41);
  assert.deepEqual(changed(text(rig).changedRows), [7]);
  rig.mem.write8(0xB8000 + (7 * 80 + 10) * 2 + 1, 0x4E); // attribute only
  assert.deepEqual(changed(text(rig).changedRows), [7]);
  assert.deepEqual(changed(text(rig).changedRows), []);
});

Deno.test("mode 13h frame: 320×200, one byte per pixel, palette = 256 DAC colours as RGB 0-255", () => {
  const rig = makeVga(0x13);
  rig.mem.write8(0xA0000 + 199 * 320 + 319, 0x28);
  rig.mem.write8(0xA0000 + 1 * 320 + 2, 0x0E);
  const f = graphics(rig);
  assert.deepEqual([f.width, f.height, f.colors], [320, 200, 256]);
  assert.equal(f.pixels[199 * 320 + 319], 0x28);
  assert.equal(f.pixels[322], 0x0E);
  assert.deepEqual(Array.from(f.palette.subarray(0x28 * 3, 0x28 * 3 + 3)), [255, 0, 0]);
  assert.equal(f.displayAspect, 4 / 3);
});

Deno.test("graphics changed lines: a write marks exactly its line; nothing written marks nothing", () => {
  const rig = makeVga(0x13);
  graphics(rig);
  assert.deepEqual(changed(graphics(rig).changedLines), []);
  rig.mem.write8(0xA0000 + 57 * 320 + 100, 9);
  assert.deepEqual(changed(graphics(rig).changedLines), [57]);
  rig.mem.write8(0xA0000 + 3 * 320, 1);
  rig.mem.write8(0xA0000 + 150 * 320 + 319, 1);
  assert.deepEqual(changed(graphics(rig).changedLines), [3, 150]);
});

Deno.test("a DAC write bumps paletteVersion and reports every line changed", () => {
  const rig = makeVga(0x13);
  const v0 = graphics(rig).paletteVersion;
  rig.io.out8(0x3C8, 1);
  for (const c of [63, 0, 0]) rig.io.out8(0x3C9, c);
  const f = graphics(rig);
  assert.ok(f.paletteVersion > v0);
  assert.deepEqual(Array.from(f.palette.subarray(3, 6)), [255, 0, 0]);
  assert.equal(changed(f.changedLines).length, 200);
});

Deno.test("mode X 320×240: chain-4 off, byte mode, 480 lines with each row twice, planes by x mod 4", () => {
  const rig = makeVga(0x13);
  const { io, mem } = rig;
  outIndexed(io, 0x3C4, 4, 0x06); // chain-4 off
  outIndexed(io, 0x3D4, 0x11, 0x0E); // unprotect CR00–CR07
  outIndexed(io, 0x3D4, 0x14, 0x00); // doubleword off
  outIndexed(io, 0x3D4, 0x17, 0xE3); // byte mode
  outIndexed(io, 0x3D4, 0x06, 0x0D); // vertical total 525
  outIndexed(io, 0x3D4, 0x07, 0x3E);
  outIndexed(io, 0x3D4, 0x10, 0xEA);
  outIndexed(io, 0x3D4, 0x11, 0xAC);
  outIndexed(io, 0x3D4, 0x12, 0xDF); // 480 displayed lines
  outIndexed(io, 0x3D4, 0x15, 0xE7);
  outIndexed(io, 0x3D4, 0x16, 0x06);
  io.out8(0x3C2, 0xE3);
  // Pixel (x, y) lives in plane x & 3 at offset y * 80 + x / 4.
  const put = (x: number, y: number, c: number) => {
    outIndexed(io, 0x3C4, 2, 1 << (x & 3));
    mem.write8(0xA0000 + y * 80 + (x >> 2), c);
  };
  put(0, 0, 1);
  put(1, 0, 2);
  put(318, 239, 3);
  put(7, 100, 4);
  const f = graphics(rig);
  assert.deepEqual([f.width, f.height], [320, 240]);
  assert.deepEqual([f.pixels[0], f.pixels[1], f.pixels[2]], [1, 2, 0]);
  assert.equal(f.pixels[239 * 320 + 318], 3);
  assert.equal(f.pixels[100 * 320 + 7], 4);
  // Page flipping: the start address (in bytes per plane) moves the picture.
  outIndexed(io, 0x3D4, 0x0D, 80);
  assert.equal(graphics(rig).pixels[99 * 320 + 7], 4);
  rig.vga.nextEvent(); // applies the timing registers written above
  assert.equal(rig.vga.timing.totalLines, 0x20D + 2); // the usual tweak's vertical total: 527 lines
});

/** Draws colour `c` at (x, y) in a planar mode with write mode 2 and a one-bit mask. */
function planarPixel(rig: Rig, bytesPerLine: number, x: number, y: number, c: number): void {
  outIndexed(rig.io, 0x3CE, 5, 0x02);
  outIndexed(rig.io, 0x3CE, 8, 0x80 >> (x & 7));
  const addr = 0xA0000 + y * bytesPerLine + (x >> 3);
  rig.mem.read8(addr);
  rig.mem.write8(addr, c);
}

for (
  const [mode, w, h, pal] of [
    [0x0D, 320, 200, [0x00, 0x01, 0x14, 0x05, 0x17]],
    [0x0E, 640, 200, [0x00, 0x01, 0x14, 0x05, 0x17]],
    [0x10, 640, 350, [0x00, 0x01, 0x3C, 0x05, 0x3F]],
    [0x12, 640, 480, [0x00, 0x01, 0x3C, 0x05, 0x3F]],
  ] as const
) {
  Deno.test(`mode ${mode.toString(16)}h planar frame: ${w}×${h}, colours through the attribute palette`, () => {
    const rig = makeVga(mode);
    planarPixel(rig, w / 8, 0, 0, 1);
    planarPixel(rig, w / 8, 9, 3, 12);
    planarPixel(rig, w / 8, w - 1, h - 1, 15);
    planarPixel(rig, w / 8, 10, 3, 5);
    const f = graphics(rig);
    assert.deepEqual([f.width, f.height, f.colors >= 16], [w, h, true]);
    assert.equal(f.pixels[0], pal[1]);
    assert.equal(f.pixels[3 * w + 9], pal[2]);
    assert.equal(f.pixels[3 * w + 10], pal[3]);
    assert.equal(f.pixels[3 * w + 8], pal[0]);
    assert.equal(f.pixels[(h - 1) * w + w - 1], pal[4]);
    // Resolving through the frame's palette gives the EGA/CGA colour of attribute 12 (light red).
    assert.deepEqual(Array.from(f.palette.subarray(pal[2] * 3, pal[2] * 3 + 3)), [255, 85, 85]);
  });
}

Deno.test("mode 6 frame: 640×200 two colours, one bit per pixel, interlaced", () => {
  const rig = makeVga(0x06);
  rig.mem.write8(0xB8000, 0b1000_0001);
  rig.mem.write8(0xBA000 + 79, 0x01); // line 1, last pixel
  const f = graphics(rig);
  assert.deepEqual([f.width, f.height, f.colors], [640, 200, 32]);
  assert.deepEqual([f.pixels[0], f.pixels[1], f.pixels[7]], [0x17, 0, 0x17]);
  assert.equal(f.pixels[640 + 639], 0x17);
  assert.deepEqual(Array.from(f.palette.subarray(0x17 * 3, 0x17 * 3 + 3)), [255, 255, 255]);
});

Deno.test("mode 4 default palette is cyan, magenta, white", () => {
  const rig = makeVga(0x04);
  rig.mem.write8(0xB8000, 0b00_01_10_11);
  const f = graphics(rig);
  const rgb = (i: number) => Array.from(f.palette.subarray(f.pixels[i] * 3, f.pixels[i] * 3 + 3));
  assert.deepEqual([rgb(0), rgb(1), rgb(2), rgb(3)], [[0, 0, 0], [85, 255, 255], [255, 85, 255], [
    255,
    255,
    255,
  ]]);
});

Deno.test("switching mode reallocates and reports the whole new frame changed", () => {
  const rig = makeVga(0x03);
  text(rig);
  rig.vga.setMode(0x13, true);
  const f = graphics(rig);
  assert.equal(changed(f.changedLines).length, 200);
  assert.equal(graphics(rig), f); // the same buffers are reused
});

Deno.test("mode 7 text frame reads B0000h and resolves attributes to grey levels", () => {
  const rig = makeVga(0x07);
  rig.mem.write16(0xB0000 + 2 * 81, 0x0F41);
  const f = text(rig);
  assert.deepEqual([f.cols, f.rows, f.mode], [80, 25, 7]);
  assert.equal(f.cells[81], 0x0F41);
  const c = (i: number) => Array.from(f.palette.subarray(i * 3, i * 3 + 3));
  assert.deepEqual([c(0), c(7), c(15)], [[0, 0, 0], [170, 170, 170], [255, 255, 255]]);
});

Deno.test("line compare splits the screen: lines below it show memory from address 0", () => {
  const rig = makeVga(0x13);
  rig.mem.write8(0xA0000, 0x0C); // first pixel of memory
  outIndexed(rig.io, 0x3D4, 0x0C, 0x0F);
  outIndexed(rig.io, 0x3D4, 0x0D, 0xA0); // start address 4000 = 50 rows of 80 clocks: line 50 at the top
  outIndexed(rig.io, 0x3D4, 0x18, 199); // split after scan line 199 = output line 99
  outIndexed(rig.io, 0x3D4, 0x07, 0x0F); // line compare bit 8 clear
  outIndexed(rig.io, 0x3D4, 0x09, 0x01); // bit 9 clear, 2 scan lines per row
  rig.mem.write8(0xA0000 + 50 * 320 + 1, 0x0A);
  const f = graphics(rig);
  assert.equal(f.pixels[1], 0x0A);
  assert.equal(f.pixels[100 * 320], 0x0C);
});

Deno.test("horizontal panning (AR13) shifts a planar picture left by whole pixels", () => {
  const rig = makeVga(0x12);
  planarPixel(rig, 80, 10, 0, 9);
  planarPixel(rig, 80, 0, 1, 9);
  rig.io.in8(0x3DA);
  rig.io.out8(0x3C0, 0x33); // AR13 with palette address source
  rig.io.out8(0x3C0, 3);
  const f = graphics(rig);
  assert.equal(f.pixels[7], 0x39); // x = 10 appears at 7; attribute 9 → DAC 39h
  assert.equal(f.pixels[640 + 0], 0); // x = 0..2 scrolled off
  assert.equal(changed(f.changedLines).length, 480);
});
