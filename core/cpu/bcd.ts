/**
 * Decimal adjust instructions: DAA, DAS, AAA, AAS, AAM and AAD (any base, as the
 * chip's microcode takes the immediate byte as the divisor/multiplier).
 *
 * Undefined flags follow each chip: the 8086's as its vectors record them; on the
 * 80186 (per the test ROM results) AAA/AAS set SF/ZF/PF from the final AL and
 * DAA/DAS leave OF clear.
 */
import type { Cpu } from "./cpu.ts";
import { ARITH_FLAGS, FLAG_AF, FLAG_CF, FLAG_OF, FLAG_PF, FLAG_ZF, SZP8 } from "./flags.ts";
import { AX } from "./registers.ts";

/** DAA: decimal adjust AL after addition. */
export function daa(c: Cpu): void {
  const old = c.regs8[0];
  const oldCf = c.flags & FLAG_CF;
  const oldAf = c.flags & FLAG_AF;
  let al = old;
  let cf = 0;
  let af = 0;
  if ((al & 0x0F) > 9 || oldAf !== 0) {
    al += 6;
    af = FLAG_AF;
  }
  if (old > (oldAf !== 0 ? 0x9F : 0x99) || oldCf !== 0) {
    al += 0x60;
    cf = FLAG_CF;
  }
  al &= 0xFF;
  c.regs8[0] = al;
  const of = !c.is186 && ((old ^ al) & al & 0x80) !== 0 ? FLAG_OF : 0;
  c.flags = (c.flags & ~ARITH_FLAGS) | cf | af | SZP8[al] | of;
}

/** DAS: decimal adjust AL after subtraction. */
export function das(c: Cpu): void {
  const old = c.regs8[0];
  const oldCf = c.flags & FLAG_CF;
  const oldAf = c.flags & FLAG_AF;
  let al = old;
  let cf = 0;
  let af = 0;
  if ((al & 0x0F) > 9 || oldAf !== 0) {
    al -= 6;
    af = FLAG_AF;
  }
  if (old > (oldAf !== 0 ? 0x9F : 0x99) || oldCf !== 0) {
    al -= 0x60;
    cf = FLAG_CF;
  }
  al &= 0xFF;
  c.regs8[0] = al;
  const of = !c.is186 && ((old ^ al) & old & 0x80) !== 0 ? FLAG_OF : 0;
  c.flags = (c.flags & ~ARITH_FLAGS) | cf | af | SZP8[al] | of;
}

/** AAA: ASCII adjust after addition. */
export function aaa(c: Cpu): void {
  const al = c.regs8[0];
  if ((al & 0x0F) > 9 || (c.flags & FLAG_AF) !== 0) {
    const r = (al + 6) & 0xFF;
    c.regs8[0] = r & 0x0F;
    c.regs8[1] = c.regs8[1] + 1;
    c.flags = (c.flags & ~ARITH_FLAGS) | FLAG_AF | FLAG_CF | SZP8[c.is186 ? r & 0x0F : r];
  } else {
    c.regs8[0] = al & 0x0F;
    c.flags = (c.flags & ~ARITH_FLAGS) | SZP8[c.is186 ? al & 0x0F : al];
  }
}

/** AAS: ASCII adjust after subtraction. */
export function aas(c: Cpu): void {
  const al = c.regs8[0];
  if ((al & 0x0F) > 9 || (c.flags & FLAG_AF) !== 0) {
    const r = (al - 6) & 0xFF;
    c.regs8[0] = r & 0x0F;
    c.regs8[1] = c.regs8[1] - 1;
    c.flags = (c.flags & ~ARITH_FLAGS) | FLAG_AF | FLAG_CF | SZP8[c.is186 ? r & 0x0F : r];
  } else {
    c.regs8[0] = al & 0x0F;
    c.flags = (c.flags & ~ARITH_FLAGS) | SZP8[c.is186 ? al & 0x0F : al];
  }
}

/** AAM base: AH = AL / base, AL = AL % base; base 0 raises a divide error. */
export function aam(c: Cpu, base: number): void {
  if (base === 0) {
    // The chip sets SF/ZF/PF as for a zero result before the fault.
    c.flags = (c.flags & ~ARITH_FLAGS) | FLAG_ZF | FLAG_PF;
    c.divideError();
    return;
  }
  const al = c.regs8[0];
  const lo = al % base;
  c.regs8[1] = (al / base) | 0;
  c.regs8[0] = lo;
  c.flags = (c.flags & ~ARITH_FLAGS) | SZP8[lo];
}

/** AAD base: AL = AH * base + AL, AH = 0. */
export function aad(c: Cpu, base: number): void {
  const r = (c.regs8[1] * base + c.regs8[0]) & 0xFF;
  c.regs[AX] = r;
  c.flags = (c.flags & ~ARITH_FLAGS) | SZP8[r];
}
