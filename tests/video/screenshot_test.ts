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
