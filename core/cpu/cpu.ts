/**
 * The CPU: state, the step/run loop, prefix handling and dispatch through a per-model
 * opcode table (optable.ts → ops.ts). Instruction families live beside this file (alu,
 * shift, muldiv, bcd, string, jump, stack, interrupt, groups); decode.ts holds ModR/M
 * decoding and bus.ts memory access.
 *
 * The hot path allocates nothing: decode results go into preallocated fields, and each
 * opcode handler is a small function V8 optimizes on its own, inlining its helpers.
 *
 * @example
 * ```ts
 * const cpu = new Cpu(new PagedMemory(1 << 20), new IoBus(), { model: "80186" });
 * cpu.reset();
 * cpu.run(100_000);
 * ```
 */
import type { InterruptController, InterruptPin } from "../devices/interrupts.ts";
import type { IoBus } from "../io/io_bus.ts";
import type { PagedMemory } from "../memory/paged_memory.ts";
import type { Stateful, StateValue } from "../state.ts";
import { fetch8 } from "./bus.ts";
import { BlockCache } from "./block.ts";
import { fastRun, INHIBIT_ALL, INHIBIT_INTR } from "./fast.ts";
import { BASE_CYCLES, BIOS_TRAP_CYCLES, HLT_IDLE_CYCLES } from "./cycles.ts";
import { DEFINED_FLAGS, FLAG_IF, FLAG_TF } from "./flags.ts";
import { enterInterrupt } from "./interrupt.ts";
import { modelTraits } from "./models.ts";
import type { OpHandler } from "./ops.ts";
import { buildOpTable } from "./optable.ts";
import { type CpuModel, CS, DS, ES, SS } from "./registers.ts";
import { REPE, REPNE } from "./string.ts";

/** Options for {@link Cpu}. */
export interface CpuOptions {
  /** Which chip to emulate; default "80186". */
  model?: CpuModel;
  /**
   * Compile hot loops into JavaScript (block.ts) for run(); default
   * {@link Cpu.compileBlocksDefault} (on). step() always interprets.
   */
  compileBlocks?: boolean;
}

/** 1 for prefix bytes: segment overrides, LOCK (F0 and its alias F1), REPNE, REP. */
const PREFIX = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (const p of [0x26, 0x2E, 0x36, 0x3E, 0xF0, 0xF1, 0xF2, 0xF3]) t[p] = 1;
  return t;
})();

/** An Intel 8086 or 80186 interpreter. */
export class Cpu implements Stateful, InterruptPin {
  /**
   * What {@link CpuOptions.compileBlocks} means when a caller leaves it out (machines built
   * elsewhere, e.g. in tests and benchmarks comparing both ways). On: only loops that have gone
   * round ~65,000 times are compiled (blockSettings), so a FreeDOS boot stays interpreted and
   * long-running code gets faster.
   */
  static compileBlocksDefault = true;
  readonly model: CpuModel;
  /** General registers in Intel order AX CX DX BX SP BP SI DI. */
  readonly regs: Uint16Array = new Uint16Array(8);
  /** Byte view over `regs` (AL = 0, AH = 1, CL = 2, ...). */
  readonly regs8: Uint8Array = new Uint8Array(this.regs.buffer);
  /** Segment registers ES CS SS DS. */
  readonly sregs: Uint16Array = new Uint16Array(4);
  ip = 0;
  /** The defined FLAGS bits (use {@link getFlags} for the word the chip would push). */
  flags = 0;
  /** Approximate clock cycles since construction. */
  cycles = 0;
  /** Instructions executed. */
  instructions = 0;
  private haltedState = false;
  interruptController: InterruptController | null = null;
  /** High-level BIOS hook for `F1 xx` executed at linear addresses >= F0000. */
  biosTrap: ((code: number) => void) | null = null;

  // Wiring, fixed at construction (read by the helper modules).
  readonly memory: PagedMemory;
  readonly io: IoBus;
  readonly bytes: Uint8Array;
  readonly pageFlags: Uint8Array;
  readonly addrMask: number;
  readonly is186: boolean;
  readonly shiftCountMask: number;
  private readonly divideErrorAtFault: boolean;
  private readonly flagsFixedOnes: number;
  private readonly repResumesAllPrefixes: boolean;
  /** The model's opcode handlers (fast.ts runs the ones it does not inline through them). */
  readonly ops: OpHandler[];
  /** Compiled blocks, or null when compileBlocks is off. */
  readonly blocks: BlockCache | null;

  // Decode scratch of the current instruction (preallocated; read by the helper modules).
  mod = 0;
  reg = 0;
  rm = 0;
  eaSeg = 0;
  eaOff = 0;
  /** Segment register index of a segment-override prefix, or -1. */
  segOverride = -1;
  /** 0, REPNE (F2) or REPE (F3). */
  rep = 0;
  /** IP of the current instruction's first prefix (or opcode). */
  opStart = 0;
  /** IP of the prefix immediately before the opcode, or -1. */
  lastPrefix = -1;

  // Interrupt state. The non-private fields are shared with fast.ts (the fast loop reads
  // and updates them in place of the general path); they are not meant for other callers.
  private intrLine = false;
  private nmiPending = false;
  /**
   * halted || nmiPending || intrLine || stopRequested: one field for the run loops to test
   * per instruction.
   */
  attention = false;
  /** Interrupt shadow left by the previous instruction (INHIBIT_* bits). */
  inhibit = 0;
  /** TF as it was when the current instruction began (it traps after the instruction). */
  trapAfter = 0;
  /** End of the current run() slice (Infinity outside run): REP instructions yield there. */
  runEnd = Infinity;
  /** Set by requestStop; run() clears it when it starts. */
  stopRequested = false;

  constructor(memory: PagedMemory, io: IoBus, options: CpuOptions = {}) {
    this.model = options.model ?? "80186";
    const traits = modelTraits(this.model);
    this.is186 = traits.is186;
    this.shiftCountMask = traits.shiftCountMask;
    this.divideErrorAtFault = traits.divideErrorAtFault;
    this.flagsFixedOnes = traits.flagsFixedOnes;
    this.repResumesAllPrefixes = traits.repResumesAllPrefixes;
    this.ops = buildOpTable(traits);
    this.memory = memory;
    this.io = io;
    this.bytes = memory.bytes;
    this.pageFlags = memory.pageFlags;
    this.addrMask = memory.mask & 0xFFFFF;
    this.blocks = (options.compileBlocks ?? Cpu.compileBlocksDefault) ? new BlockCache(this) : null;
    this.reset();
  }

  /** The FLAGS word as the chip pushes it (bit 1 reads as 1; bits 12–15 too on the 8086). */
  getFlags(): number {
    return (this.flags & DEFINED_FLAGS) | this.flagsFixedOnes;
  }

  /** Loads FLAGS (undefined bits are ignored). */
  setFlags(value: number): void {
    this.flags = value & DEFINED_FLAGS;
  }

  /** Power-on state: CS:IP = F000:FFF0, other registers and FLAGS zero, no pending interrupts. */
  reset(): void {
    this.regs.fill(0);
    this.sregs.fill(0);
    this.sregs[CS] = 0xF000;
    this.ip = 0xFFF0;
    this.flags = 0;
    this.nmiPending = false;
    this.halted = false;
    this.inhibit = 0;
  }

  /** Drives the INTR pin (level-sensitive). */
  setIntr(asserted: boolean): void {
    this.intrLine = asserted;
    this.updateAttention();
  }

  /** An NMI edge: INT 2 before the next instruction. */
  nmi(): void {
    this.nmiPending = true;
    this.attention = true;
  }

  /** In HLT, waiting for an interrupt. */
  get halted(): boolean {
    return this.haltedState;
  }

  set halted(halted: boolean) {
    this.haltedState = halted;
    this.updateAttention();
  }

  private updateAttention(): void {
    this.attention = this.halted || this.nmiPending || this.intrLine || this.stopRequested;
  }

  /** Makes the current {@link run} return after the current instruction. */
  requestStop(): void {
    this.stopRequested = true;
    this.attention = true;
  }

  /** Enters an interrupt as INT n does (push FLAGS, CS, IP; clear IF and TF). */
  interrupt(vector: number): void {
    this.halted = false;
    enterInterrupt(this, vector);
  }

  /** One instruction with its prefixes, or one accepted interrupt, or one idle HLT period. */
  step(): void {
    this.runEnd = Infinity;
    if (this.acceptInterrupt()) return;
    if (this.halted) {
      this.cycles += HLT_IDLE_CYCLES;
      return;
    }
    this.execute();
  }

  /** Runs until `cycles` has advanced by `cycleBudget` (or {@link requestStop}). */
  run(cycleBudget: number): void {
    const end = this.cycles + cycleBudget;
    this.runEnd = end;
    this.stopRequested = false;
    this.updateAttention();
    while (this.cycles < end && !this.stopRequested) {
      if (this.attention) {
        if (this.acceptInterrupt()) continue;
        if (this.halted) {
          this.cycles = end;
          break;
        }
      }
      if (this.blocks !== null) {
        // Compiled blocks first; they return for cold code, the budget's end, TF, a shadow
        // or attention, and the fast loop then runs up to the next hot place a block may start.
        const before = this.instructions;
        this.blocks.run(end);
        if (this.cycles >= end) continue;
        // A block's I/O or REP instruction raised an interrupt: take it before anything else runs.
        if (this.attention && this.instructions !== before) continue;
        if (fastRun(this, end, this.blocks.heat, this.blocks.hotThreshold) === 0) this.execute();
        continue;
      }
      // Straight-line stretches run in the fast path's own loop; it stops before anything
      // it does not handle, which the general path then executes.
      if (fastRun(this, end) === 0) this.execute();
    }
    this.runEnd = Infinity;
  }

  /** Takes a pending NMI or INTR if the shadow and IF allow; true if one was taken. */
  private acceptInterrupt(): boolean {
    if (this.nmiPending && (this.inhibit & INHIBIT_ALL) !== INHIBIT_ALL) {
      this.nmiPending = false;
      this.updateAttention();
      this.inhibit = 0;
      this.interrupt(2);
      return true;
    }
    if (
      this.intrLine && (this.flags & FLAG_IF) !== 0 && this.inhibit === 0 && this.interruptController !== null
    ) {
      const vector = this.interruptController.acknowledge();
      this.interrupt(vector);
      return true;
    }
    return false;
  }

  /**
   * Called between iterations of a repeated string instruction: true (with IP rewound
   * so the instruction resumes) when an interrupt, a trap or the end of the slice needs
   * the CPU first.
   */
  repMustYield(): boolean {
    const interrupting = this.nmiPending || (this.intrLine && (this.flags & FLAG_IF) !== 0) ||
      this.trapAfter !== 0;
    if (interrupting) {
      this.ip = this.repResumesAllPrefixes || this.lastPrefix < 0 ? this.opStart : this.lastPrefix;
      return true;
    }
    if (this.cycles >= this.runEnd || this.stopRequested) {
      this.ip = this.opStart;
      return true;
    }
    return false;
  }

  /** MOV SS / POP SS: nothing interrupts before the next instruction completes. */
  shadowAll(): void {
    this.inhibit = INHIBIT_ALL;
  }

  /** STI: INTR is not accepted before the next instruction completes. */
  shadowIntr(): void {
    this.inhibit = INHIBIT_INTR;
  }

  /** Divide error (INT 0) with the model's return address; returns false for the caller's convenience. */
  divideError(): boolean {
    if (this.divideErrorAtFault) this.ip = this.opStart;
    this.interrupt(0);
    return false;
  }

  /** Undefined opcode on the 80186: INT 6 returning to the faulting instruction. */
  invalidOpcode(): void {
    this.ip = this.opStart;
    this.interrupt(6);
  }

  /** Executes one instruction including its prefixes, then a single-step trap if TF was set. */
  private execute(): void {
    if (fastRun(this, this.cycles + 1) !== 0) return;
    this.trapAfter = this.flags & FLAG_TF;
    this.inhibit = 0;
    this.opStart = this.ip;
    const op = fetch8(this);
    if (PREFIX[op] === 0) {
      this.instructions++;
      this.cycles += BASE_CYCLES[op];
      this.ops[op](this, op);
    } else {
      const real = this.readPrefixes(op);
      if (real < 0) return;
      this.instructions++;
      this.cycles += BASE_CYCLES[real];
      this.ops[real](this, real);
      // Prefix state is reset here rather than before every instruction (most have none).
      this.segOverride = -1;
      this.rep = 0;
      this.lastPrefix = -1;
    }
    if (this.trapAfter !== 0 && (this.inhibit & INHIBIT_ALL) !== INHIBIT_ALL) this.interrupt(1);
  }

  /** Consumes prefix bytes starting with `op`; returns the opcode, or -1 after a BIOS trap. */
  private readPrefixes(op: number): number {
    while (PREFIX[op] !== 0) {
      switch (op) {
        case 0x26:
          this.segOverride = ES;
          break;
        case 0x2E:
          this.segOverride = CS;
          break;
        case 0x36:
          this.segOverride = SS;
          break;
        case 0x3E:
          this.segOverride = DS;
          break;
        case 0xF2:
          this.rep = REPNE;
          break;
        case 0xF3:
          this.rep = REPE;
          break;
        case 0xF1:
          if (this.biosTrap !== null && ((this.sregs[CS] << 4) + this.ip - 1 & this.addrMask) >= 0xF0000) {
            this.segOverride = -1;
            this.rep = 0;
            this.lastPrefix = -1;
            this.biosTrapCall();
            return -1;
          }
          break;
      }
      this.lastPrefix = (this.ip - 1) & 0xFFFF;
      this.cycles += 2;
      op = fetch8(this);
    }
    return op;
  }

  private biosTrapCall(): void {
    const code = fetch8(this);
    this.instructions++;
    this.cycles += BIOS_TRAP_CYCLES;
    this.biosTrap!(code);
  }

  /** A deep copy of the CPU state. */
  saveState(): StateValue {
    return {
      model: this.model,
      regs: this.regs.slice(),
      sregs: this.sregs.slice(),
      ip: this.ip,
      flags: this.flags,
      cycles: this.cycles,
      instructions: this.instructions,
      halted: this.halted,
      intrLine: this.intrLine,
      nmiPending: this.nmiPending,
      inhibit: this.inhibit,
    };
  }

  /** Restores a state from {@link saveState}; throws if it is malformed or for another model. */
  loadState(state: StateValue): void {
    if (state === null || typeof state !== "object" || Array.isArray(state) || ArrayBuffer.isView(state)) {
      throw new TypeError("CPU state must be a record");
    }
    const s = state as { [key: string]: StateValue };
    if (s.model !== this.model) {
      throw new TypeError(`CPU state is for model ${s.model}, this CPU is ${this.model}`);
    }
    const regs = s.regs;
    const sregs = s.sregs;
    if (!(regs instanceof Uint16Array) || regs.length !== 8) {
      throw new TypeError("CPU state: regs must be Uint16Array(8)");
    }
    if (!(sregs instanceof Uint16Array) || sregs.length !== 4) {
      throw new TypeError("CPU state: sregs must be Uint16Array(4)");
    }
    const num = (k: string): number => {
      const v = s[k];
      if (typeof v !== "number") throw new TypeError(`CPU state: ${k} must be a number`);
      return v;
    };
    const bool = (k: string): boolean => {
      const v = s[k];
      if (typeof v !== "boolean") throw new TypeError(`CPU state: ${k} must be a boolean`);
      return v;
    };
    // Memory is restored alongside, possibly behind the write path: forget compiled code.
    this.blocks?.flush();
    this.regs.set(regs);
    this.sregs.set(sregs);
    this.ip = num("ip") & 0xFFFF;
    this.flags = num("flags") & DEFINED_FLAGS;
    this.cycles = num("cycles");
    this.instructions = num("instructions");
    this.intrLine = bool("intrLine");
    this.nmiPending = bool("nmiPending");
    this.halted = bool("halted");
    this.inhibit = num("inhibit");
  }
}

export type { CpuModel };
