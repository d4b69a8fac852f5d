/**
 * String instructions (MOVS CMPS STOS LODS SCAS, and INS OUTS on the 80186) with
 * REP/REPE/REPNE. A repeated instruction runs to completion inside one step unless
 * something needs the CPU between iterations (an interrupt, a trap, the end of the
 * run slice); then IP is rewound so the instruction resumes, as the chip does.
 */
import { read16, read8, write16, write8 } from "./bus.ts";
import type { Cpu } from "./cpu.ts";
import { REP_ITERATION_CYCLES } from "./cycles.ts";
import { sub16, sub8 } from "./alu.ts";
import { CX, DI, DS, DX, ES, FLAG_DF, FLAG_ZF, SI } from "./registers.ts";

/** Prefix value for F2 (REPNE/REPNZ). */
export const REPNE = 1;
/** Prefix value for F3 (REP/REPE/REPZ). */
export const REPE = 2;

/** Runs string opcode `op` once, or repeatedly when a REP prefix is present. */
export function stringOp(c: Cpu, op: number): void {
  if (c.rep === 0) {
    stringOnce(c, op);
    return;
  }
  const regs = c.regs;
  const compares = op === 0xA6 || op === 0xA7 || op === 0xAE || op === 0xAF;
  while (regs[CX] !== 0) {
    stringOnce(c, op);
    regs[CX] = regs[CX] - 1;
    c.cycles += REP_ITERATION_CYCLES;
    if (compares && ((c.flags & FLAG_ZF) !== 0) !== (c.rep === REPE)) return;
    if (regs[CX] !== 0 && c.repMustYield()) return;
  }
}

/** One iteration of string opcode `op`. */
function stringOnce(c: Cpu, op: number): void {
  const regs = c.regs;
  const src = c.segOverride >= 0 ? c.segOverride : DS;
  const back = (c.flags & FLAG_DF) !== 0;
  const d1 = back ? -1 : 1;
  const d2 = back ? -2 : 2;
  switch (op) {
    case 0xA4: // MOVSB
      write8(c, ES, regs[DI], read8(c, src, regs[SI]));
      regs[SI] += d1;
      regs[DI] += d1;
      return;
    case 0xA5: // MOVSW
      write16(c, ES, regs[DI], read16(c, src, regs[SI]));
      regs[SI] += d2;
      regs[DI] += d2;
      return;
    case 0xA6: // CMPSB
      sub8(c, read8(c, src, regs[SI]), read8(c, ES, regs[DI]), 0);
      regs[SI] += d1;
      regs[DI] += d1;
      return;
    case 0xA7: // CMPSW
      sub16(c, read16(c, src, regs[SI]), read16(c, ES, regs[DI]), 0);
      regs[SI] += d2;
      regs[DI] += d2;
      return;
    case 0xAA: // STOSB
      write8(c, ES, regs[DI], c.regs8[0]);
      regs[DI] += d1;
      return;
    case 0xAB: // STOSW
      write16(c, ES, regs[DI], regs[0]);
      regs[DI] += d2;
      return;
    case 0xAC: // LODSB
      c.regs8[0] = read8(c, src, regs[SI]);
      regs[SI] += d1;
      return;
    case 0xAD: // LODSW
      regs[0] = read16(c, src, regs[SI]);
      regs[SI] += d2;
      return;
    case 0xAE: // SCASB
      sub8(c, c.regs8[0], read8(c, ES, regs[DI]), 0);
      regs[DI] += d1;
      return;
    case 0xAF: // SCASW
      sub16(c, regs[0], read16(c, ES, regs[DI]), 0);
      regs[DI] += d2;
      return;
    case 0x6C: // INSB
      write8(c, ES, regs[DI], c.io.in8(regs[DX]));
      regs[DI] += d1;
      return;
    case 0x6D: // INSW
      write16(c, ES, regs[DI], c.io.in16(regs[DX]));
      regs[DI] += d2;
      return;
    case 0x6E: // OUTSB
      c.io.out8(regs[DX], read8(c, src, regs[SI]));
      regs[SI] += d1;
      return;
    default: // 0x6F OUTSW
      c.io.out16(regs[DX], read16(c, src, regs[SI]));
      regs[SI] += d2;
      return;
  }
}
