/**
 * A small stand-in for the machine in snapshot tests: 1 MiB RAM with a ROM page and an
 * MMIO window (like the PC's), 256 KiB VRAM, and a Stateful "CPU" with a few registers.
 */
import { type MmioHandler, PagedMemory } from "../../core/memory/paged_memory.ts";
import type { Stateful, StateValue } from "../../core/state.ts";
import type { SnapshotTarget } from "../../core/snapshot/live_writer.ts";

/** Device serving the MMIO window: remembers writes, reads a fixed pattern. */
export class FakeDevice implements MmioHandler {
  writes = 0;
  mmioRead8(addr: number): number {
    return addr & 0xFF ^ 0x5A;
  }
  mmioWrite8(): void {
    this.writes++;
  }
}

/** Registers and a counter, saved as a record with a typed array. */
export class FakeCpu implements Stateful {
  regs = new Uint16Array(8);
  cycles = 0;
  model = "80186";

  saveState(): StateValue {
    return { regs: this.regs.slice(), cycles: this.cycles, model: this.model };
  }

  loadState(state: StateValue): void {
    const s = state as { regs: Uint16Array; cycles: number };
    if (!(s.regs instanceof Uint16Array)) throw new TypeError("cpu state: regs must be a Uint16Array");
    this.regs = s.regs.slice();
    this.cycles = s.cycles;
  }
}

/** The fake machine and a deterministic "guest" that scribbles on it. */
export class FakeMachine {
  readonly ram = new PagedMemory(1 << 20);
  readonly vram = new PagedMemory(256 << 10);
  readonly cpu = new FakeCpu();
  readonly device = new FakeDevice();
  #seed: number;

  constructor(seed = 1, cpuModel = "80186") {
    this.#seed = seed;
    this.cpu.model = cpuModel;
    this.ram.mapMmio(0xA0000, 0x20000, this.device);
    // A ROM page with content (the BIOS).
    for (let i = 0; i < 4096; i++) this.ram.bytes[0xFF000 + i] = (i * 7) & 0xFF;
    this.ram.setRom(0xFF000, 0x1000);
  }

  get target(): SnapshotTarget {
    return {
      memories: [{ name: "ram", memory: this.ram }, { name: "vram", memory: this.vram }],
      state: this.cpu,
      config: {
        cpuModel: this.cpu.model,
        memories: [{ name: "ram", size: this.ram.bytes.length }, {
          name: "vram",
          size: this.vram.bytes.length,
        }],
        devices: ["fake-device"],
      },
    };
  }

  /** Next pseudo-random number (xorshift32). */
  random(): number {
    let x = this.#seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#seed = x >>> 0;
    return this.#seed;
  }

  /** Writes `n` random bytes at random RAM (below A0000) and VRAM addresses, through the write path. */
  scribble(n: number): void {
    for (let i = 0; i < n; i++) {
      const r = this.random();
      if (r & 1) this.ram.write8((r >>> 1) % 0xA0000, r >>> 24);
      else this.vram.write8((r >>> 1) & 0x3FFFF, r >>> 24);
    }
    this.cpu.cycles += n;
    this.cpu.regs[this.cpu.cycles & 7] = this.random();
  }

  /** A copy of everything a snapshot covers, to compare against. */
  capture(): { ram: Uint8Array; vram: Uint8Array; cpu: StateValue } {
    return { ram: this.ram.bytes.slice(), vram: this.vram.bytes.slice(), cpu: this.cpu.saveState() };
  }
}
