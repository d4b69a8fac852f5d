/**
 * The CPU: state, the step/run loop, prefix handling and the opcode dispatch.
 * Instruction families live beside this file (alu, shift, muldiv, bcd, string, jump,
 * stack, interrupt, groups); decode.ts holds ModR/M decoding and bus.ts memory access.
 *
 * The hot path allocates nothing: decode results go into preallocated fields, and
 * helpers are plain functions V8 can inline into the dispatch.
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
import { alu16, alu8, dec16, inc16, logic16, logic8 } from "./alu.ts";
import { aaa, aad, aam, aas, daa, das } from "./bcd.ts";
import { fetch16, fetch8, pop16, push16, read16, read8, write16, write8 } from "./bus.ts";
import { BASE_CYCLES, BIOS_TRAP_CYCLES, HLT_IDLE_CYCLES, MUL_CYCLES } from "./cycles.ts";
import { decodeModrm, getRm16, getRm8, getRmHigh16, r8, setRm16, setRm8 } from "./decode.ts";
import { DEFINED_FLAGS, FLAG_CF, FLAG_DF, FLAG_IF, FLAG_TF } from "./flags.ts";
import { group1, group2, group3, group4, group5, popRm } from "./groups.ts";
import { enterInterrupt, iret } from "./interrupt.ts";
import { callFar, callNear, condition, jumpShort, loopOp, retFar, retNear } from "./jump.ts";
import { modelTraits } from "./models.ts";
import { imul3 } from "./muldiv.ts";
import { AX, BX, type CpuModel, CS, DS, DX, ES, SP, SS } from "./registers.ts";
import { enter, leave, popa, pusha } from "./stack.ts";
import { REPE, REPNE, stringOp } from "./string.ts";

/** Options for {@link Cpu}. */
export interface CpuOptions {
  /** Which chip to emulate; default "80186". */
  model?: CpuModel;
}

/** `inhibit` bit: INTR is not accepted before the next instruction (after STI). */
const INHIBIT_INTR = 1;
/** `inhibit` bit: nothing (INTR, NMI, single-step) before the next instruction (after MOV/POP SS). */
const INHIBIT_ALL = 3;

/** 1 for prefix bytes: segment overrides, LOCK (F0 and its alias F1), REPNE, REP. */
const PREFIX = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (const p of [0x26, 0x2E, 0x36, 0x3E, 0xF0, 0xF1, 0xF2, 0xF3]) t[p] = 1;
  return t;
})();

/** An Intel 8086 or 80186 interpreter. */
export class Cpu implements Stateful, InterruptPin {
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
  /** In HLT, waiting for an interrupt. */
  halted = false;
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

  // Interrupt state.
  private intrLine = false;
  private nmiPending = false;
  /** Interrupt shadow left by the previous instruction (INHIBIT_* bits). */
  private inhibit = 0;
  /** TF as it was when the current instruction began (it traps after the instruction). */
  private trapAfter = 0;
  private runEnd = Infinity;
  private stopRequested = false;

  constructor(memory: PagedMemory, io: IoBus, options: CpuOptions = {}) {
    this.model = options.model ?? "80186";
    const traits = modelTraits(this.model);
    this.is186 = traits.is186;
    this.shiftCountMask = traits.shiftCountMask;
    this.divideErrorAtFault = traits.divideErrorAtFault;
    this.flagsFixedOnes = traits.flagsFixedOnes;
    this.repResumesAllPrefixes = traits.repResumesAllPrefixes;
    this.memory = memory;
    this.io = io;
    this.bytes = memory.bytes;
    this.pageFlags = memory.pageFlags;
    this.addrMask = memory.mask & 0xFFFFF;
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
    this.halted = false;
    this.nmiPending = false;
    this.inhibit = 0;
  }

  /** Drives the INTR pin (level-sensitive). */
  setIntr(asserted: boolean): void {
    this.intrLine = asserted;
  }

  /** An NMI edge: INT 2 before the next instruction. */
  nmi(): void {
    this.nmiPending = true;
  }

  /** Makes the current {@link run} return after the current instruction. */
  requestStop(): void {
    this.stopRequested = true;
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
    while (this.cycles < end && !this.stopRequested) {
      if (this.halted || this.nmiPending || this.intrLine) {
        if (this.acceptInterrupt()) continue;
        if (this.halted) {
          this.cycles = end;
          break;
        }
      }
      this.execute();
    }
    this.runEnd = Infinity;
  }

  /** Takes a pending NMI or INTR if the shadow and IF allow; true if one was taken. */
  private acceptInterrupt(): boolean {
    if (this.nmiPending && (this.inhibit & INHIBIT_ALL) !== INHIBIT_ALL) {
      this.nmiPending = false;
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
    this.trapAfter = this.flags & FLAG_TF;
    this.inhibit = 0;
    this.opStart = this.ip;
    this.segOverride = -1;
    this.rep = 0;
    this.lastPrefix = -1;
    let op = fetch8(this);
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
            this.biosTrapCall();
            return;
          }
          break;
      }
      this.lastPrefix = (this.ip - 1) & 0xFFFF;
      this.cycles += 2;
      op = fetch8(this);
    }
    this.instructions++;
    this.cycles += BASE_CYCLES[op];
    this.dispatch(op);
    if (this.trapAfter !== 0 && (this.inhibit & INHIBIT_ALL) !== INHIBIT_ALL) this.interrupt(1);
  }

  private biosTrapCall(): void {
    const code = fetch8(this);
    this.instructions++;
    this.cycles += BIOS_TRAP_CYCLES;
    this.biosTrap!(code);
  }

  /** The opcode switch. */
  private dispatch(op: number): void {
    const regs = this.regs;
    const regs8 = this.regs8;
    switch (op) {
      // ALU r/m,reg / reg,r/m / acc,imm for ADD OR ADC SBB AND SUB XOR CMP.
      case 0x00:
      case 0x08:
      case 0x10:
      case 0x18:
      case 0x20:
      case 0x28:
      case 0x30:
      case 0x38: {
        decodeModrm(this);
        const alu = op >>> 3;
        const r = alu8(this, alu, getRm8(this), regs8[r8(this.reg)]);
        if (alu !== 7) setRm8(this, r);
        return;
      }
      case 0x01:
      case 0x09:
      case 0x11:
      case 0x19:
      case 0x21:
      case 0x29:
      case 0x31:
      case 0x39: {
        decodeModrm(this);
        const alu = op >>> 3;
        const r = alu16(this, alu, getRm16(this), regs[this.reg]);
        if (alu !== 7) setRm16(this, r);
        return;
      }
      case 0x02:
      case 0x0A:
      case 0x12:
      case 0x1A:
      case 0x22:
      case 0x2A:
      case 0x32:
      case 0x3A: {
        decodeModrm(this);
        const alu = op >>> 3;
        const i = r8(this.reg);
        const r = alu8(this, alu, regs8[i], getRm8(this));
        if (alu !== 7) regs8[i] = r;
        return;
      }
      case 0x03:
      case 0x0B:
      case 0x13:
      case 0x1B:
      case 0x23:
      case 0x2B:
      case 0x33:
      case 0x3B: {
        decodeModrm(this);
        const alu = op >>> 3;
        const r = alu16(this, alu, regs[this.reg], getRm16(this));
        if (alu !== 7) regs[this.reg] = r;
        return;
      }
      case 0x04:
      case 0x0C:
      case 0x14:
      case 0x1C:
      case 0x24:
      case 0x2C:
      case 0x34:
      case 0x3C: {
        const alu = op >>> 3;
        const r = alu8(this, alu, regs8[0], fetch8(this));
        if (alu !== 7) regs8[0] = r;
        return;
      }
      case 0x05:
      case 0x0D:
      case 0x15:
      case 0x1D:
      case 0x25:
      case 0x2D:
      case 0x35:
      case 0x3D: {
        const alu = op >>> 3;
        const r = alu16(this, alu, regs[AX], fetch16(this));
        if (alu !== 7) regs[AX] = r;
        return;
      }

      // Segment register push/pop.
      case 0x06:
      case 0x0E:
      case 0x16:
      case 0x1E:
        push16(this, this.sregs[op >>> 3]);
        return;
      case 0x07:
      case 0x17:
      case 0x1F:
        this.sregs[op >>> 3] = pop16(this);
        if (op === 0x17) this.inhibit = INHIBIT_ALL;
        return;
      case 0x0F:
        if (this.is186) this.invalidOpcode();
        else this.sregs[CS] = pop16(this); // POP CS
        return;

      case 0x27:
        daa(this);
        return;
      case 0x2F:
        das(this);
        return;
      case 0x37:
        aaa(this);
        return;
      case 0x3F:
        aas(this);
        return;

      // INC/DEC/PUSH/POP r16.
      case 0x40:
      case 0x41:
      case 0x42:
      case 0x43:
      case 0x44:
      case 0x45:
      case 0x46:
      case 0x47:
        regs[op & 7] = inc16(this, regs[op & 7]);
        return;
      case 0x48:
      case 0x49:
      case 0x4A:
      case 0x4B:
      case 0x4C:
      case 0x4D:
      case 0x4E:
      case 0x4F:
        regs[op & 7] = dec16(this, regs[op & 7]);
        return;
      case 0x50:
      case 0x51:
      case 0x52:
      case 0x53:
      case 0x55:
      case 0x56:
      case 0x57:
        push16(this, regs[op & 7]);
        return;
      case 0x54: // PUSH SP stores the decremented value on the 8086 and 80186
        push16(this, (regs[SP] - 2) & 0xFFFF);
        return;
      case 0x58:
      case 0x59:
      case 0x5A:
      case 0x5B:
      case 0x5C:
      case 0x5D:
      case 0x5E:
      case 0x5F:
        regs[op & 7] = pop16(this);
        return;

      // 60–6F: 80186 additions; conditional-jump aliases on the 8086.
      case 0x60:
      case 0x61:
      case 0x62:
      case 0x63:
      case 0x64:
      case 0x65:
      case 0x66:
      case 0x67:
      case 0x68:
      case 0x69:
      case 0x6A:
      case 0x6B:
      case 0x6C:
      case 0x6D:
      case 0x6E:
      case 0x6F:
        if (this.is186) this.op186(op);
        else jumpShort(this, condition(this, op & 15));
        return;

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
        jumpShort(this, condition(this, op & 15));
        return;

      case 0x80:
      case 0x81:
      case 0x82:
      case 0x83:
        decodeModrm(this);
        group1(this, op);
        return;
      case 0x84:
        decodeModrm(this);
        logic8(this, getRm8(this) & regs8[r8(this.reg)]);
        return;
      case 0x85:
        decodeModrm(this);
        logic16(this, getRm16(this) & regs[this.reg]);
        return;
      case 0x86: {
        decodeModrm(this);
        const i = r8(this.reg);
        const v = getRm8(this);
        setRm8(this, regs8[i]);
        regs8[i] = v;
        return;
      }
      case 0x87: {
        decodeModrm(this);
        const v = getRm16(this);
        setRm16(this, regs[this.reg]);
        regs[this.reg] = v;
        return;
      }
      case 0x88:
        decodeModrm(this);
        setRm8(this, regs8[r8(this.reg)]);
        return;
      case 0x89:
        decodeModrm(this);
        setRm16(this, regs[this.reg]);
        return;
      case 0x8A:
        decodeModrm(this);
        regs8[r8(this.reg)] = getRm8(this);
        return;
      case 0x8B:
        decodeModrm(this);
        regs[this.reg] = getRm16(this);
        return;
      case 0x8C:
        decodeModrm(this);
        setRm16(this, this.sregs[this.reg & 3]);
        return;
      case 0x8D: // LEA (a register operand leaves the destination unchanged here)
        decodeModrm(this);
        if (this.mod !== 3) regs[this.reg] = this.eaOff;
        return;
      case 0x8E: {
        decodeModrm(this);
        const s = this.reg & 3;
        this.sregs[s] = getRm16(this);
        if (s === SS) this.inhibit = INHIBIT_ALL;
        return;
      }
      case 0x8F:
        decodeModrm(this);
        popRm(this);
        return;

      case 0x90:
        return;
      case 0x91:
      case 0x92:
      case 0x93:
      case 0x94:
      case 0x95:
      case 0x96:
      case 0x97: {
        const v = regs[op & 7];
        regs[op & 7] = regs[AX];
        regs[AX] = v;
        return;
      }
      case 0x98: // CBW
        regs[AX] = (regs8[0] << 24) >> 24;
        return;
      case 0x99: // CWD
        regs[DX] = (regs[AX] & 0x8000) !== 0 ? 0xFFFF : 0;
        return;
      case 0x9A: {
        const off = fetch16(this);
        const seg = fetch16(this);
        callFar(this, seg, off);
        return;
      }
      case 0x9B: // WAIT: no coprocessor, so TEST is never busy
        return;
      case 0x9C:
        push16(this, this.getFlags());
        return;
      case 0x9D:
        this.flags = pop16(this) & DEFINED_FLAGS;
        return;
      case 0x9E: // SAHF
        this.flags = (this.flags & ~0xFF) | (regs8[1] & 0xD5);
        return;
      case 0x9F: // LAHF
        regs8[1] = this.getFlags() & 0xFF;
        return;

      case 0xA0:
        regs8[0] = read8(this, this.dataSeg(), fetch16(this));
        return;
      case 0xA1:
        regs[AX] = read16(this, this.dataSeg(), fetch16(this));
        return;
      case 0xA2:
        write8(this, this.dataSeg(), fetch16(this), regs8[0]);
        return;
      case 0xA3:
        write16(this, this.dataSeg(), fetch16(this), regs[AX]);
        return;
      case 0xA4:
      case 0xA5:
      case 0xA6:
      case 0xA7:
      case 0xAA:
      case 0xAB:
      case 0xAC:
      case 0xAD:
      case 0xAE:
      case 0xAF:
        stringOp(this, op);
        return;
      case 0xA8:
        logic8(this, regs8[0] & fetch8(this));
        return;
      case 0xA9:
        logic16(this, regs[AX] & fetch16(this));
        return;

      case 0xB0:
      case 0xB1:
      case 0xB2:
      case 0xB3:
      case 0xB4:
      case 0xB5:
      case 0xB6:
      case 0xB7:
        regs8[r8(op & 7)] = fetch8(this);
        return;
      case 0xB8:
      case 0xB9:
      case 0xBA:
      case 0xBB:
      case 0xBC:
      case 0xBD:
      case 0xBE:
      case 0xBF:
        regs[op & 7] = fetch16(this);
        return;

      case 0xC0:
      case 0xC1:
        if (this.is186) {
          decodeModrm(this);
          group2(this, op);
        } else {
          retNear(this, op === 0xC0 ? fetch16(this) : 0);
        }
        return;
      case 0xC2:
        retNear(this, fetch16(this));
        return;
      case 0xC3:
        retNear(this, 0);
        return;
      case 0xC4:
      case 0xC5: {
        decodeModrm(this);
        const off = getRm16(this);
        this.sregs[op === 0xC4 ? ES : DS] = getRmHigh16(this);
        regs[this.reg] = off;
        return;
      }
      case 0xC6:
        decodeModrm(this);
        setRm8(this, fetch8(this));
        return;
      case 0xC7:
        decodeModrm(this);
        setRm16(this, fetch16(this));
        return;
      case 0xC8:
        if (this.is186) {
          const size = fetch16(this);
          enter(this, size, fetch8(this));
        } else {
          retFar(this, fetch16(this));
        }
        return;
      case 0xC9:
        if (this.is186) leave(this);
        else retFar(this, 0);
        return;
      case 0xCA:
        retFar(this, fetch16(this));
        return;
      case 0xCB:
        retFar(this, 0);
        return;
      case 0xCC:
        this.interrupt(3);
        return;
      case 0xCD:
        this.interrupt(fetch8(this));
        return;
      case 0xCE:
        if ((this.flags & 0x800) !== 0) this.interrupt(4);
        return;
      case 0xCF:
        iret(this);
        return;

      case 0xD0:
      case 0xD1:
      case 0xD2:
      case 0xD3:
        decodeModrm(this);
        group2(this, op);
        return;
      case 0xD4:
        aam(this, fetch8(this));
        return;
      case 0xD5:
        aad(this, fetch8(this));
        return;
      case 0xD6: // SALC
        regs8[0] = (this.flags & FLAG_CF) !== 0 ? 0xFF : 0;
        return;
      case 0xD7: // XLAT
        regs8[0] = read8(this, this.dataSeg(), (regs[BX] + regs8[0]) & 0xFFFF);
        return;
      case 0xD8:
      case 0xD9:
      case 0xDA:
      case 0xDB:
      case 0xDC:
      case 0xDD:
      case 0xDE:
      case 0xDF: // ESC: no coprocessor; the memory operand is still read
        decodeModrm(this);
        if (this.mod !== 3) getRm16(this);
        return;

      case 0xE0:
      case 0xE1:
      case 0xE2:
      case 0xE3:
        loopOp(this, op);
        return;
      case 0xE4:
        regs8[0] = this.io.in8(fetch8(this));
        return;
      case 0xE5:
        regs[AX] = this.io.in16(fetch8(this));
        return;
      case 0xE6:
        this.io.out8(fetch8(this), regs8[0]);
        return;
      case 0xE7:
        this.io.out16(fetch8(this), regs[AX]);
        return;
      case 0xE8:
        callNear(this);
        return;
      case 0xE9: {
        const d = fetch16(this);
        this.ip = (this.ip + d) & 0xFFFF;
        return;
      }
      case 0xEA: {
        const off = fetch16(this);
        this.sregs[CS] = fetch16(this);
        this.ip = off;
        return;
      }
      case 0xEB:
        jumpShort(this, true);
        return;
      case 0xEC:
        regs8[0] = this.io.in8(regs[DX]);
        return;
      case 0xED:
        regs[AX] = this.io.in16(regs[DX]);
        return;
      case 0xEE:
        this.io.out8(regs[DX], regs8[0]);
        return;
      case 0xEF:
        this.io.out16(regs[DX], regs[AX]);
        return;

      case 0xF4:
        this.halted = true;
        return;
      case 0xF5:
        this.flags ^= FLAG_CF;
        return;
      case 0xF6:
      case 0xF7:
        decodeModrm(this);
        group3(this, op);
        return;
      case 0xF8:
        this.flags &= ~FLAG_CF;
        return;
      case 0xF9:
        this.flags |= FLAG_CF;
        return;
      case 0xFA:
        this.flags &= ~FLAG_IF;
        return;
      case 0xFB:
        this.flags |= FLAG_IF;
        this.inhibit = INHIBIT_INTR;
        return;
      case 0xFC:
        this.flags &= ~FLAG_DF;
        return;
      case 0xFD:
        this.flags |= FLAG_DF;
        return;
      case 0xFE:
        decodeModrm(this);
        group4(this);
        return;
      default: // 0xFF
        decodeModrm(this);
        group5(this);
        return;
    }
  }

  /** The segment for a default-DS memory reference, honouring an override prefix. */
  private dataSeg(): number {
    return this.segOverride >= 0 ? this.segOverride : DS;
  }

  /** 80186 opcodes 60–6F. */
  private op186(op: number): void {
    const regs = this.regs;
    switch (op) {
      case 0x60:
        pusha(this);
        return;
      case 0x61:
        popa(this);
        return;
      case 0x62: { // BOUND r16, m16&16
        decodeModrm(this);
        if (this.mod === 3) {
          this.invalidOpcode();
          return;
        }
        const v = (regs[this.reg] << 16) >> 16;
        const lo = (getRm16(this) << 16) >> 16;
        const hi = (getRmHigh16(this) << 16) >> 16;
        if (v < lo || v > hi) {
          this.ip = this.opStart;
          this.interrupt(5);
        }
        return;
      }
      case 0x68:
        push16(this, fetch16(this));
        return;
      case 0x6A:
        push16(this, fetch8(this) << 24 >> 24 & 0xFFFF);
        return;
      case 0x69:
      case 0x6B: {
        decodeModrm(this);
        const a = getRm16(this);
        const b = op === 0x69 ? fetch16(this) : fetch8(this) << 24 >> 24;
        this.cycles += MUL_CYCLES;
        regs[this.reg] = imul3(this, a, b);
        return;
      }
      case 0x6C:
      case 0x6D:
      case 0x6E:
      case 0x6F:
        stringOp(this, op);
        return;
      default: // 63–67
        this.invalidOpcode();
    }
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
    this.regs.set(regs);
    this.sregs.set(sregs);
    this.ip = num("ip") & 0xFFFF;
    this.flags = num("flags") & DEFINED_FLAGS;
    this.cycles = num("cycles");
    this.instructions = num("instructions");
    this.halted = bool("halted");
    this.intrLine = bool("intrLine");
    this.nmiPending = bool("nmiPending");
    this.inhibit = num("inhibit");
  }
}

export type { CpuModel };
