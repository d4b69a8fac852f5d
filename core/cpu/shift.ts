/**
 * Rotates and shifts (group D0–D3, and C0/C1 on the 80186). The caller passes the
 * count already masked for the model (the 8086 uses CL whole, the 80186 masks to 5 bits).
 * A count of 0 changes nothing. Flags follow the chip's one-bit-at-a-time microcode:
 * CF is the last bit shifted out and OF is what the final one-bit step would set.
 * Operation 6 is SETMO/SETMOC on the 8086 (result all ones) and SHL on the 80186.
 * AF, undefined for shifts, is left clear (the 80186 test ROMs agree; the 8086 vectors
 * ignore it).
 */
import type { Cpu } from "./cpu.ts";
import { ARITH_FLAGS, FLAG_CF, FLAG_OF, szp16, SZP8 } from "./flags.ts";

const ROT_FLAGS = FLAG_CF | FLAG_OF;

/** Rotate/shift `op` (0–7) of a byte by `count`. */
export function shift8(c: Cpu, op: number, v: number, count: number): number {
  if (count === 0) return v;
  let r: number;
  let cf: number;
  switch (op) {
    case 0: { // ROL
      const n = count & 7;
      r = ((v << n) | (v >>> (8 - n))) & 0xFF;
      cf = r & 1;
      c.flags = (c.flags & ~ROT_FLAGS) | cf | ((((r >>> 7) ^ cf) & 1) << 11);
      return r;
    }
    case 1: { // ROR
      const n = count & 7;
      r = ((v >>> n) | (v << (8 - n))) & 0xFF;
      cf = r >>> 7;
      c.flags = (c.flags & ~ROT_FLAGS) | cf | ((((r >>> 7) ^ (r >>> 6)) & 1) << 11);
      return r;
    }
    case 2: { // RCL: 9-bit rotate through CF
      let n = count % 9;
      r = v;
      cf = c.flags & FLAG_CF;
      while (n-- > 0) {
        const out = r >>> 7;
        r = ((r << 1) | cf) & 0xFF;
        cf = out;
      }
      c.flags = (c.flags & ~ROT_FLAGS) | cf | ((((r >>> 7) ^ cf) & 1) << 11);
      return r;
    }
    case 3: { // RCR
      let n = count % 9;
      r = v;
      cf = c.flags & FLAG_CF;
      while (n-- > 0) {
        const out = r & 1;
        r = (r >>> 1) | (cf << 7);
        cf = out;
      }
      c.flags = (c.flags & ~ROT_FLAGS) | cf | ((((r >>> 7) ^ (r >>> 6)) & 1) << 11);
      return r;
    }
    case 5: { // SHR
      let of = 0;
      if (count <= 8) {
        cf = (v >>> (count - 1)) & 1;
        r = v >>> count;
        if (count === 1) of = v >>> 7;
      } else {
        cf = 0;
        r = 0;
      }
      c.flags = (c.flags & ~ARITH_FLAGS) | cf | SZP8[r] | (of << 11);
      return r;
    }
    case 7: { // SAR
      const s = (v << 24) >> 24;
      const n = count < 8 ? count : 8;
      cf = (s >> (n - 1)) & 1;
      r = (s >> n) & 0xFF;
      c.flags = (c.flags & ~ARITH_FLAGS) | cf | SZP8[r];
      return r;
    }
    case 6:
      if (!c.is186) {
        // SETMO: sets the operand to all ones; the flags come from an OR with FF.
        c.flags = (c.flags & ~ARITH_FLAGS) | SZP8[0xFF];
        return 0xFF;
      }
      // falls through: SHL on the 80186
    default: { // SHL
      if (count <= 8) {
        const t = v << count;
        r = t & 0xFF;
        cf = (t >>> 8) & 1;
      } else {
        r = 0;
        cf = 0;
      }
      c.flags = (c.flags & ~ARITH_FLAGS) | cf | SZP8[r] | ((((r >>> 7) ^ cf) & 1) << 11);
      return r;
    }
  }
}

/** Rotate/shift `op` (0–7) of a word by `count`. */
export function shift16(c: Cpu, op: number, v: number, count: number): number {
  if (count === 0) return v;
  let r: number;
  let cf: number;
  switch (op) {
    case 0: { // ROL
      const n = count & 15;
      r = ((v << n) | (v >>> (16 - n))) & 0xFFFF;
      cf = r & 1;
      c.flags = (c.flags & ~ROT_FLAGS) | cf | ((((r >>> 15) ^ cf) & 1) << 11);
      return r;
    }
    case 1: { // ROR
      const n = count & 15;
      r = ((v >>> n) | (v << (16 - n))) & 0xFFFF;
      cf = r >>> 15;
      c.flags = (c.flags & ~ROT_FLAGS) | cf | ((((r >>> 15) ^ (r >>> 14)) & 1) << 11);
      return r;
    }
    case 2: { // RCL: 17-bit rotate through CF
      let n = count % 17;
      r = v;
      cf = c.flags & FLAG_CF;
      while (n-- > 0) {
        const out = r >>> 15;
        r = ((r << 1) | cf) & 0xFFFF;
        cf = out;
      }
      c.flags = (c.flags & ~ROT_FLAGS) | cf | ((((r >>> 15) ^ cf) & 1) << 11);
      return r;
    }
    case 3: { // RCR
      let n = count % 17;
      r = v;
      cf = c.flags & FLAG_CF;
      while (n-- > 0) {
        const out = r & 1;
        r = (r >>> 1) | (cf << 15);
        cf = out;
      }
      c.flags = (c.flags & ~ROT_FLAGS) | cf | ((((r >>> 15) ^ (r >>> 14)) & 1) << 11);
      return r;
    }
    case 5: { // SHR
      let of = 0;
      if (count <= 16) {
        cf = (v >>> (count - 1)) & 1;
        r = v >>> count;
        if (count === 1) of = v >>> 15;
      } else {
        cf = 0;
        r = 0;
      }
      c.flags = (c.flags & ~ARITH_FLAGS) | cf | szp16(r) | (of << 11);
      return r;
    }
    case 7: { // SAR
      const s = (v << 16) >> 16;
      const n = count < 16 ? count : 16;
      cf = (s >> (n - 1)) & 1;
      r = (s >> n) & 0xFFFF;
      c.flags = (c.flags & ~ARITH_FLAGS) | cf | szp16(r);
      return r;
    }
    case 6:
      if (!c.is186) {
        c.flags = (c.flags & ~ARITH_FLAGS) | szp16(0xFFFF);
        return 0xFFFF;
      }
      // falls through: SHL on the 80186
    default: { // SHL
      if (count <= 16) {
        const t = v << count;
        r = t & 0xFFFF;
        cf = (t >>> 16) & 1;
      } else {
        r = 0;
        cf = 0;
      }
      c.flags = (c.flags & ~ARITH_FLAGS) | cf | szp16(r) | ((((r >>> 15) ^ cf) & 1) << 11);
      return r;
    }
  }
}
