/**
 * Stack instructions beyond PUSH/POP of one word: PUSHA, POPA, ENTER, LEAVE (80186).
 */
import { pop16, push16, read16 } from "./bus.ts";
import type { Cpu } from "./cpu.ts";
import { BP, SP, SS } from "./registers.ts";

/** PUSHA: AX CX DX BX, SP as it was before the instruction, BP SI DI. */
export function pusha(c: Cpu): void {
  const r = c.regs;
  const sp = r[SP];
  for (let i = 0; i < 8; i++) push16(c, i === SP ? sp : r[i]);
}

/** POPA: the reverse of PUSHA; the saved SP is discarded. */
export function popa(c: Cpu): void {
  const r = c.regs;
  for (let i = 7; i >= 0; i--) {
    const v = pop16(c);
    if (i !== SP) r[i] = v;
  }
}

/** ENTER size, level: builds a stack frame with `level` (mod 32) display pointers. */
export function enter(c: Cpu, size: number, level: number): void {
  const r = c.regs;
  level &= 0x1F;
  push16(c, r[BP]);
  const frame = r[SP];
  if (level > 0) {
    for (let i = 1; i < level; i++) {
      r[BP] -= 2;
      push16(c, read16(c, SS, r[BP]));
    }
    push16(c, frame);
  }
  r[BP] = frame;
  r[SP] -= size;
  c.cycles += 4 * level;
}

/** LEAVE: SP = BP, pop BP. */
export function leave(c: Cpu): void {
  c.regs[SP] = c.regs[BP];
  c.regs[BP] = pop16(c);
}
