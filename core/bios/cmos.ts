/**
 * CMOS/RTC register access through ports 70h/71h (index, data), with
 * NMI left enabled, as the BIOS services use it.
 */
import type { IoBus } from "../io/io_bus.ts";

export const RTC_SECONDS = 0x00;
export const RTC_SECONDS_ALARM = 0x01;
export const RTC_MINUTES = 0x02;
export const RTC_MINUTES_ALARM = 0x03;
export const RTC_HOURS = 0x04;
export const RTC_HOURS_ALARM = 0x05;
export const RTC_DAY = 0x07;
export const RTC_MONTH = 0x08;
export const RTC_YEAR = 0x09;
export const RTC_STATUS_A = 0x0A;
export const RTC_STATUS_B = 0x0B;
export const RTC_STATUS_C = 0x0C;
export const CMOS_CENTURY = 0x32;

/** Status register B bits. */
export const RTC_B_SET = 0x80;
export const RTC_B_PIE = 0x40;
export const RTC_B_AIE = 0x20;
export const RTC_B_BINARY = 0x04;
export const RTC_B_24H = 0x02;
export const RTC_B_DST = 0x01;

/** Reads and writes CMOS registers. */
export class Cmos {
  constructor(private readonly io: IoBus) {}

  read(index: number): number {
    this.io.out8(0x70, index & 0x7F);
    return this.io.in8(0x71);
  }

  write(index: number, value: number): void {
    this.io.out8(0x70, index & 0x7F);
    this.io.out8(0x71, value & 0xFF);
  }
}

/** BCD byte → number. */
export function fromBcd(v: number): number {
  return (v >> 4) * 10 + (v & 0x0F);
}

/** Number (0–99) → BCD byte. */
export function toBcd(n: number): number {
  return (Math.floor(n / 10) % 10) * 16 + (n % 10);
}
