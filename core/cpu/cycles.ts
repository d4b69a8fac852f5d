/**
 * Approximate clock counts, loosely after the 80286's real-mode timings. Emulated
 * time is derived from the cycle counter, so these only need to be plausible on
 * average; the base count of an opcode assumes register operands and the decoder
 * adds {@link EA_CYCLES} for a memory operand.
 */

/** Extra clocks for computing an effective address and the memory access. */
export const EA_CYCLES = 3;
/** Clocks per iteration of a repeated string instruction. */
export const REP_ITERATION_CYCLES = 4;
/** Clocks to enter an interrupt (pushes and vector fetch). */
export const INTERRUPT_CYCLES = 23;
/** Extra clocks of a taken branch (refilling the prefetch queue). */
export const BRANCH_TAKEN_CYCLES = 4;
/** Clocks per bit of a shift or rotate by CL or imm8. */
export const SHIFT_BIT_CYCLES = 1;
/** Extra clocks of a multiply. */
export const MUL_CYCLES = 14;
/** Extra clocks of a divide. */
export const DIV_CYCLES = 20;
/** Clocks an idle HLT step lets pass. */
export const HLT_IDLE_CYCLES = 4;
/** Clocks charged for a high-level BIOS trap (F1 xx). */
export const BIOS_TRAP_CYCLES = 20;

/** Base clocks per opcode (register forms). */
export const BASE_CYCLES: Uint8Array = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256).fill(2);
  const set = (cycles: number, ...ops: number[]) => {
    for (const op of ops) t[op] = cycles;
  };
  set(3, 0x06, 0x0E, 0x16, 0x1E, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x9C); // push
  set(5, 0x07, 0x0F, 0x17, 0x1F, 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F, 0x9D, 0x8F); // pop
  set(3, 0x27, 0x2F, 0x37, 0x3F, 0x86, 0x87, 0xD7, 0x98, 0x99);
  set(17, 0x60, 0x61); // pusha/popa (80186; jumps on the 8086 are fixed up at run time)
  set(13, 0x62, 0xD5);
  set(16, 0xD4);
  set(11, 0xC2, 0xC3, 0xC0, 0xC1);
  set(15, 0xCA, 0xCB, 0xC8, 0xC9, 0xCF);
  set(7, 0xE8, 0xE9, 0xEB, 0xEA, 0x9A, 0xC4, 0xC5);
  set(4, 0xE0, 0xE1, 0xE2, 0xE3);
  set(5, 0xE4, 0xE5, 0xEC, 0xED, 0xA0, 0xA1);
  set(3, 0xE6, 0xE7, 0xEE, 0xEF, 0xA2, 0xA3);
  set(3, 0xCC, 0xCD, 0xCE, 0xF4);
  set(5, 0xA4, 0xA5, 0xA6, 0xA7, 0xAC, 0xAD, 0xAE, 0xAF, 0x6C, 0x6D, 0x6E, 0x6F);
  set(3, 0xAA, 0xAB);
  return t;
})();
