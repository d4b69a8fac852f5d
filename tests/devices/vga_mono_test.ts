import assert from "node:assert/strict";
import { isUnderlineAttribute, isUnderlined, type TextFrame } from "../../core/video/frame.ts";
import { makeVga, outIndexed, type Rig } from "./vga_helpers.ts";

function text(rig: Rig): TextFrame {
  const f = rig.vga.takeFrame();
  if (f.kind !== "text") throw new Error("expected a text frame");
  return f;
}

Deno.test("mode 7 frames carry the CRTC underline location as underlineRow", () => {
  const rig = makeVga(0x07);
  assert.equal(text(rig).underlineRow, 15);
  outIndexed(rig.io, 0x3B4, 0x14, 0x0D);
  const f = text(rig);
  assert.equal(f.underlineRow, 13);
  assert.equal(f.changedRows.every((v) => v !== 0), true); // a register change redraws everything
});

Deno.test("an underline location beyond the cell means no underline (colour modes program 1Fh)", () => {
  assert.equal(text(makeVga(0x03)).underlineRow, -1);
  assert.equal(text(makeVga(0x01)).underlineRow, -1);
  const rig = makeVga(0x07);
  outIndexed(rig.io, 0x3B4, 0x14, 0x10); // line 16 of a 16-line cell
  assert.equal(text(rig).underlineRow, -1);
  outIndexed(rig.io, 0x3B4, 0x14, 0x4F); // bits 5–7 are not part of the location
  assert.equal(text(rig).underlineRow, 15);
});

Deno.test("a colour mode with a visible underline location underlines like the hardware does", () => {
  const rig = makeVga(0x03);
  outIndexed(rig.io, 0x3D4, 0x14, 0x0E);
  assert.equal(text(rig).underlineRow, 14);
});

Deno.test("underlined attributes: foreground 001 and background 000, intensity and blink free", () => {
  const underlined: number[] = [];
  for (let a = 0; a < 256; a++) if (isUnderlineAttribute(a)) underlined.push(a);
  assert.deepEqual(underlined, [0x01, 0x09, 0x81, 0x89]);
  const mono = text(makeVga(0x07));
  assert.equal(isUnderlined(mono, 0x0141), true);
  assert.equal(isUnderlined(mono, 0x0741), false);
  assert.equal(isUnderlined(mono, 0x7141), false);
  assert.equal(isUnderlined(text(makeVga(0x03)), 0x0141), false);
});

Deno.test("mode 7 attribute colours are monochrome: normal, intense, reverse and invisible", () => {
  const f = text(makeVga(0x07));
  const rgb = (i: number) => Array.from(f.palette.subarray(i * 3, i * 3 + 3));
  const black = [0, 0, 0], normal = [170, 170, 170], bright = [255, 255, 255];
  // Foreground colours 0–15 through AR00–AR0F (00h, 08h × 7, 10h, 18h × 7) and the mono DAC.
  assert.deepEqual(rgb(0), black);
  for (let i = 1; i < 8; i++) assert.deepEqual(rgb(i), normal, `colour ${i}`);
  assert.deepEqual(rgb(8), black, "colour 8 (intensity without video) is invisible");
  for (let i = 9; i < 16; i++) assert.deepEqual(rgb(i), bright, `colour ${i}`);
  // With blink enabled the background is colour 0–7: 07h normal, 0Fh intense, 70h reverse,
  // 00h/08h/80h/88h black on black.
  assert.equal(f.blinkEnabled, true);
  const fgBg = (attr: number) => [rgb(attr & 15), rgb((attr >> 4) & 7)];
  assert.deepEqual(fgBg(0x07), [normal, black]);
  assert.deepEqual(fgBg(0x0F), [bright, black]);
  assert.deepEqual(fgBg(0x70), [black, normal]);
  for (const a of [0x00, 0x08, 0x80, 0x88]) assert.deepEqual(fgBg(a), [black, black], `attr ${a}`);
});
