/**
 * INT 1Ah time services: the BIOS tick count (00h/01h) and the AT real-time
 * clock through the CMOS ports (02h–07h).
 */
import { AH, AL, CH, CL, CX, DH, DL, DX } from "../cpu/registers.ts";
import * as B from "./bda.ts";
import { type Bda, setCarry } from "./access.ts";
import type { BiosCpu } from "./host.ts";
import * as C from "./cmos.ts";
import type { IoBus } from "../io/io_bus.ts";

/** The time-of-day BIOS. */
export class TimeService {
  constructor(
    private readonly cpu: BiosCpu,
    private readonly bda: Bda,
    private readonly cmos: C.Cmos,
    private readonly io: IoBus,
  ) {}

  handle(): void {
    const r8 = this.cpu.regs8;
    const regs = this.cpu.regs;
    const cmos = this.cmos;
    switch (r8[AH]) {
      case 0x00: {
        const ticks = this.bda.get32(B.BDA_TIMER_TICKS);
        regs[CX] = ticks >>> 16;
        regs[DX] = ticks & 0xFFFF;
        r8[AL] = this.bda.get8(B.BDA_TIMER_MIDNIGHT);
        this.bda.set8(B.BDA_TIMER_MIDNIGHT, 0);
        setCarry(this.cpu, false);
        return;
      }
      case 0x01:
        this.bda.set32(B.BDA_TIMER_TICKS, regs[CX] * 0x10000 + regs[DX]);
        this.bda.set8(B.BDA_TIMER_MIDNIGHT, 0);
        setCarry(this.cpu, false);
        return;
      case 0x02:
        r8[CH] = cmos.read(C.RTC_HOURS);
        r8[CL] = cmos.read(C.RTC_MINUTES);
        r8[DH] = cmos.read(C.RTC_SECONDS);
        r8[DL] = cmos.read(C.RTC_STATUS_B) & C.RTC_B_DST;
        setCarry(this.cpu, false);
        return;
      case 0x03: {
        const b = cmos.read(C.RTC_STATUS_B);
        cmos.write(C.RTC_STATUS_B, b | C.RTC_B_SET);
        cmos.write(C.RTC_HOURS, r8[CH]);
        cmos.write(C.RTC_MINUTES, r8[CL]);
        cmos.write(C.RTC_SECONDS, r8[DH]);
        cmos.write(
          C.RTC_STATUS_B,
          (b & ~(C.RTC_B_SET | C.RTC_B_DST | C.RTC_B_BINARY)) | C.RTC_B_24H | (r8[DL] & 1),
        );
        setCarry(this.cpu, false);
        return;
      }
      case 0x04:
        r8[CH] = cmos.read(C.CMOS_CENTURY);
        r8[CL] = cmos.read(C.RTC_YEAR);
        r8[DH] = cmos.read(C.RTC_MONTH);
        r8[DL] = cmos.read(C.RTC_DAY);
        setCarry(this.cpu, false);
        return;
      case 0x05: {
        const b = cmos.read(C.RTC_STATUS_B);
        cmos.write(C.RTC_STATUS_B, b | C.RTC_B_SET);
        cmos.write(C.CMOS_CENTURY, r8[CH]);
        cmos.write(C.RTC_YEAR, r8[CL]);
        cmos.write(C.RTC_MONTH, r8[DH]);
        cmos.write(C.RTC_DAY, r8[DL]);
        cmos.write(C.RTC_STATUS_B, b & ~C.RTC_B_SET);
        setCarry(this.cpu, false);
        return;
      }
      case 0x06: {
        const b = cmos.read(C.RTC_STATUS_B);
        if ((b & C.RTC_B_AIE) !== 0) {
          setCarry(this.cpu, true); // an alarm is already set
          return;
        }
        cmos.write(C.RTC_HOURS_ALARM, r8[CH]);
        cmos.write(C.RTC_MINUTES_ALARM, r8[CL]);
        cmos.write(C.RTC_SECONDS_ALARM, r8[DH]);
        cmos.write(C.RTC_STATUS_B, b | C.RTC_B_AIE);
        this.io.out8(0xA1, this.io.in8(0xA1) & ~0x01); // unmask IRQ8
        setCarry(this.cpu, false);
        return;
      }
      case 0x07:
        cmos.write(C.RTC_STATUS_B, cmos.read(C.RTC_STATUS_B) & ~C.RTC_B_AIE);
        setCarry(this.cpu, false);
        return;
      default:
        return;
    }
  }
}
