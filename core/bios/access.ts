/**
 * Small helpers the services share: real-mode addresses, result flags, and
 * BIOS data area fields read and written through the memory's one write path.
 */
import type { PagedMemory } from "../memory/paged_memory.ts";
import { FLAG_CF, FLAG_ZF } from "../cpu/registers.ts";
import type { BiosCpu } from "./host.ts";
import { BDA_BASE } from "./bda.ts";

/** Linear address of seg:off (wrapping at 1 MiB). */
export function linear(segment: number, offset: number): number {
  return ((segment << 4) + (offset & 0xFFFF)) & 0xFFFFF;
}

/** Sets or clears CF in the flags the service returns with. */
export function setCarry(cpu: BiosCpu, on: boolean): void {
  const f = cpu.getFlags();
  cpu.setFlags(on ? f | FLAG_CF : f & ~FLAG_CF);
}

/** Sets or clears ZF in the flags the service returns with. */
export function setZero(cpu: BiosCpu, on: boolean): void {
  const f = cpu.getFlags();
  cpu.setFlags(on ? f | FLAG_ZF : f & ~FLAG_ZF);
}

/** Typed access to the BIOS data area (segment 40h). */
export class Bda {
  constructor(private readonly memory: PagedMemory) {}

  get8(offset: number): number {
    return this.memory.read8(BDA_BASE + offset);
  }

  set8(offset: number, value: number): void {
    this.memory.write8(BDA_BASE + offset, value & 0xFF);
  }

  get16(offset: number): number {
    return this.memory.read16(BDA_BASE + offset);
  }

  set16(offset: number, value: number): void {
    this.memory.write16(BDA_BASE + offset, value & 0xFFFF);
  }

  get32(offset: number): number {
    return (this.get16(offset) + this.get16(offset + 2) * 0x10000) >>> 0;
  }

  set32(offset: number, value: number): void {
    this.set16(offset, value & 0xFFFF);
    this.set16(offset + 2, Math.floor(value / 0x10000) & 0xFFFF);
  }
}
