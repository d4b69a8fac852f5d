/**
 * Block compiler: straight-line runs of guest instructions (blocks) are translated into
 * JavaScript source from fixed templates (the common opcodes, mirroring fast.ts) and a
 * delegation call to the general handler for the rest, compiled once with `new Function`.
 * A block runs many instructions with no per-instruction dispatch, IP store or attention
 * check.
 *
 * Regions: one function holds the block where it is entered and, breadth first, the blocks
 * that block's static exits (Jcc, LOOP, JMP, CALL, fall-through) lead to in the same 4 KiB
 * page, up to MAX_REGION_INSTRUCTIONS. The blocks are the cases of a `switch (pc)` in a loop,
 * so a transfer between them is a `continue` after the next block's budget check, and a RET
 * to one of them stays inside too; a loop spanning several blocks (a CRC's bit loop, a sieve)
 * never returns to the dispatcher. Regions are cached by their entry's linear address; a
 * block may appear in several regions. REP/REPNE string instructions (without a segment
 * override) run inside a block through the general handler, which yields as it would in the
 * interpreter (IP left on the instruction, and the block leaves).
 *
 * Why generating code is safe: the source is assembled only from the templates below and
 * from numbers (opcode bytes, displacements, immediates, addresses, cycle counts) decoded
 * from guest memory and printed with `String(number)`; no guest string ever reaches it.
 *
 * Exactness, per block (and so per region: a transfer between blocks checks the next block's
 * budget as the dispatcher would before entering it):
 * - Cycles and the instruction count grow per instruction exactly as in fast.ts; the block
 *   adds static sums, and an early exit stores only the executed part.
 * - The run budget is checked on entry against the static cycles of all but the last
 *   instruction (`budget`); instructions with run-time cycle counts (delegated ones) recheck
 *   it after themselves. A block that does not fit is not entered (the interpreter runs).
 * - INVARIANT: `attention` (interrupt line, NMI, HLT, requestStop) changes only from outside
 *   the CPU, i.e. inside an I/O or memory-mapped access. A block never performs one itself:
 *   a memory operand on a page with PAGE_MMIO (or, for stores, any flag but PAGE_CODE) makes
 *   the block exit *before* that instruction, which the interpreter then runs through the
 *   normal read/write path; IN/OUT/INS/OUTS and all other delegated instructions run through
 *   the general handler and the block exits after them if `attention` became set (I/O always
 *   ends a block). So checking interrupts only at block boundaries is exact.
 *   (tests/cpu/block_lockstep_test.ts asserts this with an MMIO device raising INTR.)
 * - TF set or an interrupt shadow pending: no block is entered.
 * - Self-modifying code: pages holding compiled code carry PAGE_CODE; a write there calls
 *   the hook, which bumps the page's generation if the byte belongs to compiled code. A
 *   block checks its page's generation after each store and exits right after the store
 *   if it changed.
 *
 * Status: on by default (Cpu.compileBlocksDefault), proven by tests/cpu/block_lockstep_test.ts
 * and conformance. cpumix ~51-58 -> ~150-175 MIPS per CPU-second. Only very hot loops are
 * compiled (blockSettings), which keeps a cold FreeDOS boot at the interpreter's speed.
 * Generated functions are shared between CPUs (FUNCTIONS), so a second machine does not
 * compile the same code again.
 */
import { PAGE_CODE, PAGE_MMIO, PAGE_SHIFT, PAGE_SIZE } from "../memory/paged_memory.ts";
import type { Cpu } from "./cpu.ts";
import { BASE_CYCLES, BRANCH_TAKEN_CYCLES, EA_CYCLES, SHIFT_BIT_CYCLES } from "./cycles.ts";
import { delegate, DISP_LEN, OVR_INLINE, REG8, RM8, SEG_PREFIX } from "./fast.ts";
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
import { CS, DS, ES, SS } from "./registers.ts";
import { REPE, REPNE } from "./string.ts";
import { shift16, shift8 } from "./shift.ts";

/**
 * Entries of a region before it is compiled, counted where a backward transfer lands (loop
 * heads; see fastRun) and where the dispatcher is asked. Compiling is dear: a fresh region
 * runs in V8's interpreter until it tiers up, and V8 spends ~25 ms (Maglev) to ~100 ms
 * (TurboFan) of CPU on a large one, so only loops that have gone round very often are worth
 * it. The FreeDOS boot's hottest loop (the UPX decompressor) reaches ~31,000 and stays
 * interpreted; 2000 compiled it and cost the cold boot ~10-40% more CPU. Read when a CPU is
 * built; tests lower it to exercise compiled code quickly. At most 65,535 (16-bit counts).
 */
export const blockSettings = { hotThreshold: 65535 };
/** Most instructions in one block. */
const MAX_INSTRUCTIONS = 32;

/** Most instructions in one region (its blocks together). */
const MAX_REGION_INSTRUCTIONS = 192;

/**
 * Compiled functions by generated source, shared by all CPUs (a function takes its CPU as an
 * argument rather than closing over it): a second machine running the same code at the same
 * addresses reuses the function V8 has already optimised, instead of compiling it again.
 */
const FUNCTIONS = new Map<string, BlockFn>();
/** The function cache is dropped when its sources would pass this many characters in all. */
const MAX_FUNCTION_CHARS = 16 << 20;
/** Characters of source in FUNCTIONS. */
let functionChars = 0;

/**
 * Runs a block on CPU `c`; returns 0 after a normal exit, 1 when it stopped before an
 * instruction the interpreter must run.
 */
type BlockFn = (c: Cpu, end: number) => number;

/** What `new Function` builds: the module's helpers in, the block function out. */
type BlockFactory = (
  parity: Uint8Array,
  dlg: typeof delegate,
  sh8: typeof shift8,
  sh16: typeof shift16,
) => BlockFn;

interface Block {
  ip: number;
  page: number;
  gen: number;
  /** Static cycles of all instructions but the last: entry needs cycles + budget < end. */
  budget: number;
  /** null: no block can start here (the first instruction is left to the interpreter). */
  fn: BlockFn | null;
}

/** Opcodes that are prefixes or must not run inside a block (the block ends before them). */
const EXCLUDE = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  // LOCK, BIOS trap, REPNE, REP, HLT, STI, POP SS (segment overrides are handled on their own).
  for (const op of [0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xFB, 0x17, 0x26, 0x2E, 0x36, 0x3E]) t[op] = 1;
  return t;
})();

/** 1 for REPNE (F2) and REP/REPE (F3). */
const REP_STRING = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  t[0xF2] = 1;
  t[0xF3] = 1;
  return t;
})();

/** 1 for the string instructions a block runs repeated (MOVS CMPS STOS LODS SCAS; not INS/OUTS). */
const STRING_OP = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (const op of [0xA4, 0xA5, 0xA6, 0xA7, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF]) t[op] = 1;
  return t;
})();

/** Delegated opcodes after which the block always ends (transfers, interrupts, I/O). */
const END_AFTER = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (
    const op of [
      0x9A,
      0xC2,
      0xC3,
      0xCA,
      0xCB,
      0xCC,
      0xCD,
      0xCE,
      0xCF,
      0xEA,
      0xE4,
      0xE5,
      0xE6,
      0xE7,
      0xEC,
      0xED,
      0xEE,
      0xEF,
      0x6C,
      0x6D,
      0x6E,
      0x6F,
      0x0F,
      0x9D,
      0xC0,
      0xC1,
      0xC8,
      0xC9,
    ]
  ) t[op] = 1;
  return t;
})();

/**
 * JavaScript condition (over the local `fl`) under which Jcc 70+n jumps: tests only the
 * flags the condition reads.
 */
function jccCondition(n: number): string {
  const sfNeOf = `((fl >>> 7) ^ (fl >>> 11)) & 1`;
  const cond = [
    `(fl & ${FLAG_OF}) !== 0`,
    `(fl & ${FLAG_CF}) !== 0`,
    `(fl & ${FLAG_ZF}) !== 0`,
    `(fl & ${FLAG_CF | FLAG_ZF}) !== 0`,
    `(fl & ${FLAG_SF}) !== 0`,
    `(fl & ${FLAG_PF}) !== 0`,
    `(${sfNeOf}) !== 0`,
    `((fl & ${FLAG_ZF}) | (${sfNeOf})) !== 0`,
  ][n >>> 1];
  return (n & 1) === 0 ? cond : `!(${cond})`;
}

/** True if a block can start at `at` (IP `ip`): its first instruction is one a block runs. */
function startable(bytes: Uint8Array, at: number, ip: number): boolean {
  if ((at & (PAGE_SIZE - 1)) > PAGE_SIZE - 8 || ip > 0xFFF0) return false;
  let op = bytes[at];
  if (REP_STRING[op] !== 0 && STRING_OP[bytes[at + 1]] !== 0) return true;
  if (SEG_PREFIX[op] !== 0) op = bytes[++at];
  if (EXCLUDE[op] !== 0) return false;
  const reg = (bytes[at + 1] >>> 3) & 3;
  return op !== 0x8E || reg === ES || reg === DS;
}

/**
 * Length of an instruction from its opcode and ModR/M byte (without prefixes). Only
 * templated instructions rely on it for correctness; after a delegated one the block checks
 * that IP is where this length says, and exits otherwise.
 */
function insnLength(is186: boolean, op: number, m: number): number {
  const modrm = (op < 0x40 && (op & 4) === 0) || (op >= 0x80 && op <= 0x8F) || op === 0xC4 ||
    op === 0xC5 || op === 0xC6 || op === 0xC7 || (op >= 0xD0 && op <= 0xD3) || (op >= 0xD8 && op <= 0xDF) ||
    op === 0xF6 || op === 0xF7 || op === 0xFE || op === 0xFF ||
    (is186 && (op === 0x62 || op === 0x69 || op === 0x6B || op === 0xC0 || op === 0xC1));
  let n = 1;
  if (modrm) n += 1 + DISP_LEN[m];
  if (op < 0x40 && (op & 7) === 4) n += 1;
  else if (op < 0x40 && (op & 7) === 5) n += 2;
  else if (op >= 0x60 && op <= 0x6F) {
    if (!is186) n += 1;
    else if (op === 0x68 || op === 0x69) n += 2;
    else if (op === 0x6A || op === 0x6B) n += 1;
  } else if (op >= 0x70 && op <= 0x7F) n += 1;
  else if (op === 0x80 || op === 0x82 || op === 0x83 || op === 0xC6 || op === 0xA8 || op === 0xCD) n += 1;
  else if (op === 0x81 || op === 0xC7 || op === 0xA9 || op === 0xC2 || op === 0xCA) n += 2;
  else if (op === 0xE8 || op === 0xE9) n += 2;
  else if (op >= 0xA0 && op <= 0xA3) n += 2;
  else if (op >= 0xB0 && op <= 0xB7) n += 1;
  else if (op >= 0xB8 && op <= 0xBF) n += 2;
  else if (op === 0xC0 || op === 0xC1) n += is186 ? 1 : op === 0xC0 ? 2 : 0;
  else if (op === 0xC8) n += is186 ? 3 : 2;
  else if (op === 0x9A || op === 0xEA) n += 4;
  else if (op === 0xD4 || op === 0xD5 || (op >= 0xE0 && op <= 0xE7) || op === 0xEB) n += 1;
  else if ((op === 0xF6 || op === 0xF7) && (m & 0x38) < 0x10) n += op === 0xF6 ? 1 : 2;
  return n;
}

/** Per-CPU cache of compiled blocks, with per-page generations for invalidation. */
export class BlockCache {
  private readonly c: Cpu;
  private readonly blocks = new Map<number, Block>();
  /** Entries seen per linear address before compiling (saturating; fast.ts counts most). */
  readonly heat: Uint16Array;
  /** Generation per 4 KiB page, bumped when compiled code on it is overwritten (blocks read it). */
  readonly gen: Uint32Array;
  /** 1 for bytes that compiled blocks were decoded from. */
  private readonly codeBytes: Uint8Array;
  readonly hotThreshold = Math.min(0xFFFF, blockSettings.hotThreshold);
  /** Blocks compiled (for tests and benchmarks). */
  compiled = 0;
  /** Compiled regions whose function came from the cache shared by all CPUs (FUNCTIONS). */
  reused = 0;
  /** Page invalidations by writes to compiled code. */
  invalidations = 0;

  constructor(c: Cpu) {
    this.c = c;
    const size = c.addrMask + 1;
    this.heat = new Uint16Array(size);
    this.gen = new Uint32Array(c.pageFlags.length);
    this.codeBytes = new Uint8Array(size);
    c.memory.codeWriteHook = (addr) => {
      if (this.codeBytes[addr] !== 0) this.invalidatePage(addr >>> PAGE_SHIFT);
    };
  }

  /** Forgets every block (state restored, memory replaced behind the write path). */
  flush(): void {
    this.blocks.clear();
    // Only PAGE_CODE pages hold code bytes (3 MiB of fills took ~0.5 ms of a restore's pause). Heat
    // is kept: it only counts loop entries, and code found hot again is compiled from memory as it is.
    const pf = this.c.pageFlags;
    for (let p = 0; p < this.gen.length; p++) {
      if ((pf[p] & PAGE_CODE) !== 0) {
        pf[p] &= ~PAGE_CODE;
        this.codeBytes.fill(0, p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT);
      }
      this.gen[p]++;
    }
  }

  private invalidatePage(page: number): void {
    this.gen[page]++;
    this.invalidations++;
    const from = page << PAGE_SHIFT;
    this.codeBytes.fill(0, from, from + PAGE_SIZE);
    this.heat.fill(0, from, from + PAGE_SIZE);
    this.c.pageFlags[page] &= ~PAGE_CODE;
  }

  /**
   * Runs compiled blocks while cycles < end and nothing needs the interpreter; returns when
   * the interpreter must run (cold or uncompilable code, budget, TF, shadow, attention).
   */
  run(end: number): void {
    const c = this.c;
    const blocks = this.blocks;
    const sregs = c.sregs;
    const pf = c.pageFlags;
    const gen = this.gen;
    const mask = c.addrMask;
    while (c.cycles < end && !c.attention && (c.flags & FLAG_TF) === 0 && c.inhibit === 0) {
      const ip = c.ip;
      const lin = ((sregs[CS] << 4) + ip) & mask;
      const page = lin >>> PAGE_SHIFT;
      if (this.heat[lin] < this.hotThreshold) {
        // Cold here (compiled blocks keep a saturated count): count the entry, nothing to look up.
        this.heat[lin]++;
        return;
      }
      let b = blocks.get(lin);
      if (
        b !== undefined &&
        (b.ip !== ip || b.gen !== gen[page] ||
          (b.fn !== null && (pf[page] & (PAGE_CODE | PAGE_MMIO)) !== PAGE_CODE))
      ) {
        blocks.delete(lin);
        b = undefined;
      }
      if (b === undefined) {
        b = this.compile(lin, ip);
        blocks.set(lin, b);
      }
      if (b.fn === null) {
        // Nothing to run here: let the fast loop count another round before asking again.
        this.heat[lin] = 0;
        return;
      }
      if (c.cycles + b.budget >= end) return;
      if (b.fn(c, end) !== 0) return;
    }
  }

  /**
   * Decodes and compiles the region entered at linear address `lin` (= CS:ip): the block
   * there and, breadth first, the blocks its static exits lead to in the same page.
   */
  private compile(lin: number, ip: number): Block {
    const c = this.c;
    const page = lin >>> PAGE_SHIFT;
    const none: Block = { ip, page, gen: this.gen[page], budget: 0, fn: null };
    if ((c.pageFlags[page] & PAGE_MMIO) !== 0 || lin > c.addrMask - 16) return none;
    const csBase = c.sregs[CS] << 4;
    const src = new Source(c.is186, c.shiftCountMask, c.addrMask, page, this.gen[page], c.sregs[CS]);
    const bytes = c.bytes;
    const queue = [ip];
    const ranges: number[] = [];
    for (let q = 0; q < queue.length && src.total < MAX_REGION_INSTRUCTIONS; q++) {
      const start = queue[q];
      if (src.has(start)) continue;
      const from = (csBase + start) & c.addrMask;
      if (from >>> PAGE_SHIFT !== page || !startable(bytes, from, start)) continue;
      src.begin(start);
      let at = from;
      let cur = start;
      for (let i = 0; i < MAX_INSTRUCTIONS; i++) {
        const inPage = at & (PAGE_SIZE - 1);
        // All bytes of the instruction (at most 7 with one prefix) inside this page, no IP wrap.
        if (at >>> PAGE_SHIFT !== page || inPage > PAGE_SIZE - 8 || cur > 0xFFF0) break;
        let op = bytes[at];
        let pfx = 0;
        let ovr = -1;
        if (SEG_PREFIX[op] !== 0) {
          ovr = SEG_PREFIX[op] - 1;
          pfx = 1;
          op = bytes[at + 1];
        }
        if (pfx === 0 && REP_STRING[op] !== 0 && STRING_OP[bytes[at + 1]] !== 0) {
          src.repString(cur, op, bytes[at + 1]);
          at += 2;
          cur = (cur + 2) & 0xFFFF;
          continue;
        }
        if (EXCLUDE[op] !== 0) break;
        const m = bytes[at + pfx + 1];
        if (op === 0x8E && ((m >>> 3) & 3) !== ES && ((m >>> 3) & 3) !== DS) break; // MOV SS/CS
        const len = pfx + insnLength(c.is186, op, m);
        const ends = src.insn(cur, at + pfx, op, m, pfx, ovr, len, bytes);
        at += len;
        cur = (cur + len) & 0xFFFF;
        if (ends) break;
      }
      src.end(cur);
      ranges.push(from, at);
      for (const t of src.targets) queue.push(t);
      src.targets.length = 0;
    }
    if (src.total === 0) return none;
    for (let r = 0; r < ranges.length; r += 2) this.codeBytes.fill(1, ranges[r], ranges[r + 1]);
    c.pageFlags[page] |= PAGE_CODE;
    const fn = this.build(src.text());
    this.compiled++;
    return { ip, page, gen: this.gen[page], budget: src.entryBudget(), fn };
  }

  /** The block function for `text`, shared by every CPU (see FUNCTIONS). */
  private build(text: string): BlockFn {
    let fn = FUNCTIONS.get(text);
    if (fn === undefined) {
      if (functionChars + text.length > MAX_FUNCTION_CHARS) {
        FUNCTIONS.clear();
        functionChars = 0;
      }
      // See the module comment: the source holds only our templates and numbers.
      const factory = new Function("parity", "dlg", "sh8", "sh16", text) as BlockFactory;
      fn = factory(PARITY, delegate, shift8, shift16);
      FUNCTIONS.set(text, fn);
      functionChars += text.length;
    } else this.reused++;
    return fn;
  }
}

/** One exit of a block to a static target: patched in text() once the region is known. */
interface Exit {
  /** Index into `out` of the placeholder. */
  at: number;
  target: number;
  /** Instructions of the block executed when leaving through this exit. */
  done: number;
}

/**
 * Accumulates one region's JavaScript source: its blocks are the cases of a switch on `pc`
 * inside a loop, so going from one to another is a `continue`, not a return to the dispatcher.
 */
class Source {
  private readonly out: string[] = [];
  /** Instructions emitted in the current block. */
  count = 0;
  /** Instructions emitted in the region. */
  total = 0;
  /** Static cycles of the current block's instructions emitted so far. */
  private cycles = 0;
  /** Static cycles before the current block's last instruction. */
  private budget = 0;
  /** Index into `out` per delegated instruction of the "cycles still to come" placeholders. */
  private readonly restAt: number[] = [];
  private readonly restBase: number[] = [];
  private ended = false;
  /** Start IP → case index of the region's blocks. */
  private readonly index = new Map<number, number>();
  /** Entry budget per case index. */
  private readonly budgets: number[] = [];
  private readonly exits: Exit[] = [];
  /** Placeholders for a RET's dynamic target: index into `out` and instructions done. */
  private readonly returns: Exit[] = [];
  /** Static targets of the current block (the compiler may add them to the region). */
  readonly targets: number[] = [];
  /** Return addresses of the region's CALLs (where a RET may continue inside). */
  private readonly returnTo = new Set<number>();
  /** Index into `out` of the current block's budget check. */
  private checkAt = 0;

  constructor(
    private readonly is186: boolean,
    private readonly shiftMask: number,
    private readonly mask: number,
    private readonly page: number,
    private readonly gen: number,
    private readonly cs: number,
  ) {}

  private emit(s: string): void {
    this.out.push(s);
  }

  has(ip: number): boolean {
    return this.index.has(ip);
  }

  /** Budget of the entry block (the dispatcher checks it before calling the function). */
  entryBudget(): number {
    return this.budgets[0];
  }

  /** Starts the block at `ip`. */
  begin(ip: number): void {
    this.index.set(ip, this.budgets.length);
    this.budgets.push(0);
    this.emit(`case ${this.budgets.length - 1}: {`);
    this.checkAt = this.out.length;
    this.emit(String(ip));
    this.count = 0;
    this.cycles = 0;
    this.budget = 0;
    this.ended = false;
    this.stored = false;
  }

  /** Closes the current block (falling through to `next` if it did not end in a transfer). */
  end(next: number): void {
    if (!this.ended) this.exit(next);
    // Static cycles still to come before the last instruction, after each delegated one.
    for (let k = 0; k < this.restAt.length; k++) {
      const rest = Math.max(0, this.budget - this.restBase[k]);
      this.out[this.restAt[k]] = this.out[this.restAt[k]].replace("REST", String(rest));
    }
    this.restAt.length = 0;
    this.restBase.length = 0;
    this.budgets[this.budgets.length - 1] = this.budget;
    // Entered from another block of the region: the dispatcher's check (see run()).
    const ip = this.out[this.checkAt];
    this.out[this.checkAt] = `if (cy + ${this.budget} >= end) { xi = ${ip}; xn = 0; break out; }`;
    this.total += this.count;
    this.emit("}");
  }

  /** Leaves the block for `target` (cycles already added): a placeholder patched in text(). */
  private exit(target: number): void {
    this.exits.push({ at: this.out.length, target, done: this.count });
    this.emit("");
    this.targets.push(target);
    this.ended = true;
  }

  /** Continues at block `k` of the region (its budget check comes first there). */
  private goto(k: number, done: number): string {
    return `n0 += ${done}; pc = ${k}; continue;`;
  }

  /**
   * Leaves the function with IP `ip` (an expression), `done` instructions of the block executed:
   * the shared epilogue after the loop stores the state.
   */
  private leave(ip: number | string, done: number): string {
    return `{ xi = ${ip}; xn = ${done}; break out; }`;
  }

  /** Leave before the current instruction (the interpreter runs it). */
  private bail(ip: number): string {
    return `{ xi = ${ip}; xn = ${this.count}; xr = 1; break out; }`;
  }

  /** Offset expression of ModR/M `m` (bytes at `at` = ModR/M) and its default segment. */
  private ea(bytes: Uint8Array, at: number, m: number, ovr: number): { off: string; seg: number } {
    const mod = m >>> 6;
    const rm = m & 7;
    let disp = 0;
    if (mod === 1) disp = (bytes[at + 1] << 24) >> 24;
    else if (mod === 2) disp = bytes[at + 1] | (bytes[at + 2] << 8);
    let base: string;
    let seg = DS;
    switch (rm) {
      case 0:
        base = "regs[3] + regs[6]";
        break;
      case 1:
        base = "regs[3] + regs[7]";
        break;
      case 2:
        base = "regs[5] + regs[6]";
        seg = SS;
        break;
      case 3:
        base = "regs[5] + regs[7]";
        seg = SS;
        break;
      case 4:
        base = "regs[6]";
        break;
      case 5:
        base = "regs[7]";
        break;
      case 6:
        if (mod === 0) {
          return { off: String(bytes[at + 1] | (bytes[at + 2] << 8)), seg: ovr < 0 ? DS : ovr };
        }
        base = "regs[5]";
        seg = SS;
        break;
      default:
        base = "regs[3]";
    }
    const off = disp === 0 ? (rm >= 4 ? base : `(${base}) & 65535`) : `(${base} + ${disp}) & 65535`;
    return { off, seg: ovr < 0 ? seg : ovr };
  }

  /**
   * Sets `a` (and `b` for words) to the operand's linear address(es) and exits before the
   * instruction if a page needs the normal path (MMIO for reads; any flag but PAGE_CODE for stores).
   */
  private addr(word: boolean, seg: number, off: string, write: boolean, ip: number): void {
    const check = write ? 7 : PAGE_MMIO;
    if (word) {
      this.emit(
        `o = (${off}); s = sregs[${seg}] << 4; a = (s + o) & ${this.mask}; b = (s + ((o + 1) & 65535)) & ${this.mask};`,
      );
      this.emit(`if (((pf[a >>> 12] | pf[b >>> 12]) & ${check}) !== 0) ${this.bail(ip)}`);
    } else {
      this.emit(`a = ((sregs[${seg}] << 4) + (${off})) & ${this.mask};`);
      this.emit(`if ((pf[a >>> 12] & ${check}) !== 0) ${this.bail(ip)}`);
    }
  }

  private load(word: boolean): string {
    return word ? "(bytes[a] | (bytes[b] << 8))" : "bytes[a]";
  }

  /** Stores `v` at `a` (`b`); PAGE_CODE pages through the write path (self-modifying code hook). */
  private store(word: boolean, v: string): void {
    this.emit(`t = ${v};`);
    this.emit("if (pf[a >>> 12] === 0) bytes[a] = t; else mem.write8(a, t & 255);");
    if (word) this.emit("if (pf[b >>> 12] === 0) bytes[b] = t >>> 8; else mem.write8(b, (t >>> 8) & 255);");
    this.stored = true;
  }
  private stored = false;

  private push(v: string, ip: number): void {
    this.emit(`o = (regs[4] - 2) & 65535; s = sregs[2] << 4; a = (s + o) & ${this.mask};`);
    this.emit(`b = (s + ((o + 1) & 65535)) & ${this.mask};`);
    this.emit(`if (((pf[a >>> 12] | pf[b >>> 12]) & 7) !== 0) ${this.bail(ip)}`);
    this.emit(`t = ${v}; regs[4] = o;`);
    this.emit("if (pf[a >>> 12] === 0) bytes[a] = t; else mem.write8(a, t & 255);");
    this.emit("if (pf[b >>> 12] === 0) bytes[b] = t >>> 8; else mem.write8(b, (t >>> 8) & 255);");
    this.stored = true;
  }

  /** Pops into `v` (SP updated). */
  private pop(ip: number): void {
    this.emit(
      `o = regs[4]; s = sregs[2] << 4; a = (s + o) & ${this.mask}; b = (s + ((o + 1) & 65535)) & ${this.mask};`,
    );
    this.emit(`if (((pf[a >>> 12] | pf[b >>> 12]) & ${PAGE_MMIO}) !== 0) ${this.bail(ip)}`);
    this.emit("v = bytes[a] | (bytes[b] << 8); regs[4] = o + 2;");
  }

  /** SF ZF PF of `r` (masked) with sign bit `top`. */
  private szp(top: number): string {
    return `((r & ${top}) !== 0 ? ${FLAG_SF} : 0) | (r === 0 ? ${FLAG_ZF} : 0) | parity[r & 255]`;
  }

  /** r = x ALU y, FLAGS set (x, y already assigned). */
  private alu(alu: number, word: boolean): void {
    const top = word ? 0x8000 : 0x80;
    const m = word ? 0xFFFF : 0xFF;
    const keep = ~ARITH_FLAGS;
    if (alu === 1 || alu === 4 || alu === 6) {
      const o = alu === 1 ? "|" : alu === 4 ? "&" : "^";
      this.emit(`r = x ${o} y; fl = (fl & ${keep}) | ${this.szp(top)};`);
      return;
    }
    if (alu === 0 || alu === 2) {
      this.emit(`r = x + y${alu === 2 ? ` + (fl & ${FLAG_CF})` : ""};`);
      this.emit(`t = (((r ^ x) & (r ^ y) & ${top}) !== 0 ? ${FLAG_OF} : 0) |`);
    } else {
      this.emit(`r = x - y${alu === 3 ? ` - (fl & ${FLAG_CF})` : ""};`);
      this.emit(`t = (((x ^ y) & (x ^ r) & ${top}) !== 0 ? ${FLAG_OF} : 0) |`);
    }
    this.emit(`((r & ${top << 1}) !== 0 ? ${FLAG_CF} : 0) | ((x ^ y ^ r) & ${FLAG_AF}); r &= ${m};`);
    this.emit(`fl = (fl & ${keep}) | t | ${this.szp(top)};`);
  }

  /** Ends the instruction: its static cycles, then (after a store) the self-modification check. */
  private close(ip: number, next: number, cycles: number): void {
    this.emit(`cy += ${cycles};`);
    this.cycles += cycles;
    this.count++;
    if (this.stored) {
      this.emit(`if (gen[${this.page}] !== ${this.gen}) ${this.leave(next, this.count)}`);
      this.stored = false;
    }
    void ip;
  }

  /** Emits one instruction; true if the block ends after it. */
  insn(
    ip: number,
    at: number,
    op: number,
    m: number,
    pfx: number,
    ovr: number,
    len: number,
    bytes: Uint8Array,
  ): boolean {
    const next = (ip + len) & 0xFFFF;
    this.budget = this.cycles;
    const base = BASE_CYCLES[op] + (pfx << 1);
    const imm8 = (k: number) => bytes[at + k];
    const imm16 = (k: number) => bytes[at + k] | (bytes[at + k + 1] << 8);
    const simm8 = (k: number) => (bytes[at + k] << 24) >> 24;
    this.emit(`// ${ip.toString(16)}: ${op.toString(16)}`);
    // With a segment override, only what fast.ts inlines with one is templated.
    if (pfx !== 0 && OVR_INLINE[op] === 0) return this.delegated(ip, op, m, pfx, ovr, next);
    // ALU rows and group 1.
    if ((op < 0x40 && (op & 7) < 6) || (op >= 0x80 && op <= 0x83)) {
      const word = (op & 1) !== 0;
      const top8 = word ? "regs" : "regs8";
      if (op < 0x40 && (op & 4) !== 0) {
        this.emit(`x = ${word ? "regs[0]" : "regs8[0]"}; y = ${word ? imm16(1) : imm8(1)};`);
        this.alu(op >>> 3, word);
        if (op >>> 3 !== 7) this.emit(`${top8}[0] = r;`);
        this.close(ip, next, base);
        return false;
      }
      const mem = m < 0xC0;
      let immAt = 2 + DISP_LEN[m];
      const alu = op >= 0x80 ? (m >>> 3) & 7 : op >>> 3;
      const rmReg = word ? `regs[${m & 7}]` : `regs8[${RM8[m]}]`;
      const regReg = word ? `regs[${(m >>> 3) & 7}]` : `regs8[${REG8[m]}]`;
      const toMem = op >= 0x80 || (op & 2) === 0;
      if (mem) {
        const e = this.ea(bytes, at + 1, m, ovr);
        this.addr(word, e.seg, e.off, toMem && alu !== 7, ip);
      }
      const mv = mem ? this.load(word) : rmReg;
      if (op >= 0x80) {
        let b: number;
        if (op === 0x81) {
          b = imm16(immAt);
          immAt += 2;
        } else {
          b = op === 0x83 ? simm8(immAt) & 0xFFFF : imm8(immAt);
          immAt++;
        }
        this.emit(`x = ${mv}; y = ${b};`);
      } else if (toMem) this.emit(`x = ${mv}; y = ${regReg};`);
      else this.emit(`x = ${regReg}; y = ${mv};`);
      this.alu(alu, word);
      if (alu !== 7) {
        if (toMem && mem) this.store(word, "r");
        else this.emit(`${toMem ? rmReg : regReg} = r;`);
      }
      this.close(ip, next, base + (mem ? EA_CYCLES : 0));
      return false;
    }
    switch (op) {
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
      case 0x4F: {
        const dec = op >= 0x48;
        this.emit(`v = regs[${op & 7}]; r = (v ${dec ? "-" : "+"} 1) & 65535; regs[${op & 7}] = r;`);
        this.emit(
          `fl = (fl & ${~ARITH_FLAGS | FLAG_CF}) | ${this.szp(0x8000)} | ((v ^ r) & ${FLAG_AF}) | (r === ${
            dec ? 0x7FFF : 0x8000
          } ? ${FLAG_OF} : 0);`,
        );
        this.close(ip, next, base);
        return false;
      }
      case 0x50:
      case 0x51:
      case 0x52:
      case 0x53:
      case 0x55:
      case 0x56:
      case 0x57:
        this.push(`regs[${op & 7}]`, ip);
        this.close(ip, next, base);
        return false;
      case 0x06:
      case 0x0E:
      case 0x16:
      case 0x1E:
        this.push(`sregs[${op >>> 3}]`, ip);
        this.close(ip, next, base);
        return false;
      case 0x58:
      case 0x59:
      case 0x5A:
      case 0x5B:
      case 0x5C:
      case 0x5D:
      case 0x5E:
      case 0x5F:
        this.pop(ip);
        this.emit(`regs[${op & 7}] = v;`);
        this.close(ip, next, base);
        return false;
      case 0x07:
      case 0x1F:
        this.pop(ip);
        this.emit(`sregs[${op >>> 3}] = v;`);
        this.close(ip, next, base);
        return false;
      case 0x84:
      case 0x85:
        if (m < 0xC0) break;
        this.emit(
          op === 0x84
            ? `r = regs8[${RM8[m]}] & regs8[${REG8[m]}]; fl = (fl & ${~ARITH_FLAGS}) | ${this.szp(0x80)};`
            : `r = regs[${m & 7}] & regs[${(m >>> 3) & 7}]; fl = (fl & ${~ARITH_FLAGS}) | ${
              this.szp(0x8000)
            };`,
        );
        this.close(ip, next, base);
        return false;
      case 0x88:
      case 0x89:
      case 0x8A:
      case 0x8B: {
        const word = (op & 1) !== 0;
        const rmReg = word ? `regs[${m & 7}]` : `regs8[${RM8[m]}]`;
        const regReg = word ? `regs[${(m >>> 3) & 7}]` : `regs8[${REG8[m]}]`;
        if (m >= 0xC0) {
          this.emit(op < 0x8A ? `${rmReg} = ${regReg};` : `${regReg} = ${rmReg};`);
          this.close(ip, next, base);
          return false;
        }
        const e = this.ea(bytes, at + 1, m, ovr);
        this.addr(word, e.seg, e.off, op < 0x8A, ip);
        if (op < 0x8A) this.store(word, regReg);
        else this.emit(`${regReg} = ${this.load(word)};`);
        this.close(ip, next, base + EA_CYCLES);
        return false;
      }
      case 0x8C: {
        const v = `sregs[${(m >>> 3) & 3}]`;
        if (m >= 0xC0) {
          this.emit(`regs[${m & 7}] = ${v};`);
          this.close(ip, next, base);
          return false;
        }
        const e = this.ea(bytes, at + 1, m, ovr);
        this.addr(true, e.seg, e.off, true, ip);
        this.store(true, v);
        this.close(ip, next, base + EA_CYCLES);
        return false;
      }
      case 0x8E: { // ES or DS only (the caller ends the block before MOV SS/CS)
        const s = (m >>> 3) & 3;
        if (m >= 0xC0) {
          this.emit(`sregs[${s}] = regs[${m & 7}];`);
          this.close(ip, next, base);
          return false;
        }
        const e = this.ea(bytes, at + 1, m, ovr);
        this.addr(true, e.seg, e.off, false, ip);
        this.emit(`sregs[${s}] = ${this.load(true)};`);
        this.close(ip, next, base + EA_CYCLES);
        return false;
      }
      case 0x8D: {
        if (m >= 0xC0) break;
        const e = this.ea(bytes, at + 1, m, ovr);
        this.emit(`regs[${(m >>> 3) & 7}] = ${e.off};`);
        this.close(ip, next, base + EA_CYCLES);
        return false;
      }
      case 0x90:
        this.close(ip, next, base);
        return false;
      case 0x91:
      case 0x92:
      case 0x93:
      case 0x94:
      case 0x95:
      case 0x96:
      case 0x97:
        this.emit(`v = regs[${op & 7}]; regs[${op & 7}] = regs[0]; regs[0] = v;`);
        this.close(ip, next, base);
        return false;
      case 0x98:
        this.emit("regs[0] = (regs8[0] << 24) >> 24;");
        this.close(ip, next, base);
        return false;
      case 0x99:
        this.emit("regs[2] = (regs[0] & 32768) !== 0 ? 65535 : 0;");
        this.close(ip, next, base);
        return false;
      case 0xA0:
      case 0xA1:
      case 0xA2:
      case 0xA3: {
        const word = (op & 1) !== 0;
        this.addr(word, ovr < 0 ? DS : ovr, String(imm16(1)), op >= 0xA2, ip);
        if (op >= 0xA2) this.store(word, word ? "regs[0]" : "regs8[0]");
        else this.emit(`${word ? "regs" : "regs8"}[0] = ${this.load(word)};`);
        this.close(ip, next, base);
        return false;
      }
      case 0xA8:
        this.emit(`r = regs8[0] & ${imm8(1)}; fl = (fl & ${~ARITH_FLAGS}) | ${this.szp(0x80)};`);
        this.close(ip, next, base);
        return false;
      case 0xA9:
        this.emit(`r = regs[0] & ${imm16(1)}; fl = (fl & ${~ARITH_FLAGS}) | ${this.szp(0x8000)};`);
        this.close(ip, next, base);
        return false;
      case 0xAA:
      case 0xAB: {
        const word = op === 0xAB;
        this.addr(word, ES, "regs[7]", true, ip);
        this.store(word, word ? "regs[0]" : "regs8[0]");
        this.emit(`regs[7] += (fl & ${FLAG_DF}) !== 0 ? ${word ? -2 : -1} : ${word ? 2 : 1};`);
        this.close(ip, next, base);
        return false;
      }
      case 0xAC:
      case 0xAD: {
        const word = op === 0xAD;
        this.addr(word, ovr < 0 ? DS : ovr, "regs[6]", false, ip);
        this.emit(`${word ? "regs" : "regs8"}[0] = ${this.load(word)};`);
        this.emit(`regs[6] += (fl & ${FLAG_DF}) !== 0 ? ${word ? -2 : -1} : ${word ? 2 : 1};`);
        this.close(ip, next, base);
        return false;
      }
      case 0xB0:
      case 0xB1:
      case 0xB2:
      case 0xB3:
      case 0xB4:
      case 0xB5:
      case 0xB6:
      case 0xB7:
        this.emit(`regs8[${RM8[op]}] = ${imm8(1)};`);
        this.close(ip, next, base);
        return false;
      case 0xB8:
      case 0xB9:
      case 0xBA:
      case 0xBB:
      case 0xBC:
      case 0xBD:
      case 0xBE:
      case 0xBF:
        this.emit(`regs[${op & 7}] = ${imm16(1)};`);
        this.close(ip, next, base);
        return false;
      case 0xC6:
      case 0xC7: {
        const word = op === 0xC7;
        if (m >= 0xC0) {
          this.emit(word ? `regs[${m & 7}] = ${imm16(2)};` : `regs8[${RM8[m]}] = ${imm8(2)};`);
          this.close(ip, next, base);
          return false;
        }
        const e = this.ea(bytes, at + 1, m, ovr);
        const k = 2 + DISP_LEN[m];
        this.addr(word, e.seg, e.off, true, ip);
        this.store(word, String(word ? imm16(k) : imm8(k)));
        this.close(ip, next, base + EA_CYCLES);
        return false;
      }
      case 0xC0:
      case 0xC1:
      case 0xD0:
      case 0xD1: {
        if (m < 0xC0 || (op < 0xD0 && !this.is186)) break;
        const count = op < 0xD0 ? imm8(2) & this.shiftMask : 1;
        const sop = (m >>> 3) & 7;
        const word = (op & 1) !== 0;
        const reg = word ? `regs[${m & 7}]` : `regs8[${RM8[m]}]`;
        this.emit(`v = ${reg};`);
        if (count !== 1) {
          this.emit(`c.flags = fl; r = ${word ? "sh16" : "sh8"}(c, ${sop}, v, ${count}); fl = c.flags;`);
        } else this.shift1(sop, word);
        this.emit(`${reg} = r;`);
        this.close(ip, next, base + count * SHIFT_BIT_CYCLES);
        return false;
      }
      case 0xF8:
        this.emit(`fl &= ${~FLAG_CF};`);
        this.close(ip, next, base);
        return false;
      case 0xF9:
        this.emit(`fl |= ${FLAG_CF};`);
        this.close(ip, next, base);
        return false;
      case 0xFC:
        this.emit(`fl &= ${~FLAG_DF};`);
        this.close(ip, next, base);
        return false;
      case 0xFD:
        this.emit(`fl |= ${FLAG_DF};`);
        this.close(ip, next, base);
        return false;
      case 0xFE: {
        if (m < 0xC0 || (m & 0x30) !== 0) break;
        const dec = (m & 8) !== 0;
        this.emit(`v = regs8[${RM8[m]}]; r = (v ${dec ? "-" : "+"} 1) & 255; regs8[${RM8[m]}] = r;`);
        this.emit(
          `fl = (fl & ${~ARITH_FLAGS | FLAG_CF}) | ${this.szp(0x80)} | ((v ^ r) & ${FLAG_AF}) | (r === ${
            dec ? 0x7F : 0x80
          } ? ${FLAG_OF} : 0);`,
        );
        this.close(ip, next, base);
        return false;
      }
      // Control transfers: the block ends here.
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
      case 0x7F:
        this.branch(jccCondition(op & 15), (next + simm8(1)) & 0xFFFF, next, base);
        return true;
      case 0xE0:
      case 0xE1:
      case 0xE2: {
        this.emit("t = (regs[1] - 1) & 65535; regs[1] = t;");
        const cond = op === 0xE2 ? "" : ` && (fl & ${FLAG_ZF}) ${op === 0xE1 ? "!==" : "==="} 0`;
        this.branch(`t !== 0${cond}`, (next + simm8(1)) & 0xFFFF, next, base);
        return true;
      }
      case 0xE3:
        this.branch("regs[1] === 0", (next + simm8(1)) & 0xFFFF, next, base);
        return true;
      case 0xE8:
        this.push(String(next), ip);
        this.jump((next + imm16(1)) & 0xFFFF, base);
        // Where the callee's RET comes back to: in the region too, that RET stays inside.
        this.targets.push(next);
        this.returnTo.add(next);
        return true;
      case 0xE9:
        this.jump((next + imm16(1)) & 0xFFFF, base);
        return true;
      case 0xEB:
        this.jump((next + simm8(1)) & 0xFFFF, base + BRANCH_TAKEN_CYCLES);
        return true;
      case 0xC3:
        if (pfx !== 0) break;
        this.pop(ip);
        this.count++;
        this.emit(`cy += ${base};`);
        this.returns.push({ at: this.out.length, target: -1, done: this.count });
        this.emit("");
        this.emit(this.leave("v", this.count));
        this.ended = true;
        return true;
    }
    return this.delegated(ip, op, m, pfx, ovr, next);
  }

  /** Anything else: the general handler, then leave if it did something a block cannot follow. */
  private delegated(
    ip: number,
    op: number,
    m: number,
    pfx: number,
    ovr: number,
    next: number,
    rep = 0,
  ): boolean {
    const i = this.count;
    this.count++;
    this.emit(`c.flags = fl; c.cycles = cy; c.instructions = n0 + ${i};`);
    if (rep === 0) this.emit(`dlg(c, ${op}, ${ip}, ${pfx}, ${ovr}); fl = c.flags; cy = c.cycles;`);
    else this.emit(`c.rep = ${rep}; dlg(c, ${op}, ${ip}, 1, -1); c.rep = 0; fl = c.flags; cy = c.cycles;`);
    const idx = this.out.length;
    this.emit("");
    this.restAt.push(idx);
    this.restBase.push(this.cycles + BASE_CYCLES[op] + (pfx << 1));
    this.cycles += BASE_CYCLES[op] + (pfx << 1);
    const last = END_AFTER[op] !== 0 || (op === 0xFF && ((m >>> 3) & 7) >= 2 && ((m >>> 3) & 7) <= 5);
    if (last) {
      this.out[idx] = "return 0;";
      this.restAt.pop();
      this.restBase.pop();
      this.ended = true;
      return true;
    }
    this.out[idx] =
      `if (c.ip !== ${next} || sregs[1] !== ${this.cs} || c.attention || (fl & ${FLAG_TF}) !== 0 || ` +
      `gen[${this.page}] !== ${this.gen} || cy + REST >= end) return 0;`;
    return false;
  }

  /**
   * REP/REPNE (`prefix`, no segment override) with string instruction `op`: the general
   * handler runs it as the interpreter would (the delegated prefix byte sets `lastPrefix`);
   * when it yields (interrupt, budget) IP stays on it and the block leaves.
   */
  repString(ip: number, prefix: number, op: number): void {
    this.budget = this.cycles;
    this.emit(`// ${ip.toString(16)}: ${prefix.toString(16)} ${op.toString(16)}`);
    this.delegated(ip, op, 0, 1, -1, (ip + 2) & 0xFFFF, prefix === 0xF3 ? REPE : REPNE);
  }

  /** Conditional end: two exits. */
  private branch(cond: string, target: number, next: number, base: number): void {
    this.count++;
    this.emit(`if (${cond}) { cy += ${base + BRANCH_TAKEN_CYCLES};`);
    this.exit(target);
    this.emit(`}\ncy += ${base};`);
    this.exit(next);
  }

  private jump(target: number, cycles: number): void {
    this.count++;
    this.emit(`cy += ${cycles};`);
    this.exit(target);
  }

  /** Shift/rotate by one of `v` into `r`, as fast.ts. */
  private shift1(sop: number, word: boolean): void {
    const top = word ? 0x8000 : 0x80;
    const mask = word ? 0xFFFF : 0xFF;
    const keepCO = ~(FLAG_CF | FLAG_OF);
    this.emit(`t = (v & ${top}) !== 0 ? 1 : 0;`); // hiIn
    switch (sop) {
      case 0:
        this.emit(`r = ((v << 1) | t) & ${mask};`);
        this.emit(`fl = (fl & ${keepCO}) | t | ((((r & ${top}) !== 0 ? 1 : 0) ^ t) !== 0 ? ${FLAG_OF} : 0);`);
        break;
      case 1:
        this.emit(`r = (v >>> 1) | ((v & 1) !== 0 ? ${top} : 0);`);
        this.emit(`fl = (fl & ${keepCO}) | (v & 1) | (((r ^ (r << 1)) & ${top}) !== 0 ? ${FLAG_OF} : 0);`);
        break;
      case 2:
        this.emit(`r = ((v << 1) | (fl & ${FLAG_CF})) & ${mask};`);
        this.emit(`fl = (fl & ${keepCO}) | t | ((((r & ${top}) !== 0 ? 1 : 0) ^ t) !== 0 ? ${FLAG_OF} : 0);`);
        break;
      case 3:
        this.emit(`r = (v >>> 1) | ((fl & ${FLAG_CF}) !== 0 ? ${top} : 0);`);
        this.emit(`fl = (fl & ${keepCO}) | (v & 1) | (((r ^ (r << 1)) & ${top}) !== 0 ? ${FLAG_OF} : 0);`);
        break;
      case 5:
        this.emit(`r = v >>> 1; fl = (fl & ${~ARITH_FLAGS}) | (v & 1) | (t !== 0 ? ${FLAG_OF} : 0);`);
        break;
      case 7:
        this.emit(`r = (v >>> 1) | (v & ${top}); fl = (fl & ${~ARITH_FLAGS}) | (v & 1);`);
        break;
      default:
        if (sop === 6 && !this.is186) this.emit(`r = ${mask}; fl = fl & ${~ARITH_FLAGS};`);
        else {
          this.emit(
            `r = (v << 1) & ${mask}; fl = (fl & ${~ARITH_FLAGS}) | t | ((((r & ${top}) !== 0 ? 1 : 0) ^ t) !== 0 ? ${FLAG_OF} : 0);`,
          );
        }
    }
    if (sop >= 4) this.emit(`fl |= ${this.szp(top)};`);
  }

  text(): string {
    for (const e of this.exits) {
      const k = this.index.get(e.target);
      this.out[e.at] = k === undefined ? this.leave(e.target, e.done) : this.goto(k, e.done);
    }
    // A RET to a return address of the region's CALLs that starts one of its blocks stays inside.
    for (const e of this.returns) {
      const cases: string[] = [];
      for (const ip of this.returnTo) {
        const k = this.index.get(ip);
        if (k !== undefined) cases.push(`case ${ip}: ${this.goto(k, e.done)}`);
      }
      this.out[e.at] = cases.length === 0 ? "" : `switch (v) { ${cases.join(" ")} }`;
    }
    return "return function (c, end) {\n" +
      "const regs = c.regs, regs8 = c.regs8, sregs = c.sregs, bytes = c.bytes, pf = c.pageFlags;\n" +
      "const mem = c.memory, gen = c.blocks.gen;\n" +
      "let cy = c.cycles, fl = c.flags, o = 0, s = 0, a = 0, b = 0, v = 0, r = 0, t = 0, x = 0, y = 0;\n" +
      "let n0 = c.instructions, pc = 0, xi = 0, xn = 0, xr = 0;\nout: for (;;) {\nswitch (pc) {\n" +
      this.out.join("\n") +
      "\n}\n}\nc.ip = xi; c.cycles = cy; c.instructions = n0 + xn; c.flags = fl;\nreturn xr;\n};";
  }
}
