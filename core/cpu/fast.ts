/**
 * Fast path for the most frequent unprefixed instructions (measured on cpumix and DOS
 * boot traces): one switch the JIT compiles to a jump table, reading the instruction
 * bytes straight from `bytes` and doing the register-form work inline, so the common
 * case costs neither a megamorphic table call nor the fetch8/decode helper chain.
 *
 * The caller guarantees the instruction's bytes (at most 6 without prefixes) lie in
 * one page without PAGE_MMIO, below the end of memory and without IP wrapping. A case
 * that does not apply (memory operand forms it leaves to the table, odd encodings)
 * returns false before changing any state, and the caller runs the general path.
 */
import type { Cpu } from "./cpu.ts";
import {
  BASE_CYCLES,
  BRANCH_TAKEN_CYCLES,
  EA_CYCLES,
  REP_ITERATION_CYCLES,
  SHIFT_BIT_CYCLES,
} from "./cycles.ts";
import {
  ARITH_FLAGS,
  FLAG_AF,
  FLAG_CF,
  FLAG_DF,
  FLAG_OF,
  FLAG_PF,
  FLAG_SF,
  FLAG_TF,
  FLAG_ZF,
  PARITY,
} from "./flags.ts";

const PAGE_OFFSET_MASK = PAGE_SIZE - 1;
import { BP, BX, CS, CX, DI, DS, ES, SI, SP, SS } from "./registers.ts";
import { PAGE_MMIO, PAGE_SHIFT, PAGE_SIZE } from "../memory/paged_memory.ts";
import { shift16, shift8 } from "./shift.ts";

/** `regs8` offset of the byte register in bits 0–2 of a ModR/M byte (AL CL DL BL AH CH DH BH). */
export const RM8 = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (let m = 0; m < 256; m++) t[m] = ((m & 3) << 1) | ((m >>> 2) & 1);
  return t;
})();

/** `regs8` offset of the byte register in bits 3–5 of a ModR/M byte (table: no call in the hot loop). */
export const REG8 = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (let m = 0; m < 256; m++) t[m] = RM8[m >>> 3];
  return t;
})();

/**
 * 1 where Jcc 70+n jumps: indexed by n << 12 | FLAGS bits 0–11 (CF PF AF ZF SF TF IF DF OF),
 * one load instead of a per-condition branch chain.
 */
export const JCC_TAKEN = /* @__PURE__ */ (() => {
  // One pass over the 4096 flag words with plain integer work: building it with an array of
  // the eight conditions per entry (65,536 small arrays) cost ~10-40 ms at import.
  const t = new Uint8Array(16 << 12);
  for (let f = 0; f < 0x1000; f++) {
    const cf = f & FLAG_CF ? 1 : 0;
    const zf = f & FLAG_ZF ? 1 : 0;
    const sf = f & FLAG_SF ? 1 : 0;
    const of = f & FLAG_OF ? 1 : 0;
    const pf = f & FLAG_PF ? 1 : 0;
    const lt = sf ^ of;
    const conds = of | (cf << 1) | (zf << 2) | ((cf | zf) << 3) | (sf << 4) | (pf << 5) | (lt << 6) |
      ((zf | lt) << 7);
    for (let k = 0; k < 8; k++) {
      const c = (conds >>> k) & 1;
      t[(k << 13) | f] = c;
      t[(k << 13) | 0x1000 | f] = c ^ 1;
    }
  }
  return t;
})();

/** SF | ZF | PF of a result `w` whose sign bit is `top`. */
function szp(w: number, top: number): number {
  return ((w & top) !== 0 ? FLAG_SF : 0) | (w === 0 ? FLAG_ZF : 0) | PARITY[w & 0xFF];
}

/** FLAGS after INC/DEC of `v` giving `r` (sign bit `top`; OF when r is `ofAt`): CF is kept. */
function incDecFlags(fl: number, v: number, r: number, top: number, ofAt: number): number {
  return (fl & (~ARITH_FLAGS | FLAG_CF)) | szp(r, top) | ((v ^ r) & FLAG_AF) | (r === ofAt ? FLAG_OF : 0);
}

/** Byte at a linear address; indexes `bytes` directly unless the page is memory-mapped I/O. */
function ld8(c: Cpu, a: number): number {
  a &= c.addrMask;
  return (c.pageFlags[a >>> PAGE_SHIFT] & PAGE_MMIO) === 0 ? c.bytes[a] : c.memory.read8(a);
}

/**
 * Stores a byte at a linear address: plain RAM (no page flags) directly, as PagedMemory.write8
 * does, anything else (ROM, MMIO, a snapshot's write barrier) through PagedMemory.write8.
 */
function st8(c: Cpu, a: number, v: number): void {
  a &= c.addrMask;
  if (c.pageFlags[a >>> PAGE_SHIFT] === 0) c.bytes[a] = v;
  else c.memory.write8(a, v & 0xFF);
}

/** Byte at seg:off (`seg` a segment register index). */
function rd8(c: Cpu, seg: number, off: number): number {
  return ld8(c, (c.sregs[seg] << 4) + off);
}

/** Word at seg:off, wrapping inside the segment. */
function rd16(c: Cpu, seg: number, off: number): number {
  const base = c.sregs[seg] << 4;
  return ld8(c, base + off) | (ld8(c, base + ((off + 1) & 0xFFFF)) << 8);
}

/** Stores a byte at seg:off. */
function wr8(c: Cpu, seg: number, off: number, v: number): void {
  st8(c, (c.sregs[seg] << 4) + off, v);
}

/** Stores a word at seg:off, wrapping inside the segment. */
function wr16(c: Cpu, seg: number, off: number, v: number): void {
  const base = c.sregs[seg] << 4;
  st8(c, base + off, v);
  st8(c, base + ((off + 1) & 0xFFFF), v >>> 8);
}

/** Pushes a word on SS:SP. */
function pushW(c: Cpu, v: number): void {
  const sp = (c.regs[SP] - 2) & 0xFFFF;
  c.regs[SP] = sp;
  wr16(c, SS, sp, v);
}

/** Pops a word from SS:SP. */
function popW(c: Cpu): number {
  const sp = c.regs[SP];
  const v = rd16(c, SS, sp);
  c.regs[SP] = sp + 2;
  return v;
}

/** Segment register index + 1 for the segment-override prefixes 26 2E 36 3E, else 0. */
export const SEG_PREFIX = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  t[0x26] = ES + 1;
  t[0x2E] = CS + 1;
  t[0x36] = SS + 1;
  t[0x3E] = DS + 1;
  return t;
})();

/**
 * 1 for the opcodes whose inline case honours a segment override (`ovr`) and addresses its
 * bytes relative to `at`; other overridden opcodes go through the general handler.
 */
export const OVR_INLINE = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (let row = 0; row < 8; row++) for (let k = 0; k < 4; k++) t[(row << 3) | k] = 1;
  for (const op of [0x80, 0x81, 0x82, 0x83, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8E, 0xA0, 0xA1, 0xA2, 0xA3]) {
    t[op] = 1;
  }
  for (const op of [0xAC, 0xAD, 0xC6, 0xC7]) t[op] = 1;
  return t;
})();

/**
 * 1 for the opcodes the fast loop may run through the general handler (delegate): all but
 * prefixes (LOCK, REP, the BIOS trap F1, a second segment override), POP SS and STI (they
 * open an interrupt shadow; MOV SS, 8E /2, is checked separately) and HLT.
 */
const DELEGATE = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256).fill(1);
  for (const op of [0x26, 0x2E, 0x36, 0x3E, 0xF0, 0xF1, 0xF2, 0xF3, 0x17, 0xFB, 0xF4]) t[op] = 0;
  return t;
})();

/** 1 for the inlined control transfers (Jcc, LOOP/JCXZ, CALL, JMP, RET). */
const TRANSFER = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (let op = 0x70; op <= 0x7F; op++) t[op] = 1;
  for (const op of [0xE0, 0xE1, 0xE2, 0xE3, 0xE8, 0xE9, 0xEB, 0xC3]) t[op] = 1;
  return t;
})();

/** Displacement bytes after each ModR/M byte (memory forms). */
export const DISP_LEN = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (let m = 0; m < 0xC0; m++) t[m] = m >>> 6 === 1 ? 1 : m >>> 6 === 2 || (m & 0xC7) === 6 ? 2 : 0;
  return t;
})();

/**
 * The memory operand of ModR/M byte `m` (at `bytes[at]`, no segment override): its
 * segment register index << 16 | offset, packed so that the helper stays small enough
 * for V8 to inline and needs no scratch fields.
 */
function eaPacked(regs: Uint16Array, bytes: Uint8Array, at: number, m: number): number {
  const mod = m >>> 6;
  let off: number;
  let seg = DS;
  switch (m & 7) {
    case 0:
      off = regs[BX] + regs[SI];
      break;
    case 1:
      off = regs[BX] + regs[DI];
      break;
    case 2:
      off = regs[BP] + regs[SI];
      seg = SS;
      break;
    case 3:
      off = regs[BP] + regs[DI];
      seg = SS;
      break;
    case 4:
      off = regs[SI];
      break;
    case 5:
      off = regs[DI];
      break;
    case 6:
      if (mod === 0) return (DS << 16) | bytes[at + 1] | (bytes[at + 2] << 8);
      off = regs[BP];
      seg = SS;
      break;
    default:
      off = regs[BX];
  }
  if (mod === 1) off += (bytes[at + 1] << 24) >> 24;
  else if (mod === 2) off += bytes[at + 1] | (bytes[at + 2] << 8);
  return (seg << 16) | (off & 0xFFFF);
}

/**
 * Runs fast-path instructions while `cycles` < `end` and returns how many it ran (a step
 * passes end = cycles + 1: every instruction takes at least 2 cycles). It stops before an
 * instruction it does not handle, when the CPU needs attention (interrupt line, NMI, HLT),
 * on requestStop, and never starts with TF set (the trap and interrupt shadows are the
 * general path's business). Like the general path it ends the interrupt shadow and keeps
 * IP, cycles and the instruction count exact, as devices may read them from a
 * memory-mapped write.
 *
 * With compiled blocks on, `heat` counts entries per linear address of loop heads (where a
 * backward transfer inside the code segment lands): the loop counts them itself and stops
 * only where the count has reached `hot`, for the block dispatcher to take over, so cold
 * code pays one array update per backward transfer rather than a round trip through it.
 */
export function fastRun(c: Cpu, end: number, heat: Uint16Array | null = null, hot = 0): number {
  if ((c.flags & FLAG_TF) !== 0) return 0;
  const before = c.instructions;
  fastLoop(c, end, heat, hot);
  const n = c.instructions - before;
  // The shadow lasts one instruction; fast-path instructions never open one.
  if (n !== 0) c.inhibit = 0;
  return n;
}

/** Counts an entry at linear address `t`; true when it is hot (the block dispatcher's turn). */
function reachedHot(heat: Uint16Array, t: number, hot: number): boolean {
  const h = heat[t];
  if (h >= hot) return true;
  heat[t] = h + 1;
  return false;
}

/**
 * The loop of {@link fastRun}. IP, cycles and the instruction count live in locals (nothing
 * else changes them meanwhile) and are stored after every instruction for devices to read.
 */
function fastLoop(c: Cpu, end: number, heat: Uint16Array | null, hot: number): void {
  const bytes = c.bytes;
  const regs = c.regs;
  const regs8 = c.regs8;
  const sregs = c.sregs;
  // Module-level tables in locals: indexing them then needs no module-context loads.
  const baseCycles = BASE_CYCLES;
  const dispLen = DISP_LEN;
  const jccTaken = JCC_TAKEN;
  const rm8 = RM8;
  const reg8 = REG8;
  const parity = PARITY;
  // CS changes only in delegated instructions (far transfers, interrupts, segment loads),
  // which recompute it.
  let csBase = sregs[CS] << 4;
  // Code window: the IPs whose 7 instruction bytes lie in one page without PAGE_MMIO, so that
  // the per-instruction check is two compares; recomputed when IP leaves it. Page flags only
  // lose PAGE_MMIO while the CPU runs (a lazily restored page being loaded), never gain it,
  // so a window stays valid for the whole call.
  let winLo = 0;
  let winHi = -1;
  let ip = c.ip;
  let cycles = c.cycles;
  let count = c.instructions;
  // FLAGS in a local too: stored back on the way out and around the helpers that use c.flags
  // (memory-mapped devices and write barriers never look at them).
  let fl = c.flags;
  loop: while (cycles < end && !c.attention) {
    const lin = csBase + ip;
    if (ip < winLo || ip > winHi) {
      // Up to 7 instruction bytes (a segment override and 6 more) are read straight from
      // `bytes`: only when they all lie in one non-MMIO page inside memory and IP does not wrap.
      const inPage = lin & PAGE_OFFSET_MASK;
      if (
        ip > 0xFFF8 || inPage > PAGE_SIZE - 7 || lin > c.addrMask - 6 ||
        (c.pageFlags[lin >>> PAGE_SHIFT] & PAGE_MMIO) !== 0
      ) {
        break loop;
      }
      winLo = ip - inPage;
      winHi = Math.min(ip + (PAGE_SIZE - 7 - inPage), 0xFFF8);
    }
    let op = bytes[lin];
    // A segment-override prefix: 1 byte before the opcode (its 2 clocks are added at the end),
    // `ovr` the segment register index for the memory operand, else -1.
    let pfx = 0;
    let ovr = -1;
    let at = lin;
    let m = bytes[lin + 1];
    inline: {
      if (SEG_PREFIX[op] !== 0) {
        ovr = SEG_PREFIX[op] - 1;
        pfx = 1;
        at = lin + 1;
        op = m;
        m = bytes[lin + 2];
        // Only the cases below that address memory relative to `at` and honour `ovr` run here;
        // the rest go through the general handler.
        if (OVR_INLINE[op] === 0) break inline;
      }
      let len = 1;
      let extra = 0;
      switch (op) {
        case 0x00:
        case 0x01:
        case 0x02:
        case 0x03:
        case 0x04:
        case 0x05:
        case 0x08:
        case 0x09:
        case 0x0A:
        case 0x0B:
        case 0x0C:
        case 0x0D:
        case 0x10:
        case 0x11:
        case 0x12:
        case 0x13:
        case 0x14:
        case 0x15:
        case 0x18:
        case 0x19:
        case 0x1A:
        case 0x1B:
        case 0x1C:
        case 0x1D:
        case 0x20:
        case 0x21:
        case 0x22:
        case 0x23:
        case 0x24:
        case 0x25:
        case 0x28:
        case 0x29:
        case 0x2A:
        case 0x2B:
        case 0x2C:
        case 0x2D:
        case 0x30:
        case 0x31:
        case 0x32:
        case 0x33:
        case 0x34:
        case 0x35:
        case 0x38:
        case 0x39:
        case 0x3A:
        case 0x3B:
        case 0x3C:
        case 0x3D:
        case 0x80:
        case 0x81:
        case 0x82:
        case 0x83: { // ALU rows 00–3D and group 1 (80–83): one shared body so the ALU helpers inline once
          let alu: number;
          let a: number;
          let b: number;
          // Where the result goes: 0–7 a word register, 8–15 a byte register (regs8 index + 8), 16 memory.
          let dst: number;
          let off = 0;
          let seg = DS;
          const word = (op & 1) !== 0;
          if (op < 0x40 && (op & 4) !== 0) { // AL/AX, imm
            alu = op >>> 3;
            dst = word ? 0 : 8;
            a = word ? regs[0] : regs8[0];
            b = word ? bytes[at + 1] | (bytes[at + 2] << 8) : bytes[at + 1];
            len = word ? 3 : 2;
          } else {
            let i = at + 2;
            if (m < 0xC0) {
              const e = eaPacked(regs, bytes, at + 1, m);
              off = e & 0xFFFF;
              seg = ovr < 0 ? e >>> 16 : ovr;
              i += dispLen[m];
              extra = EA_CYCLES;
            }
            if (op >= 0x80) { // r/m, imm
              alu = (m >>> 3) & 7;
              if (m < 0xC0) {
                dst = 16;
                a = word ? rd16(c, seg, off) : rd8(c, seg, off);
              } else {
                dst = word ? m & 7 : rm8[m] + 8;
                a = word ? regs[m & 7] : regs8[rm8[m]];
              }
              if (op === 0x81) {
                b = bytes[i] | (bytes[i + 1] << 8);
                i += 2;
              } else {
                b = op === 0x83 ? ((bytes[i] << 24) >> 24) & 0xFFFF : bytes[i];
                i++;
              }
            } else {
              alu = op >>> 3;
              const rv = word ? regs[(m >>> 3) & 7] : regs8[reg8[m]];
              let mv: number;
              if (m < 0xC0) mv = word ? rd16(c, seg, off) : rd8(c, seg, off);
              else mv = word ? regs[m & 7] : regs8[rm8[m]];
              if ((op & 2) === 0) { // r/m, reg
                a = mv;
                b = rv;
                dst = m < 0xC0 ? 16 : word ? m & 7 : rm8[m] + 8;
              } else { // reg, r/m
                a = rv;
                b = mv;
                dst = word ? (m >>> 3) & 7 : reg8[m] + 8;
              }
            }
            len = i - at;
          }
          // aluOp spelled out (its call would compete for V8's inlining budget in this loop).
          const top = word ? 0x8000 : 0x80;
          const f = fl;
          let r: number;
          let cao = 0; // CF | AF | OF
          if (alu === 1) r = a | b;
          else if (alu === 4) r = a & b;
          else if (alu === 6) r = a ^ b;
          else {
            let ov: number;
            if (alu === 0 || alu === 2) {
              r = a + b + (alu === 2 ? f & FLAG_CF : 0);
              ov = (r ^ a) & (r ^ b);
            } else {
              r = a - b - (alu === 3 ? f & FLAG_CF : 0);
              ov = (a ^ b) & (a ^ r);
            }
            cao = ((ov & top) !== 0 ? FLAG_OF : 0) | ((r & (top << 1)) !== 0 ? FLAG_CF : 0) |
              ((a ^ b ^ r) & FLAG_AF);
          }
          r &= (top << 1) - 1;
          fl = (f & ~ARITH_FLAGS) | cao | ((r & top) !== 0 ? FLAG_SF : 0) | (r === 0 ? FLAG_ZF : 0) |
            parity[r & 0xFF];
          if (alu !== 7) {
            if (dst < 8) regs[dst] = r;
            else if (dst < 16) regs8[dst - 8] = r;
            else if (word) wr16(c, seg, off, r);
            else wr8(c, seg, off, r);
          }
          break;
        }
        case 0x40:
        case 0x41:
        case 0x42:
        case 0x43:
        case 0x44:
        case 0x45:
        case 0x46:
        case 0x47:
          {
            const v = regs[op & 7];
            const r = (v + 1) & 0xFFFF;
            fl = incDecFlags(fl, v, r, 0x8000, 0x8000);
            regs[op & 7] = r;
          }
          break;
        case 0x48:
        case 0x49:
        case 0x4A:
        case 0x4B:
        case 0x4C:
        case 0x4D:
        case 0x4E:
        case 0x4F:
          {
            const v = regs[op & 7];
            const r = (v - 1) & 0xFFFF;
            fl = incDecFlags(fl, v, r, 0x8000, 0x7FFF);
            regs[op & 7] = r;
          }
          break;
        case 0x50:
        case 0x51:
        case 0x52:
        case 0x53:
        case 0x55:
        case 0x56:
        case 0x57:
          pushW(c, regs[op & 7]);
          break;
        case 0x58:
        case 0x59:
        case 0x5A:
        case 0x5B:
        case 0x5C:
        case 0x5D:
        case 0x5E:
        case 0x5F:
          regs[op & 7] = popW(c);
          break;
        case 0x70:
        case 0x71:
        case 0x72:
        case 0x73:
        case 0x74:
        case 0x75:
        case 0x76:
        case 0x77:
        case 0x78:
        case 0x79:
        case 0x7A:
        case 0x7B:
        case 0x7C:
        case 0x7D:
        case 0x7E:
        case 0x7F: {
          len = 2;
          if (jccTaken[((op & 15) << 12) | (fl & 0xFFF)] !== 0) {
            len += (bytes[at + 1] << 24) >> 24;
            extra = BRANCH_TAKEN_CYCLES;
          }
          break;
        }
        case 0x84: { // TEST r/m8, r8
          if (m < 0xC0) break inline;
          const r = regs8[rm8[m]] & regs8[reg8[m]];
          fl = (fl & ~ARITH_FLAGS) | szp(r, 0x80);
          len = 2;
          break;
        }
        case 0x85: { // TEST r/m16, r16
          if (m < 0xC0) break inline;
          const r = regs[m & 7] & regs[(m >>> 3) & 7];
          fl = (fl & ~ARITH_FLAGS) | szp(r, 0x8000);
          len = 2;
          break;
        }
        case 0x88:
        case 0x89:
        case 0x8A:
        case 0x8B: { // MOV r/m,reg and reg,r/m: one body, so the EA helper inlines once
          if (m < 0xC0) {
            const e = eaPacked(regs, bytes, at + 1, m);
            const off = e & 0xFFFF;
            const seg = ovr < 0 ? e >>> 16 : ovr;
            if (op === 0x88) wr8(c, seg, off, regs8[reg8[m]]);
            else if (op === 0x89) wr16(c, seg, off, regs[(m >>> 3) & 7]);
            else if (op === 0x8A) regs8[reg8[m]] = rd8(c, seg, off);
            else regs[(m >>> 3) & 7] = rd16(c, seg, off);
            len = 2 + dispLen[m];
            extra = EA_CYCLES;
            break;
          }
          if (op === 0x88) regs8[rm8[m]] = regs8[reg8[m]];
          else if (op === 0x89) regs[m & 7] = regs[(m >>> 3) & 7];
          else if (op === 0x8A) regs8[reg8[m]] = regs8[rm8[m]];
          else regs[(m >>> 3) & 7] = regs[m & 7];
          len = 2;
          break;
        }
        case 0x06:
        case 0x0E:
        case 0x16:
        case 0x1E: // PUSH sreg
          pushW(c, sregs[op >>> 3]);
          break;
        case 0x07:
        case 0x1F: // POP ES, POP DS (POP SS opens a shadow: general path)
          sregs[op >>> 3] = popW(c);
          break;
        case 0x8C: { // MOV r/m16, sreg (reg field modulo 4)
          const v = sregs[(m >>> 3) & 3];
          len = 2;
          if (m >= 0xC0) {
            regs[m & 7] = v;
            break;
          }
          const e = eaPacked(regs, bytes, at + 1, m);
          wr16(c, ovr < 0 ? e >>> 16 : ovr, e & 0xFFFF, v);
          len += dispLen[m];
          extra = EA_CYCLES;
          break;
        }
        case 0x8E: { // MOV ES/DS, r/m16 (SS opens a shadow, CS moves the code: delegated)
          const s = (m >>> 3) & 3;
          if (s === SS || s === CS) break inline;
          len = 2;
          if (m >= 0xC0) {
            sregs[s] = regs[m & 7];
            break;
          }
          const e = eaPacked(regs, bytes, at + 1, m);
          sregs[s] = rd16(c, ovr < 0 ? e >>> 16 : ovr, e & 0xFFFF);
          len += dispLen[m];
          extra = EA_CYCLES;
          break;
        }
        case 0x8D: { // LEA (the register form is the general path's)
          if (m >= 0xC0) break inline;
          regs[(m >>> 3) & 7] = eaPacked(regs, bytes, at + 1, m) & 0xFFFF;
          len = 2 + dispLen[m];
          extra = EA_CYCLES;
          break;
        }
        case 0x91:
        case 0x92:
        case 0x93:
        case 0x94:
        case 0x95:
        case 0x96:
        case 0x97: { // XCHG AX, r16
          const v = regs[op & 7];
          regs[op & 7] = regs[0];
          regs[0] = v;
          break;
        }
        case 0x98: // CBW
          regs[0] = (regs8[0] << 24) >> 24;
          break;
        case 0x99: // CWD
          regs[2] = (regs[0] & 0x8000) !== 0 ? 0xFFFF : 0;
          break;
        case 0xA0:
        case 0xA1:
        case 0xA2:
        case 0xA3: { // MOV AL/AX, moffs and back (no ModR/M: no EA clocks)
          const seg = ovr < 0 ? DS : ovr;
          const off = bytes[at + 1] | (bytes[at + 2] << 8);
          if (op === 0xA0) regs8[0] = rd8(c, seg, off);
          else if (op === 0xA1) regs[0] = rd16(c, seg, off);
          else if (op === 0xA2) wr8(c, seg, off, regs8[0]);
          else wr16(c, seg, off, regs[0]);
          len = 3;
          break;
        }
        case 0xA8: // TEST AL, imm8
          fl = (fl & ~ARITH_FLAGS) | szp(regs8[0] & bytes[at + 1], 0x80);
          len = 2;
          break;
        case 0xA9: // TEST AX, imm16
          fl = (fl & ~ARITH_FLAGS) | szp(regs[0] & (bytes[at + 1] | (bytes[at + 2] << 8)), 0x8000);
          len = 3;
          break;
        case 0x90:
          break;
        case 0xAA: // STOSB
          wr8(c, ES, regs[DI], regs8[0]);
          regs[DI] += (fl & FLAG_DF) !== 0 ? -1 : 1;
          break;
        case 0xAB: // STOSW
          wr16(c, ES, regs[DI], regs[0]);
          regs[DI] += (fl & FLAG_DF) !== 0 ? -2 : 2;
          break;
        case 0xAC: // LODSB
          regs8[0] = rd8(c, ovr < 0 ? DS : ovr, regs[SI]);
          regs[SI] += (fl & FLAG_DF) !== 0 ? -1 : 1;
          break;
        case 0xAD: // LODSW
          regs[0] = rd16(c, ovr < 0 ? DS : ovr, regs[SI]);
          regs[SI] += (fl & FLAG_DF) !== 0 ? -2 : 2;
          break;
        case 0xB0:
        case 0xB1:
        case 0xB2:
        case 0xB3:
        case 0xB4:
        case 0xB5:
        case 0xB6:
        case 0xB7:
          regs8[rm8[op]] = bytes[at + 1];
          len = 2;
          break;
        case 0xB8:
        case 0xB9:
        case 0xBA:
        case 0xBB:
        case 0xBC:
        case 0xBD:
        case 0xBE:
        case 0xBF:
          regs[op & 7] = bytes[at + 1] | (bytes[at + 2] << 8);
          len = 3;
          break;
        case 0xC3: // RET
          len = popW(c) - ip;
          break;
        case 0xC6:
        case 0xC7: { // MOV r/m, imm (reg field ignored)
          const word = op === 0xC7;
          if (m >= 0xC0) {
            if (word) regs[m & 7] = bytes[at + 2] | (bytes[at + 3] << 8);
            else regs8[rm8[m]] = bytes[at + 2];
            len = word ? 4 : 3;
            break;
          }
          const e = eaPacked(regs, bytes, at + 1, m);
          const i = at + 2 + dispLen[m];
          const seg = ovr < 0 ? e >>> 16 : ovr;
          if (word) wr16(c, seg, e & 0xFFFF, bytes[i] | (bytes[i + 1] << 8));
          else wr8(c, seg, e & 0xFFFF, bytes[i]);
          len = i + (word ? 2 : 1) - at;
          extra = EA_CYCLES;
          break;
        }
        case 0xC0:
        case 0xC1:
        case 0xD0:
        case 0xD1:
        case 0xD2:
        case 0xD3: { // shift/rotate r/m by 1, CL or imm8 (C0/C1: 80186; RET aliases on the 8086)
          if (m < 0xC0 || (op < 0xD0 && !c.is186)) break inline;
          const count = op < 0xD0
            ? bytes[at + 2] & c.shiftCountMask
            : op < 0xD2
            ? 1
            : regs8[2] & c.shiftCountMask;
          extra = count * SHIFT_BIT_CYCLES;
          const sop = (m >>> 3) & 7;
          const word = (op & 1) !== 0;
          const d = word ? m & 7 : rm8[m];
          const v = word ? regs[d] : regs8[d];
          let r: number;
          if (count !== 1) {
            c.flags = fl;
            r = word ? shift16(c, sop, v, count) : shift8(c, sop, v, count);
            fl = c.flags;
          } else {
            // shiftBy1 spelled out: too big for V8 to inline, and these are hot.
            const top = word ? 0x8000 : 0x80;
            const mask = (top << 1) - 1;
            const f = fl;
            const hiIn = (v & top) !== 0 ? 1 : 0;
            let nf: number;
            switch (sop) {
              case 0: // ROL
                r = ((v << 1) | hiIn) & mask;
                nf = (f & ~(FLAG_CF | FLAG_OF)) | hiIn |
                  ((((r & top) !== 0 ? 1 : 0) ^ hiIn) !== 0 ? FLAG_OF : 0);
                break;
              case 1: // ROR
                r = (v >>> 1) | ((v & 1) !== 0 ? top : 0);
                nf = (f & ~(FLAG_CF | FLAG_OF)) | (v & 1) | (((r ^ (r << 1)) & top) !== 0 ? FLAG_OF : 0);
                break;
              case 2: // RCL
                r = ((v << 1) | (f & FLAG_CF)) & mask;
                nf = (f & ~(FLAG_CF | FLAG_OF)) | hiIn |
                  ((((r & top) !== 0 ? 1 : 0) ^ hiIn) !== 0 ? FLAG_OF : 0);
                break;
              case 3: // RCR
                r = (v >>> 1) | ((f & FLAG_CF) !== 0 ? top : 0);
                nf = (f & ~(FLAG_CF | FLAG_OF)) | (v & 1) | (((r ^ (r << 1)) & top) !== 0 ? FLAG_OF : 0);
                break;
              case 5: // SHR
                r = v >>> 1;
                nf = (f & ~ARITH_FLAGS) | (v & 1) | (hiIn !== 0 ? FLAG_OF : 0);
                break;
              case 7: // SAR
                r = (v >>> 1) | (v & top);
                nf = (f & ~ARITH_FLAGS) | (v & 1);
                break;
              default: // SHL (and /6, SETMO on the 8086)
                if (sop === 6 && !c.is186) {
                  r = mask;
                  nf = f & ~ARITH_FLAGS;
                } else {
                  r = (v << 1) & mask;
                  nf = (f & ~ARITH_FLAGS) | hiIn | ((((r & top) !== 0 ? 1 : 0) ^ hiIn) !== 0 ? FLAG_OF : 0);
                }
            }
            // Shifts (not rotates) also set SF ZF PF from the result.
            if (sop >= 4) nf |= ((r & top) !== 0 ? FLAG_SF : 0) | (r === 0 ? FLAG_ZF : 0) | parity[r & 0xFF];
            fl = nf;
          }
          if (word) regs[d] = r;
          else regs8[d] = r;
          len = op < 0xD0 ? 3 : 2;
          break;
        }
        case 0xE0:
        case 0xE1:
        case 0xE2: { // LOOPNE LOOPE LOOP
          const cx = (regs[CX] - 1) & 0xFFFF;
          regs[CX] = cx;
          len = 2;
          if (cx !== 0 && (op === 0xE2 || ((fl & FLAG_ZF) !== 0) === (op === 0xE1))) {
            len += (bytes[at + 1] << 24) >> 24;
            extra = BRANCH_TAKEN_CYCLES;
          }
          break;
        }
        case 0xE3: // JCXZ
          len = 2;
          if (regs[CX] === 0) {
            len += (bytes[at + 1] << 24) >> 24;
            extra = BRANCH_TAKEN_CYCLES;
          }
          break;
        case 0xE8: // CALL rel16
          pushW(c, (ip + 3) & 0xFFFF);
          len = 3 + (bytes[at + 1] | (bytes[at + 2] << 8));
          break;
        case 0xE9: // JMP rel16
          len = 3 + (bytes[at + 1] | (bytes[at + 2] << 8));
          break;
        case 0xEB: // JMP rel8
          len = 2 + ((bytes[at + 1] << 24) >> 24);
          extra = BRANCH_TAKEN_CYCLES;
          break;
        case 0xF3: { // REP MOVS / REP STOS (other repeated instructions take the general path)
          const sop = bytes[at + 1];
          if (sop !== 0xA4 && sop !== 0xA5 && sop !== 0xAA && sop !== 0xAB) break inline;
          // As the general path: 2 clocks for the prefix, the base count, then per iteration.
          c.instructions = ++count;
          cycles += 2 + baseCycles[sop];
          const word = (sop & 1) !== 0;
          const delta = ((fl & FLAG_DF) !== 0 ? -1 : 1) * (word ? 2 : 1);
          const movs = sop < 0xA8;
          let next = 2;
          while (regs[CX] !== 0) {
            if (movs) {
              if (word) wr16(c, ES, regs[DI], rd16(c, DS, regs[SI]));
              else wr8(c, ES, regs[DI], rd8(c, DS, regs[SI]));
              regs[SI] += delta;
            } else if (word) wr16(c, ES, regs[DI], regs[0]);
            else wr8(c, ES, regs[DI], regs8[0]);
            regs[DI] += delta;
            regs[CX] = regs[CX] - 1;
            cycles += REP_ITERATION_CYCLES;
            // Only then can repMustYield say yes (attention covers NMI, INTR and requestStop; TF is clear).
            if (regs[CX] !== 0 && (c.attention || cycles >= c.runEnd)) {
              c.cycles = cycles;
              c.ip = (ip + 2) & 0xFFFF;
              c.opStart = ip;
              c.lastPrefix = ip;
              c.trapAfter = 0;
              c.flags = fl;
              const yielded = c.repMustYield();
              c.lastPrefix = -1;
              if (yielded) {
                next = 0; // resume at the prefix
                break;
              }
            }
          }
          // Own tail: the instruction was counted and its cycles taken before the iterations.
          ip = (ip + next) & 0xFFFF;
          c.ip = ip;
          c.cycles = cycles;
          continue;
        }
        case 0xF8:
          fl &= ~FLAG_CF;
          break;
        case 0xF9:
          fl |= FLAG_CF;
          break;
        case 0xFC:
          fl &= ~FLAG_DF;
          break;
        case 0xFD:
          fl |= FLAG_DF;
          break;
        case 0xFE: { // INC/DEC r8
          if (m < 0xC0 || (m & 0x30) !== 0) break inline;
          const d = rm8[m];
          const v = regs8[d];
          const dec = (m & 8) !== 0;
          const r = (dec ? v - 1 : v + 1) & 0xFF;
          fl = incDecFlags(fl, v, r, 0x80, dec ? 0x7F : 0x80);
          regs8[d] = r;
          len = 2;
          break;
        }
        default:
          break inline;
      }
      ip = (ip + pfx + len) & 0xFFFF;
      c.ip = ip;
      c.instructions = ++count;
      cycles += baseCycles[op] + extra + (pfx << 1);
      c.cycles = cycles;
      // With compiled blocks on, stop where a hot block may start (after a backward transfer:
      // the loops), `lin - csBase` being this instruction's IP.
      if (
        heat !== null && TRANSFER[op] !== 0 && ip <= lin - csBase &&
        reachedHot(heat, (csBase + ip) & c.addrMask, hot)
      ) {
        break;
      }
      continue;
    }
    // Not inlined: the general handler runs it from here, saving the round trip through run()
    // and execute(). Prefixes other than one segment override, and the instructions that open
    // an interrupt shadow or halt, leave the loop instead.
    if (DELEGATE[op] === 0 || (op === 0x8E && (m & 0x18) === 0x10)) break;
    c.flags = fl;
    delegate(c, op, ip, pfx, ovr);
    const from = ip;
    ip = c.ip;
    cycles = c.cycles;
    count = c.instructions;
    fl = c.flags;
    if ((sregs[CS] << 4) !== csBase) {
      // A far transfer or interrupt: new code segment, new window.
      csBase = sregs[CS] << 4;
      winLo = 0;
      winHi = -1;
    }
    // POPF or IRET set TF: the next instruction traps, which is the general path's business.
    if ((fl & FLAG_TF) !== 0) break;
    // A backward transfer inside the code segment (indirect JMP, RET n): as above.
    if (
      heat !== null && ip <= from && lin - csBase === from &&
      reachedHot(heat, (csBase + ip) & c.addrMask, hot)
    ) {
      break;
    }
  }
  c.flags = fl;
}

/**
 * Runs opcode `op` (after `pfx` segment-override prefix bytes selecting `ovr`) with the
 * general path's handler, with the state Cpu.execute gives it: IP past the opcode, the
 * instruction counted, the prefix and base clocks taken, no trap pending.
 */
export function delegate(c: Cpu, op: number, ip: number, pfx: number, ovr: number): void {
  c.trapAfter = 0;
  c.inhibit = 0;
  c.opStart = ip;
  c.ip = (ip + pfx + 1) & 0xFFFF;
  c.instructions++;
  c.cycles += (pfx << 1) + BASE_CYCLES[op];
  if (pfx === 0) {
    c.ops[op](c, op);
    return;
  }
  c.segOverride = ovr;
  c.lastPrefix = ip;
  c.ops[op](c, op);
  c.segOverride = -1;
  c.lastPrefix = -1;
}
