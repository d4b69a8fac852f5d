import assert from "node:assert/strict";
import { Machine } from "../../core/machine/machine.ts";
import { DL } from "../../core/cpu/registers.ts";
import { isBootable } from "../../core/bios/boot.ts";
import { idleBootSector, MemoryDisk } from "../helpers/memory_disk.ts";

const FLOPPY = { cylinders: 80, heads: 2, sectorsPerTrack: 18 };
const HARD = { cylinders: 20, heads: 4, sectorsPerTrack: 17 };

function bootWith(floppies: MemoryDisk[], hard: MemoryDisk[], order: ("a" | "c")[]): Machine {
  const m = new Machine({ floppies, hardDisks: hard, bootOrder: order });
  m.powerOn();
  m.runCycles(m.clock.hz * 0.2);
  return m;
}

function booted(m: Machine): boolean {
  return m.cpu.sregs[1] === 0 && m.cpu.ip >= 0x7C00 && m.cpu.ip <= 0x7C03;
}

Deno.test("INT 19h boots the hard disk with DL=80h when C: comes first", () => {
  const hd = new MemoryDisk(HARD);
  hd.data.set(idleBootSector());
  const fd = new MemoryDisk(FLOPPY);
  fd.data.set(idleBootSector());
  const m = bootWith([fd], [hd], ["c", "a"]);
  assert.ok(booted(m));
  assert.equal(m.cpu.regs8[DL], 0x80);
  assert.equal(m.memory.read16(0x7DFE), 0xAA55, "boot sector at 0000:7C00");
});

Deno.test("INT 19h skips a hard disk without the 55AAh signature and tries the next drive", () => {
  const hd = new MemoryDisk(HARD); // zeros: no signature
  const fd = new MemoryDisk(FLOPPY);
  fd.data.set(idleBootSector());
  const m = bootWith([fd], [hd], ["c", "a"]);
  assert.ok(booted(m));
  assert.equal(m.cpu.regs8[DL], 0x00);
});

Deno.test("diskettes boot without the signature unless the sector is blank", () => {
  const unsigned = idleBootSector();
  unsigned[510] = 0;
  unsigned[511] = 0;
  assert.equal(isBootable(unsigned, false), true, "diskette: accepted, as the IBM BIOS never checked it");
  assert.equal(isBootable(unsigned, true), false, "hard disk: refused");
  assert.equal(isBootable(new Uint8Array(512).fill(0xF6), false), false, "freshly formatted diskette");
  const fd = new MemoryDisk(FLOPPY);
  fd.data.set(unsigned);
  assert.ok(booted(bootWith([fd], [], ["a"])));
});
