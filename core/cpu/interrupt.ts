/**
 * Interrupt entry and return: the sequence INT n, exceptions, NMI and INTR share
 * (push FLAGS, CS, IP; clear IF and TF; load CS:IP from the vector table at 0:4n).
 */
import { pop16, push16, readLin16 } from "./bus.ts";
import type { Cpu } from "./cpu.ts";
import { INTERRUPT_CYCLES } from "./cycles.ts";
import { DEFINED_FLAGS, FLAG_IF, FLAG_TF } from "./flags.ts";
import { CS } from "./registers.ts";

/** Enters interrupt `vector` with the current CS:IP as the return address. */
export function enterInterrupt(c: Cpu, vector: number): void {
  vector &= 0xFF;
  push16(c, c.getFlags());
  c.flags &= ~(FLAG_IF | FLAG_TF);
  push16(c, c.sregs[CS]);
  push16(c, c.ip);
  c.ip = readLin16(c, vector << 2);
  c.sregs[CS] = readLin16(c, (vector << 2) + 2);
  c.cycles += INTERRUPT_CYCLES;
}

/** IRET: pops IP, CS and FLAGS. */
export function iret(c: Cpu): void {
  c.ip = pop16(c);
  c.sregs[CS] = pop16(c);
  c.flags = pop16(c) & DEFINED_FLAGS;
}
