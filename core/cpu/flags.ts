/**
 * FLAGS helpers: precomputed sign/zero/parity tables and the fixed bits the chip reports.
 *
 * The CPU keeps FLAGS eagerly in one number holding only the defined bits; arithmetic
 * helpers OR in table lookups, which measured faster than lazy flag evaluation for the
 * 8086's instruction mix (most flag producers are followed by a flag consumer).
 */
import {
  FLAG_AF,
  FLAG_CF,
  FLAG_DF,
  FLAG_IF,
  FLAG_OF,
  FLAG_PF,
  FLAG_SF,
  FLAG_TF,
  FLAG_ZF,
} from "./registers.ts";

/** Bits an arithmetic instruction rewrites: CF PF AF ZF SF OF. */
export const ARITH_FLAGS = FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF;

/** Bits POPF/IRET/SAHF may change (the defined flags). */
export const DEFINED_FLAGS = ARITH_FLAGS | FLAG_TF | FLAG_IF | FLAG_DF;

/** PF for a byte value (bit 2 set when the number of ones is even). */
export const PARITY = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (let v = 0; v < 256; v++) {
    let ones = 0;
    for (let b = v; b !== 0; b >>= 1) ones += b & 1;
    t[v] = (ones & 1) === 0 ? FLAG_PF : 0;
  }
  return t;
})();

/** SF | ZF | PF for a byte result. */
export const SZP8 = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (let v = 0; v < 256; v++) t[v] = (v & 0x80) | (v === 0 ? FLAG_ZF : 0) | PARITY[v];
  return t;
})();

/** SF | ZF | PF for a 16-bit result (v already masked to 16 bits). */
export function szp16(v: number): number {
  return ((v >>> 8) & FLAG_SF) | (v === 0 ? FLAG_ZF : 0) | PARITY[v & 0xFF];
}

export { FLAG_AF, FLAG_CF, FLAG_DF, FLAG_IF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_TF, FLAG_ZF };
