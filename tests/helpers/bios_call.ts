/**
 * Calls BIOS interrupts on a booted test machine the way a program does: a
 * tiny `INT n; JMP $` sequence in RAM, registers set, the machine run in
 * emulated time until the call comes back.
 */
import { AX, BP, BX, CS, CX, DI, DS, DX, ES, SI, SP, SS } from "../../core/cpu/registers.ts";
import { FLAG_IF } from "../../core/cpu/registers.ts";
import { Machine, type MachineConfig } from "../../core/machine/machine.ts";
import { idleBootSector, MemoryDisk } from "./memory_disk.ts";

/** Register values for a call (missing = 0). */
export interface CallRegs {
  ax?: number;
  bx?: number;
  cx?: number;
  dx?: number;
  si?: number;
  di?: number;
  bp?: number;
  es?: number;
  ds?: number;
}

/** Registers and flags after a call. */
export interface CallResult {
  ax: number;
  bx: number;
  cx: number;
  dx: number;
  si: number;
  di: number;
  bp: number;
  es: number;
  ds: number;
  sp: number;
  flags: number;
}

/** Where the call stub lives (free conventional memory above the boot sector). */
const STUB = 0x8000;
const STACK_TOP = 0x9000;

/**
 * A machine booted from a RAM diskette whose boot sector just idles (STI; JMP $),
 * so POST has run and interrupts flow. Extra disks come from `config`.
 */
export function idleMachine(config: MachineConfig = {}): Machine {
  const boot = new MemoryDisk({ cylinders: 80, heads: 2, sectorsPerTrack: 18 });
  boot.data.set(idleBootSector());
  const floppies = config.floppies ?? [boot];
  const m = new Machine({ hostTime: () => new Date(2024, 0, 15, 12, 0, 0), ...config, floppies });
  m.powerOn();
  m.runCycles(m.clock.hz * 0.2);
  if (m.cpu.sregs[CS] !== 0 || m.cpu.ip < 0x7C00 || m.cpu.ip > 0x7C03) {
    throw new Error(
      `machine did not reach the idle boot sector (at ${m.cpu.sregs[CS].toString(16)}:${m.cpu.ip})`,
    );
  }
  return m;
}

/** Starts `INT vector` with `regs`; run the machine until {@link callDone}. */
export function startCall(m: Machine, vector: number, regs: CallRegs): void {
  const cpu = m.cpu;
  m.memory.writeBlock(STUB, new Uint8Array([0xCD, vector, 0xEB, 0xFE]));
  cpu.regs[AX] = regs.ax ?? 0;
  cpu.regs[BX] = regs.bx ?? 0;
  cpu.regs[CX] = regs.cx ?? 0;
  cpu.regs[DX] = regs.dx ?? 0;
  cpu.regs[SI] = regs.si ?? 0;
  cpu.regs[DI] = regs.di ?? 0;
  cpu.regs[BP] = regs.bp ?? 0;
  cpu.sregs[ES] = regs.es ?? 0;
  cpu.sregs[DS] = regs.ds ?? 0;
  cpu.sregs[SS] = 0;
  cpu.regs[SP] = STACK_TOP;
  cpu.sregs[CS] = 0;
  cpu.ip = STUB;
  cpu.halted = false;
  cpu.setFlags(FLAG_IF);
}

/** True once the call has returned to the stub's JMP $. */
export function callDone(m: Machine): boolean {
  return m.cpu.sregs[CS] === 0 && m.cpu.ip === STUB + 2 && m.cpu.regs[SP] === STACK_TOP;
}

/** The registers now. */
export function registers(m: Machine): CallResult {
  const c = m.cpu;
  return {
    ax: c.regs[AX],
    bx: c.regs[BX],
    cx: c.regs[CX],
    dx: c.regs[DX],
    si: c.regs[SI],
    di: c.regs[DI],
    bp: c.regs[BP],
    es: c.sregs[ES],
    ds: c.sregs[DS],
    sp: c.regs[SP],
    flags: c.getFlags(),
  };
}

/** Calls `INT vector` and runs until it returns (throws after `timeoutSeconds` of emulated time). */
export function callInt(m: Machine, vector: number, regs: CallRegs = {}, timeoutSeconds = 1): CallResult {
  startCall(m, vector, regs);
  const step = Math.max(100, Math.round(m.clock.hz / 10000));
  const deadline = m.cpu.cycles + timeoutSeconds * m.clock.hz;
  while (!callDone(m)) {
    if (m.cpu.cycles >= deadline) throw new Error(`INT ${vector.toString(16)}h did not return`);
    m.runCycles(step);
  }
  return registers(m);
}
