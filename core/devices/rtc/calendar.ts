/**
 * Calendar arithmetic for the RTC: wall-clock seconds since 1970-01-01 00:00 (no time
 * zone, no leap seconds) to and from date and time fields, and BCD coding.
 */

const SECONDS_PER_DAY = 86400;

/** Broken-down wall-clock time (mutable, so converting allocates nothing). */
export class CalendarTime {
  year = 1970;
  /** 1–12. */
  month = 1;
  /** 1–31. */
  day = 1;
  hour = 0;
  minute = 0;
  second = 0;
  /** 1 = Sunday … 7 = Saturday, as the MC146818 counts. */
  weekday = 5;
}

/** Days from 1970-01-01 to the given proleptic Gregorian date (month 1–12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Count from 1 March so the leap day ends the year; 400-year eras repeat exactly.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Fills `out` with the fields of `seconds` since 1970-01-01 00:00. */
export function splitSeconds(seconds: number, out: CalendarTime): void {
  const days = Math.floor(seconds / SECONDS_PER_DAY);
  const inDay = seconds - days * SECONDS_PER_DAY;
  out.hour = Math.floor(inDay / 3600);
  out.minute = Math.floor(inDay / 60) % 60;
  out.second = inDay % 60;
  // 1970-01-01 was a Thursday (weekday 5).
  out.weekday = (((days + 4) % 7) + 7) % 7 + 1;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  out.day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  out.month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  out.year = yearOfEra + era * 400 + (out.month <= 2 ? 1 : 0);
}

/** Seconds since 1970-01-01 00:00 of the given fields (out-of-range fields roll over). */
export function joinSeconds(t: CalendarTime): number {
  return daysFromCivil(t.year, t.month, t.day) * SECONDS_PER_DAY + t.hour * 3600 + t.minute * 60 + t.second;
}

/** 0–99 to packed BCD. */
export function toBcd(value: number): number {
  return (Math.floor(value / 10) << 4) | (value % 10);
}

/** Packed BCD to binary (invalid digits are taken at face value, as the chip would count). */
export function fromBcd(value: number): number {
  return (value >> 4) * 10 + (value & 0x0F);
}
