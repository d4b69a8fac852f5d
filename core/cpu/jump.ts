/**
 * Control transfer: conditional jumps, LOOP/JCXZ, near and far CALL/JMP/RET.
 */
import { fetch16, fetchS8, pop16, push16 } from "./bus.ts";
import type { Cpu } from "./cpu.ts";
import { BRANCH_TAKEN_CYCLES } from "./cycles.ts";
import { FLAG_CF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_ZF } from "./flags.ts";
import { CS, CX, SP } from "./registers.ts";

/** Condition `n` (0–15) of Jcc opcode 70+n: O NO B NB Z NZ BE A S NS P NP L GE LE G. */
export function condition(c: Cpu, n: number): boolean {
  const f = c.flags;
  let t: boolean;
  switch (n >>> 1) {
    case 0:
      t = (f & FLAG_OF) !== 0;
      break;
    case 1:
      t = (f & FLAG_CF) !== 0;
      break;
    case 2:
      t = (f & FLAG_ZF) !== 0;
      break;
    case 3:
      t = (f & (FLAG_CF | FLAG_ZF)) !== 0;
      break;
    case 4:
      t = (f & FLAG_SF) !== 0;
      break;
    case 5:
      t = (f & FLAG_PF) !== 0;
      break;
    case 6:
      t = ((f ^ (f << 4)) & FLAG_OF) !== 0; // SF != OF
      break;
    default:
      t = (f & FLAG_ZF) !== 0 || ((f ^ (f << 4)) & FLAG_OF) !== 0;
  }
  return (n & 1) === 0 ? t : !t;
}

/** Short jump by the next (signed) byte when `taken`; the byte is consumed either way. */
export function jumpShort(c: Cpu, taken: boolean): void {
  const d = fetchS8(c);
  if (taken) {
    c.ip = (c.ip + d) & 0xFFFF;
    c.cycles += BRANCH_TAKEN_CYCLES;
  }
}

/** LOOP/LOOPE/LOOPNE/JCXZ (E0–E3). */
export function loopOp(c: Cpu, op: number): void {
  const regs = c.regs;
  if (op === 0xE3) {
    jumpShort(c, regs[CX] === 0);
    return;
  }
  const cx = (regs[CX] - 1) & 0xFFFF;
  regs[CX] = cx;
  const zf = (c.flags & FLAG_ZF) !== 0;
  jumpShort(c, cx !== 0 && (op === 0xE2 || (op === 0xE1 ? zf : !zf)));
}

/** CALL rel16 (E8). */
export function callNear(c: Cpu): void {
  const d = fetch16(c);
  push16(c, c.ip);
  c.ip = (c.ip + d) & 0xFFFF;
}

/** CALL to an absolute near target. */
export function callNearTo(c: Cpu, target: number): void {
  push16(c, c.ip);
  c.ip = target;
}

/** CALL to seg:off. */
export function callFar(c: Cpu, seg: number, off: number): void {
  push16(c, c.sregs[CS]);
  push16(c, c.ip);
  c.sregs[CS] = seg;
  c.ip = off;
}

/** RET / RET imm16: pops IP, then releases `release` bytes of arguments. */
export function retNear(c: Cpu, release: number): void {
  c.ip = pop16(c);
  c.regs[SP] += release;
}

/** RETF / RETF imm16. */
export function retFar(c: Cpu, release: number): void {
  c.ip = pop16(c);
  c.sregs[CS] = pop16(c);
  c.regs[SP] += release;
}
