/**
 * Power-on self test, kept lean: interrupt vectors, BIOS data area, the
 * interrupt controllers, timer, CMOS configuration and video mode 3. The ROM
 * stub then enables interrupts and calls INT 19h.
 */
import type { PagedMemory } from "../memory/paged_memory.ts";
import type { IoBus } from "../io/io_bus.ts";
import * as B from "./bda.ts";
import type { Bda } from "./access.ts";
import type { KeyBuffer } from "./key_buffer.ts";
import type { DiskService } from "./int13_disk.ts";
import { floppyType } from "./int13_disk.ts";
import type { VideoService } from "./int10_video.ts";
import * as C from "./cmos.ts";
import { romVectorOffset } from "./rom.ts";
import { ROM_SEGMENT } from "./rom_layout.ts";

/** PIT input clock (Hz). */
export const PIT_HZ = 1193182;
/** Interrupt masks left by POST: master IRQ 0, 1, 2 and 6 open; slave IRQ 8 (RTC) open. */
export const POST_MASTER_MASK = 0xB8;
export const POST_SLAVE_MASK = 0xFE;

/** What POST needs. */
export interface PostParts {
  memory: PagedMemory;
  io: IoBus;
  bda: Bda;
  keys: KeyBuffer;
  disks: DiskService;
  video: VideoService;
  cmos: C.Cmos;
  memoryKiB: number;
}

/** Runs POST. */
export function runPost(p: PostParts): void {
  const { memory, bda } = p;
  for (let v = 0; v < 256; v++) {
    memory.write16(v * 4, romVectorOffset(v));
    memory.write16(v * 4 + 2, ROM_SEGMENT);
  }
  for (let a = 0x400; a < 0x600; a++) memory.write8(a, 0); // BDA and the DOS communication area
  const floppies = p.disks.floppyCount();
  let equipment = 0x0020; // initial video: 80×25 colour
  if (floppies > 0) equipment |= 0x0001 | ((floppies - 1) << 6);
  bda.set16(B.BDA_EQUIPMENT, equipment);
  bda.set16(B.BDA_MEMORY_KIB, p.memoryKiB);
  p.keys.reset();
  bda.set8(B.BDA_KBD_FLAGS3, B.KF3_ENHANCED);
  bda.set8(B.BDA_HD_COUNT, p.disks.hardCount());
  for (let d = 0; d < 2; d++) {
    const dev = p.disks.device(d);
    if (dev === null) continue;
    // Media state: established; data rate 250 kb/s for 360K/720K media, 500 kb/s otherwise.
    const type = floppyType(dev.geometry.sectorsPerTrack, dev.geometry.cylinders);
    bda.set8(B.BDA_FLOPPY_MEDIA + d, type === 1 || type === 3 ? 0x97 : 0x17);
  }
  bda.set8(B.BDA_EGA_MISC, 0x60); // 256 KiB, cursor emulation on, memory cleared
  bda.set8(B.BDA_EGA_SWITCHES, 0x09); // colour display switch setting
  bda.set8(B.BDA_VGA_FLAGS, 0x51); // VGA active, 400-line text, display switching on
  bda.set8(B.BDA_VGA_DCC_INDEX, 0x0B);
  initPics(p.io);
  initPit(p.io);
  initCmos(p, floppies);
  bda.set32(B.BDA_TIMER_TICKS, ticksFromRtc(p.cmos));
  p.io.out8(0x64, 0xAE); // keyboard interface enabled
  p.video.setMode(0x03);
}

function initPics(io: IoBus): void {
  io.out8(0x20, 0x11); // ICW1: edge, cascade, ICW4
  io.out8(0x21, 0x08); // ICW2: IRQ0–7 → INT 08h–0Fh
  io.out8(0x21, 0x04); // ICW3: slave on IRQ2
  io.out8(0x21, 0x01); // ICW4: 8086 mode
  io.out8(0xA0, 0x11);
  io.out8(0xA1, 0x70); // IRQ8–15 → INT 70h–77h
  io.out8(0xA1, 0x02); // slave identity 2
  io.out8(0xA1, 0x01);
  io.out8(0x21, POST_MASTER_MASK);
  io.out8(0xA1, POST_SLAVE_MASK);
}

function initPit(io: IoBus): void {
  io.out8(0x43, 0x36); // channel 0: lobyte/hibyte, mode 3
  io.out8(0x40, 0x00); // divisor 65536 → 18.2065 Hz
  io.out8(0x40, 0x00);
  io.out8(0x43, 0x54); // channel 1: lobyte, mode 2 (memory refresh, 15 µs)
  io.out8(0x41, 18);
  io.out8(0x43, 0xB6); // channel 2: lobyte/hibyte, mode 3 (speaker tone, about 896 Hz)
  io.out8(0x42, 1331 & 0xFF);
  io.out8(0x42, 1331 >>> 8);
}

function initCmos(p: PostParts, floppies: number): void {
  const cmos = p.cmos;
  cmos.write(C.RTC_STATUS_A, 0x26); // 32.768 kHz time base, 1024 Hz periodic rate
  cmos.write(C.RTC_STATUS_B, C.RTC_B_24H); // BCD, 24-hour, no interrupts
  cmos.read(C.RTC_STATUS_C);
  cmos.write(0x0E, 0x00); // diagnostics: all good
  cmos.write(0x0F, 0x00); // shutdown status: normal
  let types = 0;
  for (let d = 0; d < 2; d++) {
    const dev = p.disks.device(d);
    if (dev !== null) {
      types |= floppyType(dev.geometry.sectorsPerTrack, dev.geometry.cylinders) << (d === 0 ? 4 : 0);
    }
  }
  cmos.write(0x10, types);
  const hd0 = p.disks.device(0x80) !== null;
  const hd1 = p.disks.device(0x81) !== null;
  cmos.write(0x12, (hd0 ? 0xF0 : 0) | (hd1 ? 0x0F : 0)); // type 15 → the extended type bytes
  cmos.write(0x19, hd0 ? 47 : 0); // user-defined type (parameters in the INT 41h/46h tables)
  cmos.write(0x1A, hd1 ? 47 : 0);
  let equipment = 0x00; // primary display: EGA/VGA
  if (floppies > 0) equipment |= 0x01 | ((floppies - 1) << 6);
  cmos.write(0x14, equipment);
  cmos.write(0x15, p.memoryKiB & 0xFF);
  cmos.write(0x16, p.memoryKiB >>> 8);
  for (const r of [0x17, 0x18, 0x30, 0x31]) cmos.write(r, 0); // no extended memory
  let sum = 0;
  for (let r = 0x10; r <= 0x2D; r++) sum += cmos.read(r);
  cmos.write(0x2E, (sum >>> 8) & 0xFF);
  cmos.write(0x2F, sum & 0xFF);
}

/** Timer ticks since midnight for the RTC's current time (the AT sets the count from the clock at POST). */
export function ticksFromRtc(cmos: C.Cmos): number {
  const binary = (cmos.read(C.RTC_STATUS_B) & C.RTC_B_BINARY) !== 0;
  const value = (r: number) => (binary ? cmos.read(r) : C.fromBcd(cmos.read(r)));
  const hours = value(C.RTC_HOURS) & 0x3F;
  const seconds = (hours % 24) * 3600 + (value(C.RTC_MINUTES) % 60) * 60 + (value(C.RTC_SECONDS) % 60);
  return Math.floor((seconds * PIT_HZ) / 65536);
}
