/**
 * How devices take part in emulated time.
 *
 * Emulated time is counted in CPU clock cycles since power-on (`Clock.now()`).
 * The machine runs the CPU up to the earliest `nextEvent()` of its timed
 * devices, then calls `advance(now)` on each. Devices that are read through
 * ports (the PIT's counters, the VGA's retrace bit) compute their state from
 * `clock.now()` at the moment of the read, so they are exact between events.
 */

/** The emulated time base. */
export interface Clock {
  /** CPU clock frequency in Hz (cycles per emulated second). */
  readonly hz: number;
  /** Cycles since power-on. */
  now(): number;
}

/** A device with work to do at points in emulated time. */
export interface TimedDevice {
  /** The cycle at which this device next needs `advance`, or Infinity. */
  nextEvent(): number;
  /** Brings the device up to `now`, doing everything due by then (raising IRQs, retrace). */
  advance(now: number): void;
}
