import assert from "node:assert/strict";
import { FakeClock, makeVga, outIndexed } from "./vga_helpers.ts";
import { Vga } from "../../core/devices/vga/mod.ts";
import { CP437_8X16 } from "../../core/video/font/cp437_8x16.ts";

const SEQ = 0x3C4;
const GC = 0x3CE;

Deno.test("mode 12h write mode 0 with map mask writes the byte to the selected planes only", () => {
  const { vga, mem, io } = makeVga(0x12);
  outIndexed(io, SEQ, 2, 0b0101);
  mem.write8(0xA0010, 0xC3);
  assert.equal(vga.memory.planeByte(0, 0x10), 0xC3);
  assert.equal(vga.memory.planeByte(1, 0x10), 0x00);
  assert.equal(vga.memory.planeByte(2, 0x10), 0xC3);
  assert.equal(vga.memory.planeByte(3, 0x10), 0x00);
});

Deno.test("write mode 0 set/reset fills enabled planes and the bit mask keeps latched bits", () => {
  const { vga, mem, io } = makeVga(0x12);
  mem.write8(0xA0000, 0xFF); // all four planes FFh
  mem.read8(0xA0000); // load latches
  outIndexed(io, GC, 0, 0b0010); // set/reset: plane 1 set, others clear
  outIndexed(io, GC, 1, 0b0011); // enable set/reset on planes 0 and 1
  outIndexed(io, GC, 8, 0x0F); // only the low four bits come from the new data
  mem.write8(0xA0000, 0x00); // CPU data 00h goes to planes 2 and 3
  assert.equal(vga.memory.planeByte(0, 0), 0xF0); // set/reset 0 in the low nibble
  assert.equal(vga.memory.planeByte(1, 0), 0xFF); // set/reset 1
  assert.equal(vga.memory.planeByte(2, 0), 0xF0); // CPU data 0
  assert.equal(vga.memory.planeByte(3, 0), 0xF0);
});

Deno.test("write mode 0 rotates CPU data and applies the logical function with the latches", () => {
  const { vga, mem, io } = makeVga(0x12);
  mem.write8(0xA0000, 0b1100_1100);
  mem.read8(0xA0000);
  outIndexed(io, GC, 3, (3 << 3) | 2); // XOR, rotate right by 2
  mem.write8(0xA0000, 0b0000_1111); // rotated: 1100_0011
  assert.equal(vga.memory.planeByte(0, 0), 0b1100_1100 ^ 0b1100_0011);
  outIndexed(io, GC, 3, 1 << 3); // AND, no rotation
  mem.read8(0xA0000);
  mem.write8(0xA0000, 0b1010_1010);
  assert.equal(vga.memory.planeByte(3, 0), (0b1100_1100 ^ 0b1100_0011) & 0b1010_1010);
});

Deno.test("write mode 1 copies the latches, so a read then write moves four planes at once", () => {
  const { vga, mem, io } = makeVga(0x12);
  for (let p = 0; p < 4; p++) {
    outIndexed(io, SEQ, 2, 1 << p);
    mem.write8(0xA0100, 0x11 * (p + 1));
  }
  outIndexed(io, SEQ, 2, 0x0F);
  outIndexed(io, GC, 5, 0x01);
  mem.read8(0xA0100);
  mem.write8(0xA0200, 0x00); // the CPU data is ignored
  for (let p = 0; p < 4; p++) assert.equal(vga.memory.planeByte(p, 0x200), 0x11 * (p + 1));
});

Deno.test("write mode 2 expands the CPU colour into each plane under the bit mask", () => {
  const { vga, mem, io } = makeVga(0x12);
  outIndexed(io, GC, 5, 0x02);
  outIndexed(io, GC, 8, 0x80); // leftmost pixel only
  mem.read8(0xA0000); // latches all zero
  mem.write8(0xA0000, 0x0B); // colour 1011b
  assert.deepEqual([0, 1, 2, 3].map((p) => vga.memory.planeByte(p, 0)), [0x80, 0x80, 0x00, 0x80]);
});

Deno.test("write mode 3 uses set/reset as colour and the rotated CPU data ANDed with the bit mask", () => {
  const { vga, mem, io } = makeVga(0x12);
  outIndexed(io, GC, 5, 0x03);
  outIndexed(io, GC, 0, 0x0C); // colour 1100b
  outIndexed(io, GC, 8, 0xF0);
  mem.read8(0xA0000);
  mem.write8(0xA0000, 0x3C); // mask = 3Ch & F0h = 30h
  assert.deepEqual([0, 1, 2, 3].map((p) => vga.memory.planeByte(p, 0)), [0x00, 0x00, 0x30, 0x30]);
});

Deno.test("read mode 0 returns the plane chosen by read map select", () => {
  const { mem, io } = makeVga(0x12);
  outIndexed(io, GC, 5, 0x02); // write mode 2: colour 0101b at every bit
  mem.write8(0xA0040, 0x05);
  outIndexed(io, GC, 5, 0x00);
  const planes = [0, 1, 2, 3].map((p) => {
    outIndexed(io, GC, 4, p);
    return mem.read8(0xA0040);
  });
  assert.deepEqual(planes, [0xFF, 0x00, 0xFF, 0x00]);
});

Deno.test("read mode 1 sets bits whose colour matches the compare colour, ignoring don't-care planes", () => {
  const { mem, io } = makeVga(0x12);
  outIndexed(io, GC, 5, 0x02);
  outIndexed(io, GC, 8, 0xF0);
  mem.write8(0xA0000, 0x09); // left four pixels colour 9
  outIndexed(io, GC, 8, 0x0F);
  mem.read8(0xA0000);
  mem.write8(0xA0000, 0x01); // right four pixels colour 1
  outIndexed(io, GC, 8, 0xFF);
  outIndexed(io, GC, 5, 0x08); // read mode 1
  outIndexed(io, GC, 2, 0x09);
  outIndexed(io, GC, 7, 0x0F);
  assert.equal(mem.read8(0xA0000), 0xF0);
  outIndexed(io, GC, 7, 0x07); // plane 3 does not care: colours 9 and 1 both match 1
  assert.equal(mem.read8(0xA0000), 0xFF);
});

Deno.test("mode 13h chain-4 sends address bits 0-1 to the plane and keeps the offset on a 4-byte boundary", () => {
  const { vga, mem } = makeVga(0x13);
  for (let i = 0; i < 8; i++) mem.write8(0xA0000 + 100 + i, 0x40 + i);
  for (let i = 0; i < 8; i++) {
    assert.equal(vga.memory.planeByte((100 + i) & 3, (100 + i) & ~3), 0x40 + i);
    assert.equal(mem.read8(0xA0000 + 100 + i), 0x40 + i);
  }
  assert.equal(vga.memory.planeByte(1, 100), 0x41); // 101 → plane 1, offset 100
});

Deno.test("unchained mode X writes the same byte to every plane the map mask selects", () => {
  const { vga, mem, io } = makeVga(0x13);
  outIndexed(io, SEQ, 4, 0x06); // chain-4 off
  outIndexed(io, SEQ, 2, 0b1010);
  mem.write8(0xA0005, 0x77);
  assert.deepEqual([0, 1, 2, 3].map((p) => vga.memory.planeByte(p, 5)), [0, 0x77, 0, 0x77]);
});

Deno.test("text mode odd/even puts characters in plane 0 and attributes in plane 1 at the even offset", () => {
  const { vga, mem } = makeVga(0x03);
  mem.write8(0xB8000 + 162, 0x41);
  mem.write8(0xB8000 + 163, 0x1E);
  assert.equal(vga.memory.planeByte(0, 162), 0x41);
  assert.equal(vga.memory.planeByte(1, 162), 0x1E);
  assert.equal(mem.read8(0xB8000 + 162), 0x41);
  assert.equal(mem.read8(0xB8000 + 163), 0x1E);
  // Plane 2 keeps the font: 'A' in map 0 at 41h × 32.
  assert.notEqual(vga.memory.planeByte(2, 0x41 * 32 + 8), 0);
});

Deno.test("the memory map hides addresses outside the window: mode 3 ignores A0000h, mode 7 lives at B0000h", () => {
  const text = makeVga(0x03);
  text.mem.write8(0xA0000, 0x55);
  assert.equal(text.mem.read8(0xA0000), 0xFF);
  assert.equal(text.mem.read8(0xB0000), 0xFF);
  const mono = makeVga(0x07);
  mono.mem.write8(0xB0000, 0x41);
  assert.equal(mono.vga.memory.planeByte(0, 0), 0x41);
  assert.equal(mono.mem.read8(0xB8000), 0xFF);
});

Deno.test("CGA mode 4 interlace: even lines at B8000h, odd lines at BA000h", () => {
  const { vga, mem } = makeVga(0x04);
  mem.write8(0xB8000, 0b11_10_01_00); // line 0, pixels 0–3 = 3,2,1,0
  mem.write8(0xBA000 + 80, 0b01_01_01_01); // line 3 (odd line 1), pixels 0–3 = 1
  const f = vga.takeFrame();
  assert.equal(f.kind, "graphics");
  if (f.kind !== "graphics") return;
  assert.equal(f.width, 320);
  assert.equal(f.height, 200);
  const ac = [0x00, 0x13, 0x15, 0x17]; // mode 4's attribute palette for colours 0–3
  assert.deepEqual(Array.from(f.pixels.subarray(0, 4)), [ac[3], ac[2], ac[1], ac[0]]);
  assert.deepEqual(Array.from(f.pixels.subarray(3 * 320, 3 * 320 + 4)), [ac[1], ac[1], ac[1], ac[1]]);
  assert.equal(f.pixels[320], 0); // line 1 untouched
});

Deno.test("every store to plane memory goes through vram's write path (the snapshot barrier sees it)", () => {
  const { vga, mem } = makeVga(0x13);
  const seen: number[] = [];
  vga.vram.guardAll({
    beforeWrite(memory, page) {
      seen.push(page);
      memory.unguard(page);
    },
  });
  mem.write8(0xA0000 + 0x5001, 0x12);
  assert.deepEqual(seen, [((0x5000 << 2) | 1) >>> 12]);
});

Deno.test("a new VGA holds what a mode 3 set with clearing leaves in zeroed memory: blank text and the 8x16 font", () => {
  const fresh = new Vga(new FakeClock());
  const reference = new Vga(new FakeClock());
  reference.vram.bytes.fill(0);
  reference.setMode(0x03, true);
  assert.equal(fresh.vram.bytes.length, reference.vram.bytes.length);
  assert.ok(fresh.vram.bytes.every((v, i) => v === reference.vram.bytes[i]), "same planes");
  assert.equal(fresh.memory.planeByte(0, 0), 0x20, "space");
  assert.equal(fresh.memory.planeByte(1, 0), 0x07, "light grey on black");
  assert.equal(
    fresh.memory.planeByte(2, 0x41 * 32 + 5),
    CP437_8X16[0x41 * 16 + 5],
    "glyph row of A in plane 2",
  );
});

Deno.test("a clearing text mode set blanks planes 0/1 everywhere and keeps plane 3 and plane 2 past the font", () => {
  const vga = new Vga(new FakeClock());
  const bytes = vga.vram.bytes;
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 13 + 5) & 0xFF;
  const before = bytes.slice();
  vga.setMode(0x03, true);
  for (let offset = 0; offset < bytes.length >> 2; offset++) {
    const at = offset << 2;
    if (bytes[at] !== 0x20 || bytes[at + 1] !== 0x07) {
      assert.fail(`planes 0/1 at ${offset}: ${bytes[at]}, ${bytes[at + 1]}`);
    }
    if (bytes[at + 3] !== before[at + 3]) assert.fail(`plane 3 at ${offset} changed`);
    // Character map 0 (offsets 0–8191) is reloaded with the font; the rest of plane 2 stays.
    if (offset >= 8192 && bytes[at + 2] !== before[at + 2]) assert.fail(`plane 2 at ${offset} changed`);
  }
});
