/**
 * Bits of the MC146818's status registers A–D and the periodic-rate table.
 */

/** Register A. */
export const RegA = {
  /** Update in progress (read-only). */
  UpdateInProgress: 0x80,
  /** DV2–DV0: time base / divider control. */
  DividerMask: 0x70,
  /** DV = 010: 32.768 kHz time base, divider running. */
  DividerNormal: 0x20,
  /** RS3–RS0: periodic interrupt rate. */
  RateMask: 0x0F,
} as const;

/** Register B. */
export const RegB = {
  /** Updates inhibited while the time is being set. */
  Set: 0x80,
  PeriodicEnable: 0x40,
  AlarmEnable: 0x20,
  UpdateEndedEnable: 0x10,
  SquareWaveEnable: 0x08,
  /** Time registers in binary (set) or BCD (clear). */
  Binary: 0x04,
  /** 24-hour (set) or 12-hour (clear) mode. */
  Hours24: 0x02,
  /** Daylight saving (kept, not acted on). */
  DaylightSaving: 0x01,
} as const;

/** Register C (read-only, cleared by reading). */
export const RegC = {
  IrqFlag: 0x80,
  Periodic: 0x40,
  Alarm: 0x20,
  UpdateEnded: 0x10,
} as const;

/** Register D: valid RAM and time (the battery is fine). */
export const REG_D_VALUE = 0x80;

/** The time base frequency of the AT's RTC crystal. */
export const RTC_TIME_BASE_HZ = 32768;

/**
 * Periodic interrupt period in time-base ticks for rate select `rs` (1–15), or 0 for none.
 * With a 32.768 kHz base, rates 1 and 2 repeat rates 8 and 9 (256 and 128 Hz).
 */
export function periodicTicks(rs: number): number {
  if (rs === 0) return 0;
  if (rs <= 2) rs += 7;
  return 1 << (rs - 1);
}

/** UIP is set from 244 µs before an update until the update cycle (1984 µs) ends. */
export const UIP_BEFORE_TICKS = 8;
export const UIP_AFTER_TICKS = 65;
