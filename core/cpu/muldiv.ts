/**
 * MUL, IMUL (one-operand forms and the 80186's three-operand form), DIV and IDIV.
 * Division faults raise INT 0 through `Cpu.divideError`, which knows the model's
 * return-address rule. On the 8086 a REP prefix makes IDIV negate its quotient and
 * a quotient of exactly 80h/8000h faults, as the microcode does.
 */
import type { Cpu } from "./cpu.ts";
import { ARITH_FLAGS, FLAG_CF, FLAG_OF, szp16, SZP8 } from "./flags.ts";
import { divide8086, divQuotient, divRemainder } from "./divide_8086.ts";
import { AX, DX } from "./registers.ts";

/** MUL r/m8: AX = AL * v. */
export function mul8(c: Cpu, v: number): void {
  const p = c.regs8[0] * v;
  c.regs[AX] = p;
  const hi = p >>> 8;
  c.flags = (c.flags & ~ARITH_FLAGS) | (hi !== 0 ? FLAG_CF | FLAG_OF : 0) | mulSzp(c, hi, p & 0xFF);
}

/** IMUL r/m8: AX = AL * v, signed. */
export function imul8(c: Cpu, v: number): void {
  let p = ((c.regs8[0] << 24) >> 24) * ((v << 24) >> 24);
  if (c.rep !== 0 && !c.is186) p = -p;
  c.regs[AX] = p;
  const over = p !== ((p << 24) >> 24);
  c.flags = (c.flags & ~ARITH_FLAGS) | (over ? FLAG_CF | FLAG_OF : 0) | mulSzp(c, (p >>> 8) & 0xFF, p & 0xFF);
}

/** MUL r/m16: DX:AX = AX * v. */
export function mul16(c: Cpu, v: number): void {
  const p = c.regs[AX] * v;
  const hi = Math.floor(p / 65536);
  c.regs[AX] = p;
  c.regs[DX] = hi;
  c.flags = (c.flags & ~ARITH_FLAGS) | (hi !== 0 ? FLAG_CF | FLAG_OF : 0) | mulSzp16(c, hi, p & 0xFFFF);
}

/** IMUL r/m16: DX:AX = AX * v, signed. */
export function imul16(c: Cpu, v: number): void {
  let p = ((c.regs[AX] << 16) >> 16) * ((v << 16) >> 16);
  if (c.rep !== 0 && !c.is186) p = -p;
  c.regs[AX] = p;
  c.regs[DX] = p >> 16;
  const over = p !== ((p << 16) >> 16);
  c.flags = (c.flags & ~ARITH_FLAGS) | (over ? FLAG_CF | FLAG_OF : 0) |
    mulSzp16(c, (p >> 16) & 0xFFFF, p & 0xFFFF);
}

/** IMUL r16, r/m16, imm (80186): returns the low word; CF = OF = the product overflowed. */
export function imul3(c: Cpu, a: number, b: number): number {
  const p = ((a << 16) >> 16) * ((b << 16) >> 16);
  const lo = p & 0xFFFF;
  const over = p !== ((p << 16) >> 16);
  c.flags = (c.flags & ~ARITH_FLAGS) | (over ? FLAG_CF | FLAG_OF : 0) | mulSzp16(c, (p >> 16) & 0xFFFF, lo);
  return lo;
}

/**
 * SF/ZF/PF after a byte multiply (undefined by Intel): the 8086's microcode sets them
 * from the high half; the 80186 (per its test ROM results) from the low half.
 */
function mulSzp(c: Cpu, hi: number, lo: number): number {
  return SZP8[c.is186 ? lo : hi];
}

/** SF/ZF/PF after a word multiply; see {@link mulSzp}. */
function mulSzp16(c: Cpu, hi: number, lo: number): number {
  return szp16(c.is186 ? lo : hi);
}

/** DIV r/m8: AL = AX / v, AH = AX % v; returns false after raising a divide error. */
export function div8(c: Cpu, v: number): boolean {
  if (!c.is186) return finish8(c, divide8086(c, c.regs8[1], c.regs8[0], v, false, 8));
  const n = c.regs[AX];
  if (v === 0) return c.divideError();
  const q = (n / v) | 0;
  if (q > 0xFF) return c.divideError();
  c.regs8[0] = q;
  c.regs8[1] = n - q * v;
  return true;
}

/** IDIV r/m8: signed AL = AX / v, AH = remainder. */
export function idiv8(c: Cpu, v: number): boolean {
  if (!c.is186) return finish8(c, divide8086(c, c.regs8[1], c.regs8[0], v, true, 8));
  const n = (c.regs[AX] << 16) >> 16;
  const d = (v << 24) >> 24;
  if (d === 0) return c.divideError();
  const q = (n / d) | 0;
  const rem = n - q * d;
  if (q > 127 || q < -128) return c.divideError();
  c.regs8[0] = q;
  c.regs8[1] = rem;
  return true;
}

/** DIV r/m16: AX = DX:AX / v, DX = remainder. */
export function div16(c: Cpu, v: number): boolean {
  if (!c.is186) return finish16(c, divide8086(c, c.regs[DX], c.regs[AX], v, false, 16));
  const n = c.regs[DX] * 65536 + c.regs[AX];
  if (v === 0) return c.divideError();
  const q = Math.floor(n / v);
  if (q > 0xFFFF) return c.divideError();
  c.regs[AX] = q;
  c.regs[DX] = n - q * v;
  return true;
}

/** IDIV r/m16: signed AX = DX:AX / v, DX = remainder. */
export function idiv16(c: Cpu, v: number): boolean {
  if (!c.is186) return finish16(c, divide8086(c, c.regs[DX], c.regs[AX], v, true, 16));
  const n = (c.regs[DX] << 16) | c.regs[AX];
  const d = (v << 16) >> 16;
  if (d === 0) return c.divideError();
  const q = Math.trunc(n / d);
  const rem = n - q * d;
  if (q > 32767 || q < -32768) return c.divideError();
  c.regs[AX] = q;
  c.regs[DX] = rem;
  return true;
}

/** Stores an 8086 byte division's results, or raises the divide error. */
function finish8(c: Cpu, ok: boolean): boolean {
  if (!ok) return c.divideError();
  c.regs8[0] = divQuotient;
  c.regs8[1] = divRemainder;
  return true;
}

/** Stores an 8086 word division's results, or raises the divide error. */
function finish16(c: Cpu, ok: boolean): boolean {
  if (!ok) return c.divideError();
  c.regs[AX] = divQuotient;
  c.regs[DX] = divRemainder;
  return true;
}
