/**
 * INT 15h system services of an AT-class machine without extended memory:
 * keyboard intercept (4Fh), OS hooks (80h–82h, 85h, 90h, 91h), the
 * interval wait (86h, run by the ROM stub around {@link SystemService.waitBegin}
 * and {@link SystemService.waitCheck}), extended memory size (88h) and the
 * configuration table (C0h). Everything else: CF=1, AH=86h (unsupported),
 * among them on purpose: 83h (event wait: only the blocking 86h wait exists),
 * 87h (extended memory block move: there is no extended memory and no
 * protected mode), 89h (protected mode) and C1h (extended BIOS data area
 * segment: there is no EBDA, and the configuration table's feature byte 1
 * leaves bit 2, "EBDA allocated", clear). See core/bios/README.md.
 */
import { AH, AX, BX, CX, DX, ES } from "../cpu/registers.ts";
import * as B from "./bda.ts";
import { type Bda, setCarry } from "./access.ts";
import type { BiosCpu } from "./host.ts";
import type { Clock } from "../time/timed_device.ts";
import type { IoBus } from "../io/io_bus.ts";
import * as C from "./cmos.ts";
import * as L from "./rom_layout.ts";

/** The system services BIOS. */
export class SystemService {
  /** Cycle at which the running AH=86h wait ends (meaningful while 40:A0 bit 0 is set). */
  waitUntil = 0;

  constructor(
    private readonly cpu: BiosCpu,
    private readonly bda: Bda,
    private readonly io: IoBus,
    private readonly cmos: C.Cmos,
    private readonly clock: Clock | undefined,
  ) {}

  handle(): void {
    const r8 = this.cpu.regs8;
    switch (r8[AH]) {
      case 0x4F: // keyboard intercept: keep the scancode (CF stays set by the caller)
        setCarry(this.cpu, true);
        return;
      case 0x80:
      case 0x81:
      case 0x82:
      case 0x85:
      case 0x90:
      case 0x91:
        r8[AH] = 0;
        setCarry(this.cpu, false);
        return;
      case 0x88:
        this.cpu.regs[AX] = 0;
        setCarry(this.cpu, false);
        return;
      case 0xC0:
        this.cpu.sregs[ES] = L.ROM_SEGMENT;
        this.cpu.regs[BX] = L.ROM_CONFIG_TABLE;
        r8[AH] = 0;
        setCarry(this.cpu, false);
        return;
      case 0x83: // event wait (only AH=86h's blocking wait is offered)
      case 0x87: // move extended memory block: no extended memory
      case 0xC1: // extended BIOS data area segment: no EBDA
      default:
        r8[AH] = 0x86;
        setCarry(this.cpu, true);
        return;
    }
  }

  /** AH=86h start: CX:DX microseconds. CF=1 AH=83h if a wait is already running. */
  waitBegin(): void {
    const active = this.bda.get8(B.BDA_WAIT_ACTIVE);
    if ((active & 0x01) !== 0) {
      this.cpu.regs8[AH] = 0x83;
      setCarry(this.cpu, true);
      return;
    }
    const micros = this.cpu.regs[CX] * 0x10000 + this.cpu.regs[DX];
    const clock = this.clock;
    this.waitUntil = clock === undefined ? 0 : clock.now() + Math.ceil((micros * clock.hz) / 1e6);
    this.bda.set32(B.BDA_WAIT_COUNT, micros);
    this.bda.set16(B.BDA_WAIT_FLAG_PTR, B.BDA_WAIT_ACTIVE);
    this.bda.set16(B.BDA_WAIT_FLAG_PTR + 2, B.BDA_SEGMENT);
    this.bda.set8(B.BDA_WAIT_ACTIVE, 0x01);
    // The RTC's 1024 Hz periodic interrupt wakes the halted CPU so the wait ends on time.
    this.cmos.write(C.RTC_STATUS_B, this.cmos.read(C.RTC_STATUS_B) | C.RTC_B_PIE);
    this.io.out8(0xA1, this.io.in8(0xA1) & ~0x01);
    this.io.out8(0x21, this.io.in8(0x21) & ~0x04);
    setCarry(this.cpu, false);
  }

  /** AH=86h loop: CF=1 while the interval runs; at the end the wait is torn down and CF=0. */
  waitCheck(): void {
    const now = this.clock === undefined ? Infinity : this.clock.now();
    if ((this.bda.get8(B.BDA_WAIT_ACTIVE) & 0x01) !== 0 && now < this.waitUntil) {
      setCarry(this.cpu, true);
      return;
    }
    this.bda.set8(B.BDA_WAIT_ACTIVE, 0x80);
    this.bda.set32(B.BDA_WAIT_COUNT, 0);
    this.cmos.write(C.RTC_STATUS_B, this.cmos.read(C.RTC_STATUS_B) & ~C.RTC_B_PIE);
    this.bda.set8(B.BDA_WAIT_ACTIVE, 0);
    setCarry(this.cpu, false);
  }
}
