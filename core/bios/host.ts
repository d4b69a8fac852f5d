/**
 * What the BIOS needs from the machine, as small structural interfaces so the
 * services can be exercised against the real CPU and devices or a test double.
 */
import type { PagedMemory } from "../memory/paged_memory.ts";
import type { IoBus } from "../io/io_bus.ts";
import type { BlockDevice } from "../../disks/block_device.ts";
import type { Clock } from "../time/timed_device.ts";

/** The CPU state the BIOS reads and changes while a trap runs. */
export interface BiosCpu {
  readonly regs: Uint16Array;
  readonly regs8: Uint8Array;
  readonly sregs: Uint16Array;
  ip: number;
  getFlags(): number;
  setFlags(value: number): void;
  biosTrap: ((code: number) => void) | null;
}

/** The part of the VGA the BIOS drives directly; everything else goes through its ports and memory. */
export interface BiosVideoAdapter {
  /** Programs every register for a BIOS mode; `clear` blanks video memory. False: no such mode. */
  setMode(mode: number, clear: boolean): boolean;
}

/** Drives attached to the BIOS: up to two floppies (A:, B:) and two hard disks (80h, 81h). */
export interface BiosDisks {
  floppy: (BlockDevice | null)[];
  hard: (BlockDevice | null)[];
}

/** Everything the BIOS is wired to. */
export interface BiosHost {
  cpu: BiosCpu;
  memory: PagedMemory;
  io: IoBus;
  vga: BiosVideoAdapter;
  disks: BiosDisks;
  /** Emulated time, for INT 15h AH=86h waits (without it, waits end at once). */
  clock?: Clock;
}

/** Boot order entries: "a" = first floppy, "c" = first hard disk. */
export type BootDrive = "a" | "c";

/** BIOS configuration. */
export interface BiosOptions {
  bootOrder: BootDrive[];
  /** Conventional memory reported at 40:13 and in CMOS (default 640). */
  memoryKiB?: number;
}
