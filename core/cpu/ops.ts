/**
 * One small handler per opcode (or per opcode pattern). Each is its own function so
 * V8 optimizes it separately and inlines the helpers it calls; the CPU dispatches
 * through a per-model table built by optable.ts. Handlers get the opcode byte too,
 * so one handler can serve a row of opcodes (register in the low bits, ALU op in 3–5).
 */
import { alu16, alu8, dec16, inc16, logic16, logic8 } from "./alu.ts";
import { aaa, aad, aam, aas, daa, das } from "./bcd.ts";
import { fetch16, fetch8, pop16, push16, read16, read8, write16, write8 } from "./bus.ts";
import type { Cpu } from "./cpu.ts";
import { MUL_CYCLES } from "./cycles.ts";
import { decodeModrm, getRm16, getRm8, getRmHigh16, r8, setRm16, setRm8 } from "./decode.ts";
import { DEFINED_FLAGS, FLAG_CF, FLAG_DF, FLAG_IF, FLAG_OF } from "./flags.ts";
import { group1, group2, group3, group4, group5, popRm } from "./groups.ts";
import { iret } from "./interrupt.ts";
import { callFar, callNear, condition, jumpShort, loopOp, retFar, retNear } from "./jump.ts";
import { imul3 } from "./muldiv.ts";
import { AX, BX, CS, DS, DX, ES, SP, SS } from "./registers.ts";
import { enter, leave, popa, pusha } from "./stack.ts";
import { stringOp } from "./string.ts";

/** An opcode handler; `op` is the opcode byte. */
export type OpHandler = (c: Cpu, op: number) => void;

/** The segment for a default-DS memory reference, honouring an override prefix. */
function dataSeg(c: Cpu): number {
  return c.segOverride >= 0 ? c.segOverride : DS;
}

// ALU rows 00–3F: r/m,reg / reg,r/m / accumulator,imm for ADD OR ADC SBB AND SUB XOR CMP.

/** op r/m8, r8 */
export function aluRmReg8(c: Cpu, op: number): void {
  decodeModrm(c);
  const alu = op >>> 3;
  const r = alu8(c, alu, getRm8(c), c.regs8[r8(c.reg)]);
  if (alu !== 7) setRm8(c, r);
}

/** op r/m16, r16 */
export function aluRmReg16(c: Cpu, op: number): void {
  decodeModrm(c);
  const alu = op >>> 3;
  const r = alu16(c, alu, getRm16(c), c.regs[c.reg]);
  if (alu !== 7) setRm16(c, r);
}

/** op r8, r/m8 */
export function aluRegRm8(c: Cpu, op: number): void {
  decodeModrm(c);
  const alu = op >>> 3;
  const i = r8(c.reg);
  const r = alu8(c, alu, c.regs8[i], getRm8(c));
  if (alu !== 7) c.regs8[i] = r;
}

/** op r16, r/m16 */
export function aluRegRm16(c: Cpu, op: number): void {
  decodeModrm(c);
  const alu = op >>> 3;
  const r = alu16(c, alu, c.regs[c.reg], getRm16(c));
  if (alu !== 7) c.regs[c.reg] = r;
}

/** op AL, imm8 */
export function aluAccImm8(c: Cpu, op: number): void {
  const alu = op >>> 3;
  const r = alu8(c, alu, c.regs8[0], fetch8(c));
  if (alu !== 7) c.regs8[0] = r;
}

/** op AX, imm16 */
export function aluAccImm16(c: Cpu, op: number): void {
  const alu = op >>> 3;
  const r = alu16(c, alu, c.regs[AX], fetch16(c));
  if (alu !== 7) c.regs[AX] = r;
}

/** PUSH ES/CS/SS/DS (06 0E 16 1E). */
export function pushSeg(c: Cpu, op: number): void {
  push16(c, c.sregs[op >>> 3]);
}

/** POP ES/SS/DS (07 17 1F) and POP CS (0F on the 8086). POP SS opens an interrupt shadow. */
export function popSeg(c: Cpu, op: number): void {
  const s = op >>> 3;
  c.sregs[s] = pop16(c);
  if (s === SS) c.shadowAll();
}

export function opDaa(c: Cpu): void {
  daa(c);
}
export function opDas(c: Cpu): void {
  das(c);
}
export function opAaa(c: Cpu): void {
  aaa(c);
}
export function opAas(c: Cpu): void {
  aas(c);
}

/** INC r16 (40–47). */
export function incReg(c: Cpu, op: number): void {
  c.regs[op & 7] = inc16(c, c.regs[op & 7]);
}

/** DEC r16 (48–4F). */
export function decReg(c: Cpu, op: number): void {
  c.regs[op & 7] = dec16(c, c.regs[op & 7]);
}

/** PUSH r16 (50–57); PUSH SP stores the decremented SP on the 8086 and 80186. */
export function pushReg(c: Cpu, op: number): void {
  const i = op & 7;
  push16(c, i === SP ? (c.regs[SP] - 2) & 0xFFFF : c.regs[i]);
}

/** POP r16 (58–5F). */
export function popReg(c: Cpu, op: number): void {
  c.regs[op & 7] = pop16(c);
}

/** Jcc rel8 (70–7F, and 60–6F on the 8086). */
export function jcc(c: Cpu, op: number): void {
  jumpShort(c, condition(c, op & 15));
}

/** 80–83 */
export function opGroup1(c: Cpu, op: number): void {
  decodeModrm(c);
  group1(c, op);
}

/** TEST r/m8, r8 */
export function testRmReg8(c: Cpu): void {
  decodeModrm(c);
  logic8(c, getRm8(c) & c.regs8[r8(c.reg)]);
}

/** TEST r/m16, r16 */
export function testRmReg16(c: Cpu): void {
  decodeModrm(c);
  logic16(c, getRm16(c) & c.regs[c.reg]);
}

/** XCHG r/m8, r8 */
export function xchgRm8(c: Cpu): void {
  decodeModrm(c);
  const i = r8(c.reg);
  const v = getRm8(c);
  setRm8(c, c.regs8[i]);
  c.regs8[i] = v;
}

/** XCHG r/m16, r16 */
export function xchgRm16(c: Cpu): void {
  decodeModrm(c);
  const v = getRm16(c);
  setRm16(c, c.regs[c.reg]);
  c.regs[c.reg] = v;
}

/** MOV r/m8, r8 */
export function movRmReg8(c: Cpu): void {
  decodeModrm(c);
  setRm8(c, c.regs8[r8(c.reg)]);
}

/** MOV r/m16, r16 */
export function movRmReg16(c: Cpu): void {
  decodeModrm(c);
  setRm16(c, c.regs[c.reg]);
}

/** MOV r8, r/m8 */
export function movRegRm8(c: Cpu): void {
  decodeModrm(c);
  c.regs8[r8(c.reg)] = getRm8(c);
}

/** MOV r16, r/m16 */
export function movRegRm16(c: Cpu): void {
  decodeModrm(c);
  c.regs[c.reg] = getRm16(c);
}

/** MOV r/m16, sreg (reg field taken modulo 4) */
export function movRmSeg(c: Cpu): void {
  decodeModrm(c);
  setRm16(c, c.sregs[c.reg & 3]);
}

/** LEA: a register operand leaves the destination unchanged. */
export function lea(c: Cpu): void {
  decodeModrm(c);
  if (c.mod !== 3) c.regs[c.reg] = c.eaOff;
}

/** MOV sreg, r/m16; loading SS opens an interrupt shadow. */
export function movSegRm(c: Cpu): void {
  decodeModrm(c);
  const s = c.reg & 3;
  c.sregs[s] = getRm16(c);
  if (s === SS) c.shadowAll();
}

/** POP r/m16 */
export function opPopRm(c: Cpu): void {
  decodeModrm(c);
  popRm(c);
}

/** NOP (90) and WAIT (9B: no coprocessor, so never busy). */
export function nop(): void {}

/** XCHG AX, r16 (91–97) */
export function xchgAx(c: Cpu, op: number): void {
  const v = c.regs[op & 7];
  c.regs[op & 7] = c.regs[AX];
  c.regs[AX] = v;
}

export function cbw(c: Cpu): void {
  c.regs[AX] = (c.regs8[0] << 24) >> 24;
}

export function cwd(c: Cpu): void {
  c.regs[DX] = (c.regs[AX] & 0x8000) !== 0 ? 0xFFFF : 0;
}

/** CALL ptr16:16 */
export function callFarImm(c: Cpu): void {
  const off = fetch16(c);
  const seg = fetch16(c);
  callFar(c, seg, off);
}

export function pushf(c: Cpu): void {
  push16(c, c.getFlags());
}

export function popf(c: Cpu): void {
  c.flags = pop16(c) & DEFINED_FLAGS;
}

export function sahf(c: Cpu): void {
  c.flags = (c.flags & ~0xFF) | (c.regs8[1] & 0xD5);
}

export function lahf(c: Cpu): void {
  c.regs8[1] = c.getFlags() & 0xFF;
}

/** MOV AL, moffs */
export function movAlMem(c: Cpu): void {
  c.regs8[0] = read8(c, dataSeg(c), fetch16(c));
}

/** MOV AX, moffs */
export function movAxMem(c: Cpu): void {
  c.regs[AX] = read16(c, dataSeg(c), fetch16(c));
}

/** MOV moffs, AL */
export function movMemAl(c: Cpu): void {
  write8(c, dataSeg(c), fetch16(c), c.regs8[0]);
}

/** MOV moffs, AX */
export function movMemAx(c: Cpu): void {
  write16(c, dataSeg(c), fetch16(c), c.regs[AX]);
}

/** MOVS CMPS STOS LODS SCAS (and INS OUTS on the 80186). */
export function opString(c: Cpu, op: number): void {
  stringOp(c, op);
}

export function testAccImm8(c: Cpu): void {
  logic8(c, c.regs8[0] & fetch8(c));
}

export function testAccImm16(c: Cpu): void {
  logic16(c, c.regs[AX] & fetch16(c));
}

/** MOV r8, imm8 (B0–B7) */
export function movReg8Imm(c: Cpu, op: number): void {
  c.regs8[r8(op & 7)] = fetch8(c);
}

/** MOV r16, imm16 (B8–BF) */
export function movReg16Imm(c: Cpu, op: number): void {
  c.regs[op & 7] = fetch16(c);
}

/** RET imm16 (C2, and C0 on the 8086) */
export function retImm(c: Cpu): void {
  retNear(c, fetch16(c));
}

/** RET (C3, and C1 on the 8086) */
export function ret(c: Cpu): void {
  retNear(c, 0);
}

/** LES / LDS */
export function loadFarPointer(c: Cpu, op: number): void {
  decodeModrm(c);
  const off = getRm16(c);
  c.sregs[op === 0xC4 ? ES : DS] = getRmHigh16(c);
  c.regs[c.reg] = off;
}

/** MOV r/m8, imm8 (the reg field is ignored) */
export function movRmImm8(c: Cpu): void {
  decodeModrm(c);
  setRm8(c, fetch8(c));
}

/** MOV r/m16, imm16 (the reg field is ignored) */
export function movRmImm16(c: Cpu): void {
  decodeModrm(c);
  setRm16(c, fetch16(c));
}

/** RETF imm16 (CA, and C8 on the 8086) */
export function retfImm(c: Cpu): void {
  retFar(c, fetch16(c));
}

/** RETF (CB, and C9 on the 8086) */
export function retf(c: Cpu): void {
  retFar(c, 0);
}

export function int3(c: Cpu): void {
  c.interrupt(3);
}

export function intImm(c: Cpu): void {
  c.interrupt(fetch8(c));
}

export function into(c: Cpu): void {
  if ((c.flags & FLAG_OF) !== 0) c.interrupt(4);
}

export function opIret(c: Cpu): void {
  iret(c);
}

/** D0–D3 (and C0/C1 on the 80186) */
export function opGroup2(c: Cpu, op: number): void {
  decodeModrm(c);
  group2(c, op);
}

export function opAam(c: Cpu): void {
  aam(c, fetch8(c));
}

export function opAad(c: Cpu): void {
  aad(c, fetch8(c));
}

/** SALC (undocumented): AL = CF ? FF : 00 */
export function salc(c: Cpu): void {
  c.regs8[0] = (c.flags & FLAG_CF) !== 0 ? 0xFF : 0;
}

export function xlat(c: Cpu): void {
  c.regs8[0] = read8(c, dataSeg(c), (c.regs[BX] + c.regs8[0]) & 0xFFFF);
}

/** ESC (D8–DF): no coprocessor; the memory operand is still read. */
export function esc(c: Cpu): void {
  decodeModrm(c);
  if (c.mod !== 3) getRm16(c);
}

/** LOOPNE LOOPE LOOP JCXZ */
export function opLoop(c: Cpu, op: number): void {
  loopOp(c, op);
}

export function inAlImm(c: Cpu): void {
  c.regs8[0] = c.io.in8(fetch8(c));
}

export function inAxImm(c: Cpu): void {
  c.regs[AX] = c.io.in16(fetch8(c));
}

export function outImmAl(c: Cpu): void {
  c.io.out8(fetch8(c), c.regs8[0]);
}

export function outImmAx(c: Cpu): void {
  c.io.out16(fetch8(c), c.regs[AX]);
}

export function opCallNear(c: Cpu): void {
  callNear(c);
}

export function jmpNear(c: Cpu): void {
  const d = fetch16(c);
  c.ip = (c.ip + d) & 0xFFFF;
}

export function jmpFar(c: Cpu): void {
  const off = fetch16(c);
  c.sregs[CS] = fetch16(c);
  c.ip = off;
}

export function jmpShort(c: Cpu): void {
  jumpShort(c, true);
}

export function inAlDx(c: Cpu): void {
  c.regs8[0] = c.io.in8(c.regs[DX]);
}

export function inAxDx(c: Cpu): void {
  c.regs[AX] = c.io.in16(c.regs[DX]);
}

export function outDxAl(c: Cpu): void {
  c.io.out8(c.regs[DX], c.regs8[0]);
}

export function outDxAx(c: Cpu): void {
  c.io.out16(c.regs[DX], c.regs[AX]);
}

export function hlt(c: Cpu): void {
  c.halted = true;
}

export function cmc(c: Cpu): void {
  c.flags ^= FLAG_CF;
}

/** F6/F7 */
export function opGroup3(c: Cpu, op: number): void {
  decodeModrm(c);
  group3(c, op);
}

export function clc(c: Cpu): void {
  c.flags &= ~FLAG_CF;
}

export function stc(c: Cpu): void {
  c.flags |= FLAG_CF;
}

export function cli(c: Cpu): void {
  c.flags &= ~FLAG_IF;
}

/** STI: INTR is not accepted until after the next instruction. */
export function sti(c: Cpu): void {
  c.flags |= FLAG_IF;
  c.shadowIntr();
}

export function cld(c: Cpu): void {
  c.flags &= ~FLAG_DF;
}

export function std(c: Cpu): void {
  c.flags |= FLAG_DF;
}

/** FE */
export function opGroup4(c: Cpu): void {
  decodeModrm(c);
  group4(c);
}

/** FF */
export function opGroup5(c: Cpu): void {
  decodeModrm(c);
  group5(c);
}

// 80186 additions.

export function opPusha(c: Cpu): void {
  pusha(c);
}

export function opPopa(c: Cpu): void {
  popa(c);
}

/** BOUND r16, m16&16: INT 5 (returning to BOUND) when the register is outside the bounds. */
export function bound(c: Cpu): void {
  decodeModrm(c);
  if (c.mod === 3) {
    c.invalidOpcode();
    return;
  }
  const v = (c.regs[c.reg] << 16) >> 16;
  const lo = (getRm16(c) << 16) >> 16;
  const hi = (getRmHigh16(c) << 16) >> 16;
  if (v < lo || v > hi) {
    c.ip = c.opStart;
    c.interrupt(5);
  }
}

export function pushImm16(c: Cpu): void {
  push16(c, fetch16(c));
}

export function pushImm8(c: Cpu): void {
  push16(c, ((fetch8(c) << 24) >> 24) & 0xFFFF);
}

/** IMUL r16, r/m16, imm16 (69) or sign-extended imm8 (6B) */
export function imulImm(c: Cpu, op: number): void {
  decodeModrm(c);
  const a = getRm16(c);
  const b = op === 0x69 ? fetch16(c) : (fetch8(c) << 24) >> 24;
  c.cycles += MUL_CYCLES;
  c.regs[c.reg] = imul3(c, a, b);
}

/** ENTER imm16, imm8 */
export function opEnter(c: Cpu): void {
  const size = fetch16(c);
  enter(c, size, fetch8(c));
}

export function opLeave(c: Cpu): void {
  leave(c);
}

/** Undefined opcode on the 80186: INT 6. */
export function invalid(c: Cpu): void {
  c.invalidOpcode();
}
