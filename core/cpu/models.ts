/**
 * What differs between the two CPU models tty86 emulates.
 *
 * 8086 (as the SingleStepTests vectors captured it): opcodes 60–6F alias the
 * conditional jumps 70–7F; C0/C1 alias RET imm/RET and C8/C9 alias RETF imm/RETF;
 * 0F is POP CS; D6 is SALC; group D0–D3 /6 is SETMO(C); F6/F7 /1 alias TEST; FF /7
 * aliases PUSH; shift counts use all of CL; IDIV faults on a quotient of 80h/8000h and
 * a REP prefix negates its quotient (and IMUL's product); a divide error returns after
 * the faulting instruction; an interrupted REP string instruction resumes at its last
 * prefix only (earlier prefixes are lost).
 *
 * 80186: PUSHA POPA BOUND PUSH-imm IMUL-imm INS OUTS ENTER LEAVE and shifts by imm8;
 * every shift count is masked to 5 bits; undefined opcodes raise INT 6 with the
 * return address at the faulting instruction (0F, 63–67, FE /2–7, FF /7); a divide
 * error also returns to the faulting instruction; FLAGS bits 12–15 read as 0 (the test ROMs'
 * results, captured on the chip, show PUSHF storing them clear; the 8086 stores them set).
 * Both models push SP after decrementing it (PUSH SP stores the new value).
 */
import type { CpuModel } from "./registers.ts";

/** Per-model behaviour switches the interpreter consults. */
export interface ModelTraits {
  /** 80186 instruction set and exception behaviour. */
  readonly is186: boolean;
  /** Mask applied to shift/rotate counts. */
  readonly shiftCountMask: number;
  /** A divide error pushes the address of the faulting instruction (else of the next one). */
  readonly divideErrorAtFault: boolean;
  /** FLAGS bits that always read as 1. */
  readonly flagsFixedOnes: number;
  /** An interrupted REP string instruction resumes with all its prefixes (else only the last). */
  readonly repResumesAllPrefixes: boolean;
}

const TRAITS_8086: ModelTraits = {
  is186: false,
  shiftCountMask: 0xFF,
  divideErrorAtFault: false,
  flagsFixedOnes: 0xF002,
  repResumesAllPrefixes: false,
};

const TRAITS_80186: ModelTraits = {
  is186: true,
  shiftCountMask: 0x1F,
  divideErrorAtFault: true,
  flagsFixedOnes: 0x0002,
  repResumesAllPrefixes: true,
};

/** The traits of `model`. */
export function modelTraits(model: CpuModel): ModelTraits {
  return model === "8086" ? TRAITS_8086 : TRAITS_80186;
}
