/**
 * Estimates how many bytes per second the link to the terminal carries, from the output queue's
 * counters alone.
 *
 * While bytes stay queued across an interval the link was busy all along, so what drained is its
 * capacity: those intervals are pooled until they cover {@link MIN_BUSY_MS} and then blended in.
 * When the queue ran dry the link took everything we gave it; if the sender was held back by the
 * estimate itself (frames left incomplete), the estimate is probed upwards, as TCP opens its window.
 *
 * @example
 * ```ts
 * const link = new LinkEstimator();
 * link.observe(now, output.inFlight, output.bytesDrained, lastFrameIncomplete);
 * const budget = link.bytesPerSecond * 0.05;
 * ```
 */

/** Pool busy time until it covers this much before trusting a sample. */
export const MIN_BUSY_MS = 150;
/** Weight of a new busy sample. */
const BLEND = 0.35;
/** Upward probe per idle, budget-limited observation. */
const PROBE_UP = 1.25;
/** Probe only if the link carried at least this share of the estimate in the interval (else it sat idle for want of bytes, which says nothing about its capacity). */
const PROBE_WHEN = 0.9;
/** Assumed before anything is known: a fast link, corrected within the first busy interval. */
export const INITIAL_BYTES_PER_SECOND = 1_000_000;
/** No terminal link is assumed faster than this. */
const MAX_BYTES_PER_SECOND = 1_000_000_000;
/** Nor slower: keeps the budget above a row of output even on a stalled link. */
const MIN_BYTES_PER_SECOND = 2_000;

/** The link-capacity estimate. */
export class LinkEstimator {
  /** Current estimate in bytes per second. */
  bytesPerSecond: number;
  /** At least one busy interval was measured. */
  measured = false;
  private lastNow = NaN;
  private lastInFlight = 0;
  private lastDrained = 0;
  private busyMs = 0;
  private busyBytes = 0;

  constructor(initial = INITIAL_BYTES_PER_SECOND) {
    this.bytesPerSecond = initial;
  }

  /**
   * Takes one look at the queue. `limited`: the sender wanted to send more than the budget allowed
   * since the last look (a frame was left incomplete).
   */
  observe(now: number, inFlight: number, bytesDrained: number, limited: boolean): void {
    if (Number.isNaN(this.lastNow)) {
      this.remember(now, inFlight, bytesDrained);
      return;
    }
    const dt = now - this.lastNow;
    if (dt <= 0) return;
    const drained = bytesDrained - this.lastDrained;
    if (this.lastInFlight > 0 && inFlight > 0) {
      this.busyMs += dt;
      this.busyBytes += drained;
      if (this.busyMs >= MIN_BUSY_MS) {
        const sample = this.busyBytes * 1000 / this.busyMs;
        this.bytesPerSecond = this.measured ? this.bytesPerSecond * (1 - BLEND) + sample * BLEND : sample;
        this.measured = true;
        this.busyMs = this.busyBytes = 0;
      }
    } else if (inFlight === 0) {
      // Everything sent so far arrived: the link carries at least what drained.
      const floor = drained * 1000 / dt;
      if (floor > this.bytesPerSecond) this.bytesPerSecond = floor;
      if (limited && floor >= this.bytesPerSecond * PROBE_WHEN) this.bytesPerSecond *= PROBE_UP;
    }
    this.bytesPerSecond = Math.min(MAX_BYTES_PER_SECOND, Math.max(MIN_BYTES_PER_SECOND, this.bytesPerSecond));
    this.remember(now, inFlight, bytesDrained);
  }

  private remember(now: number, inFlight: number, bytesDrained: number): void {
    this.lastNow = now;
    this.lastInFlight = inFlight;
    this.lastDrained = bytesDrained;
  }
}
