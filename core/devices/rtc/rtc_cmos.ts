/**
 * The MC146818 real-time clock and CMOS RAM at 70h (index, NMI mask) / 71h (data), IRQ8.
 */

import type { IoDevice } from "../../io/io_bus.ts";
import type { Stateful, StateValue } from "../../state.ts";
import type { Clock, TimedDevice } from "../../time/timed_device.ts";
import type { IrqLines } from "../interrupts.ts";
import { boolField, bytesField, intField, numberField, stateRecord } from "../state_fields.ts";
import { scaleCeil, scaleFloor } from "../time_scale.ts";
import { CalendarTime, fromBcd, joinSeconds, splitSeconds, toBcd } from "./calendar.ts";
import { CHECKSUM_FIRST, CHECKSUM_LAST, Cmos, DEFAULT_STATUS_A, DEFAULT_STATUS_B } from "./cmos_layout.ts";
import {
  periodicTicks,
  REG_D_VALUE,
  RegA,
  RegB,
  RegC,
  RTC_TIME_BASE_HZ,
  UIP_AFTER_TICKS,
  UIP_BEFORE_TICKS,
} from "./rtc_registers.ts";

const RTC_IRQ = 8;
const TICKS_PER_SECOND = RTC_TIME_BASE_HZ;
/** Alarm bytes C0h–FFh match any value. */
const ALARM_DONT_CARE = 0xC0;

/**
 * MC146818 RTC with 128 bytes of CMOS.
 *
 * The date and time are read from the host once, at power-on (`hostTime`, local time), and
 * from then on advance with EMULATED time: the guest measures time with the PIT and the RTC
 * together (e.g. DOS sets its tick count from the RTC and then counts IRQ0), so both must run
 * on the same clock or the guest sees them drift apart whenever emulation runs slower or
 * faster than real time, or is paused or restored from a snapshot.
 *
 * Everything is computed from the 32.768 kHz time-base tick count
 * floor(cycles × 32768 / clock.hz). Writes to the day-of-week register are ignored (it is
 * derived from the date); changing the BCD/binary or 12/24-hour bits re-codes the current time.
 */
export class RtcCmos implements IoDevice, TimedDevice, Stateful {
  /** Registers 00h–0Dh (only alarms, A and B are stored here) and CMOS 0Eh–7Fh. */
  private readonly ram = new Uint8Array(128);
  private readonly fields = new CalendarTime();
  private index = 0;
  private nmiMasked = false;
  /** Time-base tick of the divider chain's phase: updates happen at phaseTick + k × 32768. */
  private phaseTick = 0;
  /** The time while stopped; while running, the time at update number `baseUpdate`. */
  private baseSeconds = 0;
  private baseUpdate = 0;
  private running = true;
  /** PF, AF, UF of register C, evaluated up to `syncedTick`. */
  private flags = 0;
  private syncedTick = 0;
  private irqHigh = false;

  constructor(private readonly clock: Clock, private readonly irqs: IrqLines, hostTime: () => Date) {
    const now = hostTime();
    this.fields.year = now.getFullYear();
    this.fields.month = now.getMonth() + 1;
    this.fields.day = now.getDate();
    this.fields.hour = now.getHours();
    this.fields.minute = now.getMinutes();
    this.fields.second = now.getSeconds();
    this.baseSeconds = joinSeconds(this.fields);
    // Align the update cycle with the host's second boundary.
    const tick = this.tickAt(clock.now());
    this.phaseTick = tick - Math.floor((now.getMilliseconds() * TICKS_PER_SECOND) / 1000);
    this.baseUpdate = this.updatesBy(tick);
    this.syncedTick = tick;
    this.ram[Cmos.StatusA] = DEFAULT_STATUS_A;
    this.ram[Cmos.StatusB] = DEFAULT_STATUS_B;
    this.ram[Cmos.BaseMemoryLow] = 640 & 0xFF;
    this.ram[Cmos.BaseMemoryHigh] = 640 >> 8;
    this.ram[Cmos.Century] = toBcd(Math.floor(this.fields.year / 100) % 100);
    this.updateChecksum();
  }

  /** Whether NMI is masked (bit 7 of the last write to port 70h). */
  get nmiDisabled(): boolean {
    return this.nmiMasked;
  }

  /** Reads CMOS byte `index` (0Eh–7Fh) without side effects. */
  getCmos(index: number): number {
    checkCmosIndex(index);
    return this.ram[index];
  }

  /** Writes CMOS byte `index` (0Eh–7Fh), e.g. for the BIOS to fill in the configuration. */
  setCmos(index: number, value: number): void {
    checkCmosIndex(index);
    this.ram[index] = value & 0xFF;
  }

  /** Recomputes the checksum of 10h–2Dh into 2Eh (high) / 2Fh (low). */
  updateChecksum(): void {
    let sum = 0;
    for (let i = CHECKSUM_FIRST; i <= CHECKSUM_LAST; i++) sum += this.ram[i];
    this.ram[Cmos.ChecksumHigh] = (sum >> 8) & 0xFF;
    this.ram[Cmos.ChecksumLow] = sum & 0xFF;
  }

  in8(port: number): number {
    if ((port & 1) === 0) return 0xFF; // the index register is write-only
    const tick = this.tickAt(this.clock.now());
    this.sync(tick);
    const index = this.index;
    switch (index) {
      case Cmos.Seconds:
      case Cmos.Minutes:
      case Cmos.Hours:
      case Cmos.DayOfWeek:
      case Cmos.DayOfMonth:
      case Cmos.Month:
      case Cmos.Year:
        splitSeconds(this.secondsAt(tick), this.fields);
        return this.encodeField(index);
      case Cmos.StatusA:
        return this.ram[index] | (this.updateInProgress(tick) ? RegA.UpdateInProgress : 0);
      case Cmos.StatusC: {
        const value = this.flags | (this.irqHigh ? RegC.IrqFlag : 0);
        this.flags = 0;
        this.updateIrq();
        return value;
      }
      case Cmos.StatusD:
        return REG_D_VALUE;
      default:
        return this.ram[index];
    }
  }

  out8(port: number, value: number): void {
    if ((port & 1) === 0) {
      this.nmiMasked = (value & 0x80) !== 0;
      this.index = value & 0x7F;
      return;
    }
    const tick = this.tickAt(this.clock.now());
    this.sync(tick);
    const index = this.index;
    switch (index) {
      case Cmos.Seconds:
      case Cmos.Minutes:
      case Cmos.Hours:
      case Cmos.DayOfMonth:
      case Cmos.Month:
      case Cmos.Year:
        this.writeField(index, value, tick);
        return;
      case Cmos.DayOfWeek:
      case Cmos.StatusC:
      case Cmos.StatusD:
        return; // derived or read-only
      case Cmos.StatusA:
        this.writeStatusA(value, tick);
        return;
      case Cmos.StatusB:
        this.writeStatusB(value, tick);
        return;
      default:
        this.ram[index] = value;
    }
  }

  nextEvent(): number {
    // While IRQF is set nothing new can reach the PIC until register C is read.
    if (this.irqHigh || (this.ram[Cmos.StatusA] & RegA.DividerMask) !== RegA.DividerNormal) return Infinity;
    const b = this.ram[Cmos.StatusB];
    let tick = Infinity;
    const period = periodicTicks(this.ram[Cmos.StatusA] & RegA.RateMask);
    if ((b & RegB.PeriodicEnable) !== 0 && period > 0) {
      tick = this.phaseTick + (Math.floor((this.syncedTick - this.phaseTick) / period) + 1) * period;
    }
    if ((b & (RegB.UpdateEndedEnable | RegB.AlarmEnable)) !== 0 && this.running) {
      tick = Math.min(tick, this.phaseTick + (this.updatesBy(this.syncedTick) + 1) * TICKS_PER_SECOND);
    }
    return tick === Infinity ? Infinity : scaleCeil(tick, this.clock.hz, RTC_TIME_BASE_HZ);
  }

  advance(now: number): void {
    this.sync(this.tickAt(now));
  }

  saveState(): StateValue {
    return {
      ram: this.ram.slice(),
      index: this.index,
      nmiMasked: this.nmiMasked,
      phaseTick: this.phaseTick,
      baseSeconds: this.baseSeconds,
      baseUpdate: this.baseUpdate,
      running: this.running,
      flags: this.flags,
      syncedTick: this.syncedTick,
      irqHigh: this.irqHigh,
    };
  }

  loadState(state: StateValue): void {
    const what = "RtcCmos";
    const r = stateRecord(state, what);
    this.ram.set(bytesField(r, "ram", 128, what));
    this.index = intField(r, "index", 0, 0x7F, what);
    this.nmiMasked = boolField(r, "nmiMasked", what);
    this.phaseTick = numberField(r, "phaseTick", what);
    this.baseSeconds = numberField(r, "baseSeconds", what);
    this.baseUpdate = numberField(r, "baseUpdate", what);
    this.running = boolField(r, "running", what);
    this.flags = intField(r, "flags", 0, 0x70, what);
    this.syncedTick = numberField(r, "syncedTick", what);
    this.irqHigh = boolField(r, "irqHigh", what);
  }

  private tickAt(cycle: number): number {
    return scaleFloor(cycle, RTC_TIME_BASE_HZ, this.clock.hz);
  }

  /** Update cycles (second boundaries) of the divider chain by time-base tick `tick`. */
  private updatesBy(tick: number): number {
    return Math.floor((tick - this.phaseTick) / TICKS_PER_SECOND);
  }

  private secondsAt(tick: number): number {
    return this.running ? this.baseSeconds + this.updatesBy(tick) - this.baseUpdate : this.baseSeconds;
  }

  private updateInProgress(tick: number): boolean {
    if (!this.running) return false;
    const phase = tick - this.phaseTick - this.updatesBy(tick) * TICKS_PER_SECOND;
    return phase >= TICKS_PER_SECOND - UIP_BEFORE_TICKS || phase < UIP_AFTER_TICKS;
  }

  /** Sets register C flags for everything that happened up to `tick`. */
  private sync(tick: number): void {
    if (tick <= this.syncedTick) return;
    const from = this.syncedTick;
    this.syncedTick = tick;
    if ((this.ram[Cmos.StatusA] & RegA.DividerMask) !== RegA.DividerNormal) return;
    const period = periodicTicks(this.ram[Cmos.StatusA] & RegA.RateMask);
    if (period > 0) {
      if (Math.floor((tick - this.phaseTick) / period) > Math.floor((from - this.phaseTick) / period)) {
        this.flags |= RegC.Periodic;
      }
    }
    if (this.running) {
      const first = this.updatesBy(from) + 1;
      const last = this.updatesBy(tick);
      if (last >= first) {
        this.flags |= RegC.UpdateEnded;
        // Every alarm match recurs within a day, so a longer gap needs no more checks.
        const start = Math.max(first, last - 86400);
        for (let u = start; u <= last && (this.flags & RegC.Alarm) === 0; u++) {
          if (this.alarmMatches(this.baseSeconds + u - this.baseUpdate)) this.flags |= RegC.Alarm;
        }
      }
    }
    this.updateIrq();
  }

  private alarmMatches(seconds: number): boolean {
    const inDay = ((seconds % 86400) + 86400) % 86400;
    return this.alarmByteMatches(Cmos.SecondsAlarm, this.encode(inDay % 60)) &&
      this.alarmByteMatches(Cmos.MinutesAlarm, this.encode(Math.floor(inDay / 60) % 60)) &&
      this.alarmByteMatches(Cmos.HoursAlarm, this.encodeHour(Math.floor(inDay / 3600)));
  }

  private alarmByteMatches(register: number, current: number): boolean {
    const alarm = this.ram[register];
    return (alarm & ALARM_DONT_CARE) === ALARM_DONT_CARE || alarm === current;
  }

  private updateIrq(): void {
    const b = this.ram[Cmos.StatusB];
    const enabled = b & (RegB.PeriodicEnable | RegB.AlarmEnable | RegB.UpdateEndedEnable);
    // Enable bits B6–B4 line up with flag bits C6–C4.
    const high = (this.flags & enabled) !== 0;
    if (high === this.irqHigh) return;
    this.irqHigh = high;
    if (high) this.irqs.raiseIrq(RTC_IRQ);
    else this.irqs.lowerIrq(RTC_IRQ);
  }

  private encodeField(index: number): number {
    const f = this.fields;
    switch (index) {
      case Cmos.Seconds:
        return this.encode(f.second);
      case Cmos.Minutes:
        return this.encode(f.minute);
      case Cmos.Hours:
        return this.encodeHour(f.hour);
      case Cmos.DayOfWeek:
        return this.encode(f.weekday);
      case Cmos.DayOfMonth:
        return this.encode(f.day);
      case Cmos.Month:
        return this.encode(f.month);
      default:
        return this.encode(f.year % 100);
    }
  }

  private encode(value: number): number {
    return (this.ram[Cmos.StatusB] & RegB.Binary) !== 0 ? value : toBcd(value);
  }

  private decode(value: number): number {
    return (this.ram[Cmos.StatusB] & RegB.Binary) !== 0 ? value : fromBcd(value);
  }

  /** 24-hour value to the register's coding (12-hour mode: 1–12 with bit 7 = PM). */
  private encodeHour(hour: number): number {
    if ((this.ram[Cmos.StatusB] & RegB.Hours24) !== 0) return this.encode(hour);
    return this.encode(hour % 12 === 0 ? 12 : hour % 12) | (hour >= 12 ? 0x80 : 0);
  }

  private decodeHour(value: number): number {
    if ((this.ram[Cmos.StatusB] & RegB.Hours24) !== 0) return this.decode(value);
    return (this.decode(value & 0x7F) % 12) + ((value & 0x80) !== 0 ? 12 : 0);
  }

  private writeField(index: number, value: number, tick: number): void {
    const f = this.fields;
    splitSeconds(this.secondsAt(tick), f);
    switch (index) {
      case Cmos.Seconds:
        f.second = this.decode(value);
        break;
      case Cmos.Minutes:
        f.minute = this.decode(value);
        break;
      case Cmos.Hours:
        f.hour = this.decodeHour(value);
        break;
      case Cmos.DayOfMonth:
        f.day = this.decode(value);
        break;
      case Cmos.Month:
        f.month = Math.min(12, Math.max(1, this.decode(value)));
        break;
      default:
        f.year = Math.floor(f.year / 100) * 100 + this.decode(value);
    }
    this.rebase(joinSeconds(f), tick);
  }

  /** Makes `seconds` the time at `tick`, keeping the divider's phase. */
  private rebase(seconds: number, tick: number): void {
    this.baseSeconds = seconds;
    this.baseUpdate = this.updatesBy(tick);
  }

  private writeStatusA(value: number, tick: number): void {
    const wasNormal = (this.ram[Cmos.StatusA] & RegA.DividerMask) === RegA.DividerNormal;
    const normal = (value & RegA.DividerMask) === RegA.DividerNormal;
    const seconds = this.secondsAt(tick);
    this.ram[Cmos.StatusA] = value & ~RegA.UpdateInProgress;
    if (normal && !wasNormal) {
      // Leaving divider reset: the first update comes half a second later.
      this.phaseTick = tick + TICKS_PER_SECOND / 2 - TICKS_PER_SECOND;
    }
    this.setRunning(seconds, tick);
  }

  private writeStatusB(value: number, tick: number): void {
    const seconds = this.secondsAt(tick);
    // Setting SET also clears UIE.
    this.ram[Cmos.StatusB] = (value & RegB.Set) !== 0 ? value & ~RegB.UpdateEndedEnable : value;
    this.setRunning(seconds, tick);
    this.updateIrq();
  }

  /** Starts or stops updates after a write to A or B; `seconds` is the time just before it. */
  private setRunning(seconds: number, tick: number): void {
    this.running = (this.ram[Cmos.StatusA] & RegA.DividerMask) === RegA.DividerNormal &&
      (this.ram[Cmos.StatusB] & RegB.Set) === 0;
    this.rebase(seconds, tick);
  }
}

function checkCmosIndex(index: number): void {
  if (!Number.isInteger(index) || index < Cmos.Diagnostics || index > 0x7F) {
    throw new RangeError(`CMOS index ${index} is outside 0Eh–7Fh`);
  }
}
