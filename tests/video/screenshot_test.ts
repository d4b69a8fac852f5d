import assert from "node:assert/strict";
import { Vga } from "../../core/devices/vga/mod.ts";
import { CP437_8X16 } from "../../core/video/font/cp437_8x16.ts";
import { frameToRgba, type RgbaImage } from "../../core/video/screenshot.ts";

const clock = { hz: 4_772_727, now: () => 0 };

function pixel(img: RgbaImage, x: number, y: number): number[] {
  const i = (y * img.width + x) * 4;
  return Array.from(img.rgba.subarray(i, i + 4));
}

Deno.test("a mode 3 screenshot is 640×400 with glyphs in the attribute's colours", () => {
  const vga = new Vga(clock);
  vga.setMode(0x03, true);
  vga.mmioWrite8(0xB8000 + 2 * 81, 0x41); // 'A' at row 1, column 1
  vga.mmioWrite8(0xB8000 + 2 * 81 + 1, 0x1E); // yellow on blue
  const img = frameToRgba(vga.takeFrame());
  assert.deepEqual([img.width, img.height], [640, 400]);
  const a = CP437_8X16.subarray(0x41 * 16, 0x42 * 16);
  const y = a.findIndex((r) => r !== 0);
  const x = Math.clz32(a[y]) - 24;
  assert.deepEqual(pixel(img, 8 + x, 16 + y), [255, 255, 85, 255]);
  assert.deepEqual(pixel(img, 8, 16), [0, 0, 170, 255]);
  assert.deepEqual(pixel(img, 0, 0), [0, 0, 0, 255]); // grey space on black
});

Deno.test("a 40-column screenshot is 320×400", () => {
  const vga = new Vga(clock);
  vga.setMode(0x01, true);
  const img = frameToRgba(vga.takeFrame());
  assert.deepEqual([img.width, img.height], [320, 400]);
});

Deno.test("a mode 13h screenshot is 320×200 in DAC colours", () => {
  const vga = new Vga(clock);
  vga.setMode(0x13, true);
  vga.mmioWrite8(0xA0000 + 10 * 320 + 20, 0x2C); // default palette: yellow
  const img = frameToRgba(vga.takeFrame());
  assert.deepEqual([img.width, img.height], [320, 200]);
  assert.deepEqual(pixel(img, 20, 10), [255, 255, 0, 255]);
  assert.deepEqual(pixel(img, 21, 10), [0, 0, 0, 255]);
});

Deno.test("a mode 7 screenshot underlines attributes 01h/09h on the underline scan line, in the foreground", () => {
  const vga = new Vga(clock);
  vga.setMode(0x07, true);
  const put = (col: number, ch: number, attr: number) => {
    vga.mmioWrite8(0xB0000 + 2 * col, ch);
    vga.mmioWrite8(0xB0000 + 2 * col + 1, attr);
  };
  put(1, 0x20, 0x01); // underlined space, normal
  put(2, 0x20, 0x09); // underlined space, intense
  put(3, 0x20, 0x07); // plain space
  put(4, 0x20, 0x71); // foreground 001 on a background: not underlined
  put(5, 0x5F, 0x07); // '_' drawn by the font, for comparison
  const frame = vga.takeFrame();
  assert.equal(frame.kind === "text" && frame.underlineRow, 15);
  const img = frameToRgba(frame);
  const grey = [170, 170, 170, 255], white = [255, 255, 255, 255], black = [0, 0, 0, 255];
  for (let x = 0; x < 8; x++) {
    assert.deepEqual(pixel(img, 8 + x, 15), grey);
    assert.deepEqual(pixel(img, 16 + x, 15), white);
    assert.deepEqual(pixel(img, 24 + x, 15), black);
    assert.deepEqual(pixel(img, 32 + x, 15), grey); // background of 71h is grey, no underline
  }
  for (let y = 0; y < 15; y++) assert.deepEqual(pixel(img, 8, y), black); // only the one line
});

Deno.test("an underline moves with CR14 and disappears when it leaves the cell", () => {
  const vga = new Vga(clock);
  vga.setMode(0x07, true);
  vga.mmioWrite8(0xB0003, 0x01); // column 1: away from the cursor
  vga.out8(0x3B4, 0x14);
  vga.out8(0x3B5, 0x0C);
  let img = frameToRgba(vga.takeFrame());
  assert.deepEqual(pixel(img, 8, 12), [170, 170, 170, 255]);
  assert.deepEqual(pixel(img, 8, 15), [0, 0, 0, 255]);
  vga.out8(0x3B5, 0x1F);
  img = frameToRgba(vga.takeFrame());
  for (let y = 0; y < 16; y++) assert.deepEqual(pixel(img, 8, y), [0, 0, 0, 255]);
});

Deno.test("a blinking underlined cell's underline blinks with it", () => {
  const frame = {
    kind: "text" as const,
    mode: 7,
    cols: 1,
    rows: 1,
    cells: new Uint16Array([0x8120]),
    palette: new Uint8Array(48).fill(255, 3, 6),
    cursor: { row: 0, col: 0, visible: false, startLine: 0, endLine: 0, cellHeight: 16 },
    blinkEnabled: true,
    blinkVisible: true,
    changedRows: new Uint8Array(1),
    underlineRow: 15,
  };
  assert.deepEqual(pixel(frameToRgba(frame), 0, 15), [255, 255, 255, 255]);
  assert.deepEqual(pixel(frameToRgba({ ...frame, blinkVisible: false }), 0, 15), [0, 0, 0, 255]);
  assert.deepEqual(pixel(frameToRgba({ ...frame, underlineRow: -1 }), 0, 15), [0, 0, 0, 255]);
});
