/**
 * ModR/M decoding into the CPU's preallocated fields (`mod`, `reg`, `rm`, `eaSeg`,
 * `eaOff`) and the operand accessors built on them. Nothing here allocates.
 */
import { fetch16, fetch8, read16, read8, write16, write8 } from "./bus.ts";
import type { Cpu } from "./cpu.ts";
import { EA_CYCLES } from "./cycles.ts";
import { BP, BX, DI, DS, SI, SS } from "./registers.ts";

/** `regs8` byte offset of ModR/M 8-bit register n (AL CL DL BL AH CH DH BH). */
export function r8(n: number): number {
  return ((n & 3) << 1) | (n >>> 2);
}

/**
 * Fetches a ModR/M byte and, for memory forms, its displacement and effective address.
 * Kept small so V8 inlines it into every handler; the address arithmetic is out of line.
 */
export function decodeModrm(c: Cpu): void {
  const m = fetch8(c);
  c.mod = m >>> 6;
  c.reg = (m >>> 3) & 7;
  c.rm = m & 7;
  if (m < 0xC0) effectiveAddress(c, m >>> 6, m & 7);
}

/** Computes `eaSeg`/`eaOff` for a memory operand, fetching its displacement. */
function effectiveAddress(c: Cpu, mod: number, rm: number): void {
  const r = c.regs;
  let off: number;
  let seg = DS;
  switch (rm) {
    case 0:
      off = r[BX] + r[SI];
      break;
    case 1:
      off = r[BX] + r[DI];
      break;
    case 2:
      off = r[BP] + r[SI];
      seg = SS;
      break;
    case 3:
      off = r[BP] + r[DI];
      seg = SS;
      break;
    case 4:
      off = r[SI];
      break;
    case 5:
      off = r[DI];
      break;
    case 6:
      if (mod === 0) {
        off = fetch16(c);
      } else {
        off = r[BP];
        seg = SS;
      }
      break;
    default:
      off = r[BX];
  }
  if (mod === 1) off += (fetch8(c) << 24) >> 24;
  else if (mod === 2) off += fetch16(c);
  c.eaOff = off & 0xFFFF;
  c.eaSeg = c.segOverride >= 0 ? c.segOverride : seg;
  c.cycles += EA_CYCLES;
}

/** The r/m operand, byte-sized. */
export function getRm8(c: Cpu): number {
  return c.mod === 3 ? c.regs8[r8(c.rm)] : read8(c, c.eaSeg, c.eaOff);
}

/** Stores the r/m operand, byte-sized. */
export function setRm8(c: Cpu, v: number): void {
  if (c.mod === 3) c.regs8[r8(c.rm)] = v;
  else write8(c, c.eaSeg, c.eaOff, v);
}

/** The r/m operand, word-sized. */
export function getRm16(c: Cpu): number {
  return c.mod === 3 ? c.regs[c.rm] : read16(c, c.eaSeg, c.eaOff);
}

/** Stores the r/m operand, word-sized. */
export function setRm16(c: Cpu, v: number): void {
  if (c.mod === 3) c.regs[c.rm] = v;
  else write16(c, c.eaSeg, c.eaOff, v);
}

/** The word after the r/m memory operand (far pointers, BOUND limits). */
export function getRmHigh16(c: Cpu): number {
  return read16(c, c.eaSeg, (c.eaOff + 2) & 0xFFFF);
}
