/**
 * DIV/IDIV as the 8086's microcode performs them, for the flags it leaves behind.
 *
 * The 8086 divides by restoring shift-and-subtract (the CORD microcode routine): it
 * first subtracts the divisor from the high half (no borrow means the quotient cannot
 * fit: divide error), then for each bit shifts the dividend left and subtracts again,
 * updating FLAGS from the subtractions it keeps. A divide error therefore pushes the
 * FLAGS of the last such subtraction, which is what the real chip's vectors record.
 * IDIV works on magnitudes (negating operands first) and rejects a quotient whose
 * magnitude reaches 80h/8000h; a REP prefix toggles the final negation of the quotient.
 */
import type { Cpu } from "./cpu.ts";
import { ARITH_FLAGS, FLAG_AF, FLAG_CF, FLAG_OF, PARITY } from "./flags.ts";

/** Quotient of the last successful {@link divide8086} call. */
export let divQuotient = 0;
/** Remainder of the last successful {@link divide8086} call. */
export let divRemainder = 0;

/**
 * Divides hi:lo (each `bits` wide) by `divisor`; returns false on a divide error
 * (the caller raises INT 0). FLAGS are updated as the microcode does.
 */
export function divide8086(
  c: Cpu,
  hi: number,
  lo: number,
  divisor: number,
  signed: boolean,
  bits: number,
): boolean {
  const mask = bits === 8 ? 0xFF : 0xFFFF;
  const top = bits - 1;
  let a = hi; // tmpa: partial remainder
  let q = lo; // tmpc: dividend low half, becomes the complemented quotient
  let b = divisor; // tmpb
  let negate = c.rep !== 0;
  if (signed) {
    if ((a >>> top) !== 0) {
      // Negate the double-width dividend.
      const borrow = q !== 0;
      q = (-q) & mask;
      a = borrow ? ~a & mask : (-a) & mask;
      negate = !negate;
    }
    if ((b >>> top) !== 0) {
      b = (-b) & mask;
      negate = !negate;
    }
  }
  let cf = subtractFlags(c, a, b, mask, top);
  if (cf === 0) return false;
  for (let i = 0; i < bits; i++) {
    const outQ = q >>> top;
    q = ((q << 1) | cf) & mask;
    const outA = a >>> top;
    a = ((a << 1) | outQ) & mask;
    const diff = (a - b) & mask;
    if (outA !== 0) {
      cf = 0;
      a = diff;
    } else {
      cf = subtractFlags(c, a, b, mask, top);
      if (cf === 0) a = diff;
    }
  }
  q = ((q << 1) | cf) & mask;
  cf = q >>> top;
  c.flags = (c.flags & ~FLAG_CF) | cf;
  let quotient = ~q & mask;
  if (signed) {
    if (cf === 0) return false;
    if ((hi >>> top) !== 0) a = (-a) & mask;
    quotient = negate ? (q + 1) & mask : quotient;
    c.flags &= ~(FLAG_CF | FLAG_OF);
  }
  divQuotient = quotient;
  divRemainder = a;
  return true;
}

/** Sets FLAGS from a - b at the given width (as the microcode's F step) and returns the borrow. */
function subtractFlags(c: Cpu, a: number, b: number, mask: number, top: number): number {
  const r = a - b;
  const w = r & mask;
  const borrow = r < 0 ? 1 : 0;
  const sign = (w >>> top) & 1;
  c.flags = (c.flags & ~ARITH_FLAGS) | borrow | PARITY[w & 0xFF] | ((a ^ b ^ r) & FLAG_AF) |
    (w === 0 ? 0x40 : 0) | (sign << 7) | ((((a ^ b) & (a ^ r)) >>> top) & 1) << 11;
  return borrow;
}
