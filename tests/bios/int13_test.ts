import assert from "node:assert/strict";
import { callInt, idleMachine } from "../helpers/bios_call.ts";
import { idleBootSector, labelledFloppy, labelSectors, MemoryDisk } from "../helpers/memory_disk.ts";
import { FLAG_CF } from "../../core/cpu/registers.ts";
import type { Machine } from "../../core/machine/machine.ts";

const BUF = 0x20000; // 2000:0000

function bootable(disk: MemoryDisk): MemoryDisk {
  disk.data.set(idleBootSector());
  return disk;
}

/** A machine booted from a diskette whose sector 0 idles and whose other sectors carry their LBA. */
function setup(extra: { hard?: MemoryDisk[]; second?: MemoryDisk } = {}): { m: Machine; a: MemoryDisk } {
  const a = bootable(labelledFloppy());
  const floppies = extra.second === undefined ? [a] : [a, extra.second];
  return { m: idleMachine({ floppies, hardDisks: extra.hard ?? [] }), a };
}

function lbaAt(m: Machine, addr: number): number {
  return m.memory.read16(addr);
}

Deno.test("INT 13h AH=02h reads sectors to ES:BX with CHS → LBA = (C × heads + H) × spt + S − 1", () => {
  const { m } = setup();
  const r = callInt(m, 0x13, { ax: 0x0203, cx: (1 << 8) | 5, dx: 0x0100, es: 0x2000, bx: 0 });
  assert.equal(r.flags & FLAG_CF, 0);
  assert.equal(r.ax, 0x0003, "AH = 0, AL = sectors read");
  const lba = (1 * 2 + 1) * 18 + 4;
  for (let i = 0; i < 3; i++) {
    assert.equal(lbaAt(m, BUF + i * 512), lba + i);
    assert.equal(m.memory.read8(BUF + i * 512 + 100), (lba + i) & 0xFF);
  }
  // Cylinder bits 8–9 come from CL bits 6–7 (a hard disk with more than 256 cylinders).
  const hd = new MemoryDisk({ cylinders: 300, heads: 2, sectorsPerTrack: 17 });
  labelSectors(hd);
  const { m: m2 } = setup({ hard: [hd] });
  const cyl = 290;
  const r2 = callInt(m2, 0x13, {
    ax: 0x0201,
    cx: ((cyl & 0xFF) << 8) | ((cyl >> 2) & 0xC0) | 3,
    dx: 0x0180,
    es: 0x2000,
    bx: 0x10,
  });
  assert.equal(r2.flags & FLAG_CF, 0);
  assert.equal(lbaAt(m2, BUF + 0x10), (cyl * 2 + 1) * 17 + 2);
});

Deno.test("INT 13h reports errors in AH with CF set and keeps the last status", () => {
  const { m } = setup();
  let r = callInt(m, 0x13, { ax: 0x0201, cx: 0x0000, dx: 0x0000, es: 0x2000 });
  assert.equal(r.flags & FLAG_CF, FLAG_CF);
  assert.equal(r.ax >> 8, 0x04, "sector 0 does not exist");
  r = callInt(m, 0x13, { ax: 0x0201, cx: 19, dx: 0x0000, es: 0x2000 });
  assert.equal(r.ax >> 8, 0x04, "sector past the end of the track");
  assert.equal(m.memory.read8(0x441), 0x04, "diskette status in the BDA");
  r = callInt(m, 0x13, { ax: 0x0100, dx: 0x0000 });
  assert.equal(r.ax >> 8, 0x04, "AH=01h returns the last status");
  r = callInt(m, 0x13, { ax: 0x0201, cx: 1, dx: 0x0001, es: 0x2000 });
  assert.equal(r.flags & FLAG_CF, FLAG_CF);
  assert.equal(r.ax >> 8, 0x80, "no drive B: time-out");
  r = callInt(m, 0x13, { ax: 0x0201, cx: 1, dx: 0x0080, es: 0x2000 });
  assert.equal(r.flags & FLAG_CF, FLAG_CF, "no hard disk");
  r = callInt(m, 0x13, { ax: 0x7700, dx: 0x0000 });
  assert.equal(r.ax >> 8, 0x01, "unknown function");
  r = callInt(m, 0x13, { ax: 0x0000, dx: 0x0000 });
  assert.equal(r.flags & FLAG_CF, 0);
  assert.equal(r.ax >> 8, 0x00);
});

Deno.test("INT 13h AH=03h writes through the read path and a read-only disk answers write-protected", () => {
  const ro = labelledFloppy(true);
  const { m, a } = setup({ second: ro });
  for (let i = 0; i < 512; i++) m.memory.write8(BUF + i, i ^ 0x5A);
  let r = callInt(m, 0x13, { ax: 0x0301, cx: 2, dx: 0x0000, es: 0x2000 });
  assert.equal(r.flags & FLAG_CF, 0);
  for (let i = 0; i < 512; i++) assert.equal(a.data[512 + i], (i ^ 0x5A) & 0xFF);
  r = callInt(m, 0x13, { ax: 0x0301, cx: 2, dx: 0x0001, es: 0x2000 });
  assert.equal(r.flags & FLAG_CF, FLAG_CF);
  assert.equal(r.ax >> 8, 0x03);
  assert.equal(ro.data[512 + 2], 1, "nothing written");
});

Deno.test("INT 13h AH=08h and AH=15h describe diskettes and hard disks", () => {
  const hd = new MemoryDisk({ cylinders: 1200, heads: 16, sectorsPerTrack: 63 });
  const { m } = setup({ hard: [hd] });
  let r = callInt(m, 0x13, { ax: 0x0800, dx: 0x0000 });
  assert.equal(r.flags & FLAG_CF, 0);
  assert.equal(r.bx & 0xFF, 4, "1.44M drive type");
  assert.equal(r.cx, (79 << 8) | 18);
  assert.equal(r.dx, 0x0101, "max head 1, one drive");
  assert.equal(r.es * 16 + r.di, 0xFEFC7, "diskette parameter table");
  r = callInt(m, 0x13, { ax: 0x0800, dx: 0x0080 });
  assert.equal(r.cx, (0xFF << 8) | 0xC0 | 63, "cylinders capped at 1024 for CHS");
  assert.equal(r.dx, 0x0F01, "max head 15, one hard disk");
  r = callInt(m, 0x13, { ax: 0x1500, dx: 0x0080 });
  assert.equal(r.flags & FLAG_CF, 0);
  assert.equal(r.ax >> 8, 0x03);
  assert.equal(r.cx * 0x10000 + r.dx, 1200 * 16 * 63);
  r = callInt(m, 0x13, { ax: 0x1500, dx: 0x0000 });
  assert.equal(r.ax >> 8, 0x02, "diskette with change line");
  r = callInt(m, 0x13, { ax: 0x1500, dx: 0x0081 });
  assert.equal(r.ax >> 8, 0x00, "no such drive");
});

Deno.test("INT 13h extensions read by LBA from the packet at DS:SI on hard disks", () => {
  const hd = new MemoryDisk({ cylinders: 100, heads: 4, sectorsPerTrack: 17 });
  labelSectors(hd);
  const { m } = setup({ hard: [hd] });
  let r = callInt(m, 0x13, { ax: 0x4100, bx: 0x55AA, dx: 0x0080 });
  assert.equal(r.flags & FLAG_CF, 0);
  assert.equal(r.bx, 0xAA55);
  assert.equal(r.cx & 1, 1, "fixed-disk access subset");
  const packet = new Uint8Array([0x10, 0, 2, 0, 0x00, 0x00, 0x00, 0x30, 0x39, 0x05, 0, 0, 0, 0, 0, 0]);
  m.memory.writeBlock(0x7000, packet);
  r = callInt(m, 0x13, { ax: 0x4200, dx: 0x0080, ds: 0x0700, si: 0 });
  assert.equal(r.flags & FLAG_CF, 0);
  assert.equal(lbaAt(m, 0x30000), 0x0539);
  assert.equal(lbaAt(m, 0x30200), 0x053A);
  const params = 0x7100;
  m.memory.write16(params, 0x1A);
  r = callInt(m, 0x13, { ax: 0x4800, dx: 0x0080, ds: 0x0710, si: 0 });
  assert.equal(r.flags & FLAG_CF, 0);
  assert.equal(m.memory.read16(params + 16), 100 * 4 * 17);
  r = callInt(m, 0x13, { ax: 0x4100, bx: 0x55AA, dx: 0x0000 });
  assert.equal(r.flags & FLAG_CF, FLAG_CF, "no extensions on diskettes");
});

Deno.test("INT 13h AH=16h reports a changed diskette once", () => {
  const { m } = setup();
  let r = callInt(m, 0x13, { ax: 0x1600, dx: 0x0000 });
  assert.equal(r.ax >> 8, 0x00);
  m.bios.mediumChanged(0);
  r = callInt(m, 0x13, { ax: 0x1600, dx: 0x0000 });
  assert.equal(r.flags & FLAG_CF, FLAG_CF);
  assert.equal(r.ax >> 8, 0x06);
  r = callInt(m, 0x13, { ax: 0x1600, dx: 0x0000 });
  assert.equal(r.ax >> 8, 0x00);
});
