import assert from "node:assert/strict";
import { callInt, idleMachine } from "../helpers/bios_call.ts";
import type { Machine } from "../../core/machine/machine.ts";
import { CP437_8X8 } from "../../core/video/font/cp437_8x8.ts";

/** Text cell (char | attr << 8) at row, col of page 0 in mode 3. */
function cell(m: Machine, row: number, col: number): number {
  return m.memory.read16(0xB8000 + (row * 80 + col) * 2);
}

function rowText(m: Machine, row: number, from = 0, to = 80): string {
  let s = "";
  for (let c = from; c < to; c++) s += String.fromCharCode(cell(m, row, c) & 0xFF);
  return s;
}

function cursor(m: Machine): [number, number] {
  const r = callInt(m, 0x10, { ax: 0x0300, bx: 0 });
  return [r.dx >> 8, r.dx & 0xFF];
}

function teletype(m: Machine, text: string): void {
  for (const ch of text) callInt(m, 0x10, { ax: 0x0E00 | ch.charCodeAt(0), bx: 0x0007 });
}

function clearScreen(m: Machine, attr = 0x07): void {
  callInt(m, 0x10, { ax: 0x0600, bx: attr << 8, cx: 0, dx: 0x184F });
  callInt(m, 0x10, { ax: 0x0200, bx: 0, dx: 0 });
}

Deno.test("INT 10h AH=0Eh prints at the cursor, handles CR/LF/BS and moves the cursor", () => {
  const m = idleMachine();
  clearScreen(m);
  teletype(m, "Hello\r\nAB\bC");
  assert.equal(rowText(m, 0, 0, 5), "Hello");
  assert.equal(rowText(m, 1, 0, 2), "AC");
  assert.deepEqual(cursor(m), [1, 2]);
  assert.equal(m.memory.read16(0x450), 0x0102, "cursor of page 0 in the BDA");
  // The CRTC cursor follows the active page's cursor.
  m.io.out8(0x3D4, 0x0E);
  const hi = m.io.in8(0x3D5);
  m.io.out8(0x3D4, 0x0F);
  assert.equal((hi << 8) | m.io.in8(0x3D5), 82);
});

Deno.test("INT 10h AH=0Eh wraps at the last column and scrolls at the bottom with the cell's attribute", () => {
  const m = idleMachine();
  clearScreen(m, 0x1E);
  callInt(m, 0x10, { ax: 0x0200, bx: 0, dx: 0x1800 + 78 }); // row 24, column 78
  teletype(m, "xyz");
  // "xy" were on row 24, then the wrap scrolled everything up one row.
  assert.equal(rowText(m, 23, 78, 80), "xy");
  assert.equal(cell(m, 24, 0), 0x1E00 | "z".charCodeAt(0));
  assert.equal(cell(m, 24, 5) >> 8, 0x1E, "the new line is blank in the attribute at the cursor");
  assert.deepEqual(cursor(m), [24, 1]);
});

Deno.test("INT 10h AH=06h/07h scroll a window up and down and AL=0 clears it", () => {
  const m = idleMachine();
  clearScreen(m);
  for (let r = 0; r < 5; r++) {
    callInt(m, 0x10, { ax: 0x0200, bx: 0, dx: (r << 8) | 10 });
    callInt(m, 0x10, { ax: 0x0900 | (0x30 + r), bx: 0x0007, cx: 3 });
  }
  // Window rows 1–3, columns 10–11: up one line, blank with attribute 4Fh.
  callInt(m, 0x10, { ax: 0x0601, bx: 0x4F00, cx: 0x010A, dx: 0x030B });
  assert.equal(rowText(m, 1, 10, 13), "221", "column 12 is outside the window");
  assert.equal(rowText(m, 2, 10, 13), "332");
  assert.equal(rowText(m, 3, 10, 13), "  3");
  assert.equal(cell(m, 3, 10), 0x4F20);
  assert.equal(rowText(m, 4, 10, 13), "444", "outside the window is untouched");
  callInt(m, 0x10, { ax: 0x0701, bx: 0x0700, cx: 0x000A, dx: 0x040C });
  assert.equal(rowText(m, 0, 10, 13), "   ");
  assert.equal(rowText(m, 1, 10, 13), "000");
  callInt(m, 0x10, { ax: 0x0600, bx: 0x0700, cx: 0, dx: 0x184F });
  assert.equal(rowText(m, 2, 10, 13), "   ");
});

Deno.test("INT 10h AH=09h/0Ah/08h write and read characters with attributes", () => {
  const m = idleMachine();
  clearScreen(m);
  callInt(m, 0x10, { ax: 0x0200, bx: 0, dx: 0x0203 });
  callInt(m, 0x10, { ax: 0x0941, bx: 0x0071, cx: 4 });
  assert.equal(rowText(m, 2, 3, 8), "AAAA ");
  assert.equal(cell(m, 2, 4), 0x7141);
  callInt(m, 0x10, { ax: 0x0A42, bx: 0, cx: 1 });
  assert.equal(cell(m, 2, 3), 0x7142, "AH=0Ah keeps the attribute");
  assert.equal(callInt(m, 0x10, { ax: 0x0800, bx: 0 }).ax, 0x7142);
  assert.deepEqual(cursor(m), [2, 3], "AH=09h/0Ah do not move the cursor");
});

Deno.test("INT 10h AH=13h writes a string with attributes and updates the cursor on request", () => {
  const m = idleMachine();
  clearScreen(m);
  const text = [0x48, 0x1F, 0x69, 0x2E];
  m.memory.writeBlock(0x6000, new Uint8Array(text));
  callInt(m, 0x10, { ax: 0x1303, bx: 0, cx: 2, dx: 0x0500, es: 0x0600, bp: 0 });
  assert.equal(cell(m, 5, 0), 0x1F48);
  assert.equal(cell(m, 5, 1), 0x2E69);
  assert.deepEqual(cursor(m), [5, 2]);
});

Deno.test("INT 10h AH=00h sets a mode, AH=0Fh reports it, and bit 7 keeps video memory", () => {
  const m = idleMachine();
  callInt(m, 0x10, { ax: 0x0001 });
  let r = callInt(m, 0x10, { ax: 0x0F00 });
  assert.equal(r.ax, 0x2801, "40 columns, mode 1");
  assert.equal(m.memory.read16(0x44C), 0x0800);
  callInt(m, 0x10, { ax: 0x0003 });
  teletype(m, "keep");
  callInt(m, 0x10, { ax: 0x0083 });
  assert.equal(rowText(m, 0, 0, 4), "keep");
  r = callInt(m, 0x10, { ax: 0x0F00 });
  assert.equal(r.ax & 0xFF, 0x83, "AL bit 7 reflects the no-clear mode set");
  callInt(m, 0x10, { ax: 0x0003 });
  assert.equal(rowText(m, 0, 0, 4), "    ");
});

Deno.test("INT 10h AH=05h switches pages with separate cursors", () => {
  const m = idleMachine();
  callInt(m, 0x10, { ax: 0x0200, bx: 0x0100, dx: 0x0304 });
  callInt(m, 0x10, { ax: 0x0501 });
  assert.equal(m.memory.read8(0x462), 1);
  assert.equal(m.memory.read16(0x44E), 0x1000);
  teletype(m, "P");
  assert.equal(
    m.memory.read8(0xB8000 + 0x1000 + (3 * 80 + 4) * 2),
    0x50,
    "teletype writes to the active page",
  );
  assert.equal(callInt(m, 0x10, { ax: 0x0300, bx: 0x0100 }).dx, 0x0305);
  m.io.out8(0x3D4, 0x0C);
  const hi = m.io.in8(0x3D5);
  m.io.out8(0x3D4, 0x0D);
  assert.equal((hi << 8) | m.io.in8(0x3D5), 0x800, "CRTC start address in words");
});

Deno.test("INT 10h AH=0Ch/0Dh write and read pixels in CGA, planar and 256-colour modes", () => {
  const m = idleMachine();
  for (const [mode, color] of [[0x04, 3], [0x06, 1], [0x0D, 13], [0x12, 9], [0x13, 0xC8]]) {
    callInt(m, 0x10, { ax: mode });
    callInt(m, 0x10, { ax: 0x0C00 | color, bx: 0, cx: 17, dx: 33 });
    assert.equal(callInt(m, 0x10, { ax: 0x0D00, cx: 17, dx: 33 }).ax & 0xFF, color, `mode ${mode}`);
    assert.equal(callInt(m, 0x10, { ax: 0x0D00, cx: 18, dx: 33 }).ax & 0xFF, 0, `mode ${mode} neighbour`);
  }
  callInt(m, 0x10, { ax: 0x0013 });
  callInt(m, 0x10, { ax: 0x0C05, cx: 1, dx: 2 });
  assert.equal(m.memory.read8(0xA0000 + 2 * 320 + 1), 5, "mode 13h is one byte per pixel");
  callInt(m, 0x10, { ax: 0x0004 });
  callInt(m, 0x10, { ax: 0x0C02, cx: 5, dx: 1 });
  assert.equal(m.memory.read8(0xB8000 + 0x2000 + 1), 0x02 << 4, "odd lines in the second CGA bank");
  callInt(m, 0x10, { ax: 0x0C82, cx: 5, dx: 1 });
  assert.equal(callInt(m, 0x10, { ax: 0x0D00, cx: 5, dx: 1 }).ax & 0xFF, 0, "AL bit 7 XORs");
});

Deno.test("INT 10h AH=0Eh draws glyphs in graphics modes from the 8x8 font", () => {
  const m = idleMachine();
  for (const mode of [0x04, 0x0D, 0x13]) {
    callInt(m, 0x10, { ax: mode });
    callInt(m, 0x10, { ax: 0x0E41, bx: 0x0003 });
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const on = (CP437_8X8[0x41 * 8 + y] & (0x80 >> x)) !== 0;
        const px = callInt(m, 0x10, { ax: 0x0D00, cx: x, dx: y }).ax & 0xFF;
        assert.equal(px, on ? 3 : 0, `mode ${mode} pixel ${x},${y}`);
      }
    }
    assert.equal(callInt(m, 0x10, { ax: 0x0300 }).dx, 0x0001, "cursor advanced");
    callInt(m, 0x10, { ax: 0x0200, dx: 0 });
    assert.equal(
      callInt(m, 0x10, { ax: 0x0800 }).ax & 0xFF,
      0x41,
      `mode ${mode}: AH=08h recognises the glyph`,
    );
  }
});

Deno.test("INT 10h AH=10h sets palette registers and DAC colours; AH=1Ah reports a VGA", () => {
  const m = idleMachine();
  callInt(m, 0x10, { ax: 0x1000, bx: 0x2A01 });
  assert.equal(callInt(m, 0x10, { ax: 0x1007, bx: 0x0001 }).bx >> 8, 0x2A);
  callInt(m, 0x10, { ax: 0x1010, bx: 0x0021, cx: 0x1122, dx: 0x3300 });
  const r = callInt(m, 0x10, { ax: 0x1015, bx: 0x0021 });
  assert.equal(r.dx >> 8, 0x33);
  assert.equal(r.cx, 0x1122);
  const dcc = callInt(m, 0x10, { ax: 0x1A00 });
  assert.equal(dcc.ax & 0xFF, 0x1A);
  assert.equal(dcc.bx & 0xFF, 0x08);
  const ega = callInt(m, 0x10, { ax: 0x1200, bx: 0x0010 });
  assert.equal(ega.bx, 0x0003, "colour, 256 KiB");
});

Deno.test("INT 10h AX=1130h returns pointers into the ROM fonts", () => {
  const m = idleMachine();
  const r = callInt(m, 0x10, { ax: 0x1130, bx: 0x0600 });
  assert.equal(r.es, 0xF000);
  assert.equal(r.cx, 16);
  assert.equal(r.dx & 0xFF, 24);
  const r8 = callInt(m, 0x10, { ax: 0x1130, bx: 0x0300 });
  const addr = r8.es * 16 + r8.bp;
  for (let i = 0; i < 8; i++) assert.equal(m.memory.read8(addr + 0x41 * 8 + i), CP437_8X8[0x41 * 8 + i]);
});
