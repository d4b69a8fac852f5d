/**
 * A tiny test machine for CPU unit tests: 1 MiB of RAM, an I/O bus, code placed at
 * 0100:0000, a stack at 0000:0800 and helpers to set interrupt vectors.
 */
import { Cpu } from "../../core/cpu/cpu.ts";
import { type CpuModel, CS, DS, ES, SP, SS } from "../../core/cpu/registers.ts";
import type { InterruptController } from "../../core/devices/interrupts.ts";
import { IoBus } from "../../core/io/io_bus.ts";
import { PagedMemory } from "../../core/memory/paged_memory.ts";

/** Segment the test code is loaded at. */
export const CODE_SEG = 0x0100;
/** Initial SP (SS = 0). */
export const STACK_TOP = 0x0800;

/** An interrupt controller that always answers `vector` and counts acknowledges. */
export class FakePic implements InterruptController {
  acknowledged = 0;
  onAcknowledge: (() => void) | null = null;
  constructor(public vector: number) {}
  acknowledge(): number {
    this.acknowledged++;
    this.onAcknowledge?.();
    return this.vector;
  }
}

/** A CPU with `code` at CODE_SEG:0000 and a clean stack. */
export function machine(code: number[], model: CpuModel = "80186"): { cpu: Cpu; memory: PagedMemory } {
  const memory = new PagedMemory(1 << 20);
  const cpu = new Cpu(memory, new IoBus(), { model });
  memory.writeBlock(CODE_SEG << 4, new Uint8Array(code));
  cpu.sregs[CS] = CODE_SEG;
  cpu.sregs[DS] = 0;
  cpu.sregs[ES] = 0;
  cpu.sregs[SS] = 0;
  cpu.regs[SP] = STACK_TOP;
  cpu.ip = 0;
  return { cpu, memory };
}

/** Points interrupt `vector` at seg:off. */
export function setVector(memory: PagedMemory, vector: number, seg: number, off: number): void {
  memory.write16(vector * 4, off);
  memory.write16(vector * 4 + 2, seg);
}

/** The word at SS:SP + 2*index (0 = top of stack). */
export function stackWord(cpu: Cpu, memory: PagedMemory, index: number): number {
  const addr = (cpu.sregs[SS] << 4) + ((cpu.regs[SP] + 2 * index) & 0xFFFF);
  return memory.read16(addr);
}
