/**
 * Two-operand arithmetic and logic (ADD OR ADC SBB AND SUB XOR CMP), INC, DEC, NEG,
 * each setting FLAGS eagerly. ALU operation numbers follow the opcode's bits 3–5.
 */
import type { Cpu } from "./cpu.ts";
import { ARITH_FLAGS, FLAG_AF, FLAG_CF, FLAG_OF, szp16, SZP8 } from "./flags.ts";

/** a + b + carry, byte-sized. */
export function add8(c: Cpu, a: number, b: number, carry: number): number {
  const r = a + b + carry;
  c.flags = (c.flags & ~ARITH_FLAGS) | ((r >>> 8) & 1) | SZP8[r & 0xFF] | ((a ^ b ^ r) & FLAG_AF) |
    (((r ^ a) & (r ^ b) & 0x80) << 4);
  return r & 0xFF;
}

/** a + b + carry, word-sized. */
export function add16(c: Cpu, a: number, b: number, carry: number): number {
  const r = a + b + carry;
  const w = r & 0xFFFF;
  c.flags = (c.flags & ~ARITH_FLAGS) | ((r >>> 16) & 1) | szp16(w) | ((a ^ b ^ r) & FLAG_AF) |
    (((r ^ a) & (r ^ b) & 0x8000) >>> 4);
  return w;
}

/** a - b - borrow, byte-sized. */
export function sub8(c: Cpu, a: number, b: number, borrow: number): number {
  const r = a - b - borrow;
  c.flags = (c.flags & ~ARITH_FLAGS) | ((r >>> 8) & 1) | SZP8[r & 0xFF] | ((a ^ b ^ r) & FLAG_AF) |
    (((a ^ b) & (a ^ r) & 0x80) << 4);
  return r & 0xFF;
}

/** a - b - borrow, word-sized. */
export function sub16(c: Cpu, a: number, b: number, borrow: number): number {
  const r = a - b - borrow;
  const w = r & 0xFFFF;
  c.flags = (c.flags & ~ARITH_FLAGS) | ((r >>> 16) & 1) | szp16(w) | ((a ^ b ^ r) & FLAG_AF) |
    (((a ^ b) & (a ^ r) & 0x8000) >>> 4);
  return w;
}

/** Flags of a logic result: CF = OF = AF = 0. */
export function logic8(c: Cpu, r: number): number {
  c.flags = (c.flags & ~ARITH_FLAGS) | SZP8[r];
  return r;
}

/** Flags of a logic result: CF = OF = AF = 0. */
export function logic16(c: Cpu, r: number): number {
  c.flags = (c.flags & ~ARITH_FLAGS) | szp16(r);
  return r;
}

/** ALU operation `op` (0–7) on bytes; for CMP (7) the caller must not store the result. */
export function alu8(c: Cpu, op: number, a: number, b: number): number {
  switch (op) {
    case 0:
      return add8(c, a, b, 0);
    case 1:
      return logic8(c, a | b);
    case 2:
      return add8(c, a, b, c.flags & FLAG_CF);
    case 3:
      return sub8(c, a, b, c.flags & FLAG_CF);
    case 4:
      return logic8(c, a & b);
    case 6:
      return logic8(c, a ^ b);
    default:
      return sub8(c, a, b, 0);
  }
}

/** ALU operation `op` (0–7) on words; for CMP (7) the caller must not store the result. */
export function alu16(c: Cpu, op: number, a: number, b: number): number {
  switch (op) {
    case 0:
      return add16(c, a, b, 0);
    case 1:
      return logic16(c, a | b);
    case 2:
      return add16(c, a, b, c.flags & FLAG_CF);
    case 3:
      return sub16(c, a, b, c.flags & FLAG_CF);
    case 4:
      return logic16(c, a & b);
    case 6:
      return logic16(c, a ^ b);
    default:
      return sub16(c, a, b, 0);
  }
}

/** INC: like ADD 1 but CF is kept. */
export function inc8(c: Cpu, a: number): number {
  const r = (a + 1) & 0xFF;
  c.flags = (c.flags & (~ARITH_FLAGS | FLAG_CF)) | SZP8[r] | ((a ^ r) & FLAG_AF) | (r === 0x80 ? FLAG_OF : 0);
  return r;
}

/** INC: like ADD 1 but CF is kept. */
export function inc16(c: Cpu, a: number): number {
  const r = (a + 1) & 0xFFFF;
  c.flags = (c.flags & (~ARITH_FLAGS | FLAG_CF)) | szp16(r) | ((a ^ r) & FLAG_AF) |
    (r === 0x8000 ? FLAG_OF : 0);
  return r;
}

/** DEC: like SUB 1 but CF is kept. */
export function dec8(c: Cpu, a: number): number {
  const r = (a - 1) & 0xFF;
  c.flags = (c.flags & (~ARITH_FLAGS | FLAG_CF)) | SZP8[r] | ((a ^ r) & FLAG_AF) | (r === 0x7F ? FLAG_OF : 0);
  return r;
}

/** DEC: like SUB 1 but CF is kept. */
export function dec16(c: Cpu, a: number): number {
  const r = (a - 1) & 0xFFFF;
  c.flags = (c.flags & (~ARITH_FLAGS | FLAG_CF)) | szp16(r) | ((a ^ r) & FLAG_AF) |
    (r === 0x7FFF ? FLAG_OF : 0);
  return r;
}
