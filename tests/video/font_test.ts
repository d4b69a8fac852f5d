import assert from "node:assert/strict";
import { BOX_CENTRE_X, boxCentreY } from "../../core/video/font/box.ts";
import { CP437_TO_UNICODE, unicodeToCp437 } from "../../core/video/font/cp437.ts";
import { CP437_8X16 } from "../../core/video/font/cp437_8x16.ts";
import { CP437_8X8 } from "../../core/video/font/cp437_8x8.ts";

const glyph = (font: Uint8Array, h: number, code: number) => font.subarray(code * h, code * h + h);
const on = (rows: Uint8Array, x: number, y: number) => (rows[y] & (0x80 >> x)) !== 0;

Deno.test("CP437 table: symbols, ASCII, box drawing and the last row map to the right code points", () => {
  assert.equal(CP437_TO_UNICODE.length, 256);
  assert.equal(String.fromCodePoint(CP437_TO_UNICODE[0x01]), "☺");
  assert.equal(String.fromCodePoint(CP437_TO_UNICODE[0x1F]), "▼");
  assert.equal(CP437_TO_UNICODE[0x41], 0x41);
  assert.equal(String.fromCodePoint(CP437_TO_UNICODE[0x7F]), "⌂");
  assert.equal(String.fromCodePoint(CP437_TO_UNICODE[0x80]), "Ç");
  assert.equal(String.fromCodePoint(CP437_TO_UNICODE[0xC9]), "╔");
  assert.equal(String.fromCodePoint(CP437_TO_UNICODE[0xDB]), "█");
  assert.equal(String.fromCodePoint(CP437_TO_UNICODE[0xE1]), "ß");
  assert.equal(String.fromCodePoint(CP437_TO_UNICODE[0xFE]), "■");
  // Every code maps to a distinct character, except 00h which shows as a space like 20h.
  assert.equal(new Set(CP437_TO_UNICODE).size, 255);
  assert.equal(CP437_TO_UNICODE[0x00], 0x20);
  assert.equal(unicodeToCp437(0x2554), 0xC9);
  assert.equal(unicodeToCp437(0x20), 0x20);
});

for (const [name, font, h] of [["8×16", CP437_8X16, 16], ["8×8", CP437_8X8, 8]] as const) {
  Deno.test(`${name} font: 256 glyphs; space and 00h blank; █ full`, () => {
    assert.equal(font.length, 256 * h);
    assert.ok(glyph(font, h, 0x20).every((r) => r === 0));
    assert.ok(glyph(font, h, 0x00).every((r) => r === 0));
    assert.ok(glyph(font, h, 0xDB).every((r) => r === 0xFF));
  });

  Deno.test(`${name} font: 'A' is left-right symmetric, closed at the top, open at the bottom, with a crossbar`, () => {
    const a = glyph(font, h, 0x41);
    const rows = Array.from(a).map((r, y) => ({ r, y })).filter(({ r }) => r !== 0);
    assert.ok(rows.length >= 5);
    const top = rows[0].r, bottom = rows[rows.length - 1].r;
    const bits = (v: number) => v.toString(2).split("").filter((b) => b === "1").length;
    assert.ok(bits(bottom) === 2, "two separate legs at the bottom");
    assert.ok(rows.some(({ r, y }) => y > rows[0].y && bits(r) >= 4), "a crossbar below the top");
    assert.ok(bits(top) <= 4, "narrow top");
    // Symmetric about the glyph's own centre: mirror each row within its bounding columns.
    const left = Math.min(...rows.map(({ r }) => Math.clz32(r) - 24));
    const right = Math.max(...rows.map(({ r }) => 7 - (31 - Math.clz32(r & -r))));
    for (const { r } of rows) {
      for (let x = left; x <= right; x++) {
        assert.equal(((r >> (7 - x)) & 1) === 1, ((r >> (7 - (left + right - x))) & 1) === 1);
      }
    }
  });

  Deno.test(`${name} font: box-drawing lines reach the cell edges where their arms point`, () => {
    const cy = boxCentreY(h);
    const cx = BOX_CENTRE_X;
    // ─ and ═ span the whole width; │ and ║ the whole height.
    assert.equal(glyph(font, h, 0xC4)[cy], 0xFF);
    assert.equal(glyph(font, h, 0xCD)[cy - 1], 0xFF);
    assert.equal(glyph(font, h, 0xCD)[cy + 1], 0xFF);
    for (let y = 0; y < h; y++) {
      assert.ok(on(glyph(font, h, 0xB3), cx, y));
      assert.ok(on(glyph(font, h, 0xBA), cx - 1, y) && on(glyph(font, h, 0xBA), cx + 1, y));
    }
    // ┌ reaches the right and bottom edges only; ╝ the left and top edges with both lines.
    const tl = glyph(font, h, 0xDA);
    assert.ok(on(tl, 7, cy) && on(tl, cx, h - 1) && !on(tl, 0, cy) && !on(tl, cx, 0));
    const br = glyph(font, h, 0xBC);
    assert.ok(on(br, 0, cy - 1) && on(br, 0, cy + 1) && on(br, cx - 1, 0) && on(br, cx + 1, 0));
    assert.ok(!on(br, 7, cy - 1) && !on(br, cx - 1, h - 1));
    // Every single/double line that touches an edge does so at the same positions, so neighbours connect:
    // the right edge of ├ meets the left edge of ─ and ┤.
    for (const [a, b] of [[0xC3, 0xC4], [0xC4, 0xB4], [0xCC, 0xCD], [0xCD, 0xB9], [0xC9, 0xBB]]) {
      for (let y = 0; y < h; y++) {
        assert.equal(on(glyph(font, h, a), 7, y), on(glyph(font, h, b), 0, y), `${a} ${b} row ${y}`);
      }
    }
    // Vertically: ┬ above │ above ┴, ╦ above ║ above ╩.
    for (const [a, b] of [[0xC2, 0xB3], [0xB3, 0xC1], [0xCB, 0xBA], [0xBA, 0xCA], [0xC9, 0xC8]]) {
      assert.equal(glyph(font, h, a)[h - 1], glyph(font, h, b)[0], `${a} over ${b}`);
    }
  });
}
