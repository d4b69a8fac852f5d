/**
 * Fast path for the most frequent instructions (measured on cpumix and DOS boot traces),
 * reading the instruction bytes straight from `bytes`, so the common case costs neither the
 * fetch8/decode helper chain nor a round trip through Cpu.run.
 *
 * Two tiers, for V8's sake (see the side functions' comment): a small hot loop (fastLoop)
 * does, inline, what every program runs from its first instructions on (register ALU, MOV
 * between registers and immediates, INC/DEC, PUSH/POP, Jcc, CALL/JMP/RET), and small side
 * functions, called through one table (SIDE), do the other frequent opcodes and the memory
 * forms. What neither handles goes to the general handler (delegate) or, for prefixes and
 * HLT, back to Cpu.run.
 *
 * The loop guarantees an instruction's bytes (at most 7 with a segment override) lie in one
 * page without PAGE_MMIO, below the end of memory and without IP wrapping. A case that does
 * not apply (odd encodings, forms left to the general handler) gives up before changing any
 * state, and the general handler runs the instruction.
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
  FLAG_IF,
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
 * `regs8` offset of the register in bits 3–5 (`REG_BYTE`) or 0–2 (`RM_BYTE`) of ModR/M byte `m`,
 * indexed by `word << 8 | m`: a word register's low byte, or the byte register. Byte and word
 * forms then read and write registers through the same `regs8` operations (a word as its two
 * bytes), so that neither size's first use after V8 optimised a side function deopts it.
 */
const REG_BYTE = /* @__PURE__ */ (() => {
  const t = new Uint8Array(512);
  for (let m = 0; m < 256; m++) {
    t[m] = REG8[m];
    t[256 | m] = ((m >>> 3) & 7) << 1;
  }
  return t;
})();
const RM_BYTE = /* @__PURE__ */ (() => {
  const t = new Uint8Array(512);
  for (let m = 0; m < 256; m++) {
    t[m] = RM8[m];
    t[256 | m] = (m & 7) << 1;
  }
  return t;
})();

/**
 * What a shift or rotate by 1 does, by its ModR/M reg field (ROL ROR RCL RCR SHL SHR SHL SAR):
 * bit 0 to the right, bit 1 rotates its own outgoing bit in, bit 2 rotates CF in, bit 3 keeps
 * the sign bit (SAR), bit 4 is a shift (SF ZF PF from the result, AF cleared).
 */
const SHIFT1 = /* @__PURE__ */ new Uint8Array([2, 3, 4, 5, 16, 17, 16, 25]);

/**
 * 1 where Jcc 70+n jumps: indexed by n << 12 | FLAGS bits 0–11 (CF PF AF ZF SF TF IF DF OF),
 * one load instead of a per-condition branch chain.
 */
export const JCC_TAKEN = /* @__PURE__ */ (() => {
  // Plain integer work, and only for the flag words that differ: the conditions read CF PF ZF
  // SF (bits 0–7) and OF (bit 11), so in each row the entries for bits 8–10 set are copies of
  // those with them clear. Computing all 4096 × 16 entries in JS cost ~1.5-3 ms at import
  // (an array of the eight conditions per entry: ~10-40 ms).
  const t = new Uint8Array(16 << 12);
  for (let low = 0; low < 0x200; low++) {
    const f = (low & 0xFF) | ((low & 0x100) << 3); // bits 0–7, and bit 8 moved to OF
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
  for (let row = 0; row < 16 << 12; row += 0x800) {
    // row: one half of a condition's 4096 entries (OF clear, then set); its first 256 are done.
    t.copyWithin(row + 0x100, row, row + 0x100);
    t.copyWithin(row + 0x200, row, row + 0x200);
    t.copyWithin(row + 0x400, row, row + 0x400);
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

/** Per ALU operation (ADD OR ADC SBB AND SUB XOR CMP): FLAG_CF where the carry comes in. */
const CARRY_IN = /* @__PURE__ */ new Uint8Array([0, 0, FLAG_CF, FLAG_CF, 0, 0, 0, 0]);
/** Per ALU operation: all ones where its result includes `a | b` (OR, XOR). */
const LOGIC_OR = /* @__PURE__ */ new Uint16Array([0, 0xFFFF, 0, 0, 0, 0, 0xFFFF, 0]);
/** Per ALU operation: all ones where `a & b` is taken out of or makes its result (AND, XOR). */
const LOGIC_AND = /* @__PURE__ */ new Uint16Array([0, 0, 0, 0, 0xFFFF, 0, 0xFFFF, 0]);
/** Per ALU operation: 0 adds, 1 subtracts, 2 is a logic operation. */
const ALU_KIND = /* @__PURE__ */ new Uint8Array([0, 2, 0, 1, 2, 1, 2, 1]);

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
 * open an interrupt shadow, which only the side functions for STI and MOV SS report to the
 * loop; MOV SS, 8E /2, is checked separately) and HLT.
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
 * Per memory-form ModR/M byte: base register (bits 0–2) and index register (3–5) with their
 * use bits (6, 7), displacement kind (bits 8–9: 0 none, 1 signed byte, 2 word) and segment
 * register index (bits 10+), for eaPacked.
 */
const EA_FORM = /* @__PURE__ */ (() => {
  const t = new Uint32Array(0xC0);
  // rm: [BX+SI] [BX+DI] [BP+SI] [BP+DI] [SI] [DI] [BP] [BX]
  const base = [BX, BX, BP, BP, SI, DI, BP, BX];
  const index = [SI, DI, SI, DI, 0, 0, 0, 0];
  for (let m = 0; m < 0xC0; m++) {
    const mod = m >>> 6;
    const rm = m & 7;
    if (mod === 0 && rm === 6) {
      t[m] = (2 << 8) | (DS << 10); // [disp16]
      continue;
    }
    const seg = rm === 2 || rm === 3 || rm === 6 ? SS : DS;
    t[m] = base[rm] | (index[rm] << 3) | (1 << 6) | ((rm < 4 ? 1 : 0) << 7) | (mod << 8) | (seg << 10);
  }
  return t;
})();

/**
 * The memory operand of ModR/M byte `m` (at `bytes[at]`, no segment override): its
 * segment register index << 16 | offset, packed so that the helper stays small enough
 * for V8 to inline and needs no scratch fields.
 */
function eaPacked(regs: Uint16Array, bytes: Uint8Array, at: number, m: number): number {
  // Table-driven, with the same operations for every form: a switch on the form (the way
  // decode.ts does it) deopted each function this is inlined into the first time a form that
  // had not run before V8 optimised it (say [BP+DI]) came along.
  const info = EA_FORM[m];
  const sx8 = (bytes[at + 1] << 24) >> 24;
  const d16 = bytes[at + 1] | (bytes[at + 2] << 8);
  const dk = (info >>> 8) & 3;
  const disp = dk === 1 ? sx8 : dk === 2 ? d16 : 0;
  const off = (regs[info & 7] & -((info >>> 6) & 1)) + (regs[(info >>> 3) & 7] & -((info >>> 7) & 1)) + disp;
  return ((info >>> 10) << 16) | (off & 0xFFFF);
}

/**
 * Runs fast-path instructions while `cycles` < `end` and returns how many it ran (a step
 * passes end = cycles + 1: every instruction takes at least 2 cycles). It stops before an
 * instruction it does not handle, when the CPU needs attention (interrupt line, NMI, HLT),
 * on requestStop, and never starts with TF set (the trap is the general path's business).
 * Like the general path it keeps the interrupt shadow (`inhibit`: STI and MOV SS open one,
 * every other instruction ends it) and IP, cycles and the instruction count exact, as devices
 * may read them from a memory-mapped write.
 *
 * With compiled blocks on, `heat` counts entries per linear address of loop heads (where a
 * backward transfer inside the code segment lands): the loop counts them itself and stops
 * only where the count has reached `hot`, for the block dispatcher to take over, so cold
 * code pays one array update per backward transfer rather than a round trip through it.
 */
export function fastRun(c: Cpu, end: number, heat: Uint16Array | null = null, hot = 0): number {
  if ((c.flags & FLAG_TF) !== 0) return 0;
  const before = c.instructions;
  // fastLoop leaves `inhibit` as the last instruction it ran left it.
  fastLoop(c, end, heat, hot);
  return c.instructions - before;
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
  const jccTaken = JCC_TAKEN;
  const rm8 = RM8;
  const reg8 = REG8;
  const parity = PARITY;
  const segPrefix = SEG_PREFIX;
  const ovrInline = OVR_INLINE;
  const sideKind = SIDE_KIND;
  const side = SIDE;
  const aluKind = ALU_KIND;
  const carryIn = CARRY_IN;
  const transfer = TRANSFER;
  const delegated = DELEGATE;
  // Imported numbers in locals too: each use of an import is a module-cell load with a hole
  // check, which Maglev (the tier the loop runs in for its first ~0.8M instructions of a cold
  // FreeDOS boot, while TurboFan compiles it) repeats on every instruction.
  const flagOF = FLAG_OF;
  const flagCF = FLAG_CF;
  const flagAF = FLAG_AF;
  const flagSF = FLAG_SF;
  const flagZF = FLAG_ZF;
  const notArith = ~ARITH_FLAGS;
  const branchTaken = BRANCH_TAKEN_CYCLES;
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
  // The interrupt shadow the last instruction opened (STI, MOV SS): stored in `inhibit` on the
  // way out. Nothing can need attention between such an instruction and the next (only I/O and
  // memory-mapped accesses change `attention`), so the loop goes on unless it already did.
  let shadow = 0;
  const count0 = count;
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
    let inlined = false;
    let back = false;
    inline: {
      if (segPrefix[op] !== 0) {
        ovr = segPrefix[op] - 1;
        pfx = 1;
        at = lin + 1;
        op = m;
        m = bytes[lin + 2];
        // Only the cases below that address memory relative to `at` and honour `ovr` run here;
        // the rest go through the general handler.
        if (ovrInline[op] === 0) break inline;
      }
      let len = 1;
      let extra = 0;
      let opens = 0;
      const kind = sideKind[op];
      if (kind === 1 || (kind === 2 && m < 0xC0)) {
        // Outside the hot set: the opcode's own small function (see SIDE).
        c.flags = fl;
        const r = side[op](c, op, at, m, ovr, ip);
        if (r < 0) {
          if (r === SIDE_GENERAL) break inline;
          // SIDE_DONE (a REP string instruction): IP, cycles and the count are stored already.
          ip = c.ip;
          cycles = c.cycles;
          count = c.instructions;
          shadow = 0;
          continue;
        }
        fl = c.flags;
        len = r & 0xFFFF;
        extra = (r >>> 16) & 0xFFF;
        opens = r >>> 28;
      } else {
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
          case 0x83: { // ALU rows 00–3D and group 1 (80–83), register forms: one shared body
            // Three operand forms and three kinds of operation (ADC/SBB share ADD's/SUB's path
            // through CARRY_IN), each of which every program runs from its first instructions
            // on: a path first taken after V8 optimised this loop would deopt it.
            const word = (op & 1) !== 0;
            let alu: number;
            let a: number;
            let b: number;
            // Where the result goes: 0–7 a word register, 8–15 a byte register (regs8 index + 8).
            let dst: number;
            if (op < 0x40 && (op & 4) !== 0) { // AL/AX, imm
              alu = op >>> 3;
              dst = word ? 0 : 8;
              a = word ? regs[0] : regs8[0];
              b = word ? bytes[at + 1] | (bytes[at + 2] << 8) : bytes[at + 1];
              len = word ? 3 : 2;
            } else if (op >= 0x80) { // r, imm (the memory forms run in sideAluMem)
              alu = (m >>> 3) & 7;
              const ri = word ? m & 7 : rm8[m];
              // The same addition for both sizes: an `rm8[m] + 8` of its own in the byte arm
              // would have no type feedback until a byte form ran, and its first run after
              // TurboFan compiled the loop would deopt the whole loop.
              dst = ri + (word ? 0 : 8);
              a = word ? regs[ri] : regs8[ri];
              const i8 = bytes[at + 2];
              b = op === 0x81 ? i8 | (bytes[at + 3] << 8) : op === 0x83 ? ((i8 << 24) >> 24) & 0xFFFF : i8;
              len = op === 0x81 ? 4 : 3;
            } else { // r, r
              alu = op >>> 3;
              const ri = word ? (m >>> 3) & 7 : reg8[m];
              const mi = word ? m & 7 : rm8[m];
              const rv = word ? regs[ri] : regs8[ri];
              const mv = word ? regs[mi] : regs8[mi];
              // Both directions select with plain conditionals and share one addition: a
              // `reg8[m] + 8` only in the reg, r/m byte arm (say ADD AL,BL as 02 C3) had no type
              // feedback until that form first ran, late in a FreeDOS boot, and deopted the
              // TurboFan-compiled loop (~0.8M instructions then ran at half speed).
              const toReg = (op & 2) !== 0;
              a = toReg ? rv : mv;
              b = toReg ? mv : rv;
              dst = (toReg ? ri : mi) + (word ? 0 : 8);
              len = 2;
            }
            // aluOp spelled out (its call would compete for V8's inlining budget in this loop).
            const top = word ? 0x8000 : 0x80;
            const f = fl;
            const kind = aluKind[alu];
            let r: number;
            let cao = 0; // CF | AF | OF
            if (kind === 2) r = alu === 1 ? a | b : alu === 4 ? a & b : a ^ b;
            else {
              let ov: number;
              if (kind === 0) {
                r = a + b + (f & carryIn[alu]);
                ov = (r ^ a) & (r ^ b);
              } else {
                r = a - b - (f & carryIn[alu]);
                ov = (a ^ b) & (a ^ r);
              }
              cao = ((ov & top) !== 0 ? flagOF : 0) | ((r & (top << 1)) !== 0 ? flagCF : 0) |
                ((a ^ b ^ r) & flagAF);
            }
            r &= (top << 1) - 1;
            fl = (f & notArith) | cao | ((r & top) !== 0 ? flagSF : 0) | (r === 0 ? flagZF : 0) |
              parity[r & 0xFF];
            if (alu !== 7) {
              if (dst < 8) regs[dst] = r;
              else regs8[dst - 8] = r;
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
          case 0x48:
          case 0x49:
          case 0x4A:
          case 0x4B:
          case 0x4C:
          case 0x4D:
          case 0x4E:
          case 0x4F: { // INC/DEC r16: one path for both (a path first taken late would deopt this loop)
            const v = regs[op & 7];
            const dec = (op & 8) !== 0;
            const up = (v + 1) & 0xFFFF;
            const down = (v - 1) & 0xFFFF;
            const r = dec ? down : up;
            fl = incDecFlags(fl, v, r, 0x8000, dec ? 0x7FFF : 0x8000);
            regs[op & 7] = r;
            break;
          }
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
              extra = branchTaken;
            }
            break;
          }
          case 0x88:
          case 0x89:
          case 0x8A:
          case 0x8B: { // MOV reg,reg (the memory forms run in sideMovMem)
            // Both directions share each path: a path first taken after V8 optimised this loop
            // would deopt it.
            const toRm = (op & 2) === 0;
            const r = (m >>> 3) & 7;
            const x = m & 7;
            const rB = reg8[m];
            const xB = rm8[m];
            if ((op & 1) !== 0) regs[toRm ? x : r] = regs[toRm ? r : x];
            else regs8[toRm ? xB : rB] = regs8[toRm ? rB : xB];
            len = 2;
            break;
          }
          case 0x90:
            break;
          case 0xB0:
          case 0xB1:
          case 0xB2:
          case 0xB3:
          case 0xB4:
          case 0xB5:
          case 0xB6:
          case 0xB7:
          case 0xB8:
          case 0xB9:
          case 0xBA:
          case 0xBB:
          case 0xBC:
          case 0xBD:
          case 0xBE:
          case 0xBF: { // MOV r8/r16, imm
            if (op >= 0xB8) {
              regs[op & 7] = bytes[at + 1] | (bytes[at + 2] << 8);
              len = 3;
            } else {
              regs8[rm8[op]] = bytes[at + 1];
              len = 2;
            }
            break;
          }
          case 0xC3: // RET
            len = popW(c) - ip;
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
            extra = branchTaken;
            break;
          default:
            break inline;
        }
      }
      ip = (ip + pfx + len) & 0xFFFF;
      c.ip = ip;
      c.instructions = ++count;
      cycles += baseCycles[op] + extra + (pfx << 1);
      c.cycles = cycles;
      shadow = opens;
      // A backward transfer (`lin - csBase` being this instruction's IP): a loop head.
      back = ip <= lin - csBase && transfer[op] !== 0;
      inlined = true;
    }
    if (!inlined) {
      // Not inlined: the general handler runs it from here, saving the round trip through run()
      // and execute(). Prefixes other than one segment override, and the instructions that open
      // an interrupt shadow or halt, leave the loop instead.
      if (delegated[op] === 0 || (op === 0x8E && (m & 0x18) === 0x10)) break;
      c.flags = fl;
      delegate(c, op, ip, pfx, ovr);
      shadow = 0;
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
      // A backward transfer inside the code segment (indirect JMP, RET n).
      const sameSegment = lin - csBase === from;
      back = ip <= from && sameSegment;
    }
    // With compiled blocks on, stop where a hot block may start (after a backward transfer: the
    // loops). One call site for both paths: a site first reached after V8 optimised this loop
    // would deopt it.
    if (back && heat !== null && reachedHot(heat, (csBase + ip) & c.addrMask, hot)) break;
  }
  c.flags = fl;
  // The shadow lasts one instruction.
  if (count !== count0) c.inhibit = shadow;
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
  // The same stores with a prefix or without (ovr is -1 then), rather than a branch that, taken
  // first after V8 optimised fastLoop (where this is inlined), would deopt it.
  c.segOverride = ovr;
  c.lastPrefix = pfx !== 0 ? ip : -1;
  c.ops[op](c, op);
  c.segOverride = -1;
  c.lastPrefix = -1;
}

// ---------------------------------------------------------------------------------------------
// Side functions: the fast path's opcodes and forms outside the hot set.
//
// Why they are not cases of fastLoop: V8 optimises a function with the type feedback its code
// has gathered so far, and code that had not run by then becomes an unconditional deopt. When
// these were cases of fastLoop, each one first met after the loop was optimised (a shift by CL,
// a REP STOSW, STD, an ALU op on memory) threw the whole loop back to V8's interpreter (~1-3 MIPS)
// and cost a 15-40 ms Maglev and 100-280 ms TurboFan recompile: ~11 times in a FreeDOS boot,
// most of its cold time. Called through one megamorphic site (SIDE), each is compiled on its
// own, and a late first use only recompiles that small function. The hot loop keeps what every
// program runs from its first instructions on (register ALU, MOV, INC/DEC, PUSH/POP, jumps,
// calls), which is also what TurboFan can then compile in tens rather than hundreds of ms.
//
// Contract: called with the state fastLoop has at an instruction's start, FLAGS in c.flags,
// `at` the opcode's address (after a segment override), `m` the byte after it, `ovr` the
// override's segment register or -1, `ip` the instruction's IP (at its prefix). Returns
// len & 0xFFFF | extra << 16 | shadow << 28 (IP advance after the prefix, taken jumps included,
// extra clocks below 4096, and the interrupt shadow the instruction opens: INHIBIT_INTR for STI,
// INHIBIT_ALL for MOV SS, else 0) having done the instruction's work but not its IP, count or
// base clocks (fastLoop's tail does those), or
// SIDE_GENERAL before changing anything, or SIDE_DONE having done everything.

/** `inhibit` bit: INTR is not accepted before the next instruction (after STI). */
export const INHIBIT_INTR = 1;
/** `inhibit` bits: nothing (INTR, NMI, single-step) before the next instruction (after MOV/POP SS). */
export const INHIBIT_ALL = 3;

/** A side function's answer: not handled here, the general handler runs the instruction. */
const SIDE_GENERAL = -1;
/** A side function's answer: done completely, IP, cycles and the count stored. */
const SIDE_DONE = -2;

type SideFn = (c: Cpu, op: number, at: number, m: number, ovr: number, ip: number) => number;

/** FLAGS and result of ALU operation `alu` (ADD OR ADC SBB AND SUB XOR CMP) on a, b; sets c.flags. */
function aluOp(c: Cpu, alu: number, a: number, b: number, top: number): number {
  // Every result computed and selected by table and plain conditionals, with no operation
  // that only some ALU ops reach: an ADC first met after V8 optimised this function (a FreeDOS
  // boot's case) deopted it when each operation had its own arm.
  const f = c.flags;
  const carry = f & CARRY_IN[alu];
  const sum = a + b + carry;
  const diff = a - b - carry;
  const ovAdd = (sum ^ a) & (sum ^ b);
  const ovSub = (a ^ b) & (a ^ diff);
  const kind = ALU_KIND[alu];
  const adds = kind === 0;
  const logicOp = kind === 2;
  const arith = adds ? sum : diff;
  const ov = adds ? ovAdd : ovSub;
  const cao = ((ov & top) !== 0 ? FLAG_OF : 0) | ((arith & (top << 1)) !== 0 ? FLAG_CF : 0) |
    ((a ^ b ^ arith) & FLAG_AF);
  // OR, AND and XOR as (a | b) and (a & b) masked per operation: XOR is their difference.
  const logic = ((a | b) & LOGIC_OR[alu]) ^ (a & b & LOGIC_AND[alu]);
  const r = (logicOp ? logic : arith) & ((top << 1) - 1);
  c.flags = (f & ~ARITH_FLAGS) | (logicOp ? 0 : cao) | ((r & top) !== 0 ? FLAG_SF : 0) |
    (r === 0 ? FLAG_ZF : 0) |
    PARITY[r & 0xFF];
  return r;
}

/** ALU rows 00–3B and group 1 (80–83) with a memory operand. */
function sideAluMem(c: Cpu, op: number, at: number, m: number, ovr: number): number {
  // The same operations for every form and size but the memory accesses, which touch only the
  // operand's own bytes (a device may see every access): the register as bytes (REG_BYTE), all
  // immediate forms decoded. A form first met after V8 optimised this function deopted it when
  // each had its own arm.
  const bytes = c.bytes;
  const regs8 = c.regs8;
  const w = op & 1;
  const word = w !== 0;
  const e = eaPacked(c.regs, bytes, at + 1, m);
  const off = e & 0xFFFF;
  const base = c.sregs[ovr < 0 ? e >>> 16 : ovr] << 4;
  const next = base + ((off + 1) & 0xFFFF);
  const ml = ld8(c, base + off);
  const mv = word ? ml | (ld8(c, next) << 8) : ml;
  const immForm = op >= 0x80;
  const immAt = at + 2 + DISP_LEN[m];
  const i8 = bytes[immAt];
  const i16 = i8 | (bytes[immAt + 1] << 8);
  const sx8 = ((i8 << 24) >> 24) & 0xFFFF;
  const imm16 = op === 0x81;
  const immSx = op === 0x83;
  const imm = imm16 ? i16 : immSx ? sx8 : i8;
  const ri = REG_BYTE[(w << 8) | m];
  const rl = regs8[ri];
  const rh = regs8[ri + 1];
  const rv16 = rl | (rh << 8);
  const rv = word ? rv16 : rl;
  const aluImm = (m >>> 3) & 7;
  const aluReg = (op >>> 3) & 7;
  const alu = immForm ? aluImm : aluReg;
  const toMem = immForm || (op & 2) === 0;
  const a = toMem ? mv : rv;
  const b = immForm ? imm : toMem ? rv : mv;
  const r = aluOp(c, alu, a, b, word ? 0x8000 : 0x80);
  const rHi = r >>> 8;
  if (alu !== 7) {
    if (toMem) {
      st8(c, base + off, r);
      if (word) st8(c, next, rHi);
    } else {
      regs8[ri] = r;
      regs8[ri + 1] = word ? rHi : rh;
    }
  }
  const immLen = immForm ? (imm16 ? 2 : 1) : 0;
  return (immAt + immLen - at) | (EA_CYCLES << 16);
}

/** TEST r/m,r (register forms) and TEST AL/AX, imm. */
function sideTest(c: Cpu, op: number, at: number, m: number): number {
  const regs = c.regs;
  const regs8 = c.regs8;
  const f = c.flags & ~ARITH_FLAGS;
  switch (op) {
    case 0x84:
      if (m < 0xC0) return SIDE_GENERAL;
      c.flags = f | szp(regs8[RM8[m]] & regs8[REG8[m]], 0x80);
      return 2;
    case 0x85:
      if (m < 0xC0) return SIDE_GENERAL;
      c.flags = f | szp(regs[m & 7] & regs[(m >>> 3) & 7], 0x8000);
      return 2;
    case 0xA8:
      c.flags = f | szp(regs8[0] & m, 0x80);
      return 2;
    default: // A9
      c.flags = f | szp(regs[0] & (m | (c.bytes[at + 2] << 8)), 0x8000);
      return 3;
  }
}

// One function per opcode below: a function V8 has optimised deopts at a path that had not run
// yet, and one opcode's function has only one.

/** XCHG AX, r16. */
function sideXchg(c: Cpu, op: number): number {
  const v = c.regs[op & 7];
  c.regs[op & 7] = c.regs[0];
  c.regs[0] = v;
  return 1;
}

/** CBW. */
function sideCbw(c: Cpu): number {
  c.regs[0] = (c.regs8[0] << 24) >> 24;
  return 1;
}

/** CWD. */
function sideCwd(c: Cpu): number {
  c.regs[2] = (c.regs[0] & 0x8000) !== 0 ? 0xFFFF : 0;
  return 1;
}

/** STI: the next instruction runs before INTR is accepted. */
function sideSti(c: Cpu): number {
  c.flags |= FLAG_IF;
  return 1 | (INHIBIT_INTR << 28);
}

/** CLC. */
function sideClc(c: Cpu): number {
  c.flags &= ~FLAG_CF;
  return 1;
}

/** STC. */
function sideStc(c: Cpu): number {
  c.flags |= FLAG_CF;
  return 1;
}

/** CLD. */
function sideCld(c: Cpu): number {
  c.flags &= ~FLAG_DF;
  return 1;
}

/** STD. */
function sideStd(c: Cpu): number {
  c.flags |= FLAG_DF;
  return 1;
}

/** PUSH sreg, POP ES/DS, MOV r/m16,sreg, MOV ES/DS,r/m16, LEA. */
function sideSreg(c: Cpu, op: number, at: number, m: number, ovr: number): number {
  const regs = c.regs;
  const sregs = c.sregs;
  switch (op) {
    case 0x07:
    case 0x1F: // POP ES, POP DS (POP SS opens a shadow: general path)
      sregs[op >>> 3] = popW(c);
      return 1;
    case 0x8C: { // MOV r/m16, sreg (reg field modulo 4)
      const v = sregs[(m >>> 3) & 3];
      if (m >= 0xC0) {
        regs[m & 7] = v;
        return 2;
      }
      const e = eaPacked(regs, c.bytes, at + 1, m);
      wr16(c, ovr < 0 ? e >>> 16 : ovr, e & 0xFFFF, v);
      return (2 + DISP_LEN[m]) | (EA_CYCLES << 16);
    }
    case 0x8E: { // MOV ES/SS/DS, r/m16 (MOV SS opens a shadow; CS moves the code: general path)
      const s = (m >>> 3) & 3;
      if (s === CS) return SIDE_GENERAL;
      const opens = (s === SS ? INHIBIT_ALL : 0) << 28;
      if (m >= 0xC0) {
        sregs[s] = regs[m & 7];
        return 2 | opens;
      }
      const e = eaPacked(regs, c.bytes, at + 1, m);
      sregs[s] = rd16(c, ovr < 0 ? e >>> 16 : ovr, e & 0xFFFF);
      return (2 + DISP_LEN[m]) | (EA_CYCLES << 16) | opens;
    }
    case 0x8D: // LEA (the register form is the general path's)
      if (m >= 0xC0) return SIDE_GENERAL;
      regs[(m >>> 3) & 7] = eaPacked(regs, c.bytes, at + 1, m) & 0xFFFF;
      return (2 + DISP_LEN[m]) | (EA_CYCLES << 16);
    default: // 06 0E 16 1E: PUSH sreg
      pushW(c, sregs[op >>> 3]);
      return 1;
  }
}

/** MOV AL/AX, moffs and back (no ModR/M: no EA clocks). */
function sideMoffs(c: Cpu, op: number, at: number, m: number, ovr: number): number {
  const seg = ovr < 0 ? DS : ovr;
  const off = m | (c.bytes[at + 2] << 8);
  if (op === 0xA0) c.regs8[0] = rd8(c, seg, off);
  else if (op === 0xA1) c.regs[0] = rd16(c, seg, off);
  else if (op === 0xA2) wr8(c, seg, off, c.regs8[0]);
  else wr16(c, seg, off, c.regs[0]);
  return 3;
}

/** MOVSB (unrepeated). */
function sideMovsb(c: Cpu, _op: number, _at: number, _m: number, ovr: number): number {
  const regs = c.regs;
  const d = (c.flags & FLAG_DF) !== 0 ? -1 : 1;
  wr8(c, ES, regs[DI], rd8(c, ovr < 0 ? DS : ovr, regs[SI]));
  regs[SI] += d;
  regs[DI] += d;
  return 1;
}

/** MOVSW (unrepeated). */
function sideMovsw(c: Cpu, _op: number, _at: number, _m: number, ovr: number): number {
  const regs = c.regs;
  const d = (c.flags & FLAG_DF) !== 0 ? -2 : 2;
  wr16(c, ES, regs[DI], rd16(c, ovr < 0 ? DS : ovr, regs[SI]));
  regs[SI] += d;
  regs[DI] += d;
  return 1;
}

/** STOSB (unrepeated). */
function sideStosb(c: Cpu): number {
  const regs = c.regs;
  wr8(c, ES, regs[DI], c.regs8[0]);
  regs[DI] += (c.flags & FLAG_DF) !== 0 ? -1 : 1;
  return 1;
}

/** STOSW (unrepeated). */
function sideStosw(c: Cpu): number {
  const regs = c.regs;
  wr16(c, ES, regs[DI], regs[0]);
  regs[DI] += (c.flags & FLAG_DF) !== 0 ? -2 : 2;
  return 1;
}

/** LODSB (unrepeated). */
function sideLodsb(c: Cpu, _op: number, _at: number, _m: number, ovr: number): number {
  const regs = c.regs;
  c.regs8[0] = rd8(c, ovr < 0 ? DS : ovr, regs[SI]);
  regs[SI] += (c.flags & FLAG_DF) !== 0 ? -1 : 1;
  return 1;
}

/** LODSW (unrepeated). */
function sideLodsw(c: Cpu, _op: number, _at: number, _m: number, ovr: number): number {
  const regs = c.regs;
  regs[0] = rd16(c, ovr < 0 ? DS : ovr, regs[SI]);
  regs[SI] += (c.flags & FLAG_DF) !== 0 ? -2 : 2;
  return 1;
}

/** LES, LDS (memory forms; the register form is the general path's). */
function sideLoadFar(c: Cpu, op: number, at: number, m: number, ovr: number): number {
  if (m >= 0xC0) return SIDE_GENERAL;
  const e = eaPacked(c.regs, c.bytes, at + 1, m);
  const off = e & 0xFFFF;
  const seg = ovr < 0 ? e >>> 16 : ovr;
  const v = rd16(c, seg, off);
  c.sregs[op === 0xC4 ? ES : DS] = rd16(c, seg, (off + 2) & 0xFFFF);
  c.regs[(m >>> 3) & 7] = v;
  return (2 + DISP_LEN[m]) | (EA_CYCLES << 16);
}

/** MOV r/m, imm (reg field ignored). */
function sideMovImm(c: Cpu, op: number, at: number, m: number, ovr: number): number {
  const bytes = c.bytes;
  const word = op === 0xC7;
  if (m >= 0xC0) {
    if (word) c.regs[m & 7] = bytes[at + 2] | (bytes[at + 3] << 8);
    else c.regs8[RM8[m]] = bytes[at + 2];
    return word ? 4 : 3;
  }
  const e = eaPacked(c.regs, bytes, at + 1, m);
  const i = at + 2 + DISP_LEN[m];
  const seg = ovr < 0 ? e >>> 16 : ovr;
  if (word) wr16(c, seg, e & 0xFFFF, bytes[i] | (bytes[i + 1] << 8));
  else wr8(c, seg, e & 0xFFFF, bytes[i]);
  return (i + (word ? 2 : 1) - at) | (EA_CYCLES << 16);
}

/** Shift/rotate a register by 1, CL or imm8 (C0/C1: 80186; RET aliases on the 8086). */
function sideShift(c: Cpu, op: number, at: number, m: number): number {
  if (m < 0xC0 || (op < 0xD0 && !c.is186)) return SIDE_GENERAL;
  // The same operations for every form, size and count source (a path first taken after V8
  // optimised this function, SAR by 1 in a FreeDOS boot, deopted it): the register as bytes
  // (RM_BYTE), and shifts by 1 computed from SHIFT1's bits rather than per operation.
  const regs8 = c.regs8;
  const imm = c.bytes[at + 2] & c.shiftCountMask;
  const byCl = regs8[2] & c.shiftCountMask;
  const count = op < 0xD0 ? imm : op < 0xD2 ? 1 : byCl;
  const sop = (m >>> 3) & 7;
  const word = (op & 1) !== 0;
  const i = RM_BYTE[((op & 1) << 8) | m];
  const lo = regs8[i];
  const hi = regs8[i + 1];
  const v16 = lo | (hi << 8);
  const v = word ? v16 : lo;
  let r: number;
  if (count !== 1) {
    r = word ? shift16(c, sop, v, count) : shift8(c, sop, v, count);
  } else {
    const top = word ? 0x8000 : 0x80;
    const mask = (top << 1) - 1;
    const f = c.flags;
    const info = SHIFT1[sop];
    const right = info & 1;
    const own = (info >>> 1) & 1;
    const thru = (info >>> 2) & 1;
    const sar = (info >>> 3) & 1;
    const shift = (info >>> 4) & 1;
    const cfIn = f & FLAG_CF;
    const hiIn = (v & top) !== 0 ? 1 : 0;
    const loIn = v & 1;
    const left1 = ((v << 1) | (hiIn & own) | (cfIn & thru)) & mask;
    const right1 = (v >>> 1) | (((loIn & own) | (cfIn & thru) | (hiIn & sar)) !== 0 ? top : 0);
    const shifted = right !== 0 ? right1 : left1;
    const cfShifted = right !== 0 ? loIn : hiIn;
    // OF: left, the new sign bit against CF; ROR/RCR, the top two result bits differ; SHR, the
    // old sign bit; SAR, clear.
    const ofLeft = ((shifted & top) !== 0 ? 1 : 0) ^ cfShifted;
    const ofRotRight = ((shifted ^ (shifted << 1)) & top) !== 0 ? 1 : 0;
    const ofRight = (own | thru) !== 0 ? ofRotRight : sar !== 0 ? 0 : hiIn;
    const ofShifted = right !== 0 ? ofRight : ofLeft;
    // /6 is SETMO on the 8086 (all ones, CF and OF clear); SHL on the 80186.
    const setmo = (sop === 6 ? 1 : 0) & (c.is186 ? 0 : 1);
    r = setmo !== 0 ? mask : shifted;
    const cf = setmo !== 0 ? 0 : cfShifted;
    const of = setmo !== 0 ? 0 : ofShifted;
    const szpFlags = ((r & top) !== 0 ? FLAG_SF : 0) | (r === 0 ? FLAG_ZF : 0) | PARITY[r & 0xFF];
    // Rotates keep SF ZF AF PF; shifts set SF ZF PF from the result and clear AF.
    const kept = f & (shift !== 0 ? ~ARITH_FLAGS : ~(FLAG_CF | FLAG_OF));
    c.flags = kept | cf | (of !== 0 ? FLAG_OF : 0) | (shift !== 0 ? szpFlags : 0);
  }
  const rHi = r >>> 8;
  regs8[i] = r;
  regs8[i + 1] = word ? rHi : hi;
  return (op < 0xD0 ? 3 : 2) | ((count * SHIFT_BIT_CYCLES) << 16);
}

/** INC/DEC r8. */
function sideIncDec8(c: Cpu, _op: number, _at: number, m: number): number {
  if (m < 0xC0 || (m & 0x30) !== 0) return SIDE_GENERAL;
  const d = RM8[m];
  const v = c.regs8[d];
  const dec = (m & 8) !== 0;
  const r = (dec ? v - 1 : v + 1) & 0xFF;
  c.flags = incDecFlags(c.flags, v, r, 0x80, dec ? 0x7F : 0x80);
  c.regs8[d] = r;
  return 2;
}

/**
 * REP MOVS / REP STOS (other repeated instructions take the general path), one function per
 * instruction (see sideXchg), chosen by the byte after the prefix.
 */
function sideRep(c: Cpu, _op: number, _at: number, m: number, _ovr: number, ip: number): number {
  return REP_SIDE[m](c, ip);
}

/** A REP iteration found attention or the slice's end: true (IP left at the prefix) if it must yield. */
function repYields(c: Cpu, ip: number, cycles: number): boolean {
  c.cycles = cycles;
  c.ip = (ip + 2) & 0xFFFF;
  c.opStart = ip;
  c.lastPrefix = ip;
  c.trapAfter = 0;
  const yielded = c.repMustYield();
  c.lastPrefix = -1;
  return yielded;
}

/** Fewest REP iterations worth a native copy or fill (below, checking the pages costs more). */
const BULK_MIN = 16;

/**
 * How many iterations of a REP string instruction of `size`-byte elements, starting with `cycles`
 * spent and its destination at `dstOff` in ES, may run in one piece: none may reach the point
 * where the per-element loop would consider yielding (the slice's end; attention, which only
 * I/O and memory-mapped devices change, must be clear), and every destination byte must be plain
 * RAM: inside the segment without wrapping, below the address wrap, on pages with no flag (no
 * ROM, MMIO, snapshot barrier or compiled code, whose writes have side effects). With DF set the
 * elements run downwards from `dstOff`. 0: use the loop.
 */
function bulkCount(c: Cpu, size: number, cycles: number, dstOff: number): number {
  if (c.attention) return 0;
  const n = Math.min(c.regs[CX], Math.ceil((c.runEnd - cycles) / REP_ITERATION_CYCLES) - 1);
  if (!(n >= BULK_MIN)) return 0;
  const span = n * size;
  const low = (c.flags & FLAG_DF) !== 0 ? dstOff - (n - 1) * size : dstOff;
  if (low < 0 || low + span > 0x10000) return 0;
  const dst = (c.sregs[ES] << 4) + low;
  const last = dst + span - 1;
  if (last > c.addrMask) return 0;
  const pf = c.pageFlags;
  for (let p = dst >>> PAGE_SHIFT; p <= last >>> PAGE_SHIFT; p++) if (pf[p] !== 0) return 0;
  return n;
}

/**
 * REP MOVSB/MOVSW's iterations that can be one native copy (see bulkCount; the source must also
 * be memory, not MMIO, inside its segment, and must not overlap the destination the way an
 * element-by-element copy would read bytes it has just written: ahead of the source going up,
 * behind it going down): done here, returns how many (0: none).
 */
function bulkMovs(c: Cpu, size: number, cycles: number): number {
  const regs = c.regs;
  const n = bulkCount(c, size, cycles, regs[DI]);
  if (n === 0) return 0;
  const down = (c.flags & FLAG_DF) !== 0;
  const span = n * size;
  const back = down ? (n - 1) * size : 0;
  const siLow = regs[SI] - back;
  if (siLow < 0 || siLow + span > 0x10000) return 0;
  const src = (c.sregs[DS] << 4) + siLow;
  const dst = (c.sregs[ES] << 4) + regs[DI] - back;
  if (src + span - 1 > c.addrMask) return 0;
  if (down ? dst < src && src < dst + span : src < dst && dst < src + span) return 0;
  const pf = c.pageFlags;
  for (let p = src >>> PAGE_SHIFT; p <= (src + span - 1) >>> PAGE_SHIFT; p++) {
    if ((pf[p] & PAGE_MMIO) !== 0) return 0;
  }
  c.bytes.copyWithin(dst, src, src + span);
  const step = down ? -span : span;
  regs[SI] += step;
  regs[DI] += step;
  regs[CX] -= n;
  return n;
}

/** REP STOSB/STOSW's iterations that can be one native fill (see bulkCount): done here, returns how many. */
function bulkStos(c: Cpu, size: number, cycles: number): number {
  const regs = c.regs;
  const al = c.regs8[0];
  // A word fill is a byte fill only when both halves match (zeroing, mostly).
  if (size === 2 && c.regs8[1] !== al) return 0;
  const n = bulkCount(c, size, cycles, regs[DI]);
  if (n === 0) return 0;
  const down = (c.flags & FLAG_DF) !== 0;
  const span = n * size;
  const dst = (c.sregs[ES] << 4) + regs[DI] - (down ? (n - 1) * size : 0);
  c.bytes.fill(al, dst, dst + span);
  regs[DI] += down ? -span : span;
  regs[CX] -= n;
  return n;
}

/** REP MOVSB: runs the iterations, stores IP, cycles and the count itself. */
function repMovsb(c: Cpu, ip: number): number {
  const regs = c.regs;
  const d = (c.flags & FLAG_DF) !== 0 ? -1 : 1;
  // As the general path: 2 clocks for the prefix, the base count, then per iteration.
  c.instructions++;
  let cycles = c.cycles + 2 + BASE_CYCLES[0xA4];
  cycles += bulkMovs(c, 1, cycles) * REP_ITERATION_CYCLES;
  let next = 2;
  while (regs[CX] !== 0) {
    wr8(c, ES, regs[DI], rd8(c, DS, regs[SI]));
    regs[SI] += d;
    regs[DI] += d;
    regs[CX] = regs[CX] - 1;
    cycles += REP_ITERATION_CYCLES;
    // Only then can repMustYield say yes (attention covers NMI, INTR and requestStop; TF is clear).
    if (regs[CX] !== 0 && (c.attention || cycles >= c.runEnd) && repYields(c, ip, cycles)) {
      next = 0; // resume at the prefix
      break;
    }
  }
  c.ip = (ip + next) & 0xFFFF;
  c.cycles = cycles;
  return SIDE_DONE;
}

/** REP MOVSW: runs the iterations, stores IP, cycles and the count itself. */
function repMovsw(c: Cpu, ip: number): number {
  const regs = c.regs;
  const d = (c.flags & FLAG_DF) !== 0 ? -2 : 2;
  // As the general path: 2 clocks for the prefix, the base count, then per iteration.
  c.instructions++;
  let cycles = c.cycles + 2 + BASE_CYCLES[0xA5];
  cycles += bulkMovs(c, 2, cycles) * REP_ITERATION_CYCLES;
  let next = 2;
  while (regs[CX] !== 0) {
    wr16(c, ES, regs[DI], rd16(c, DS, regs[SI]));
    regs[SI] += d;
    regs[DI] += d;
    regs[CX] = regs[CX] - 1;
    cycles += REP_ITERATION_CYCLES;
    // Only then can repMustYield say yes (attention covers NMI, INTR and requestStop; TF is clear).
    if (regs[CX] !== 0 && (c.attention || cycles >= c.runEnd) && repYields(c, ip, cycles)) {
      next = 0; // resume at the prefix
      break;
    }
  }
  c.ip = (ip + next) & 0xFFFF;
  c.cycles = cycles;
  return SIDE_DONE;
}

/** REP STOSB: runs the iterations, stores IP, cycles and the count itself. */
function repStosb(c: Cpu, ip: number): number {
  const regs = c.regs;
  const d = (c.flags & FLAG_DF) !== 0 ? -1 : 1;
  // As the general path: 2 clocks for the prefix, the base count, then per iteration.
  c.instructions++;
  let cycles = c.cycles + 2 + BASE_CYCLES[0xAA];
  cycles += bulkStos(c, 1, cycles) * REP_ITERATION_CYCLES;
  let next = 2;
  while (regs[CX] !== 0) {
    wr8(c, ES, regs[DI], c.regs8[0]);
    regs[DI] += d;
    regs[CX] = regs[CX] - 1;
    cycles += REP_ITERATION_CYCLES;
    // Only then can repMustYield say yes (attention covers NMI, INTR and requestStop; TF is clear).
    if (regs[CX] !== 0 && (c.attention || cycles >= c.runEnd) && repYields(c, ip, cycles)) {
      next = 0; // resume at the prefix
      break;
    }
  }
  c.ip = (ip + next) & 0xFFFF;
  c.cycles = cycles;
  return SIDE_DONE;
}

/** REP STOSW: runs the iterations, stores IP, cycles and the count itself. */
function repStosw(c: Cpu, ip: number): number {
  const regs = c.regs;
  const d = (c.flags & FLAG_DF) !== 0 ? -2 : 2;
  // As the general path: 2 clocks for the prefix, the base count, then per iteration.
  c.instructions++;
  let cycles = c.cycles + 2 + BASE_CYCLES[0xAB];
  cycles += bulkStos(c, 2, cycles) * REP_ITERATION_CYCLES;
  let next = 2;
  while (regs[CX] !== 0) {
    wr16(c, ES, regs[DI], regs[0]);
    regs[DI] += d;
    regs[CX] = regs[CX] - 1;
    cycles += REP_ITERATION_CYCLES;
    // Only then can repMustYield say yes (attention covers NMI, INTR and requestStop; TF is clear).
    if (regs[CX] !== 0 && (c.attention || cycles >= c.runEnd) && repYields(c, ip, cycles)) {
      next = 0; // resume at the prefix
      break;
    }
  }
  c.ip = (ip + next) & 0xFFFF;
  c.cycles = cycles;
  return SIDE_DONE;
}

/** Any other repeated instruction: the general handler. */
function repGeneral(): number {
  return SIDE_GENERAL;
}

/** REP's function by the opcode after the prefix. */
const REP_SIDE: ((c: Cpu, ip: number) => number)[] = /* @__PURE__ */ (() => {
  const t = new Array<(c: Cpu, ip: number) => number>(256).fill(repGeneral);
  t[0xA4] = repMovsb;
  t[0xA5] = repMovsw;
  t[0xAA] = repStosb;
  t[0xAB] = repStosw;
  return t;
})();

/** MOV r/m,reg and reg,r/m with a memory operand. */
function sideMovMem(c: Cpu, op: number, at: number, m: number, ovr: number): number {
  const e = eaPacked(c.regs, c.bytes, at + 1, m);
  const off = e & 0xFFFF;
  const base = c.sregs[ovr < 0 ? e >>> 16 : ovr] << 4;
  const word = (op & 1) !== 0;
  // The register as bytes for both sizes (REG_BYTE): MOV r/m8,reg8 first met late in a FreeDOS
  // boot deopted this function when byte and word forms read the registers differently. Memory
  // is touched only for the operand's own bytes (a device may see every access).
  const i = REG_BYTE[((op & 1) << 8) | m];
  const regs8 = c.regs8;
  const next = base + ((off + 1) & 0xFFFF);
  if ((op & 2) === 0) { // MOV r/m, reg
    st8(c, base + off, regs8[i]);
    if (word) st8(c, next, regs8[i + 1]);
  } else { // MOV reg, r/m
    const lo = ld8(c, base + off);
    const hi = word ? ld8(c, next) : regs8[i + 1];
    regs8[i] = lo;
    regs8[i + 1] = hi;
  }
  return (2 + DISP_LEN[m]) | (EA_CYCLES << 16);
}

/** LOOPNE, LOOPE, LOOP, JCXZ: the same operations for all four (a new path would deopt this). */
function sideLoop(c: Cpu, op: number, _at: number, m: number): number {
  const regs = c.regs;
  const cx = regs[CX];
  const dec = (cx - 1) & 0xFFFF;
  const jcxz = op === 0xE3;
  const zMatch = ((c.flags & FLAG_ZF) !== 0) === (op === 0xE1);
  const loop = op === 0xE2;
  const cxZero = cx === 0;
  const decNonZero = dec !== 0;
  regs[CX] = jcxz ? cx : dec;
  const taken = jcxz ? cxZero : decNonZero && (loop || zMatch);
  const jump = ((2 + ((m << 24) >> 24)) & 0xFFFF) | (BRANCH_TAKEN_CYCLES << 16);
  return taken ? jump : 2;
}

/** Never called (SIDE_KIND 0 keeps an opcode away from SIDE); fills the table's other slots. */
function sideGeneral(): number {
  return SIDE_GENERAL;
}

/** Side function by opcode. */
const SIDE: SideFn[] = /* @__PURE__ */ (() => {
  const t: SideFn[] = new Array<SideFn>(256).fill(sideGeneral);
  for (let row = 0; row < 8; row++) for (let k = 0; k < 4; k++) t[(row << 3) | k] = sideAluMem;
  for (const op of [0x80, 0x81, 0x82, 0x83]) t[op] = sideAluMem;
  for (const op of [0x84, 0x85, 0xA8, 0xA9]) t[op] = sideTest;
  for (let op = 0x91; op <= 0x97; op++) t[op] = sideXchg;
  t[0x98] = sideCbw;
  t[0x99] = sideCwd;
  t[0xF8] = sideClc;
  t[0xF9] = sideStc;
  t[0xFC] = sideCld;
  t[0xFD] = sideStd;
  t[0xFB] = sideSti;
  for (const op of [0x06, 0x0E, 0x16, 0x1E, 0x07, 0x1F, 0x8C, 0x8D, 0x8E]) t[op] = sideSreg;
  for (const op of [0xA0, 0xA1, 0xA2, 0xA3]) t[op] = sideMoffs;
  t[0xA4] = sideMovsb;
  t[0xA5] = sideMovsw;
  t[0xAA] = sideStosb;
  t[0xAB] = sideStosw;
  t[0xAC] = sideLodsb;
  t[0xAD] = sideLodsw;
  for (const op of [0xC4, 0xC5]) t[op] = sideLoadFar;
  for (const op of [0xC6, 0xC7]) t[op] = sideMovImm;
  for (const op of [0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3]) t[op] = sideShift;
  for (const op of [0x88, 0x89, 0x8A, 0x8B]) t[op] = sideMovMem;
  for (const op of [0xE0, 0xE1, 0xE2, 0xE3]) t[op] = sideLoop;
  t[0xFE] = sideIncDec8;
  t[0xF3] = sideRep;
  return t;
})();

/**
 * How fastLoop runs each opcode: 0 in its own switch (or, not there, the general handler),
 * 1 through SIDE, 2 (the ALU rows, group 1 and MOV 88–8B) in the switch for register operands
 * and through SIDE for memory operands.
 */
const SIDE_KIND = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (let op = 0; op < 256; op++) if (SIDE[op] !== sideGeneral) t[op] = 1;
  for (let row = 0; row < 8; row++) for (let k = 0; k < 4; k++) t[(row << 3) | k] = 2;
  for (const op of [0x80, 0x81, 0x82, 0x83, 0x88, 0x89, 0x8A, 0x8B]) t[op] = 2;
  return t;
})();
