/**
 * The ModR/M "group" opcodes whose reg field selects the operation:
 * 80–83 (ALU with immediate), D0–D3 and C0/C1 (rotates/shifts), F6/F7 (TEST NOT NEG
 * MUL IMUL DIV IDIV), FE (INC/DEC byte) and FF (INC DEC CALL JMP PUSH word).
 * The caller has already decoded the ModR/M byte.
 */
import { alu16, alu8, dec16, dec8, inc16, inc8, logic16, logic8, sub16, sub8 } from "./alu.ts";
import { fetch16, fetch8, pop16, push16 } from "./bus.ts";
import type { Cpu } from "./cpu.ts";
import { DIV_CYCLES, MUL_CYCLES, SHIFT_BIT_CYCLES } from "./cycles.ts";
import { getRm16, getRm8, getRmHigh16, setRm16, setRm8 } from "./decode.ts";
import { callFar, callNearTo } from "./jump.ts";
import { div16, div8, idiv16, idiv8, imul16, imul8, mul16, mul8 } from "./muldiv.ts";
import { CL, CS, SP } from "./registers.ts";
import { shift16, shift8 } from "./shift.ts";

/** 80/82 (imm8), 81 (imm16), 83 (sign-extended imm8). */
export function group1(c: Cpu, op: number): void {
  const alu = c.reg;
  if ((op & 1) === 0) {
    const a = getRm8(c);
    const r = alu8(c, alu, a, fetch8(c));
    if (alu !== 7) setRm8(c, r);
  } else {
    const a = getRm16(c);
    const b = op === 0x83 ? ((fetch8(c) << 24) >> 24) & 0xFFFF : fetch16(c);
    const r = alu16(c, alu, a, b);
    if (alu !== 7) setRm16(c, r);
  }
}

/** D0–D3 and C0/C1: rotate/shift by 1, CL or imm8. */
export function group2(c: Cpu, op: number): void {
  const word = (op & 1) !== 0;
  const v = word ? getRm16(c) : getRm8(c);
  let count: number;
  if (op >= 0xD2) count = c.regs8[CL] & c.shiftCountMask;
  else if (op >= 0xD0) count = 1;
  else count = fetch8(c) & c.shiftCountMask;
  c.cycles += count * SHIFT_BIT_CYCLES;
  if (word) setRm16(c, shift16(c, c.reg, v, count));
  else setRm8(c, shift8(c, c.reg, v, count));
}

/** F6 (byte) and F7 (word). */
export function group3(c: Cpu, op: number): void {
  const word = op === 0xF7;
  switch (c.reg) {
    case 0:
    case 1: // TEST (the 8086 decodes /1 as TEST too)
      if (word) {
        const a = getRm16(c);
        logic16(c, a & fetch16(c));
      } else {
        const a = getRm8(c);
        logic8(c, a & fetch8(c));
      }
      return;
    case 2: // NOT
      if (word) setRm16(c, ~getRm16(c) & 0xFFFF);
      else setRm8(c, ~getRm8(c) & 0xFF);
      return;
    case 3: // NEG
      if (word) setRm16(c, sub16(c, 0, getRm16(c), 0));
      else setRm8(c, sub8(c, 0, getRm8(c), 0));
      return;
    case 4:
      c.cycles += MUL_CYCLES;
      if (word) mul16(c, getRm16(c));
      else mul8(c, getRm8(c));
      return;
    case 5:
      c.cycles += MUL_CYCLES;
      if (word) imul16(c, getRm16(c));
      else imul8(c, getRm8(c));
      return;
    case 6:
      c.cycles += DIV_CYCLES;
      if (word) div16(c, getRm16(c));
      else div8(c, getRm8(c));
      return;
    default:
      c.cycles += DIV_CYCLES;
      if (word) idiv16(c, getRm16(c));
      else idiv8(c, getRm8(c));
  }
}

/** FE: INC/DEC r/m8; other forms are undefined (INT 6 on the 80186, word forms on the 8086). */
export function group4(c: Cpu): void {
  if (c.reg === 0) setRm8(c, inc8(c, getRm8(c)));
  else if (c.reg === 1) setRm8(c, dec8(c, getRm8(c)));
  else if (c.is186) c.invalidOpcode();
  else group5(c);
}

/** FF: INC DEC CALL CALLF JMP JMPF PUSH (and /7 as PUSH on the 8086). */
export function group5(c: Cpu): void {
  switch (c.reg) {
    case 0:
      setRm16(c, inc16(c, getRm16(c)));
      return;
    case 1:
      setRm16(c, dec16(c, getRm16(c)));
      return;
    case 2:
      callNearTo(c, getRm16(c));
      return;
    case 3: {
      const off = getRm16(c);
      callFar(c, getRmHigh16(c), off);
      return;
    }
    case 4:
      c.ip = getRm16(c);
      return;
    case 5: {
      const off = getRm16(c);
      c.sregs[CS] = getRmHigh16(c);
      c.ip = off;
      return;
    }
    case 7:
      if (c.is186) {
        c.invalidOpcode();
        return;
      }
      // falls through: PUSH on the 8086
    default:
      if (c.mod === 3 && c.rm === SP) {
        // The chip decrements SP before reading the register operand.
        push16(c, (c.regs[SP] - 2) & 0xFFFF);
      } else {
        push16(c, getRm16(c));
      }
  }
}

/** 8F: POP r/m16 (the reg field is ignored). SP is incremented before the store's address is used. */
export function popRm(c: Cpu): void {
  const v = pop16(c);
  setRm16(c, v);
}
