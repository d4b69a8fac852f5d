/** Test helpers: a VGA wired to a real memory map and I/O bus, driven by a settable clock. */
import { Vga, VGA_PORTS } from "../../core/devices/vga/mod.ts";
import { IoBus } from "../../core/io/io_bus.ts";
import { PagedMemory } from "../../core/memory/paged_memory.ts";
import type { Clock } from "../../core/time/timed_device.ts";

/** A clock the test moves by hand. 3,146,875 Hz makes a 25.175 MHz 800-dot line exactly 100 cycles. */
export class FakeClock implements Clock {
  cycles = 0;
  constructor(readonly hz = 3_146_875) {}
  now(): number {
    return this.cycles;
  }
}

export interface Rig {
  vga: Vga;
  mem: PagedMemory;
  io: IoBus;
  clock: FakeClock;
}

export function makeVga(mode = 0x03): Rig {
  const clock = new FakeClock();
  const vga = new Vga(clock);
  const mem = new PagedMemory(1 << 20);
  mem.mapMmio(0xA0000, 0x20000, vga);
  const io = new IoBus();
  io.register(VGA_PORTS, vga);
  vga.setMode(mode, true);
  return { vga, mem, io, clock };
}

/** Writes an indexed register the way software does: index port, then data port. */
export function outIndexed(io: IoBus, port: number, index: number, value: number): void {
  io.out8(port, index);
  io.out8(port + 1, value);
}
