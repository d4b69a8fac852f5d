/**
 * Exact conversions between time bases (CPU cycles, PIT ticks, RTC ticks) without drift.
 *
 * Every conversion is computed from the origin (cycle 0), never by accumulating rounded steps,
 * so the guest sees exactly `cycles × num / den` ticks however often it looks.
 */

/**
 * `floor(value × num / den)`, exact for integer `value` with |value| < 2^53 and integers
 * `num`, `den` whose product is below 2^53. Splitting `value` into `q × den + r` keeps every
 * intermediate product exact in a double.
 */
export function scaleFloor(value: number, num: number, den: number): number {
  let q = Math.floor(value / den);
  let r = value - q * den;
  // The quotient of two doubles may be off by one near an integer; the remainder tells.
  if (r < 0) {
    q -= 1;
    r += den;
  } else if (r >= den) {
    q += 1;
    r -= den;
  }
  return q * num + Math.floor((r * num) / den);
}

/** `ceil(value × num / den)`, exact under the same conditions as {@link scaleFloor}. */
export function scaleCeil(value: number, num: number, den: number): number {
  let q = Math.floor(value / den);
  let r = value - q * den;
  if (r < 0) {
    q -= 1;
    r += den;
  } else if (r >= den) {
    q += 1;
    r -= den;
  }
  return q * num + Math.ceil((r * num) / den);
}
